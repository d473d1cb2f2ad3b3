"""Bulk import of schools, classes, teachers and students from xlsx or csv.

The promise under test: a clean file is saved in one go (and audited once); a file with any wrong row
saves nothing and lists every wrong row with its row number, column and a reason. Files are built the
way a clerk builds them: download the template, fill it in (Excel or a CSV saved by Chinese Excel in
GBK), upload it on the import page.
"""

from __future__ import annotations

import codecs
import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from sanke.core.models import AuditEvent
from sanke.core.tabular_import import IMPORT_KINDS, ImportFileError
from sanke.org.actions import do_save_person
from sanke.org.choices import Gender, HonourLevel, PersonKind, SchoolKind
from sanke.org.imports import parse_grade
from sanke.org.models import ClassGroup, Grade, Person, School
from sanke.testing import factories
from sanke.testing.factories import with_bad_checksum
from sanke.testing.uploads import (
    csv_rows,
    csv_text,
    csv_upload,
    errors_by_row,
    import_in_english,
    xlsx_upload,
)

pytestmark = pytest.mark.django_db

HOST = "2133012701"  # 千岛湖镇第一小学 (淳安县)
CENTRAL = "2133012702"  # 枫树岭镇中心小学 (淳安县)
LONGJING = "2133012703"  # 龙井教学点, a teaching point of 枫树岭
JUNIOR = "2133012705"  # 淳安县第二初级中学
OUTSIDE = "2133018201"  # 新安江第一小学, in 建德市: outside the county admin's scope
UNKNOWN = "2133019999"  # no such school anywhere

STUDENT_HEADER = [
    "School id",
    "Grade",
    "Class name",
    "Student number",
    "Name",
    "Gender",
    "ID card number",
    "Guardian name",
    "Guardian mobile",
]
TEACHER_HEADER = [
    "School id",
    "Staff number",
    "Name",
    "Gender",
    "Mobile",
    "Subjects",
    "Honour level",
    "ID card number",
]
SCHOOL_HEADER = ["School id", "School name", "School type", "Division code", "Central school id", "Address"]
CLASS_HEADER = ["School id", "Grade", "Class name", "Head teacher staff number"]


def national_id(serial: int) -> str:
    """A valid ID card number of a child born in 2015 (GB 11643 checksum, computed by the test kit)."""
    return factories.national_id(serial, birth="20150101")


def counts():
    return {
        "schools": School.objects.count(),
        "grades": Grade.objects.count(),
        "classes": ClassGroup.objects.count(),
        "people": Person.objects.count(),
        "imports": AuditEvent.objects.filter(action__startswith="org.import.").count(),
    }


def student_row(**values) -> list[str]:
    row = {
        "School id": HOST,
        "Grade": "3",
        "Class name": "(1)班",
        "Student number": "Q20239001",
        "Name": "周晓",
        "Gender": "男",
        "ID card number": "",
        "Guardian name": "",
        "Guardian mobile": "",
    }
    row.update(values)
    return [row[column] for column in STUDENT_HEADER]


def teacher_row(**values) -> list[str]:
    row = {
        "School id": HOST,
        "Staff number": "T1001",
        "Name": "何静",
        "Gender": "女",
        "Mobile": "13800001001",
        "Subjects": "科学",
        "Honour level": "无",
        "ID card number": "",
    }
    row.update(values)
    return [row[column] for column in TEACHER_HEADER]


# --- templates round-trip -------------------------------------------------------------------------
SAMPLE_ROWS = {
    "schools": {
        "code": "2133012790",
        "name": "石林镇中心小学",
        "kind": "小学",
        "region_code": "330127",
        "address": "石林镇港口村",
    },
    "classes": {"school_code": HOST, "grade": "三年级", "name": "(3)班", "head_teacher_number": "T0001"},
    "teachers": {
        "school_code": HOST,
        "number": "T1001",
        "name": "何静",
        "gender": "女",
        "phone": "13800001001",
        "subjects": "科学",
        "honour_level": "市级",
        "national_id": national_id(901),
    },
    "students": {
        "school_code": HOST,
        "grade": "3",
        "class_name": "(1)班",
        "number": "Q20239001",
        "name": "周晓",
        "gender": "男",
        "national_id": national_id(902),
        "guardian_name": "周大海",
        "guardian_phone": "13900009001",
    },
}


