from django.urls import path

from sanke.recordings import views

app_name = "recordings"

urlpatterns = [
    path("", views.recording_list, name="list"),
    path("upload/", views.upload_page, name="upload"),
    path("<int:pk>/", views.recording_detail, name="detail"),
    path("<int:pk>/status/", views.recording_status, name="status"),
    path("<int:pk>/delete/", views.recording_delete, name="delete"),
    path("<int:pk>/chapters/", views.chapter_add, name="chapter_add"),
    path("<int:pk>/chapters/<int:chapter_id>/delete/", views.chapter_delete, name="chapter_delete"),
    path("<int:pk>/poster.jpg", views.poster, name="poster"),
    path("<int:pk>/hls/master.m3u8", views.master_playlist, name="master"),
    path("<int:pk>/hls/<str:rendition>/index.m3u8", views.media_playlist, name="playlist"),
    path("<int:pk>/hls/<str:rendition>/<str:name>", views.segment, name="segment"),
]
