"""Who takes part in a live lesson, and as what.

- ``host``: the host teacher, admins of the host school, the alliance coordinator and its bureau;
- ``classroom``: the terminal account of a receiving class's classroom (it speaks for that classroom);
- ``observer``: other staff who can see the lesson (inspectors on patrol, researchers).
A terminal can only take part in lessons of its own classroom; nobody else gets in.
"""

from __future__ import annotations

from dataclasses import dataclass

from sanke.accounts.choices import Role
from sanke.accounts.scope import scope_for
from sanke.alliances.access import can_manage_alliance

HOST_ONLY = {
    "lesson.started",
    "lesson.ended",
    "stage.set",
    "classroom.muted",
    "rollcall.started",
    "quiz.started",
    "quiz.closed",
}
CLASSROOM_ONLY = {"hand.raised", "rollcall.reported", "quiz.answered", "classroom.joined", "classroom.left"}


@dataclass(frozen=True)
class Participant:
    role: str  # host | classroom | observer
    classroom_id: int | None = None


def receiving_classroom_ids(lesson) -> set[int]:
    """Classrooms of the receiving classes (their home classrooms that can receive)."""
    from sanke.org.models import Classroom

    return set(
        Classroom.objects.filter(
            home_class__in=lesson.series.receiving_classes.all(), receiver_capable=True
        ).values_list("pk", flat=True)
    )


def participant(user, lesson) -> Participant | None:
    """The role of ``user`` in ``lesson``, or None if they may not join or watch it."""
    if not user.is_authenticated:
        return None
    series = lesson.series
    scope = scope_for(user)
    if Role.CLASSROOM_TERMINAL in scope.roles and not scope.is_staff_role:
        mine = scope.classroom_ids & receiving_classroom_ids(lesson)
        return Participant("classroom", min(mine)) if mine else None
    if series.host_teacher.user_id == user.pk or can_manage_alliance(user, series.alliance):
        return Participant("host")
    from sanke.timetable.models import Lesson

    if scope.is_staff_role and Lesson.objects.visible_to(user).filter(pk=lesson.pk).exists():
        return Participant("observer")
    return None


def may_send(who: Participant, event_type: str, payload: dict) -> bool:
    """Hosts run the lesson; a classroom speaks only for itself; observers only watch."""
    if who.role == "host":
        return event_type not in CLASSROOM_ONLY
    if who.role == "classroom":
        if event_type in HOST_ONLY:
            return False
        classroom = payload.get("classroom")
        return classroom == who.classroom_id or (
            event_type == "chat.message" and classroom in (None, who.classroom_id)
        )
    return False