def assert_sample_imported(kind, world):
    host = world.schools["host"]
    if kind == "schools":
        school = School.objects.get(code="2133012790")
        assert (school.name, school.kind, school.region) == (
            "石林镇中心小学",
            SchoolKind.PRIMARY,
            world.regions["330127"],
        )
        assert school.address == "石林镇港口村"
    elif kind == "classes":
        class_group = ClassGroup.objects.get(school=host, grade__number=3, name="(3)班")
        assert class_group.head_teacher == world.people["teacher"]
    elif kind == "teachers":
        teacher = Person.objects.get(school=host, kind=PersonKind.TEACHER, number="T1001")
        assert (teacher.name, teacher.gender, teacher.honour_level) == (
            "何静",
            Gender.FEMALE,
            HonourLevel.CITY,
        )
        assert teacher.phone == "13800001001"
        assert teacher.national_id == national_id(901)
    else:
        student = Person.objects.get(school=host, kind=PersonKind.STUDENT, number="Q20239001")
        assert student.class_group == world.classes["host-31"]
        assert student.gender == Gender.MALE
        assert [(g.name, g.phone) for g in student.guardians.all()] == [("周大海", "13900009001")]


def _template_rows(kind):
    return [[SAMPLE_ROWS[kind].get(column.key, "") for column in IMPORT_KINDS[kind].columns]]


@pytest.mark.parametrize("kind", list(SAMPLE_ROWS))  # the organisation kinds; timetables test their own
def test_the_xlsx_template_of_each_kind_round_trips(world, county_admin, client_for, kind, jobs_run_inline):
    # given: the template downloaded from the import page
    client = client_for(county_admin)
    response = client.get(reverse("org:import_template", kwargs={"kind": kind, "fmt": "xlsx"}))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'sanke-{kind}-template.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert len(header) == len(IMPORT_KINDS[kind].columns)
    assert sheet.max_row == 1, "the template holds titles only"
    # when: one row is filled in and the workbook uploaded
    for row in _template_rows(kind):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = AuditEvent.objects.filter(action=f"org.import.{kind}").count()
    response = client.post(
        reverse("org:import"),
        {"kind": kind, "file": SimpleUploadedFile(f"{kind}.xlsx", buffer.getvalue())},
        follow=True,
    )
    # then
    assert response.status_code == 200
    result = response.context["result"]
    assert result.errors == []
    assert result.created == 1
    assert_sample_imported(kind, world)
    assert AuditEvent.objects.filter(action=f"org.import.{kind}").count() == before + 1


@pytest.mark.parametrize("kind", list(SAMPLE_ROWS))  # the organisation kinds; timetables test their own
def test_the_csv_template_of_each_kind_round_trips(world, county_admin, client_for, kind, jobs_run_inline):
    # given: the csv template, which starts with a UTF-8 BOM so that Excel opens it as UTF-8
    client = client_for(county_admin)
    response = client.get(reverse("org:import_template", kwargs={"kind": kind, "fmt": "csv"}))
    assert response.status_code == 200
    assert response.content.startswith(codecs.BOM_UTF8)
    text = response.content.decode("utf-8")
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(header) == len(IMPORT_KINDS[kind].columns)
    # when: rows are appended and the file (BOM included) uploaded
    body = text + csv_rows(_template_rows(kind))
    response = client.post(
        reverse("org:import"),
        {
            "kind": kind,
            "file": SimpleUploadedFile(f"{kind}.csv", body.encode("utf-8"), content_type="text/csv"),
        },
        follow=True,
    )
    # then
    result = response.context["result"]
    assert result.errors == []
    assert result.created == 1
    assert_sample_imported(kind, world)


@pytest.mark.parametrize("kind", list(SAMPLE_ROWS))  # the organisation kinds; timetables test their own
def test_the_chinese_template_has_chinese_column_titles(world, county_admin, client_for, kind):
    """A clerk on the Chinese UI gets Chinese titles, and those titles are read back (round trip above)."""
    response = client_for(county_admin).get(
        reverse("org:import_template", kwargs={"kind": kind, "fmt": "csv"})
    )
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [title for title in header if any("a" <= ch.lower() <= "z" for ch in title)] == []


