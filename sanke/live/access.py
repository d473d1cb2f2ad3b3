"""Who takes part in a live lesson, and as what.

- ``host``: the host teacher, admins of the host school, the alliance coordinator and its bureau;
- ``classroom``: the terminal account of a receiving class's classroom (it speaks for that classroom);
- ``observer``: other staff who can see the lesson (inspectors on patrol, researchers);
- ``student``: a student of a receiving class, on their own device, who answers quizzes for themself
  (counted in their class's classroom; see ``QuizState.vote``).
A terminal can only take part in lessons of its own classroom; nobody else gets in.
"""

from __future__ import annotations

from dataclasses import dataclass

from sanke.accounts.choices import Role
from sanke.alliances.access import can_manage_alliance
from sanke.core.scoping import scope_for

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
STUDENT_ONLY = {"quiz.voted"}


@dataclass(frozen=True)
class Participant:
    role: str  # host | classroom | observer | student
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
    if Role.STUDENT in scope.roles and not scope.is_staff_role:
        return _student(user, lesson)
    from sanke.timetable.models import Lesson

    if scope.is_staff_role and Lesson.objects.visible_to(user).filter(pk=lesson.pk).exists():
        return Participant("observer")
    return None


def _student(user, lesson) -> Participant | None:
    """A student of a receiving class, counted in that class's home classroom (if it can receive)."""
    from sanke.org.choices import PersonKind
    from sanke.org.models import Classroom, Person

    classes = Person.objects.filter(
        user=user, kind=PersonKind.STUDENT, class_group__in=lesson.series.receiving_classes.all()
    ).values("class_group")
    room = (
        Classroom.objects.filter(home_class__in=classes, receiver_capable=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return Participant("student", room) if room else None


def voter(user_id: int, lesson_id: int) -> str:
    """A student's pseudonym in one lesson: answers are told apart without naming the student to the other
    schools in the lesson (a keyed digest, different in every lesson, under its own labelled key)."""
    from sanke.core.keys import keyed_digest

    return keyed_digest("live-voter", f"{lesson_id}:{user_id}")[:16]


def may_send(who: Participant, event_type: str, payload: dict) -> bool:
    """Hosts run the lesson; a classroom speaks only for itself; a student only answers quizzes, for their
    own classroom; observers only watch."""
    if who.role == "student":
        return event_type in STUDENT_ONLY and payload.get("classroom") == who.classroom_id
    if event_type in STUDENT_ONLY:
        return False
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


def may_read_record(user, lesson) -> bool:
    """The lesson record (attendance, head counts, every classroom's quiz answers) is for those who run or
    oversee the lesson: the host side, and staff who see the lesson (the receiving schools' staff, scoped
    bureau staff, inspectors). Students, guardians and classroom terminals take part or follow a child, but
    the other classrooms' figures are not theirs to read."""
    who = participant(user, lesson)
    return who is not None and who.role in ("host", "observer")


@dataclass(frozen=True)
class AccountCheck:
    """What a lesson socket re-checks about its user while it stays open."""

    valid: bool  # active, no forced password change pending, and the socket's session still logs them in
    grants: frozenset[int] = frozenset()  # ids of their role grants: when they change, the role is redone


def check_account(user_id: int, session_key: str | None) -> AccountCheck:
    """Two or three primary-key reads: cheap enough to repeat every few seconds on an active socket."""
    from sanke.accounts.models import RoleAssignment, User
    from sanke.core.realtime import session_is_valid

    user = (
        User.objects.filter(pk=user_id)  # scope: the socket's own account
        .only("pk", "is_active", "must_change_password", "password")
        .first()
    )
    if (
        user is None
        or not user.is_active
        or user.must_change_password
        or not session_is_valid(session_key, user)
    ):
        return AccountCheck(False)
    grants = RoleAssignment.objects.filter(user_id=user_id).values_list("pk", flat=True)  # scope: own grants
    return AccountCheck(True, frozenset(grants))
