"""A county admin imports a class roster in the browser.

One bad row → nothing imported; the fixed file → the rows appear on the class page.
"""

from __future__ import annotations

import re

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from sanke.org.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = ["学校标识码*", "年级*", "班级*", "学籍号*", "姓名*", "性别", "身份证号", "监护人姓名", "监护人手机"]


def roster(path, bad_phone: bool):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["2133012703", "5", "(1)班", "L20210001", "赵一", "男", "", "赵大", "13700000001"])
    sheet.append(
        [
            "2133012703",
            "五年级",
            "(1)班",
            "L20210002",
            "钱二",
            "女",
            "",
            "钱大",
            "1370000" if bad_phone else "13700000002",
        ]
    )
    sheet.append(["2133012703", "5", "(1)班", "L20210003", "孙三", "女", "", "", ""])
    workbook.save(path)
    return str(path)


def test_roster_import_with_a_bad_row_imports_nothing_until_fixed(
    world, page_for, live_server, tmp_path, screenshot, import_worker
):
    class_group = world.classes["longjing-5"]
    page = page_for("county_admin")
    page.click("aside .nav-link:has-text('导入')")
    page.select_option("#id_kind", "students")

    # a file with one bad phone number: every problem listed, nothing imported
    page.set_input_files("#id_file", roster(tmp_path / "roster.xlsx", bad_phone=True))
    page.click("[data-testid=import-submit]")
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("3")  # the spreadsheet row of 钱二
    expect(errors).to_contain_text("1370000")
    expect(errors).to_contain_text("手机")
    assert Person.objects.filter(class_group=class_group).count() == 0
    screenshot(page, "import-errors")

    # the fixed file imports every row, with guardians (from the job page back to the import page)
    page.click("text=导入其他文件")
    page.select_option("#id_kind", "students")
    page.set_input_files("#id_file", roster(tmp_path / "roster-fixed.xlsx", bad_phone=False))
    page.click("[data-testid=import-submit]")
    expect(page.get_by_test_id("import-success")).to_contain_text("3")
    assert Person.objects.filter(class_group=class_group).count() == 3

    # the class page shows the roster
    page.goto(f"{live_server.url}/org/classes/{class_group.pk}/")
    roster_table = page.get_by_test_id("roster")
    for name in ("赵一", "钱二", "孙三"):
        expect(roster_table).to_contain_text(name)
    expect(roster_table).to_contain_text("137****0002")  # guardian phone masked
    expect(page.get_by_test_id("roster-count")).to_have_text("3")
    screenshot(page, "class-roster")


def test_template_download_is_an_xlsx_with_the_expected_columns(world, page_for, live_server, tmp_path):
    from openpyxl import load_workbook

    page = page_for("county_admin")
    page.goto(f"{live_server.url}/org/import/")
    with page.expect_download() as download_info:
        page.click("[data-testid=template-students-xlsx]")
    path = tmp_path / "template.xlsx"
    download_info.value.save_as(path)
    header = [cell.value for cell in load_workbook(path).worksheets[0][1]]
    assert header[:3] == ["学校标识码*", "年级*", "班级名称*"] or header[0].startswith("学校标识码")


def big_roster(path, rows: int) -> str:
    """A roster of ``rows`` students of 三年级 (1)班 at the host school, saved as CSV (as Excel saves it)."""
    import csv

    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            writer.writerow(
                ["2133012701", "3", "(1)班", f"P{i:07d}", f"学生{i}", "", "", f"家长{i}", f"135{i:08d}"]
            )
    return str(path)


ROSTER_ROWS = 10_000  # the clerk imports a whole school's roster


def test_a_large_roster_imports_in_the_background_with_progress(
    world, page_for, live_server, tmp_path, screenshot, import_worker, browser
):
    """Issue 12: the clerk sees the progress bar move, reloads mid-way and still sees it, then the result;
    another user logs in and browses meanwhile without an error."""
    class_group = world.classes["host-31"]
    page = page_for("county_admin")
    page.goto(f"{live_server.url}/org/import/")
    page.select_option("#id_kind", "students")
    page.set_input_files("#id_file", big_roster(tmp_path / "名册.csv", ROSTER_ROWS))
    page.click("[data-testid=import-submit]")
    # the job page: a progress bar that moves while the worker checks the rows
    progress = page.get_by_test_id("import-progress")
    expect(progress).to_be_visible()
    checked = re.compile(rf"已检查 [1-9][0-9]* / {ROSTER_ROWS} 行")
    expect(page.get_by_test_id("import-rows")).to_have_text(checked)
    screenshot(page, "import-job-progress")
    # a reload keeps it (the job lives on the server)
    page.reload()
    expect(page.get_by_test_id("import-job")).to_contain_text("名册.csv")
    # another user logs in and browses meanwhile
    other = page_for("school_admin")
    other.goto(f"{live_server.url}/org/people/")
    expect(other.locator("body")).not_to_contain_text("Server Error")
    # the result, once the worker is through
    expect(page.get_by_test_id("import-success")).to_contain_text(str(ROSTER_ROWS), timeout=120_000)
    assert class_group.students.filter(number__startswith="P").count() == ROSTER_ROWS
    screenshot(page, "import-job-done")
    # and the import page lists the job
    page.click("text=导入其他文件")
    expect(page.get_by_test_id("import-jobs")).to_contain_text("名册.csv")