def test_chinese_titles_typed_by_a_clerk_are_recognised(world, county_admin):
    # given: titles typed by hand (no template), in a different order, without the * marks
    header = ["姓名", "学籍号", "班级名称", "年级", "学校标识码"]
    rows = [["方圆", "Q20239201", "(2)班", "三年级", HOST]]
    # when
    result = import_in_english("students", csv_upload(header, rows, encoding="gb18030"), county_admin)
    # then
    assert result.ok, result.errors
    assert Person.objects.get(number="Q20239201").class_group == world.classes["host-32"]


def test_a_csv_saved_by_chinese_excel_in_gbk_imports(world, county_admin, client_for, jobs_run_inline):
    # given: the template's titles and Chinese names, saved as GB18030/GBK
    # (what Excel on Chinese Windows does)
    client = client_for(county_admin)
    template = client.get(reverse("org:import_template", kwargs={"kind": "students", "fmt": "csv"}))
    header = next(csv.reader(io.StringIO(template.content.decode("utf-8-sig"))))
    rows = [
        [HOST, "三年级", "(2)班", "Q20239101", "欧阳娜娜", "女", "", "欧阳锋", "13900009101"],
        [HOST, "3", "(2)班", "Q20239102", "龔珺", "女", "", "", ""],
    ]  # 龔 exists in GBK, not in GB2312
    data = csv_text(header, rows).encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really not UTF-8
    # when
    response = client.post(
        reverse("org:import"),
        {"kind": "students", "file": SimpleUploadedFile("名册.csv", data, content_type="text/csv")},
        follow=True,
    )
    # then
    result = response.context["result"]
    assert result.errors == []
    assert result.created == 2
    names = set(Person.objects.filter(class_group=world.classes["host-32"]).values_list("name", flat=True))
    assert {"欧阳娜娜", "龔珺"} <= names
    assert Person.objects.get(kind=PersonKind.GUARDIAN, name="欧阳锋").wards.get().name == "欧阳娜娜"


def test_a_utf8_csv_with_bom_keeps_its_first_column(world, county_admin):
    # given: English titles; the BOM must not glue itself to the first title ("School id")
    upload = csv_upload(STUDENT_HEADER, [student_row()], encoding="utf-8-sig")
    assert upload.read().startswith(codecs.BOM_UTF8)
    upload.seek(0)
    # when
    result = import_in_english("students", upload, county_admin)
    # then
    assert result.ok, result.errors
    assert Person.objects.filter(number="Q20239001", school=world.schools["host"]).exists()


def test_a_utf8_csv_without_bom_imports_too(world, county_admin):
    result = import_in_english(
        "students", csv_upload(STUDENT_HEADER, [student_row()], encoding="utf-8"), county_admin
    )
    assert result.ok, result.errors
    assert result.created == 1


def test_ids_typed_as_numbers_in_excel_are_read_as_text(world, county_admin):
    # given: Excel stores a typed school id, grade and phone as numbers
    upload = xlsx_upload(TEACHER_HEADER, [[int(HOST), "T1002", "吴刚", "男", 13800001002, "体育", "", ""]])
    # when
    result = import_in_english("teachers", upload, county_admin)
    # then
    assert result.ok, result.errors
    teacher = Person.objects.get(number="T1002")
    assert teacher.school == world.schools["host"]
    assert teacher.phone == "13800001002"


def test_a_file_that_is_neither_xlsx_nor_csv_is_refused_as_a_whole(world, county_admin):
    before = counts()
    with pytest.raises(ImportFileError):
        import_in_english(
            "students", SimpleUploadedFile("roster.xls", b"\xd0\xcf\x11\xe0 not a workbook"), county_admin
        )
    with pytest.raises(ImportFileError):
        import_in_english(
            "students", SimpleUploadedFile("roster.xlsx", b"PK\x03\x04 broken zip"), county_admin
        )
    assert counts() == before


