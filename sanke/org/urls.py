from django.urls import path

from sanke.org import import_views, views

app_name = "org"

urlpatterns = [
    path("regions/", views.region_list, name="region_list"),
    path("regions/new/", views.region_create, name="region_create"),
    path("regions/<int:pk>/", views.region_detail, name="region_detail"),
    path("regions/<int:pk>/edit/", views.region_edit, name="region_edit"),
    path("schools/", views.school_list, name="school_list"),
    path("schools/new/", views.school_create, name="school_create"),
    path("schools/<int:pk>/", views.school_detail, name="school_detail"),
    path("schools/<int:pk>/edit/", views.school_edit, name="school_edit"),
    path("schools/<int:school_pk>/grades/new/", views.grade_create, name="grade_create"),
    path("schools/<int:school_pk>/classes/new/", views.class_create, name="class_create"),
    path("schools/<int:school_pk>/classrooms/new/", views.classroom_create, name="classroom_create"),
    path("schools/<int:school_pk>/people/new/", views.person_create, name="person_create"),
    path("classes/", views.class_list, name="class_list"),
    path("classes/<int:pk>/", views.class_detail, name="class_detail"),
    path("classes/<int:pk>/edit/", views.class_edit, name="class_edit"),
    path("classrooms/", views.classroom_list, name="classroom_list"),
    path("classrooms/<int:pk>/", views.classroom_detail, name="classroom_detail"),
    path("classrooms/<int:pk>/edit/", views.classroom_edit, name="classroom_edit"),
    path("classrooms/<int:classroom_pk>/equipment/new/", views.equipment_create, name="equipment_create"),
    path("equipment/<int:pk>/edit/", views.equipment_edit, name="equipment_edit"),
    path("people/", views.person_list, name="person_list"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("delete/<str:kind>/<int:pk>/", views.delete_object, name="delete"),
    path("import/", import_views.import_page, name="import"),
    path("import/jobs/<int:pk>/", import_views.import_job, name="import_job"),
    path("import/jobs/<int:pk>/status/", import_views.import_job_status, name="import_job_status"),
    path("import/template/<str:kind>.<str:fmt>", import_views.import_template, name="import_template"),
]
