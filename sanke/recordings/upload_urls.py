from django.urls import path

from sanke.recordings import upload_views

app_name = "recordings_upload"

urlpatterns = [
    path("", upload_views.uploads, name="uploads"),
    path("<uuid:upload_id>/", upload_views.upload, name="upload"),
]