# --- all or nothing, with every bad row reported --------------------------------------------------
def test_a_file_with_one_bad_row_imports_nothing(world, county_admin):
    # given: two good rows and one with a bad mobile number
    rows = [
        student_row(),
        student_row(**{"Student number": "Q20239002", "Name": "林一"}),
        student_row(
            **{
                "Student number": "Q20239003",
                "Name": "林二",
                "Guardian name": "林父",
                "Guardian mobile": "1390000",
            }
        ),
    ]
    before = counts()
    # when
    result = import_in_english("students", xlsx_upload(STUDENT_HEADER, rows), county_admin)
    # then
    assert not result.ok
    assert result.created == 0
    assert result.rows == 3
    assert [(e.row, e.column) for e in result.errors] == [(4, "Guardian mobile")]
    assert counts() == before
    assert not Person.objects.filter(number__in=["Q20239001", "Q20239002"]).exists()


def test_every_bad_row_of_a_student_file_is_reported_and_nothing_is_saved(world, county_admin):
    # given: an ID number someone already has, and a file with one good row and one wrong row per rule
    taken_id = national_id(700)
    music = world.people["music"]
    music.national_id = taken_id
    do_save_person(music, acting_user=None)
    good_id = national_id(701)
    rows = [
        student_row(**{"ID card number": good_id}),  # 2 good
        student_row(**{"Student number": "Q20239003", "ID card number": good_id}),  # 3 dup id in file
        student_row(**{"Student number": "Q20239004", "ID card number": taken_id}),  # 4 id in database
        student_row(**{"Student number": "Q20239005", "School id": UNKNOWN}),  # 5 unknown school
        student_row(**{"Student number": "Q20239006", "School id": OUTSIDE}),  # 6 other county
        # 7 bad check digit
        student_row(**{"Student number": "Q20239007", "ID card number": with_bad_checksum(national_id(702))}),
        student_row(**{"Student number": "Q20239008", "Grade": "十三年级"}),  # 8 unknown grade
        student_row(**{"Student number": "Q20239009", "Class name": "(9)班"}),  # 9 no such class
        student_row(**{"Student number": "Q20239010", "Guardian name": "王父"}),  # 10 name, no phone
        student_row(
            **{"Student number": "Q20239011", "Guardian name": "王母", "Guardian mobile": "23900000000"}
        ),  # 11 bad mobile
        student_row(**{"Name": "重号"}),  # 12 dup number
        student_row(**{"Student number": "Q20230001"}),  # 13 number taken
        student_row(**{"Student number": "", "Name": ""}),  # 14 required empty
    ]
    before = counts()
    # when
    result = import_in_english("students", xlsx_upload(STUDENT_HEADER, rows), county_admin)
    # then: nothing saved, nothing audited
    assert counts() == before
    assert result.created == 0
    assert result.rows == 13
    found = errors_by_row(result)
    assert set(found) == set(range(3, 15)), "row 2 is fine; every other row is reported"
    expected_columns = {
        3: "ID card number",
        4: "ID card number",
        5: "School id",
        6: "School id",
        7: "ID card number",
        8: "Grade",
        9: "Class name",
        10: "Guardian mobile",
        11: "Guardian mobile",
        12: "Student number",
        13: "Student number",
    }
    for row, column in expected_columns.items():
        assert [c for c, _m in found[row]] == [column], f"row {row}: {found[row]}"
    assert {c for c, _m in found[14]} == {"Student number", "Name"}
    message = {row: found[row][0][1] for row in expected_columns}
    assert "row 2" in message[3]
    assert "already exists" in message[4]
    assert "ID card number" in message[7] and "last digit" in message[7]
    assert "grade" in message[8].lower()
    assert "class does not exist" in message[9]
    assert "mobile" in message[10]
    assert "mobile" in message[11]
    assert "row 2" in message[12]
    assert "already has this number" in message[13]
    assert all(e.message for e in result.errors)
    # the value the clerk typed is shown with the error
    assert next(e for e in result.errors if e.row == 11).value == "23900000000"


def test_a_school_outside_the_users_scope_is_reported_exactly_like_an_unknown_one(world, county_admin):
    # given: a school of 建德市 exists, but the 淳安县 admin must not learn that
    assert School.objects.filter(code=OUTSIDE).exists()
    rows = [student_row(**{"School id": UNKNOWN}), student_row(**{"School id": OUTSIDE})]
    # when
    result = import_in_english("students", xlsx_upload(STUDENT_HEADER, rows), county_admin)
    # then
    unknown, outside = result.errors
    assert (unknown.row, outside.row) == (2, 3)
    assert unknown.column == outside.column == "School id"
    assert unknown.message == outside.message
    assert "建德" not in outside.message and "新安江" not in outside.message


