"""The organisation: regions, schools and teaching points, grades, classes, classrooms, people.

Every queryset a user can reach goes through ``visible_to(user)``, which asks the user's scope
(``sanke.core.scoping``) for one filter. Nothing else decides what a user sees.
"""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanke.core.crypto import EncryptedCharField, digest, mask_national_id, mask_phone
from sanke.core.models import TimeStampedModel
from sanke.core.scoping import VIEW, ScopedQuerySet
from sanke.org.choices import (
    PARENT_LEVEL,
    PREFIX_LENGTH,
    EquipmentKind,
    EquipmentStatus,
    Gender,
    GradeNumber,
    HonourLevel,
    PersonKind,
    RegionLevel,
    SchoolKind,
)
from sanke.org.validators import (
    validate_mobile,
    validate_national_id,
    validate_region_code,
    validate_school_code,
)


class RegionQuerySet(ScopedQuerySet):
    """Regions: seen inside a granted subtree or as the region of a granted school; changed by the
    bureau admins of the subtree."""

    distinct_rows = True

    def scope_q(self, scope, user, action):
        return scope.region_q() if action == VIEW else scope.manage_region_q()


class Region(TimeStampedModel):
    """An administrative division (GB/T 2260): province, city or county, as a tree.

    ``code`` is the 6-digit division code; a region's subtree is every code that starts with its
    significant prefix (33 for a province, 3301 for a city, 330127 for a county), which is how
    region-scoped roles cover the schools below them without per-school rows.
    """

    code = models.CharField(
        _("division code"),
        max_length=6,
        unique=True,
        validators=[validate_region_code],
        error_messages={"unique": _("A region with this division code already exists; check the code.")},
    )
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        related_name="children",
        on_delete=models.PROTECT,
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="region_name_unique_per_parent",
                violation_error_message=_("A region with this name already exists there; check the name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return self.code[: PREFIX_LENGTH[self.level]]

    def ancestors(self) -> list[Region]:
        """From the root down to the parent of this region."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def clean(self) -> None:
        if not self.code or not self.level:
            return
        significant = PREFIX_LENGTH[self.level]
        if self.code[significant:].strip("0"):
            raise ValidationError(
                {
                    "code": _("A %(level)s code ends in %(zeros)d zeros.")
                    % {"level": self.get_level_display(), "zeros": 6 - significant}
                }
            )
        expected_parent = PARENT_LEVEL.get(self.level)
        if expected_parent is None:
            if self.parent_id:
                raise ValidationError({"parent": _("A province has no parent region.")})
            return
        if self.parent is None:
            raise ValidationError({"parent": _("Choose the region this one belongs to.")})
        if self.parent.level != expected_parent:
            raise ValidationError(
                {
                    "parent": _("A %(level)s belongs to a %(parent)s.")
                    % {"level": self.get_level_display(), "parent": RegionLevel(expected_parent).label}
                }
            )
        if not self.code.startswith(self.parent.prefix):
            raise ValidationError(
                {
                    "code": _("The code must start with %(prefix)s, the code of %(parent)s.")
                    % {"prefix": self.parent.prefix, "parent": self.parent.name}
                }
            )

    def audit_placement(self):
        return self.code, None


class ClassroomQuerySet(ScopedQuerySet):
    """Classrooms are changed by admins and by tech support (equipment)."""

    change_rule = "equipment"


class SchoolQuerySet(ScopedQuerySet):
    scope_path = ""
    staff_only = False


class School(TimeStampedModel):
    """A school or teaching point (教学点). A teaching point belongs to a central school (中心校)."""

    code = models.CharField(
        _("school id"),
        max_length=10,
        unique=True,
        validators=[validate_school_code],
        error_messages={"unique": _("A school with this school id already exists; check the school id.")},
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("type"), max_length=32, choices=SchoolKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), related_name="schools", on_delete=models.PROTECT
    )
    central_school = models.ForeignKey(
        "self",
        verbose_name=_("central school"),
        null=True,
        blank=True,
        related_name="teaching_points",
        on_delete=models.PROTECT,
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["region__code", "code"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    def __str__(self) -> str:
        return self.name

    @property
    def is_teaching_point(self) -> bool:
        return self.kind == SchoolKind.TEACHING_POINT

    def clean(self) -> None:
        if self.kind == SchoolKind.TEACHING_POINT:
            if self.central_school_id is None:
                raise ValidationError(
                    {"central_school": _("A teaching point must belong to a central school.")}
                )
            central = self.central_school
            assert central is not None  # central_school_id is set
            if central.kind == SchoolKind.TEACHING_POINT:
                raise ValidationError({"central_school": _("A teaching point cannot be a central school.")})
            if self.region_id and central.region_id != self.region_id:
                raise ValidationError(
                    {
                        "central_school": _(
                            "The central school must be in the same county as the teaching point."
                        )
                    }
                )
        elif self.central_school_id is not None:
            raise ValidationError({"central_school": _("Only a teaching point has a central school.")})
        if self.region_id and self.region.level != RegionLevel.COUNTY:
            raise ValidationError({"region": _("A school belongs to a county-level region.")})

    def audit_placement(self):
        return self.region.code, self


class Grade(TimeStampedModel):
    """A grade (年级) of a school, numbered 1–12 across primary and secondary stages."""

    school = models.ForeignKey(
        School, verbose_name=_("school"), related_name="grades", on_delete=models.CASCADE
    )
    number = models.PositiveSmallIntegerField(_("grade"), choices=GradeNumber.choices)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["school_id", "number"]
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "number"],
                name="grade_unique_per_school",
                violation_error_message=_("The school already has this grade."),
            )
        ]

    def __str__(self) -> str:
        return str(self.get_number_display())

    def audit_placement(self):
        return self.school.region.code, self.school


class ClassGroup(TimeStampedModel):
    """A class (班级) of students in one grade, e.g. 三年级 (2)班."""

    school = models.ForeignKey(
        School, verbose_name=_("school"), related_name="class_groups", on_delete=models.CASCADE
    )
    grade = models.ForeignKey(
        Grade, verbose_name=_("grade"), related_name="class_groups", on_delete=models.PROTECT
    )
    name = models.CharField(_("class name"), max_length=32, help_text=_("e.g. (2)班"))
    head_teacher = models.ForeignKey(
        "Person",
        verbose_name=_("head teacher"),
        null=True,
        blank=True,
        related_name="head_of",
        on_delete=models.SET_NULL,
        limit_choices_to={"kind": PersonKind.TEACHER},
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["school_id", "grade__number", "name"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        constraints = [
            models.UniqueConstraint(
                fields=["grade", "name"],
                name="class_name_unique_per_grade",
                violation_error_message=_(
                    "This grade already has a class with this name; choose another name, e.g. (2)班."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.grade}{self.name}"

    def clean(self) -> None:
        if self.grade_id and self.school_id and self.grade.school_id != self.school_id:
            raise ValidationError({"grade": _("The grade belongs to another school.")})
        if (
            self.head_teacher_id
            and self.school_id
            and cast(Person, self.head_teacher).school_id != self.school_id
        ):
            raise ValidationError({"head_teacher": _("The head teacher must teach at this school.")})

    def audit_placement(self):
        return self.school.region.code, self.school


# The largest room a school calls a classroom (a lecture hall); more is a typo.
MAX_SEATS = 500


class Classroom(TimeStampedModel):
    """A physical room and what it can do for the Three Classrooms: host, receive, record."""

    school = models.ForeignKey(
        School, verbose_name=_("school"), related_name="classrooms", on_delete=models.CASCADE
    )
    name = models.CharField(_("name"), max_length=64)
    location = models.CharField(_("location"), max_length=100, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("seats"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_SEATS)]
    )
    host_capable = models.BooleanField(_("can host lessons"), default=False)
    receiver_capable = models.BooleanField(_("can receive lessons"), default=False)
    recording_capable = models.BooleanField(_("can record"), default=False)
    home_class = models.ForeignKey(
        ClassGroup,
        verbose_name=_("home class"),
        null=True,
        blank=True,
        related_name="home_classrooms",
        on_delete=models.SET_NULL,
    )

    objects = ClassroomQuerySet.as_manager()

    class Meta:
        ordering = ["school_id", "name"]
        verbose_name = _("classroom")
        verbose_name_plural = _("classrooms")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"],
                name="classroom_name_unique_per_school",
                violation_error_message=_(
                    "The school already has a classroom with this name; choose another name."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.school.name} · {self.name}"

    def clean(self) -> None:
        if (
            self.home_class_id
            and self.school_id
            and cast(ClassGroup, self.home_class).school_id != self.school_id
        ):
            raise ValidationError({"home_class": _("The class belongs to another school.")})

    def audit_placement(self):
        return self.school.region.code, self.school


class Equipment(TimeStampedModel):
    """A piece of equipment in a classroom (camera, microphone, terminal PC…), for support staff."""

    classroom = models.ForeignKey(
        Classroom, verbose_name=_("classroom"), related_name="equipment", on_delete=models.CASCADE
    )
    kind = models.CharField(_("kind"), max_length=32, choices=EquipmentKind.choices)
    model_name = models.CharField(_("model"), max_length=100, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=EquipmentStatus.choices, default=EquipmentStatus.WORKING
    )
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class EquipmentQuerySet(ScopedQuerySet):
        scope_path = "classroom__school__"
        change_rule = "equipment"

    objects = EquipmentQuerySet.as_manager()

    class Meta:
        ordering = ["classroom_id", "kind"]
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.model_name}".strip()

    def audit_placement(self):
        return self.classroom.audit_placement()


NATIONAL_ID_REFUSED = _("This ID card number cannot be used. Check it, or ask a higher-level administrator.")


class PersonQuerySet(ScopedQuerySet):
    """Staff see the people of their scope; everyone sees themselves; guardians their children.
    Changing people is for the admins of their school."""

    def scope_q(self, scope, user, action):
        if action != VIEW:
            return super().scope_q(scope, user, action)
        if not user.is_authenticated:
            return None
        # Oneself and one's children (a guardian's), through a subquery: a join would repeat rows, and the
        # DISTINCT that undoes it made counting a county's people a sort of every column (~0.3 s).
        children = Person.wards.through.objects.filter(from_person__user=user).values("to_person_id")
        own = models.Q(user=user) | models.Q(pk__in=children)
        staff = scope.school_q("school__", staff_only=True)
        if staff is None:
            return own
        # Staff usually see themselves and their children through their schools already. Then the list is
        # filtered by school alone, which the (school, kind, number, name) index serves in order: 25 rows
        # of a county in under a millisecond, where "school … OR own" sorted all 78,000 (~100 ms).
        outside = list(Person.objects.filter(own).exclude(staff).values_list("pk", flat=True))
        return staff | models.Q(pk__in=outside) if outside else staff


class Person(TimeStampedModel):
    """A teacher, student, guardian or staff member; optionally linked to a login account.

    National id and phone number are personal data: encrypted at rest, masked on screen, and matched
    through keyed digests (``*_digest``) for duplicate checks.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=PersonKind.choices)
    name = models.CharField(_("full name"), max_length=64)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    school = models.ForeignKey(
        School,
        verbose_name=_("school"),
        null=True,
        blank=True,
        related_name="people",
        on_delete=models.PROTECT,
    )
    number = models.CharField(
        _("staff / student number"),
        max_length=32,
        blank=True,
        help_text=_("Staff number (工号) for teachers, student number (学籍号) for students."),
    )
    class_group = models.ForeignKey(
        ClassGroup,
        verbose_name=_("class"),
        null=True,
        blank=True,
        related_name="students",
        on_delete=models.SET_NULL,
    )
    subjects = models.CharField(_("subjects"), max_length=100, blank=True)
    honour_level = models.CharField(_("honour level"), max_length=16, choices=HonourLevel.choices, blank=True)
    national_id = EncryptedCharField(_("ID card number"), blank=True, validators=[validate_national_id])
    national_id_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone = EncryptedCharField(_("mobile"), blank=True, validators=[validate_mobile])
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    wards = models.ManyToManyField(
        "self", verbose_name=_("children"), symmetrical=False, blank=True, related_name="guardians"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        null=True,
        blank=True,
        related_name="person",
        on_delete=models.SET_NULL,
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["school_id", "kind", "number", "name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            # the people list's order (a page of a school's or a county's tens of thousands of people) and
            # its search from the start of a name or number
            models.Index(fields=["school", "kind", "number", "name"], name="person_list_order"),
            models.Index(fields=["name"], name="person_name"),
            models.Index(fields=["number"], name="person_number"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind", "number"],
                name="person_number_unique_per_school",
                condition=~models.Q(number=""),
                violation_error_message=_(
                    "Someone of this kind at this school already has this staff / student number; "
                    "check the number."
                ),
            ),
            models.UniqueConstraint(
                fields=["national_id_digest"],
                name="person_national_id_unique",
                condition=~models.Q(national_id_digest=""),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.national_id_digest = digest(self.national_id or "")
        self.phone_digest = digest(self.phone or "")
        super().save(*args, **kwargs)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone) if self.phone else ""

    @property
    def masked_national_id(self) -> str:
        return mask_national_id(self.national_id) if self.national_id else ""

    def clean(self) -> None:
        if (
            self.class_group_id
            and self.school_id
            and cast(ClassGroup, self.class_group).school_id != self.school_id
        ):
            raise ValidationError({"class_group": _("The class belongs to another school.")})
        if self.class_group_id and self.kind != PersonKind.STUDENT:
            raise ValidationError({"class_group": _("Only students are placed in a class.")})
        if self.national_id:
            clash = Person.objects.filter(national_id_digest=digest(self.national_id)).exclude(pk=self.pk)
            if clash.exists():
                # Neutral: the clash may lie outside the saver's scope (the form says more when it may).
                raise ValidationError({"national_id": NATIONAL_ID_REFUSED})

    def audit_placement(self):
        if self.school_id:
            school = cast(School, self.school)  # school_id is set
            return school.region.code, school
        return "", None
