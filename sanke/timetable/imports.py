"""Import of class timetables (课表) from xlsx or csv, as one more kind of the organisation's import page.

One row is one cell of a class's week: school, grade, class, weekday, period number (节次 of that
school's grid), subject and, optionally, the teacher's staff number and the classroom. The rules are
those of the other kinds (``sanke.core.tabular_import``): every row is checked first and a file with any bad
row writes nothing. A row for a cell that already has an entry in the database REPLACES that entry
(subject, teacher and classroom), so a school can re-import its corrected timetable; two rows for the
same cell in one file are an error. Registered by ``TimetableConfig.ready`` so that sanke.org does not
depend on this app.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanke.core.tabular_import import Column, ImportKind, Plan, RowChecker
from sanke.org.choices import PersonKind
from sanke.org.imports import CLASS_NAME, GRADE, SCHOOL_CODE, manageable_school, parse_grade
from sanke.org.models import ClassGroup, Classroom, Person
from sanke.timetable.choices import Weekday
from sanke.timetable.models import Period, TimetableEntry

_WEEKDAY_WORDS = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "日": 7,
    "天": 7,
    "七": 7,
    "mon": 1,
    "monday": 1,
    "tue": 2,
    "tuesday": 2,
    "wed": 3,
    "wednesday": 3,
    "thu": 4,
    "thursday": 4,
    "fri": 5,
    "friday": 5,
    "sat": 6,
    "saturday": 6,
    "sun": 7,
    "sunday": 7,
}


def parse_weekday(text: str) -> int | None:
    """1–7 from what a clerk writes: ``3``, ``周三``, ``星期三``, ``礼拜三``, ``三`` or ``Wednesday``."""
    word = re.sub(r"\s", "", text or "").lower()
    word = re.sub(r"^(星期|周|礼拜)", "", word)
    if re.fullmatch(r"[1-7]", word):
        return int(word)
    return _WEEKDAY_WORDS.get(word)


def _plan_timetable(rows, user, errors) -> Plan:
    plan, seen, schools = Plan(), {}, {}
    entries: list[TimetableEntry] = []
    classes: dict[tuple, ClassGroup | None] = {}
    grids: dict[int, dict[int, Period]] = {}
    for number, values, columns in rows:
        check = RowChecker(number, values, columns, errors)
        school = manageable_school(check, "school_code", schools, user)
        grade_number = parse_grade(check.text("grade"))
        if values.get("grade") and grade_number is None:
            check.error("grade", _("Unknown grade; write e.g. 3, 三年级 or 初一."))
        class_name = check.text("class_name", max_length=32)
        class_group = None
        if school and grade_number and class_name:
            key = (school.pk, grade_number, class_name)
            if key not in classes:
                classes[key] = ClassGroup.objects.filter(
                    school=school, grade__number=grade_number, name=class_name
                ).first()
            class_group = classes[key]
            if class_group is None:
                check.error(
                    "class_name",
                    _("This class does not exist at this school; import or create the class first."),
                )
        weekday_text = check.text("weekday", max_length=8)
        weekday = parse_weekday(weekday_text)
        if weekday_text and weekday is None:
            check.error("weekday", _("Unknown weekday; write 1–7, 周一, 星期一 or 一."))
        period_text = check.text("period", max_length=8)
        period = None
        if period_text and not re.fullmatch(r"[0-9]{1,2}", period_text):
            check.error("period", _("Write the period number, e.g. 3."))
        elif period_text and school:
            if school.pk not in grids:
                grids[school.pk] = {p.number: p for p in Period.objects.filter(school=school)}
            period = grids[school.pk].get(int(period_text))
            if period is None:
                check.error(
                    "period",
                    _("This school's period grid (节次) has no period %(n)s; set up the grid first.")
                    % {"n": period_text},
                )
        subject = check.text("subject", max_length=32)
        teacher = classroom = None
        teacher_number = check.text("teacher_number", max_length=32) if "teacher_number" in columns else ""
        if school and teacher_number:
            teacher = Person.objects.filter(
                school=school, kind=PersonKind.TEACHER, number=teacher_number
            ).first()
            if teacher is None:
                check.error("teacher_number", _("No teacher with this staff number at this school."))
        classroom_name = check.text("classroom", max_length=64) if "classroom" in columns else ""
        if school and classroom_name:
            classroom = Classroom.objects.filter(school=school, name=classroom_name).first()
            if classroom is None:
                check.error("classroom", _("No classroom with this name at this school."))
        cell = (class_group.pk if class_group else None, weekday, period.pk if period else None)
        if class_group and weekday and period and cell in seen:
            check.error(
                "period",
                _("Duplicate cell: row %(row)d already gives this class's %(weekday)s period %(n)d.")
                % {"row": seen[cell], "weekday": Weekday(weekday).label, "n": period.number},
            )
        if check.failed:
            continue
        assert class_group is not None and weekday is not None and period is not None
        seen[cell] = number
        entry = TimetableEntry(
            class_group=class_group,
            weekday=weekday,
            period=period,
            subject=subject,
            teacher=teacher,
            classroom=classroom,
        )
        try:  # the model's rules now, not inside the write transaction (the unique cell: see write())
            entry.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            check.error("subject", "; ".join(exc.messages))
            continue
        entries.append(entry)
    plan.count = len(entries)

    def write() -> TimetableEntry:
        """Replace the cells that have an entry (found in one query per 500 classes, inside the write
        transaction so an entry added meanwhile is replaced too), insert the others — in bulk."""
        class_ids = sorted({e.class_group_id for e in entries})
        existing: dict[tuple, TimetableEntry] = {}
        for start in range(0, len(class_ids), 500):
            for old in TimetableEntry.objects.filter(class_group_id__in=class_ids[start : start + 500]):
                existing[(old.class_group_id, old.weekday, old.period_id)] = old
        changed, new = [], []
        for entry in entries:
            old = existing.get((entry.class_group_id, entry.weekday, entry.period_id))
            if old is None:
                new.append(entry)
            else:
                old.subject, old.teacher, old.classroom = entry.subject, entry.teacher, entry.classroom
                old.updated_at = timezone.now()
                changed.append(old)
        TimetableEntry.objects.bulk_update(
            changed, ["subject", "teacher", "classroom", "updated_at"], batch_size=500
        )
        TimetableEntry.objects.bulk_create(new, batch_size=500)
        return entries[0]

    if entries:
        plan.bulk = write
    return plan


TIMETABLE_IMPORT = ImportKind(
    "timetable",
    gettext_lazy("Class timetables"),
    (
        SCHOOL_CODE,
        GRADE,
        Column("class_name", gettext_lazy("Class name"), True, "(2)班", CLASS_NAME, nfkc=True),
        Column("weekday", gettext_lazy("Weekday"), True, "1–7 / 周一 / 星期一 / 一", ("星期",), nfkc=True),
        Column("period", gettext_lazy("Period"), True, "1, 2, 3 …", ("节次", "节", "第几节"), nfkc=True),
        Column("subject", gettext_lazy("Subject"), True, "英语", ("学科", "科目", "课程")),
        Column(
            "teacher_number",
            gettext_lazy("Teacher staff number"),
            False,
            "T0001",
            ("教师工号", "工号"),
            nfkc=True,
        ),
        Column("classroom", gettext_lazy("Classroom"), False, "录播教室", ("教室", "上课教室")),
    ),
    _plan_timetable,
)