def test_the_same_file_is_fine_for_the_county_that_owns_the_school(world, outsider):
    """The refusal above is about scope: the 建德市 admin imports into 新安江第一小学 with the same rows."""
    result = import_in_english(
        "students",
        xlsx_upload(STUDENT_HEADER, [student_row(**{"School id": OUTSIDE, "Student number": "X20239001"})]),
        outsider,
    )
    assert result.ok, result.errors
    assert Person.objects.get(number="X20239001").class_group == world.classes["other-3"]


def test_a_school_admin_cannot_import_into_another_school_of_the_county(world, school_admin):
    before = counts()
    result = import_in_english(
        "teachers", xlsx_upload(TEACHER_HEADER, [teacher_row(**{"School id": CENTRAL})]), school_admin
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "School id")]
    assert counts() == before


def test_a_bad_mobile_number_of_a_teacher_is_reported(world, county_admin):
    rows = [
        teacher_row(**{"Mobile": "1380000100"}),
        teacher_row(**{"Staff number": "T1003", "Mobile": "138-0000-1003"}),
    ]
    result = import_in_english("teachers", xlsx_upload(TEACHER_HEADER, rows), county_admin)
    assert [(e.row, e.column, e.value) for e in result.errors] == [(2, "Mobile", "1380000100")]
    assert "mobile" in result.errors[0].message
    assert not Person.objects.filter(number__in=["T1001", "T1003"]).exists()


def test_a_bad_id_card_checksum_is_reported(world, county_admin):
    good = national_id(710)
    result = import_in_english(
        "teachers",
        xlsx_upload(TEACHER_HEADER, [teacher_row(**{"ID card number": with_bad_checksum(good)})]),
        county_admin,
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "ID card number")]
    assert not Person.objects.filter(number="T1001").exists()
    # the same row with the right check digit goes through
    result = import_in_english(
        "teachers", xlsx_upload(TEACHER_HEADER, [teacher_row(**{"ID card number": good})]), county_admin
    )
    assert result.ok, result.errors


def test_a_lower_case_x_check_digit_is_accepted_and_stored_upper_case(world, county_admin):
    number = next(n for n in (national_id(s) for s in range(1, 200)) if n.endswith("X"))
    result = import_in_english(
        "teachers",
        xlsx_upload(TEACHER_HEADER, [teacher_row(**{"ID card number": number.lower()})]),
        county_admin,
    )
    assert result.ok, result.errors
    assert Person.objects.get(number="T1001").national_id == number


def test_a_missing_required_column_is_a_file_level_error_naming_the_column(world, county_admin):
    header = [c for c in STUDENT_HEADER if c != "Student number"]
    rows = [[v for c, v in zip(STUDENT_HEADER, student_row(), strict=True) if c != "Student number"]]
    before = counts()
    with pytest.raises(ImportFileError) as raised:
        import_in_english("students", xlsx_upload(header, rows), county_admin)
    assert "Student number" in str(raised.value)
    assert counts() == before


def test_the_page_shows_a_missing_column_on_the_file_field(world, county_admin, client_for):
    # given: the page in its default language (Chinese); the column is named in that language
    header = [c for c in STUDENT_HEADER if c != "Class name"]
    rows = [[v for c, v in zip(STUDENT_HEADER, student_row(), strict=True) if c != "Class name"]]
    before = counts()
    # when
    response = client_for(county_admin).post(
        reverse("org:import"), {"kind": "students", "file": xlsx_upload(header, rows)}
    )
    # then
    assert response.status_code == 200
    assert response.context["result"] is None
    column = next(c for c in IMPORT_KINDS["students"].columns if c.key == "class_name")
    with translation.override("zh-hans"):
        label = str(column.label)
    assert any(label in error for error in response.context["form"].errors["file"])
    assert counts() == before


def test_a_header_without_data_rows_is_refused(world, county_admin):
    with pytest.raises(ImportFileError):
        import_in_english("students", xlsx_upload(STUDENT_HEADER, []), county_admin)


