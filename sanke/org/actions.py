"""State changes of the organisation. Every change is validated, saved and audited in one transaction."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError
from django.utils.translation import gettext as _

from sanke.core.audit import record_audit
from sanke.core.import_jobs import do_submit_import
from sanke.core.models import ImportJob
from sanke.core.scoping import scope_for
from sanke.core.tabular_import import IMPORT_KINDS, ImportResult, run_import
from sanke.org.models import ClassGroup, Classroom, Equipment, Grade, Person, Region, School


class OrgActionError(Exception):
    """A change the organisation cannot take; the message is meant for the user."""


_M = TypeVar("_M", bound=models.Model)


def _save(obj: _M, noun: str, *, acting_user, changes: dict | None = None) -> _M:
    created = obj.pk is None
    with transaction.atomic():
        obj.full_clean()
        obj.save()
        record_audit(acting_user, f"org.{noun}.{'created' if created else 'updated'}", obj, changes=changes)
    return obj


def do_save_region(region: Region, *, acting_user, changes: dict | None = None) -> Region:
    """Create or update a region (province, city or county) of the division tree."""
    return _save(region, "region", acting_user=acting_user, changes=changes)


def do_save_school(school: School, *, acting_user, changes: dict | None = None) -> School:
    """Create or update a school or teaching point."""
    return _save(school, "school", acting_user=acting_user, changes=changes)


def do_save_grade(grade: Grade, *, acting_user, changes: dict | None = None) -> Grade:
    """Add a grade to a school (grades are fixed numbers; there is nothing else to change)."""
    return _save(grade, "grade", acting_user=acting_user, changes=changes)


def do_save_class_group(class_group: ClassGroup, *, acting_user, changes: dict | None = None) -> ClassGroup:
    """Create or update a class (班级)."""
    return _save(class_group, "class_group", acting_user=acting_user, changes=changes)


def do_save_classroom(classroom: Classroom, *, acting_user, changes: dict | None = None) -> Classroom:
    """Create or update a classroom and its capabilities (host / receiver / recording)."""
    return _save(classroom, "classroom", acting_user=acting_user, changes=changes)


def do_save_equipment(equipment: Equipment, *, acting_user, changes: dict | None = None) -> Equipment:
    """Record or update a piece of classroom equipment."""
    return _save(equipment, "equipment", acting_user=acting_user, changes=changes)


def do_save_person(person: Person, *, acting_user, changes: dict | None = None) -> Person:
    """Create or update a teacher, student, guardian or staff member."""
    return _save(person, "person", acting_user=acting_user, changes=changes)


def do_delete_org_object(obj: models.Model, *, acting_user) -> None:
    """Delete a grade, class, classroom, equipment or person; refuse if other records still need it."""
    noun = obj._meta.model_name
    with transaction.atomic():
        record_audit(acting_user, f"org.{noun}.deleted", obj)
        try:
            obj.delete()
        except ProtectedError as exc:
            raise OrgActionError(
                _("%(object)s cannot be deleted while other records still refer to it.") % {"object": obj}
            ) from exc


def do_link_account(person: Person, user) -> Person:
    """Link a login account to the person it belongs to (in the caller's transaction). A person has at
    most one account; the account's creation is audited by the caller (accounts)."""
    if person.user_id:
        raise ValidationError(_("This person already has a login account."))
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    return person


def do_link_guardian(guardian: Person, student: Person, *, acting_user) -> None:
    """Record that ``guardian`` is a guardian of ``student``."""
    with transaction.atomic():
        guardian.wards.add(student)
        record_audit(acting_user, "org.person.guardian_linked", student, changes={"guardian": guardian.name})


def do_import_file(kind_key: str, uploaded, *, acting_user) -> ImportResult:
    """Import a file of ``kind_key`` all or nothing, and audit it (``org.import.<kind>``).

    Raises ``ImportFileError`` for a file that cannot be read at all; row problems come back in the
    result, and then nothing has been written.
    """
    return run_import(
        IMPORT_KINDS[kind_key], uploaded, acting_user=acting_user, audit_action=f"org.import.{kind_key}"
    )


def do_submit_import_file(kind_key: str, uploaded, *, acting_user) -> ImportJob:
    """Queue the import of a file of ``kind_key`` as a background job (what the import page does).

    The job does what ``do_import_file`` does, in the Celery worker, with progress. It is placed where
    the user administers (their one school, or their one region), so that the admins above see it.
    """
    scope = scope_for(acting_user)
    placement: tuple[str, School | None] = ("", None)
    if len(scope.manage_region_prefixes) == 1 and not scope.manage_school_ids:
        placement = (next(iter(scope.manage_region_prefixes)), None)
    elif len(scope.manage_school_ids) == 1 and not scope.manage_region_prefixes:
        # scope: the user's own school, from their grants
        school = (
            School.objects.select_related("region").filter(pk=next(iter(scope.manage_school_ids))).first()
        )
        if school is not None:
            placement = (school.region.code, school)
    return do_submit_import(
        kind_key,
        uploaded,
        acting_user=acting_user,
        audit_action=f"org.import.{kind_key}",
        placement=placement,
    )


# --- who looked at personal data --------------------------------------------------------------------------
# Minors' records are read far more often than changed, and a leak starts with a read: every view of a
# class roster or a person's record, and every list of people (pages and API, the platform's exports), is
# audited with who, when, from where and what — one row per request, placed where its admins look.
def do_audit_personal_data_view(target: ClassGroup | Person, *, acting_user, via: str = "page") -> None:
    """Record that ``acting_user`` opened a class roster or a person's record."""
    what = "roster_viewed" if isinstance(target, ClassGroup) else "person_viewed"
    record_audit(acting_user, f"org.personal_data.{what}", target, changes={"via": via})


def do_audit_people_listed(people, *, acting_user, query: str = "", via: str = "page") -> None:
    """Record a list of people shown or exported: how many, which filter, on which schools.

    The row is placed at the one school listed, or else at the region all the listed schools share,
    so that exactly the admins who oversee every person listed see it.
    """
    schools = {person.school_id: person.school for person in people if person.school_id}
    region_code, school = "", None
    if len(schools) == 1:
        region_code, school = next(iter(schools.values())).audit_placement()
    elif schools:
        codes = [s.region.code for s in schools.values()]
        region_code = codes[0]
        while region_code and not all(code.startswith(region_code) for code in codes):
            region_code = region_code[:-1]
    record_audit(
        acting_user,
        "org.personal_data.people_listed",
        None,
        changes={"via": via, "count": len(people), "query": query[:200]},
        region_code=region_code,
        school=school,
    )
