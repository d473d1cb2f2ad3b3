"""The tus 1.0 endpoint for resumable video uploads (core protocol, creation and termination extensions).

- ``OPTIONS``  what the server speaks (version, extensions, maximum size);
- ``POST``     creation: ``Upload-Length`` and ``Upload-Metadata`` (filename, title, lesson or school)
               create a recording in state "uploading" and answer its URL;
- ``HEAD``     the upload's ``Upload-Offset`` (how much the server has; a client resumes from there);
- ``PATCH``    a chunk at ``Upload-Offset``, which must equal the server's offset (else 409);
- ``DELETE``   termination: the upload and its file are removed.

Every request needs a signed-in user and ``Tus-Resumable: 1.0.0``; the page's CSRF token travels as a header.
The rules that keep chunks from corrupting or duplicating the file are in ``actions.do_append_chunk``.
See docs/decisions/0016-resumable-uploads.md for why this is our own code.
"""

from __future__ import annotations

import base64
import binascii

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sanke.core.access import access_object
from sanke.core.scoping import CHANGE
from sanke.org.models import School
from sanke.recordings import actions
from sanke.recordings.access import host_school_of, may_upload_for_school
from sanke.recordings.choices import RecordingState
from sanke.recordings.models import Recording
from sanke.timetable.models import Lesson

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,termination"


def _tus(response: HttpResponse) -> HttpResponse:
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    return response


def _refuse(message: str, status: int) -> HttpResponse:
    return _tus(HttpResponse(message, status=status, content_type="text/plain; charset=utf-8"))


def _metadata(header: str) -> dict[str, str]:
    """``Upload-Metadata``: comma-separated ``key base64value`` pairs."""
    found: dict[str, str] = {}
    for pair in header.split(",")[:20]:
        parts = pair.strip().split(" ")
        if not parts[0]:
            continue
        try:
            found[parts[0]] = base64.b64decode(parts[1]).decode() if len(parts) > 1 else ""
        except (binascii.Error, UnicodeDecodeError, ValueError):
            found[parts[0]] = ""
    return found


def _int_header(request, name: str) -> int | None:
    value = request.headers.get(name, "")
    return int(value) if value.isdigit() and len(value) < 20 else None


@login_required
@require_http_methods(["OPTIONS", "POST"])
def uploads(request):
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        response["Tus-Version"] = TUS_VERSION
        response["Tus-Extension"] = EXTENSIONS
        response["Tus-Max-Size"] = str(settings.SANKE_RECORDING_MAX_BYTES)
        return _tus(response)
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        return _refuse(_("Unsupported upload protocol version."), 412)
    length = _int_header(request, "Upload-Length")
    if length is None:
        return _refuse(_("The upload must say its size."), 400)
    meta = _metadata(request.headers.get("Upload-Metadata", ""))
    lesson = None
    if meta.get("lesson", "").isdigit():
        lesson = access_object(
            Lesson,
            request.user,
            int(meta["lesson"]),
            queryset=Lesson.objects.select_related("series__alliance"),
        )
        school = host_school_of(lesson)
    elif meta.get("school", "").isdigit():
        school = access_object(School, request.user, int(meta["school"]))
    else:
        return _refuse(_("Choose a lesson or a school for the video."), 400)
    if not may_upload_for_school(request.user, school):
        raise PermissionDenied
    try:
        recording = actions.do_create_upload(
            acting_user=request.user,
            school=school,
            lesson=lesson,
            title=meta.get("title", ""),
            file_name=meta.get("filename", ""),
            length=length,
        )
    except actions.UploadRefused as refused:
        return _refuse(refused.message, refused.status)
    response = HttpResponse(status=201)
    response["Location"] = request.build_absolute_uri(
        reverse("recordings_upload:upload", args=[recording.upload_id])
    )
    response["X-Recording-Url"] = reverse("recordings:detail", args=[recording.pk])
    return _tus(response)


def _upload_of(request, upload_id) -> Recording:
    recording = Recording.objects.visible_to(request.user, CHANGE).filter(upload_id=upload_id).first()
    if recording is None or recording.uploaded_by_id != request.user.pk:
        raise Http404
    return recording


@login_required
@require_http_methods(["HEAD", "PATCH", "DELETE", "OPTIONS"])
def upload(request, upload_id):
    recording = _upload_of(request, upload_id)
    if request.method == "OPTIONS":
        return _tus(HttpResponse(status=204))
    if request.method == "HEAD":
        response = HttpResponse(status=200)
        response["Upload-Offset"] = str(recording.upload_offset)
        response["Upload-Length"] = str(recording.upload_length)
        return _tus(response)
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        return _refuse(_("Unsupported upload protocol version."), 412)
    if request.method == "DELETE":
        if recording.state != RecordingState.UPLOADING:
            return _refuse(_("This upload is already complete."), 409)
        actions.do_delete_recording(recording, acting_user=request.user)
        return _tus(HttpResponse(status=204))
    if request.content_type != "application/offset+octet-stream":
        return _refuse(_("Unexpected content type."), 415)
    offset = _int_header(request, "Upload-Offset")
    length = _int_header(request, "Content-Length")
    if offset is None or length is None:
        return _refuse(_("The part must say where it starts and how long it is."), 400)
    try:
        new_offset = actions.do_append_chunk(recording, offset=offset, body=request, length=length)
    except actions.UploadRefused as refused:
        return _refuse(refused.message, refused.status)
    response = HttpResponse(status=204)
    response["Upload-Offset"] = str(new_offset)
    return _tus(response)