def test_the_page_lists_every_bad_row_with_its_number(world, county_admin, client_for, jobs_run_inline):
    rows = [
        student_row(),
        student_row(**{"Student number": "Q20239002", "School id": UNKNOWN}),
        student_row(**{"Student number": "Q20239003", "Grade": "大一"}),
    ]
    before = counts()
    response = client_for(county_admin).post(
        reverse("org:import"),
        {"kind": "students", "file": xlsx_upload(STUDENT_HEADER, rows)},
        follow=True,
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert [e.row for e in result.errors] == [3, 4]
    body = response.content.decode()
    assert 'data-testid="import-errors"' in body
    assert "大一" in body and UNKNOWN in body
    assert counts() == before


def test_a_class_that_does_not_exist_is_reported_for_a_student(world, county_admin):
    # 龙井教学点 has grades 3 and 5 only; its grade 4 class does not exist
    result = import_in_english(
        "students",
        xlsx_upload(
            STUDENT_HEADER, [student_row(**{"School id": LONGJING, "Grade": "4", "Class name": "(1)班"})]
        ),
        county_admin,
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "Class name")]
    assert not Person.objects.filter(number="Q20239001").exists()


def test_a_guardian_name_without_phone_is_reported(world, county_admin):
    result = import_in_english(
        "students", xlsx_upload(STUDENT_HEADER, [student_row(**{"Guardian name": "周大海"})]), county_admin
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "Guardian mobile")]
    assert not Person.objects.filter(name="周大海").exists()


def test_a_guardian_phone_without_name_is_reported(world, county_admin):
    result = import_in_english(
        "students",
        xlsx_upload(STUDENT_HEADER, [student_row(**{"Guardian mobile": "13900009001"})]),
        county_admin,
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "Guardian name")]


# --- grades ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("3", 3),
        ("03", 3),
        ("3年级", 3),
        ("三年级", 3),
        ("六年级", 6),
        ("十年级", 10),
        ("十二年级", 12),
        ("初一", 7),
        ("初三", 9),
        ("高一", 10),
        ("高三", 12),
        ("Grade 3", 3),
        (" 三 年级 ", 3),
        ("12", 12),
    ],
)
def test_grades_are_read_the_ways_schools_write_them(text, number):
    assert parse_grade(text) == number


@pytest.mark.parametrize("text", ["", "0", "13", "三", "十三年级", "大一", "初四", "grade", "3班"])
def test_text_that_is_not_a_grade_is_not_guessed(text):
    assert parse_grade(text) is None


def test_classes_import_creates_the_missing_grades(world, county_admin):
    # given: 淳安县第二初级中学 has no grades yet
    junior = world.schools["junior"]
    assert not junior.grades.exists()
    rows = [
        [JUNIOR, "初一", "(1)班", ""],
        [JUNIOR, "初一", "(2)班", ""],
        [JUNIOR, "高三", "(1)班", ""],
        [JUNIOR, "9", "(1)班", ""],
    ]
    # when
    result = import_in_english("classes", xlsx_upload(CLASS_HEADER, rows), county_admin)
    # then
    assert result.ok, result.errors
    assert result.created == 4
    assert sorted(junior.grades.values_list("number", flat=True)) == [7, 9, 12]
    assert sorted(str(c.name) for c in ClassGroup.objects.filter(school=junior, grade__number=7)) == [
        "(1)班",
        "(2)班",
    ]


def test_an_unknown_grade_in_a_classes_file_is_reported(world, county_admin):
    result = import_in_english(
        "classes", xlsx_upload(CLASS_HEADER, [[HOST, "七年纪", "(1)班", ""]]), county_admin
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "Grade")]
    assert "grade" in result.errors[0].message.lower()


def test_a_class_already_existing_or_twice_in_the_file_is_reported(world, county_admin):
    rows = [[HOST, "3", "(1)班", ""], [HOST, "5", "(5)班", ""], [HOST, "五年级", "(5)班", ""]]
    before = counts()
    result = import_in_english("classes", xlsx_upload(CLASS_HEADER, rows), county_admin)
    assert [(e.row, e.column) for e in result.errors] == [(2, "Class name"), (4, "Class name")]
    assert "row 3" in result.errors[1].message
    assert counts() == before


