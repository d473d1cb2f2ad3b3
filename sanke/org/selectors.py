"""Read queries of the organisation that other apps and pages use."""

from __future__ import annotations

from sanke.core.scoping import scope_for
from sanke.org.choices import PersonKind, SchoolKind
from sanke.org.models import ClassGroup, Classroom, Person, Region, School


def person_of(user) -> Person | None:
    if not user.is_authenticated:
        return None
    return (
        Person.objects.visible_to(user)
        .filter(user=user)
        .select_related("school", "class_group__grade")
        .first()
    )


def organisation_counts(user) -> dict[str, int]:
    """What a staff user can reach, counted, for the home page."""
    schools = School.objects.visible_to(user)
    classrooms = Classroom.objects.visible_to(user)
    people = Person.objects.visible_to(user)
    return {
        "schools": schools.exclude(kind=SchoolKind.TEACHING_POINT).count(),
        "teaching_points": schools.filter(kind=SchoolKind.TEACHING_POINT).count(),
        "classes": ClassGroup.objects.visible_to(user).count(),
        "classrooms": classrooms.count(),
        "host_classrooms": classrooms.filter(host_capable=True).count(),
        "receiver_classrooms": classrooms.filter(receiver_capable=True).count(),
        "teachers": people.filter(kind=PersonKind.TEACHER).count(),
        "students": people.filter(kind=PersonKind.STUDENT).count(),
    }


def recent_schools(user, limit: int = 6):
    return School.objects.visible_to(user).select_related("region").order_by("-updated_at")[:limit]


def terminal_classrooms(user):
    """The classroom(s) a terminal account is bound to."""
    classroom_ids = scope_for(user).classroom_ids
    return Classroom.objects.filter(pk__in=classroom_ids).select_related(
        "school"
    )  # scope: the terminal's own


def organisation_exists() -> bool:
    """Whether any region exists (the demo loads only into an empty database)."""
    return Region.objects.exists()  # scope: a yes/no for the command line, no rows leave
