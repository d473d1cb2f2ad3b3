"""Importing class timetables (课表) from xlsx/csv on the organisation's import page.

The kind is registered by the timetable app (sanke.org does not import it) and follows the same
promise as the other kinds: a clean file is saved in one go and audited once; a file with any bad row
saves nothing and lists every bad row. A row for a cell that already has an entry replaces it.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from sanke.core.models import AuditEvent
from sanke.core.tabular_import import IMPORT_KINDS, register_import_kind
from sanke.testing.uploads import csv_upload, import_in_english, xlsx_upload
from sanke.timetable.imports import TIMETABLE_IMPORT
from sanke.timetable.models import TimetableEntry

pytestmark = pytest.mark.django_db

HOST = "2133012701"  # 千岛湖镇第一小学 (淳安县)
CENTRAL = "2133012702"  # 枫树岭镇中心小学 (淳安县)
OUTSIDE = "2133018201"  # 新安江第一小学, 建德市: outside 淳安县
UNKNOWN = "2133019999"

HEADER = ["学校标识码", "年级", "班级", "星期", "节次", "学科", "教师工号", "教室"]


def row(**values) -> list[str]:
    cells = {
        "学校标识码": HOST,
        "年级": "3",
        "班级": "(2)班",
        "星期": "1",
        "节次": "5",
        "学科": "美术",
        "教师工号": "",
        "教室": "",
    }
    cells.update(values)
    return [cells[title] for title in HEADER]


def xlsx_file(header, rows):
    return xlsx_upload(header, rows, name="课表.xlsx")


def csv_file(header, rows, *, encoding="utf-8-sig"):
    return csv_upload(header, rows, encoding=encoding, name="课表.csv")


def import_en(upload, user):
    return import_in_english("timetable", upload, user)


def state():
    """Every timetable cell with what it holds, and how many timetable imports were audited."""
    cells = sorted(
        TimetableEntry.objects.values_list(
            "class_group_id", "weekday", "period__number", "subject", "teacher_id"
        )
    )
    return cells, AuditEvent.objects.filter(action="org.import.timetable").count()


def cell(class_group, weekday, number) -> TimetableEntry:
    return TimetableEntry.objects.select_related("teacher", "classroom").get(
        class_group=class_group, weekday=weekday, period__number=number
    )


# --- registration ------------------------------------------------------------------------------------
def test_the_timetable_app_registers_its_kind_on_the_import_page(world, county_admin, client_for):
    assert IMPORT_KINDS["timetable"] is TIMETABLE_IMPORT
    assert [c.key for c in TIMETABLE_IMPORT.columns] == [
        "school_code",
        "grade",
        "class_name",
        "weekday",
        "period",
        "subject",
        "teacher_number",
        "classroom",
    ]
    response = client_for(county_admin).get(reverse("org:import") + "?kind=timetable")
    assert response.status_code == 200
    assert response.context["form"]["kind"].value() == "timetable"
    assert ("timetable", TIMETABLE_IMPORT.label) in response.context["form"].fields["kind"].choices


def test_registering_again_is_harmless_but_a_different_kind_under_the_key_is_refused():
    register_import_kind(TIMETABLE_IMPORT)
    assert IMPORT_KINDS["timetable"] is TIMETABLE_IMPORT
    impostor = type(TIMETABLE_IMPORT)("timetable", TIMETABLE_IMPORT.label, (), lambda *a: None)
    with pytest.raises(ValueError):
        register_import_kind(impostor)
    assert IMPORT_KINDS["timetable"] is TIMETABLE_IMPORT


# --- a clean file ------------------------------------------------------------------------------------
def test_a_clean_file_sets_the_cells_and_replaces_existing_ones(world, county_admin):
    host31, host32 = world.classes["host-31"], world.classes["host-32"]
    replaced = cell(host31, 1, 1)
    assert replaced.subject == "语文"
    untouched = state()[0]
    rows = [
        row(),  # 三年级(2)班 Monday period 5
        row(**{"星期": "周二", "节次": "6", "学科": "音乐", "教师工号": "T0002", "教室": "录播教室"}),
        row(**{"星期": "星期三", "学科": "英语", "教师工号": "T0001"}),
        row(**{"星期": "四", "年级": "三年级"}),
        row(**{"星期": "Friday", "班级": "(1)班", "节次": "1", "学科": "书法", "教师工号": "T0003"}),
        row(**{"班级": "(1)班", "节次": "1", "学科": "阅读"}),  # replaces 三年级(1)班 Monday period 1 (语文)
    ]
    result = import_en(xlsx_file(HEADER, rows), county_admin)
    assert result.ok, result.errors
    assert result.created == 6
    # new cells
    assert cell(host32, 1, 5).subject == "美术"
    tuesday = cell(host32, 2, 6)
    assert (tuesday.subject, tuesday.teacher, tuesday.classroom) == (
        "音乐",
        world.people["music"],
        world.classrooms["host-studio"],
    )
    assert (cell(host32, 3, 5).subject, cell(host32, 3, 5).teacher) == ("英语", world.people["teacher"])
    assert cell(host32, 4, 5).subject == "美术"
    assert cell(host31, 5, 1).teacher == world.people["art"]
    # the existing cell was replaced in place, not duplicated
    monday = cell(host31, 1, 1)
    assert (monday.pk, monday.subject, monday.teacher) == (replaced.pk, "阅读", None)
    assert TimetableEntry.objects.filter(class_group=host31, weekday=1, period__number=1).count() == 1
    # other classes are untouched and the import is audited once
    others = [c for c in untouched if c[0] not in {host31.pk, host32.pk}]
    assert [c for c in state()[0] if c[0] not in {host31.pk, host32.pk}] == others
    event = AuditEvent.objects.get(action="org.import.timetable")
    assert (event.actor, event.changes["rows"]) == (county_admin, 6)


def test_a_gbk_csv_with_other_titles_imports(world, school_admin):
    # titles clerks type by hand, in another order; saved by Chinese Excel as GBK
    header = ["学科", "星期", "节次", "班级名称", "年级", "学校代码"]
    rows = [["科学", "周五", "5", "(2)班", "三年级", HOST]]
    result = import_en(csv_file(header, rows, encoding="gb18030"), school_admin)
    assert result.ok, result.errors
    assert cell(world.classes["host-32"], 5, 5).subject == "科学"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_template_round_trips(world, county_admin, client_for, fmt, jobs_run_inline):
    client = client_for(county_admin)
    response = client.get(reverse("org:import_template", kwargs={"kind": "timetable", "fmt": fmt}))
    assert response.status_code == 200
    sample = {
        "school_code": HOST,
        "grade": "三年级",
        "class_name": "(2)班",
        "weekday": "周一",
        "period": "6",
        "subject": "美术",
        "teacher_number": "T0003",
        "classroom": "三(1)班教室",
    }
    values = [sample[c.key] for c in TIMETABLE_IMPORT.columns]
    if fmt == "xlsx":
        workbook = load_workbook(io.BytesIO(response.content))
        workbook.worksheets[0].append(values)
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
    else:
        text = response.content.decode("utf-8")
        buffer = io.StringIO()
        csv.writer(buffer).writerow(values)
        data = (text + buffer.getvalue()).encode("utf-8")
    response = client.post(
        reverse("org:import"),
        {"kind": "timetable", "file": SimpleUploadedFile(f"t.{fmt}", data)},
        follow=True,
    )
    result = response.context["result"]
    assert result.errors == []
    assert result.created == 1
    entry = cell(world.classes["host-32"], 1, 6)
    assert (entry.subject, entry.teacher, entry.classroom) == (
        "美术",
        world.people["art"],
        world.classrooms["host-3-1"],
    )


# --- all or nothing ----------------------------------------------------------------------------------
def test_every_bad_row_is_reported_and_nothing_is_saved(world, county_admin):
    rows = [
        row(),  # 2 good
        row(**{"学校标识码": UNKNOWN}),  # 3 unknown school
        row(**{"学校标识码": OUTSIDE}),  # 4 another county
        row(**{"班级": "(9)班"}),  # 5 no such class
        row(**{"年级": "十三年级"}),  # 6 unknown grade
        row(**{"星期": "周八"}),  # 7 unknown weekday
        row(**{"节次": "9"}),  # 8 not in the grid
        row(**{"节次": "第一节"}),  # 9 not a number
        row(**{"学科": "体育"}),  # 10 same cell as row 2
        row(**{"星期": "2", "教师工号": "T9999"}),  # 11 unknown teacher
        row(**{"星期": "3", "教师工号": "T0201"}),  # 12 a teacher of another school
        row(**{"星期": "4", "教室": "体育馆"}),  # 13 no such classroom
        row(**{"星期": "5", "学科": ""}),  # 14 required empty
    ]
    before = state()
    result = import_en(xlsx_file(HEADER, rows), county_admin)
    assert not result.ok
    assert result.created == 0
    found = {(e.row, e.column): e.message for e in result.errors}
    assert found == {
        (3, "School id"): "No school with this id in the schools you manage.",
        (4, "School id"): "No school with this id in the schools you manage.",
        (5, "Class name"): "This class does not exist at this school; import or create the class first.",
        (6, "Grade"): "Unknown grade; write e.g. 3, 三年级 or 初一.",
        (7, "Weekday"): "Unknown weekday; write 1–7, 周一, 星期一 or 一.",
        (8, "Period"): "This school's period grid (节次) has no period 9; set up the grid first.",
        (9, "Period"): "Write the period number, e.g. 3.",
        (10, "Period"): "Duplicate cell: row 2 already gives this class's Monday period 5.",
        (11, "Teacher staff number"): "No teacher with this staff number at this school.",
        (12, "Teacher staff number"): "No teacher with this staff number at this school.",
        (13, "Classroom"): "No classroom with this name at this school.",
        (14, "Subject"): "This column must be filled in.",
    }
    assert state() == before


def test_a_school_admin_imports_only_into_their_school(world, school_admin):
    before = state()
    rows = [row(), row(**{"学校标识码": CENTRAL, "年级": "4", "班级": "(1)班", "节次": "6"})]
    result = import_en(csv_file(HEADER, rows), school_admin)
    assert [(e.row, e.column) for e in result.errors] == [(3, "School id")]
    assert state() == before


def test_a_teacher_cannot_open_the_import(world, host_teacher, client_for):
    before = state()
    client = client_for(host_teacher)
    upload = xlsx_file(HEADER, [row()])
    assert client.post(reverse("org:import"), {"kind": "timetable", "file": upload}).status_code == 403
    assert state() == before
