"""Who may open and change the timetable pages.

Read pages need a staff role (a teacher may also open their own teacher page); objects are fetched through
``access_object``, so a missing object and one out of scope look the same (404). A lesson may be moved or
cancelled by whoever manages its host school and by the alliance's coordinator; an alliance's series are
defined, scheduled and accepted by whoever may manage the alliance (``sanke.alliances.access``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from sanke.alliances.access import can_manage_alliance
from sanke.alliances.models import Alliance
from sanke.core.access import access_object, require
from sanke.core.scoping import scope_for
from sanke.org.choices import PersonKind
from sanke.org.models import Classroom, Person
from sanke.timetable import selectors
from sanke.timetable.models import Lesson


def require_staff(user) -> None:
    require(scope_for(user).is_staff_role)


def can_change_lesson(user, lesson: Lesson) -> bool:
    """Whoever manages the host school, and the alliance's coordinator, may move or cancel a lesson."""
    series = lesson.series
    coordinator_id = series.alliance.coordinator_id
    return scope_for(user).can_manage_school(series.host_classroom.school) or (
        coordinator_id is not None and coordinator_id == user.pk
    )


def is_host_teacher(user, lesson: Lesson) -> bool:
    """The teacher of the lesson, by their own login: they may ask to move it (the school decides)."""
    return lesson.series.host_teacher.user_id is not None and lesson.series.host_teacher.user_id == user.pk


def access_teacher(user, pk) -> Person:
    """A teacher's page: staff of their scope, or the teacher themself."""
    queryset = Person.objects.filter(kind=PersonKind.TEACHER).select_related("school")
    person = access_object(Person, user, pk, queryset=queryset)
    require(scope_for(user).is_staff_role or (person.user_id is not None and person.user_id == user.pk))
    return person


def access_classroom(user, pk) -> Classroom:
    require_staff(user)
    queryset = Classroom.objects.select_related("school", "home_class__grade")
    return access_object(Classroom, user, pk, queryset=queryset)


def access_lesson(user, pk, *, for_change: bool = False) -> Lesson:
    lesson = access_object(Lesson, user, pk, queryset=selectors.lesson_queryset())
    if for_change:
        if not can_change_lesson(user, lesson):
            raise PermissionDenied
    else:
        require(scope_for(user).is_staff_role or can_change_lesson(user, lesson))
    return lesson


def visible_pks(model, user, pks) -> set[int]:
    """Which of ``pks`` the user may open (so a page links only to pages that will not refuse)."""
    return set(model.objects.visible_to(user).filter(pk__in=list(pks)).values_list("pk", flat=True))


def access_managed_alliance(user, pk) -> Alliance:
    """An alliance whose series the user may define, schedule and accept (404 out of scope, 403 if not
    theirs to manage)."""
    return access_object(Alliance, user, pk, allowed=lambda scope, a: can_manage_alliance(user, a))
