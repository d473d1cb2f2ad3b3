"""Reads of recordings for pages: the library list, a student's catch-up, a recording's processing status,
its chapters."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum
from django.utils.translation import gettext as _

from sanke.live.models import LessonEvent, LiveSession
from sanke.recordings.choices import FailureReason, RecordingState
from sanke.recordings.models import Chapter, Recording

# What a transcode takes, as a multiple of real time, for the queue's estimate (measured: ≈ 4× on 2 cores
# for a 60 s clip, see docs/benchmarks.md; real cameras ≈ 2×, so the estimate says 2×).
ESTIMATED_SPEED = 2.0
# A student's home page offers the recordings of their class's lessons of the last three weeks, at most six.
CATCH_UP_DAYS = 21
CATCH_UP_ROWS = 6


def library(user):
    """The recordings ``user`` may see, newest first, with what the library's rows show."""
    return Recording.objects.visible_to(user).select_related(
        "school", "lesson__series__host_teacher", "uploaded_by", "renditions"
    )


def catch_up(user, class_group_id: int, *, today, days: int = CATCH_UP_DAYS, limit: int = CATCH_UP_ROWS):
    """The ready recordings of the lessons ``class_group_id`` received in the last ``days`` days, newest
    first: what a student who missed one watches from their home page. The platform keeps no attendance
    per student (a classroom's head count only), so every student of the class sees them."""
    since = today - dt.timedelta(days=days)
    return list(
        Recording.objects.visible_to(user)
        .filter(
            state=RecordingState.READY,
            lesson__series__receiving_classes=class_group_id,
            lesson__date__gte=since,
            lesson__date__lte=today,
        )
        .select_related("lesson__series__host_teacher", "renditions")
        .order_by("-lesson__starts_at", "-id")[:limit]
    )


def status_of(recording: Recording) -> dict:
    """What the recording's page shows and polls: state, progress, place in the queue, a wait estimate."""
    state = recording.state
    status = {
        "state": state,
        "label": str(RecordingState(state).label),
        "progress": recording.progress,
        "upload_percent": recording.upload_percent,
        "position": None,
        "seconds_left": None,
        "failure": str(FailureReason(recording.failure).label) if recording.failure else "",
        "ready": state == RecordingState.READY,
    }
    own = (recording.source_duration or 0) / ESTIMATED_SPEED
    if state == RecordingState.QUEUED and recording.queued_at:
        ahead = Recording.objects.filter(  # scope: a count and a sum over the queue; no row is shown
            state=RecordingState.QUEUED, queued_at__lt=recording.queued_at
        )
        running = Recording.objects.filter(state=RecordingState.PROCESSING)  # scope: as above
        waiting = (ahead.aggregate(total=Sum("source_duration"))["total"] or 0) / ESTIMATED_SPEED
        busy = sum((r.source_duration or 0) * (100 - r.progress) / 100 for r in running) / ESTIMATED_SPEED
        status["position"] = ahead.count() + 1
        status["seconds_left"] = round(waiting + busy + own)
    elif state == RecordingState.PROCESSING:
        status["seconds_left"] = round(own * (100 - recording.progress) / 100)
    return status


EVENT_CHAPTERS = {"quiz.started", "rollcall.started", "stage.set"}


def chapters_of(user, recording: Recording, duration: float) -> list[dict]:
    """The teacher's markers and the lesson's own moments (quizzes, roll calls, classrooms on stage)."""
    found = [
        {"seconds": c.seconds, "title": c.title, "kind": "marker", "id": c.pk}
        for c in Chapter.objects.visible_to(user).filter(recording=recording)
    ]
    if recording.lesson_id:
        session = LiveSession.objects.visible_to(user).filter(lesson_id=recording.lesson_id).first()
        start = session.started_at if session and session.started_at else recording.lesson.starts_at
        events = LessonEvent.objects.visible_to(user).filter(
            lesson_id=recording.lesson_id, type__in=EVENT_CHAPTERS
        )
        for event in events.order_by("seq")[:200]:
            at = (event.created_at - start).total_seconds()
            if not 0 <= at <= duration:
                continue
            if event.type == "quiz.started":
                title = _("Quiz: %(question)s") % {"question": event.payload.get("question", "")}
            elif event.type == "rollcall.started":
                title = _("Roll call")
            elif event.payload.get("classroom"):
                title = _("Classroom on stage (连麦)")
            else:
                continue
            found.append(
                {"seconds": round(at, 1), "title": title, "kind": event.type.split(".")[0], "id": None}
            )
    return sorted(found, key=lambda c: c["seconds"])
