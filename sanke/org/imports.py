"""The organisation's import kinds: schools, classes, teachers and students from xlsx or csv.

The engine (reading files, matching columns, row errors, all-or-nothing saving, templates) is
``sanke.core.tabular_import``; these kinds are registered there from ``OrgConfig.ready``, and a clean file
is saved by ``sanke.org.actions.do_import_file``. The parsing helpers and shared columns here (grades,
school ids, class names) are used by the kinds of other apps too (``sanke.timetable.imports``).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanke.core import throttle
from sanke.core.crypto import digest, mask_national_id
from sanke.core.probes import PROBE_LIMIT, PROBE_WINDOW, TOO_MANY, check_unique_value, probe_key
from sanke.core.scoping import scope_for
from sanke.core.tabular_import import (
    Column,
    ImportKind,
    Plan,
    RowChecker,
    register_import_kind,
    unreported,
)
from sanke.org.choices import Gender, GradeNumber, HonourLevel, PersonKind, RegionLevel, SchoolKind
from sanke.org.models import NATIONAL_ID_REFUSED, ClassGroup, Grade, Person, Region, School
from sanke.org.validators import MOBILE_RE, national_id_checksum_ok

# --- parsing helpers shared by the kinds ------------------------------------------------------------------
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_GRADE_ALIASES = {"初一": 7, "初二": 8, "初三": 9, "高一": 10, "高二": 11, "高三": 12}


def parse_grade(text: str) -> int | None:
    text = text.strip().replace(" ", "")
    if text in _GRADE_ALIASES:
        return _GRADE_ALIASES[text]
    match = re.fullmatch(r"([0-9]{1,2})(年级)?", text) or re.fullmatch(r"grade([0-9]{1,2})", text.lower())
    if match:
        number = int(match.group(1))
    else:
        cn = re.fullmatch(r"(十[一二]?|[一二三四五六七八九])年级", text)
        if not cn:
            return None
        word = cn.group(1)
        number = 10 + _CN_DIGITS.get(word[1:], 0) if word.startswith("十") else _CN_DIGITS[word]
    return number if number in GradeNumber.values else None


GENDER_WORDS = {"男": Gender.MALE, "女": Gender.FEMALE, "m": Gender.MALE, "f": Gender.FEMALE}
HONOUR_WORDS = {
    "无": HonourLevel.NONE,
    "县级": HonourLevel.COUNTY,
    "市级": HonourLevel.CITY,
    "省级": HonourLevel.PROVINCE,
}
SCHOOL_KIND_WORDS = {
    "小学": SchoolKind.PRIMARY,
    "初中": SchoolKind.JUNIOR,
    "九年一贯制": SchoolKind.NINE_YEAR,
    "完全中学": SchoolKind.COMPLETE_SECONDARY,
    "高中": SchoolKind.SENIOR,
    "教学点": SchoolKind.TEACHING_POINT,
}


class PersonRowChecker(RowChecker):
    """The row checks of people: a mobile number, an ID card number (checksum, unique in the file and
    in the database)."""

    def phone(self, key: str) -> str:
        value = self.text(key).replace(" ", "").replace("-", "")
        if value and not MOBILE_RE.fullmatch(value):
            self.error(key, _("Not a valid mobile number: 11 digits starting with 1."))
        return value

    def national_id(self, key: str, seen: dict[str, int], refused: dict[str, str]) -> str:
        """``refused``: what to say of each number of the file that may not be used (see below)."""
        value = self.text(key).upper()
        if not value:
            return ""
        if not national_id_checksum_ok(value):
            self.error(key, _("Not a valid ID card number (18 characters; check the last digit)."))
        elif value in seen:
            self.error(key, _("Same ID card number as row %(row)d.") % {"row": seen[value]})
        elif value in refused:
            self.error(key, refused[value])
        else:
            seen[value] = self.row_number
        return value


def refused_national_ids(rows, user) -> dict[str, str]:
    """The ID card numbers of the file that are taken, each with what ``user`` may be told about it.

    The person form's rule (``core.probes.check_unique_value``): a number held by someone the user can
    see is "already there"; one held outside the user's reach gets the neutral message, an audit row for
    the bureau that holds it, and counts against the user's limit of refused numbers. Once that limit is
    used up every number of the file is refused, taken or not, so a file cannot go on asking. The
    holders are found in one query per 500 numbers rather than one per row.
    """
    values: dict[str, None] = {}  # the file's numbers, in order, each once (a list's `in` was quadratic)
    for _number, row_values, _columns in unreported(rows):
        value = row_values.get("national_id", "").upper()  # NFKC already (the column says so)
        if value and national_id_checksum_ok(value):
            values[value] = None
    if not values:
        return {}
    digests = {digest(value): value for value in values}
    holders: dict[str, Person] = {}
    keys = list(digests)
    for start in range(0, len(keys), 500):
        # scope: the number is unique platform-wide; check_unique_value decides what the clash may say
        for holder in Person.objects.filter(national_id_digest__in=keys[start : start + 500]).select_related(
            "school__region"
        ):
            holders[digests[holder.national_id_digest]] = holder
    visible = set(
        Person.objects.visible_to(user)
        .filter(pk__in=[h.pk for h in holders.values()])
        .values_list("pk", flat=True)
        if holders and user is not None and getattr(user, "pk", None)
        else []
    )
    refused: dict[str, str] = {}
    if (
        user is not None
        and getattr(user, "pk", None)
        and throttle.exhausted(probe_key(user), limit=PROBE_LIMIT, window=PROBE_WINDOW)
    ):
        return dict.fromkeys(values, str(TOO_MANY))
    for value in values:
        holder = holders.get(value)
        if holder is None:
            continue
        try:
            check_unique_value(
                user,
                holder=holder,
                visible=holder.pk in visible,
                taken_message=_("A person with this ID card number already exists."),
                neutral_message=NATIONAL_ID_REFUSED,
                audit_action="org.person.national_id_refused",
                audit_changes={"national_id": mask_national_id(value), "via": "import"},
            )
        except ValidationError as exc:
            refused[value] = "; ".join(exc.messages)
            if exc.messages == [str(TOO_MANY)]:  # the limit ran out in this file: refuse every number
                return {**dict.fromkeys(values, str(TOO_MANY)), **refused}
    return refused


# --- the four kinds ---------------------------------------------------------------------------------
def manageable_school(check: RowChecker, key: str, cache: dict, user) -> School | None:
    code = check.text(key, max_length=10)
    if not code:
        return None
    if code not in cache:
        school = School.objects.filter(code=code).select_related("region").first()
        cache[code] = school if school and scope_for(user).can_manage_school(school) else None
    if cache[code] is None:
        check.error(key, _("No school with this id in the schools you manage."))
    return cache[code]


def _plan_schools(rows, user, errors) -> Plan:
    plan = Plan()
    seen: dict[str, int] = {}  # school id -> row
    planned: dict[str, School] = {}  # school id -> the school a row of this file creates
    scope = scope_for(user)
    for number, values, columns in rows:
        check = RowChecker(number, values, columns, errors)
        code = check.text("code", max_length=10)
        name = check.text("name")
        kind = check.choice("kind", SCHOOL_KIND_WORDS, SchoolKind)
        region_code = check.text("region_code", max_length=6)
        central_code = check.text("central_school_code", max_length=10)
        if code and not re.fullmatch(r"[0-9]{10}", code):
            check.error("code", _("A school id has exactly 10 digits."))
        elif code in seen:
            check.error("code", _("Duplicate school id: also in row %(row)d.") % {"row": seen[code]})
        elif code and School.objects.filter(code=code).exists():
            check.error("code", _("A school with this id already exists."))
        region = (
            Region.objects.filter(code=region_code, level=RegionLevel.COUNTY).first() if region_code else None
        )
        if region_code and (region is None or not scope.can_manage_region(region)):
            check.error("region_code", _("No county with this division code in the regions you manage."))
        central = None
        if kind == SchoolKind.TEACHING_POINT:
            if not central_code:
                check.error("central_school_code", _("A teaching point needs the id of its central school."))
            elif central_code in planned:
                central = planned[central_code]
            else:
                central = (
                    School.objects.filter(code=central_code).exclude(kind=SchoolKind.TEACHING_POINT).first()
                )
                if central is None or not scope.can_manage_school(central):
                    check.error("central_school_code", _("No central school with this id."))
                    central = None
        elif central_code:
            check.error("central_school_code", _("Only a teaching point has a central school."))
        other_county = region is not None and central is not None and central.region_id != region.pk
        if central is not None and (central.kind == SchoolKind.TEACHING_POINT or other_county):
            check.error(
                "central_school_code",
                _("The central school must be in the same county and must not itself be a teaching point."),
            )
        if check.failed:
            continue
        assert kind is not None  # check.choice() returns None only after recording an error
        seen[code] = number
        school = School(
            code=code,
            name=name,
            kind=kind,
            region=region,
            address=values.get("address", ""),
            contact_name=values.get("contact_name", ""),
            contact_phone=values.get("contact_phone", ""),
        )
        planned[code] = school

        def step(school=school, central=central):
            school.central_school = central
            school.full_clean()
            school.save()
            return school

        plan.steps.append((number, step))
    return plan


def _plan_classes(rows, user, errors) -> Plan:
    plan = Plan()
    seen: dict[tuple[int | None, int | None, str], int] = {}  # (school, grade, class name) -> row
    schools: dict[str, School | None] = {}
    classes: list[tuple[ClassGroup, int]] = []  # (class without its grade, grade number)
    for number, values, columns in rows:
        check = RowChecker(number, values, columns, errors)
        school = manageable_school(check, "school_code", schools, user)
        grade_number = parse_grade(check.text("grade"))
        if values.get("grade") and grade_number is None:
            check.error("grade", _("Unknown grade; write e.g. 3, 三年级 or 初一."))
        name = check.text("name", max_length=32)
        head_number = check.text("head_teacher_number", max_length=32)
        head = None
        if school and head_number:
            head = Person.objects.filter(school=school, kind=PersonKind.TEACHER, number=head_number).first()
            if head is None:
                check.error("head_teacher_number", _("No teacher with this staff number at this school."))
        key = (school.pk if school else None, grade_number, name)
        if school and grade_number and name:
            if key in seen:
                check.error("name", _("Duplicate class: also in row %(row)d.") % {"row": seen[key]})
            elif ClassGroup.objects.filter(school=school, grade__number=grade_number, name=name).exists():
                check.error("name", _("This class already exists at this school."))
        if check.failed:
            continue
        assert school is not None and grade_number is not None
        seen[key] = number
        class_group = ClassGroup(school=school, name=name, head_teacher=head)
        try:
            class_group.clean_fields(exclude=["grade"])
        except ValidationError as exc:
            check.error("name", "; ".join(exc.messages))
            continue
        classes.append((class_group, grade_number))
    plan.count = len(classes)

    def write() -> ClassGroup:
        # The grades a class needs, created when missing (one query, one bulk insert), then the classes.
        needed = {(c.school_id, grade_number) for c, grade_number in classes}
        grades = {
            (g.school_id, g.number): g
            for g in Grade.objects.filter(
                school_id__in={s for s, _n in needed}, number__in={n for _s, n in needed}
            )
        }
        missing = [Grade(school_id=s, number=n) for s, n in sorted(needed) if (s, n) not in grades]
        for grade in missing:
            grade.full_clean(validate_unique=False, validate_constraints=False)
        Grade.objects.bulk_create(missing)
        grades.update({(g.school_id, g.number): g for g in missing})
        for class_group, grade_number in classes:
            class_group.grade = grades[(class_group.school_id, grade_number)]
        ClassGroup.objects.bulk_create([c for c, _n in classes], batch_size=500)
        return classes[0][0]

    if classes:
        plan.bulk = write
    return plan


def _plan_people(rows, user, errors, kind: str) -> Plan:
    plan = Plan()
    seen_numbers: dict[tuple[int | None, str], int] = {}  # (school, number) -> row
    seen_ids: dict[str, int] = {}  # national id -> row
    schools: dict[str, School | None] = {}
    numbers_at: dict[int, set[str]] = {}  # school -> the numbers of this kind already there
    classes_at: dict[int, dict[tuple[int, str], ClassGroup]] = {}  # school -> (grade, name) -> class
    refused = (
        refused_national_ids(rows, user) if any("national_id" in c for _n, _v, c in unreported(rows)) else {}
    )
    people: list[Person] = []
    guardians: list[tuple[Person, str, str]] = []  # (student, guardian name, phone)
    for number, values, columns in rows:
        check = PersonRowChecker(number, values, columns, errors)
        school = manageable_school(check, "school_code", schools, user)
        person_number = check.text("number", max_length=32)
        name = check.text("name", max_length=64)
        gender = check.choice("gender", GENDER_WORDS, Gender) if "gender" in columns else ""
        national_id = check.national_id("national_id", seen_ids, refused) if "national_id" in columns else ""
        class_group = None
        extra: dict = {}
        guardian: tuple[str, str] | None = None
        if kind == PersonKind.STUDENT:
            grade_number = parse_grade(check.text("grade"))
            if values.get("grade") and grade_number is None:
                check.error("grade", _("Unknown grade; write e.g. 3, 三年级 or 初一."))
            class_name = check.text("class_name", max_length=32)
            if school and grade_number and class_name:
                if school.pk not in classes_at:
                    classes_at[school.pk] = {
                        (c.grade.number, c.name): c
                        for c in ClassGroup.objects.filter(school=school).select_related("grade")
                    }
                class_group = classes_at[school.pk].get((grade_number, class_name))
                if class_group is None:
                    check.error(
                        "class_name",
                        _("This class does not exist at this school; import or create the class first."),
                    )
            guardian_name = check.text("guardian_name", max_length=64) if "guardian_name" in columns else ""
            guardian_phone = check.phone("guardian_phone") if "guardian_phone" in columns else ""
            if guardian_name and not guardian_phone:
                check.error("guardian_phone", _("Give the guardian's mobile number too."))
            if guardian_phone and not guardian_name:
                check.error("guardian_name", _("Give the guardian's name too."))
            if guardian_name and guardian_phone:
                guardian = (guardian_name, guardian_phone)
        else:
            extra["phone"] = check.phone("phone") if "phone" in columns else ""
            extra["subjects"] = check.text("subjects") if "subjects" in columns else ""
            extra["honour_level"] = (
                check.choice("honour_level", HONOUR_WORDS, HonourLevel) if "honour_level" in columns else ""
            )
        key = (school.pk if school else None, person_number)
        if school and person_number:
            if school.pk not in numbers_at:
                numbers_at[school.pk] = set(
                    Person.objects.filter(school=school, kind=kind).values_list("number", flat=True)
                )
            if key in seen_numbers:
                check.error(
                    "number", _("Duplicate number: also in row %(row)d.") % {"row": seen_numbers[key]}
                )
            elif person_number in numbers_at[school.pk]:
                check.error("number", _("Someone at this school already has this number."))
        if check.failed:
            continue
        seen_numbers[key] = number
        person = Person(
            kind=kind,
            school=school,
            number=person_number,
            name=name,
            gender=gender or "",
            national_id=national_id,
            class_group=class_group,
            **extra,
        )
        # The model's own rules, checked now rather than inside the write transaction; the unique
        # constraints are the planner's checks above, and the database's at the write. The school and
        # class were fetched (scope-checked) above and the ID card number checked (checksum, in the file,
        # in the database: refused_national_ids), so the three queries a row that full_clean would repeat
        # for them are left out: they took most of the time of a county's 40,000-row roster.
        person.national_id = ""
        try:
            person.full_clean(
                exclude=["school", "class_group"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                column = _FIELD_COLUMNS.get(field_name, field_name)
                check.error(column if column in columns else "", "; ".join(messages))
            continue
        finally:
            person.national_id = national_id
        # bulk_create does not call save(): the digests are computed here, as Person.save() does.
        person.national_id_digest = digest(national_id)
        person.phone_digest = digest(person.phone)
        people.append(person)
        if guardian:
            guardians.append((person, *guardian))
    plan.count = len(people)

    def write() -> Person:
        Person.objects.bulk_create(people, batch_size=500)
        _attach_guardians(guardians)
        return people[0]

    if people:
        plan.bulk = write
    return plan


_FIELD_COLUMNS = {"class_group": "class_name", "school": "school_code"}


def _attach_guardians(links: list[tuple[Person, str, str]]) -> None:
    """Link each student to a guardian, reusing the guardian already known at the school by phone number
    (siblings share one): one query per 500 phone numbers for the known ones, then one bulk insert for
    the new guardians and one for the links. Runs inside the import's write transaction, so a guardian
    added meanwhile by someone else is found too."""
    if not links:
        return
    wanted = {
        (student.school_id, digest(phone)): (student.school, name, phone) for student, name, phone in links
    }
    known: dict[tuple[int | None, str], Person] = {}
    keys = list(wanted)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        for guardian in Person.objects.filter(
            kind=PersonKind.GUARDIAN,
            school_id__in={school_id for school_id, _d in chunk},
            phone_digest__in=[d for _s, d in chunk],
        ).order_by("pk"):
            known.setdefault((guardian.school_id, guardian.phone_digest), guardian)
    new = []
    for key, (school, name, phone) in wanted.items():
        if key not in known:
            guardian = Person(kind=PersonKind.GUARDIAN, school=school, name=name, phone=phone)
            guardian.phone_digest = key[1]
            known[key] = guardian
            new.append(guardian)
    Person.objects.bulk_create(new, batch_size=500)
    through = Person.wards.through
    Person.wards.through.objects.bulk_create(
        [
            through(from_person_id=known[(student.school_id, digest(phone))].pk, to_person_id=student.pk)
            for student, _name, phone in links
        ],
        batch_size=500,
    )


SCHOOL_CODE = Column(
    "school_code", gettext_lazy("School id"), True, "10 位学校标识码", ("学校代码", "学校编码"), nfkc=True
)
GRADE = Column("grade", gettext_lazy("Grade"), True, "3 / 三年级 / 初一", ("年级",), nfkc=True)
CLASS_NAME = ("班级", "班级名称", "班名")
PHONE = ("手机", "手机号", "手机号码", "联系电话", "电话")
NATIONAL_ID = Column(
    "national_id", gettext_lazy("ID card number"), aliases=("身份证", "身份证号", "身份证号码"), nfkc=True
)
ORG_IMPORT_KINDS = (
    ImportKind(
        "schools",
        gettext_lazy("Schools and teaching points"),
        (
            Column("code", gettext_lazy("School id"), True, "2133012701", nfkc=True),
            Column("name", gettext_lazy("School name"), True, "千岛湖镇中心小学"),
            Column(
                "kind",
                gettext_lazy("School type"),
                True,
                "小学 / 初中 / 九年一贯制 / 完全中学 / 高中 / 教学点",
            ),
            Column("region_code", gettext_lazy("Division code"), True, "330127", nfkc=True),
            Column("central_school_code", gettext_lazy("Central school id"), False, "教学点必填", nfkc=True),
            Column("address", gettext_lazy("Address")),
            Column("contact_name", gettext_lazy("Contact person")),
            Column("contact_phone", gettext_lazy("Contact phone"), nfkc=True),
        ),
        _plan_schools,
    ),
    ImportKind(
        "classes",
        gettext_lazy("Classes"),
        (
            SCHOOL_CODE,
            GRADE,
            Column("name", gettext_lazy("Class name"), True, "(2)班", CLASS_NAME, nfkc=True),
            Column("head_teacher_number", gettext_lazy("Head teacher staff number"), nfkc=True),
        ),
        _plan_classes,
    ),
    ImportKind(
        "teachers",
        gettext_lazy("Teachers"),
        (
            SCHOOL_CODE,
            Column("number", gettext_lazy("Staff number"), True, "T0001", nfkc=True),
            Column("name", gettext_lazy("Name"), True, "王芳"),
            Column("gender", gettext_lazy("Gender"), False, "男 / 女"),
            Column("phone", gettext_lazy("Mobile"), False, "13800000000", PHONE, nfkc=True),
            Column("subjects", gettext_lazy("Subjects"), False, "英语"),
            Column("honour_level", gettext_lazy("Honour level"), False, "无 / 县级 / 市级 / 省级"),
            NATIONAL_ID,
        ),
        lambda rows, user, errors: _plan_people(rows, user, errors, PersonKind.TEACHER),
    ),
    ImportKind(
        "students",
        gettext_lazy("Students (class rosters)"),
        (
            SCHOOL_CODE,
            GRADE,
            Column("class_name", gettext_lazy("Class name"), True, "(2)班", CLASS_NAME, nfkc=True),
            Column(
                "number",
                gettext_lazy("Student number"),
                True,
                "G330127201501010011",
                ("学号", "学籍号", "全国学籍号"),
                nfkc=True,
            ),
            Column("name", gettext_lazy("Name"), True, "李明"),
            Column("gender", gettext_lazy("Gender"), False, "男 / 女"),
            NATIONAL_ID,
            Column("guardian_name", gettext_lazy("Guardian name"), aliases=("家长姓名", "监护人")),
            Column(
                "guardian_phone",
                gettext_lazy("Guardian mobile"),
                aliases=("家长手机", "家长电话", "监护人电话"),
                nfkc=True,
            ),
        ),
        lambda rows, user, errors: _plan_people(rows, user, errors, PersonKind.STUDENT),
    ),
)


def register() -> None:
    """Offer the organisation's kinds on the import page (called from ``OrgConfig.ready``)."""
    for kind in ORG_IMPORT_KINDS:
        register_import_kind(kind)
