"""Pages of recordings (library, upload, the recording with its status or player) and its media.

Media is served only through here: the master playlist names the renditions, each media playlist is
rewritten per request with signed, short-lived segment links (``links.py``), and segments answer only to
a good link for the signed-in viewer who may see the recording (404 out of scope, 403 expired or forged).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sanke.core.access import access_object
from sanke.core.pages import list_page
from sanke.core.scoping import CHANGE, VIEW, scope_for
from sanke.org.models import School
from sanke.recordings import actions, links, storage
from sanke.recordings.access import host_school_of, may_upload_for_school
from sanke.recordings.filters import RecordingFilter
from sanke.recordings.forms import ChapterForm
from sanke.recordings.models import Chapter, Recording
from sanke.recordings.selectors import chapters_of, library, status_of
from sanke.timetable.models import Lesson

SEGMENT_NAME = re.compile(r"^seg\d{5}\.ts$")


def _recording(request, pk, action=VIEW) -> Recording:
    return access_object(
        Recording,
        request.user,
        pk,
        action=action,
        queryset=Recording.objects.select_related("school", "lesson__series__alliance", "renditions"),
    )


def _may_change(user, recording: Recording) -> bool:
    return Recording.objects.visible_to(user, CHANGE).filter(pk=recording.pk).exists()


@login_required
@require_GET
def recording_list(request):
    return list_page(
        request,
        "recordings/list.html",
        library(request.user),
        RecordingFilter,
        can_upload=scope_for(request.user).is_staff_role,
    )


@login_required
@require_GET
def upload_page(request):
    """The upload form: a video for a lesson (``?lesson=``) or for the library of one of the user's
    schools."""
    lesson = None
    schools: list = []
    if request.GET.get("lesson", "").isdigit():
        lesson = access_object(
            Lesson,
            request.user,
            int(request.GET["lesson"]),
            queryset=Lesson.objects.select_related("series__alliance"),
        )
        if not may_upload_for_school(request.user, host_school_of(lesson)):
            raise PermissionDenied
    else:
        schools = [
            s
            for s in School.objects.visible_to(request.user).select_related("region")[:500]
            if may_upload_for_school(request.user, s)
        ]
        if not schools:
            raise PermissionDenied
    texts = {
        "choose": _("Choose a video file first."),
        "progress": _("{done} MB of {total} MB ({percent})"),
        "resumed": _("Continuing where the upload stopped…"),
        "done": _("Uploaded. Opening the recording…"),
        "failed": _("The upload stopped: {reason}. Choose the same file again to continue."),
        "paused": _("Paused. Press Upload to continue."),
    }
    return render(
        request,
        "recordings/upload.html",
        {
            "lesson": lesson,
            "schools": schools,
            "texts": texts,
            "chunk_bytes": settings.SANKE_RECORDING_CHUNK_BYTES,
        },
    )


@login_required
@require_GET
def recording_detail(request, pk):
    recording = _recording(request, pk)
    renditions = getattr(recording, "renditions", None) if recording.state == "ready" else None
    return render(
        request,
        "recordings/detail.html",
        {
            "recording": recording,
            "renditions": renditions,
            "status": status_of(recording),
            "chapters": chapters_of(request.user, recording, renditions.duration) if renditions else [],
            "can_change": _may_change(request.user, recording),
            "chapter_form": ChapterForm(),
            "status_texts": {
                "position": _("Number {position} in the queue"),
                "left": _("about {minutes} min left"),
                "progress": _("Converted: {progress}"),
            },
        },
    )


@login_required
@require_GET
def recording_status(request, pk):
    response = JsonResponse(status_of(_recording(request, pk)))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def recording_delete(request, pk):
    recording = _recording(request, pk, CHANGE)
    actions.do_delete_recording(recording, acting_user=request.user)
    messages.success(request, _("The recording and its files were deleted."))
    return redirect("recordings:list")


@login_required
@require_POST
def chapter_add(request, pk):
    recording = _recording(request, pk, CHANGE)
    form = ChapterForm(request.POST)
    if form.is_valid():
        actions.do_add_chapter(
            recording,
            seconds=form.cleaned_data["at"],
            title=form.cleaned_data["title"],
            acting_user=request.user,
        )
        messages.success(request, _("Chapter added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("recordings:detail", pk=recording.pk)


@login_required
@require_POST
def chapter_delete(request, pk, chapter_id):
    recording = _recording(request, pk, CHANGE)
    chapter = (
        Chapter.objects.visible_to(request.user, CHANGE).filter(recording=recording, pk=chapter_id).first()
    )
    if chapter is None:
        raise Http404
    actions.do_delete_chapter(chapter, acting_user=request.user)
    return redirect("recordings:detail", pk=recording.pk)


# --- media ----------------------------------------------------------------------------------------
def _published(request, pk):
    recording = _recording(request, pk)
    renditions = getattr(recording, "renditions", None)
    if renditions is None:
        raise Http404
    return recording, renditions


def _playlist_response(text: str) -> HttpResponse:
    response = HttpResponse(text, content_type="application/vnd.apple.mpegurl")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def master_playlist(request, pk):
    recording, renditions = _published(request, pk)
    return _playlist_response(links.master_playlist(recording.pk, renditions.renditions))


@login_required
@require_GET
def media_playlist(request, pk, rendition):
    recording, renditions = _published(request, pk)
    entry = next((r for r in renditions.renditions if r["name"] == rendition), None)
    if entry is None:
        raise Http404
    with storage.open_stored(f"{renditions.prefix}/{entry['playlist']}") as handle:
        text = handle.read().decode()
    return _playlist_response(links.media_playlist(recording.pk, rendition, text, request.user.pk))


@login_required
@require_GET
def segment(request, pk, rendition, name):
    recording, renditions = _published(request, pk)
    if not SEGMENT_NAME.match(name) or rendition not in {r["name"] for r in renditions.renditions}:
        raise Http404
    verdict = links.check(
        recording.pk,
        f"{rendition}/{name}",
        request.user.pk,
        request.GET.get("exp", ""),
        request.GET.get("sig", ""),
    )
    if verdict:
        return HttpResponse(
            _("This video link has expired; reload the page."),
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    try:
        handle = storage.open_stored(f"{renditions.prefix}/{rendition}/{name}")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, content_type="video/mp2t")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_GET
def poster(request, pk):
    _recording_obj, renditions = _published(request, pk)
    try:
        handle = storage.open_stored(renditions.poster)
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