# --- guardians ------------------------------------------------------------------------------------
def test_siblings_share_one_guardian_found_by_phone(world, county_admin):
    # given: two siblings in one file with the same guardian phone, and a third child of 李建国, whose
    # phone the school already knows
    longjing = world.schools["longjing"]
    known = world.people["guardian"]
    rows = [
        student_row(
            **{
                "School id": LONGJING,
                "Grade": "3",
                "Student number": "L20239001",
                "Name": "陈一",
                "Guardian name": "陈父",
                "Guardian mobile": "13900009001",
            }
        ),
        student_row(
            **{
                "School id": LONGJING,
                "Grade": "5",
                "Student number": "L20239002",
                "Name": "陈二",
                "Guardian name": "陈父",
                "Guardian mobile": "139 0000 9001",
            }
        ),
        student_row(
            **{
                "School id": LONGJING,
                "Grade": "五年级",
                "Student number": "L20239003",
                "Name": "李亮",
                "Guardian name": "李建国",
                "Guardian mobile": "13900000001",
            }
        ),
    ]
    guardians_before = Person.objects.filter(kind=PersonKind.GUARDIAN).count()
    # when
    result = import_in_english("students", xlsx_upload(STUDENT_HEADER, rows), county_admin)
    # then
    assert result.ok, result.errors
    assert result.created == 3
    assert Person.objects.filter(kind=PersonKind.GUARDIAN).count() == guardians_before + 1
    chen = Person.objects.get(kind=PersonKind.GUARDIAN, name="陈父")
    assert chen.school == longjing
    assert chen.phone == "13900009001"
    assert sorted(chen.wards.values_list("name", flat=True)) == ["陈一", "陈二"]
    assert sorted(known.wards.values_list("name", flat=True)) == ["李亮", "李明"]
    assert Person.objects.get(number="L20239003").class_group == world.classes["longjing-5"]


# --- schools --------------------------------------------------------------------------------------
def test_a_teaching_point_can_name_a_central_school_from_earlier_in_the_same_file(world, county_admin):
    # given
    rows = [
        ["2133012790", "石林镇中心小学", "小学", "330127", "", "石林镇"],
        ["2133012791", "港口教学点", "教学点", "330127", "2133012790", ""],
        ["2133012792", "汪家教学点", "教学点", "330127", CENTRAL, ""],
    ]
    # when
    result = import_in_english("schools", xlsx_upload(SCHOOL_HEADER, rows), county_admin)
    # then
    assert result.ok, result.errors
    assert result.created == 3
    central = School.objects.get(code="2133012790")
    point = School.objects.get(code="2133012791")
    assert point.kind == SchoolKind.TEACHING_POINT
    assert point.central_school == central
    assert School.objects.get(code="2133012792").central_school == world.schools["central"]
    event = AuditEvent.objects.get(action="org.import.schools")
    assert event.region_code == "330127"
    assert event.actor == county_admin


def test_bad_school_rows_are_all_reported(world, county_admin):
    rows = [
        ["2133012701", "重复的学校", "小学", "330127", "", ""],  # 2 id already in the database
        ["2133012790", "新学校", "小学", "330127", "", ""],  # 3 good
        ["2133012790", "同号学校", "小学", "330127", "", ""],  # 4 duplicate in the file
        ["2133012793", "无中心校教学点", "教学点", "330127", "", ""],  # 5 teaching point without central
        ["2133012794", "外县中心校教学点", "教学点", "330127", OUTSIDE, ""],  # 6 central in another county
        ["2133012795", "外县学校", "小学", "330182", "", ""],  # 7 region outside scope
        ["2133012796", "怪学校", "大学", "330127", "", ""],  # 8 unknown kind
        ["213301279", "短号学校", "小学", "330127", "", ""],  # 9 id of 9 digits
        ["2133012797", "有中心校的小学", "小学", "330127", CENTRAL, ""],  # 10 only points have a central
    ]
    before = counts()
    result = import_in_english("schools", xlsx_upload(SCHOOL_HEADER, rows), county_admin)
    assert counts() == before
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "School id"),
        (4, "School id"),
        (5, "Central school id"),
        (6, "Central school id"),
        (7, "Division code"),
        (8, "School type"),
        (9, "School id"),
        (10, "Central school id"),
    ]
    assert "row 3" in result.errors[1].message


