"""Early warnings on the hand-built fortnight: who is behind, why, the xlsx export, the weekly digest."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

from django.urls import reverse
from openpyxl import load_workbook

from sanke.notifications.models import Notification
from sanke.org.actions import do_save_person
from sanke.supervision.actions import do_send_warning_digests
from sanke.supervision.models import WarningDigest
from sanke.supervision.period import Period
from sanke.supervision.selectors import placement_of_region
from sanke.supervision.warnings import early_warnings

WEEK_23 = dt.date(2026, 11, 23)


def period(day: dt.date) -> Period:
    return Period(day, WEEK_23, dt.date(2026, 9, 1), dt.date(2027, 1, 22), "2026–2027 学年第一学期")


def test_ends_below_the_weekly_target_say_why(world, fortnight):
    county = placement_of_region(world.regions["330127"])
    warnings = early_warnings(county, period(dt.date(2026, 11, 29)), 6)
    ends = {w.subject: w for w in warnings if w.kind != "teacher"}
    # the host studio and both receiving classes held 2 of 6
    assert len(ends) == 3 and all(w.figure == "2 / 6" for w in ends.values())
    xiajiang = next(w for name, w in ends.items() if "下姜" in name)
    assert "1 节已取消：教师外出培训" in xiajiang.reason_text
    assert "接收端连线不足课时的 80 %" in xiajiang.reason_text  # the moved lesson, 50 % connected
    longjing = next(w for name, w in ends.items() if "龙井" in name)
    assert "接收端" not in longjing.reason_text


def test_a_teacher_on_course_to_miss_the_quota_is_warned_with_the_reason(world, fortnight):
    county = placement_of_region(world.regions["330127"])
    # late in the term: 2 held and only the lessons left until 01-22 (two a week) remain
    late = early_warnings(county, period(dt.date(2027, 1, 18)), 6)
    teacher = [w for w in late if w.kind == "teacher"]
    assert [w.subject for w in teacher] == ["王芳"]
    assert "已开 2 节" in teacher[0].reason_text and "任务量 5 节" in teacher[0].reason_text
    # in November enough lessons are still scheduled to reach the quota of 5: no warning
    assert not [w for w in early_warnings(county, period(dt.date(2026, 11, 29)), 6) if w.kind == "teacher"]
    # a teacher with no honour level has no quota, so no warning
    person = world.people["teacher"]
    person.honour_level = ""
    do_save_person(person, acting_user=None)
    assert not [w for w in early_warnings(county, period(dt.date(2027, 1, 18)), 6) if w.kind == "teacher"]


def test_warnings_export_as_xlsx_with_formulas_kept_as_text(world, fortnight, client_for):
    from sanke.org.actions import do_save_school

    # given a school whose name was typed as a formula
    school = world.classrooms["xiajiang"].school
    school.name = '=HYPERLINK("http://x","点此")'
    do_save_school(school, acting_user=None)
    client = client_for(world.users["county_admin"])
    url = reverse("dashboard:region_warnings", args=[world.regions["330127"].pk])
    # when the county admin exports the warnings of the week of 11-23
    response = client.get(url + "?date=2026-11-25")
    # then
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="warnings-330127-2026-11-23.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[2] == ["预警", "对象", "学校", "已开 / 目标", "原因"]
    assert {row[0] for row in rows[3:]} == {"主讲教室本周未达标", "接收班级本周未达标"}
    hostile = [c for row in sheet.iter_rows(min_row=4) for c in row if str(c.value or "").startswith("=")]
    assert hostile, "the school's name leads a cell"
    assert all(c.data_type == "s" and c.quotePrefix for c in hostile)


def test_the_weekly_digest_notifies_each_school_once(world, fortnight):
    monday = dt.datetime(2026, 11, 30, 7, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    sent = do_send_warning_digests(now=monday)
    # the host school (its studio) and the two teaching points (their classes)
    schools = {
        world.schools["host"].pk,
        world.classrooms["longjing"].school_id,
        world.classrooms["xiajiang"].school_id,
    }
    assert sent == 3
    notices = Notification.objects.filter(school_id__in=schools, message__startswith="11-23")
    assert notices.count() == 3
    notice = notices.get(school=world.schools["host"])
    assert notice.link == reverse("dashboard:school", args=[world.schools["host"].pk]) + "?date=2026-11-23"
    # a second run (a retried task) sends nothing more
    assert do_send_warning_digests(now=monday) == 0
    assert WarningDigest.objects.count() == 3
