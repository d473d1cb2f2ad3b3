"""States and reasons of a recording, as stored values with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RecordingState(models.TextChoices):
    """uploading → queued → processing → ready, or failed (from any of the first three)."""

    UPLOADING = "uploading", pgettext_lazy("recording state", "Uploading")
    QUEUED = "queued", pgettext_lazy("recording state", "Queued")
    PROCESSING = "processing", pgettext_lazy("recording state", "Processing")
    READY = "ready", pgettext_lazy("recording state", "Ready")
    FAILED = "failed", pgettext_lazy("recording state", "Failed")


class FailureReason(models.TextChoices):
    """Why a recording failed, in words a teacher can act on (the technical detail is kept apart)."""

    NOT_A_VIDEO = "not_a_video", _("The file is not a video we can read (mp4, mov or webm).")
    NO_VIDEO_STREAM = "no_video_stream", _("The file has no picture.")
    TOO_LONG = "too_long", _("The video is longer than the platform accepts.")
    SOURCE_MISSING = "source_missing", _("The uploaded file is missing; please upload it again.")
    TRANSCODE_FAILED = "transcode_failed", _("The video could not be converted; please try another file.")
    TOO_MANY_ATTEMPTS = (
        "too_many_attempts",
        _("Conversion was interrupted too often; please try again later."),
    )