def test_a_teaching_point_as_central_school_earlier_in_the_file_is_reported_on_its_row(world, county_admin):
    rows = [
        ["2133012791", "港口教学点", "教学点", "330127", CENTRAL, ""],
        ["2133012792", "汪家教学点", "教学点", "330127", "2133012791", ""],
    ]
    before = counts()
    result = import_in_english("schools", xlsx_upload(SCHOOL_HEADER, rows), county_admin)
    assert counts() == before  # holds today: the transaction is rolled back
    assert [(e.row, e.column) for e in result.errors] == [(3, "Central school id")]


def test_a_save_time_rule_still_imports_nothing(world, county_admin):
    """Whatever the row checks miss, the model checks catch inside the one transaction: nothing is kept."""
    rows = [
        ["2133012791", "港口教学点", "教学点", "330127", CENTRAL, ""],
        ["2133012792", "汪家教学点", "教学点", "330127", "2133012791", ""],
    ]
    before = counts()
    result = import_in_english("schools", xlsx_upload(SCHOOL_HEADER, rows), county_admin)
    assert not result.ok
    assert result.created == 0
    assert counts() == before
    assert not School.objects.filter(code="2133012791").exists()


def test_a_school_admin_cannot_add_schools_by_import(world, school_admin):
    before = counts()
    result = import_in_english(
        "schools",
        xlsx_upload(SCHOOL_HEADER, [["2133012790", "新学校", "小学", "330127", "", ""]]),
        school_admin,
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "Division code")]
    assert counts() == before


# --- audit and access -----------------------------------------------------------------------------
def test_a_successful_import_writes_one_audit_row(world, county_admin):
    rows = [teacher_row(), teacher_row(**{"Staff number": "T1002", "Name": "吴刚", "Mobile": ""})]
    result = import_in_english("teachers", xlsx_upload(TEACHER_HEADER, rows, name="教师.xlsx"), county_admin)
    assert result.ok, result.errors
    event = AuditEvent.objects.get(action="org.import.teachers")
    assert event.actor == county_admin
    assert event.changes == {"file": "教师.xlsx", "rows": 2}
    assert event.school == world.schools["host"]
    assert event.region_code == "330127"
    assert AuditEvent.objects.visible_to(county_admin).filter(pk=event.pk).exists()


def test_a_failed_import_writes_no_audit_row(world, county_admin):
    before = AuditEvent.objects.count()
    result = import_in_english(
        "teachers", xlsx_upload(TEACHER_HEADER, [teacher_row(**{"School id": UNKNOWN})]), county_admin
    )
    assert not result.ok
    assert AuditEvent.objects.count() == before


def test_the_import_page_works_for_a_school_admin(world, school_admin, client_for, jobs_run_inline):
    client = client_for(school_admin)
    assert client.get(reverse("org:import")).status_code == 200
    response = client.post(
        reverse("org:import"),
        {"kind": "teachers", "file": xlsx_upload(TEACHER_HEADER, [teacher_row()])},
        follow=True,
    )
    assert response.context["result"].created == 1
    assert Person.objects.filter(number="T1001", school=world.schools["host"]).exists()


def test_a_teacher_gets_403_on_the_import_page_and_templates(world, host_teacher, client_for):
    client = client_for(host_teacher)
    before = counts()
    assert client.get(reverse("org:import")).status_code == 403
    response = client.post(
        reverse("org:import"), {"kind": "teachers", "file": xlsx_upload(TEACHER_HEADER, [teacher_row()])}
    )
    assert response.status_code == 403
    for fmt in ("xlsx", "csv"):
        assert (
            client.get(reverse("org:import_template", kwargs={"kind": "teachers", "fmt": fmt})).status_code
            == 403
        )
    assert counts() == before


def test_an_unknown_template_is_404(world, county_admin, client_for):
    client = client_for(county_admin)
    assert (
        client.get(reverse("org:import_template", kwargs={"kind": "grades", "fmt": "xlsx"})).status_code
        == 404
    )
    assert (
        client.get(reverse("org:import_template", kwargs={"kind": "students", "fmt": "xls"})).status_code
        == 404
    )


def test_anonymous_users_are_sent_to_login(world, client):
    response = client.get(reverse("org:import"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
