from django.urls import path

from sanke.supervision import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard_home, name="home"),
    path("regions/<int:region_pk>/", views.region_dashboard, name="region"),
    path("regions/<int:region_pk>/lessons/", views.region_lessons, name="region_lessons"),
    path("regions/<int:region_pk>/warnings.xlsx", views.region_warnings, name="region_warnings"),
    path("schools/<int:school_pk>/", views.school_dashboard, name="school"),
    path("schools/<int:school_pk>/warnings.xlsx", views.school_warnings, name="school_warnings"),
    path("schools/<int:school_pk>/lessons/", views.school_lessons, name="school_lessons"),
    path("classes/<int:class_pk>/", views.class_dashboard, name="class"),
    path("alliances/<int:alliance_pk>/", views.alliance_dashboard, name="alliance"),
    path("teachers/<int:person_pk>/", views.teacher_record, name="teacher"),
    path("regions/<int:region_pk>/reports/", views.region_report, name="region_report"),
    path("schools/<int:school_pk>/reports/", views.school_report, name="school_report"),
    path("report-jobs/<int:pk>/", views.report_job, name="report_job"),
    path("report-jobs/<int:pk>/status/", views.report_job_status, name="report_job_status"),
    path("report-jobs/<int:pk>/xlsx/", views.report_xlsx, name="report_xlsx"),
    path("report-jobs/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
]
