"""The demo county: a small but realistic world for `make run`, the screenshots and the tests.

淳安县 (Chun'an, a rural county of Hangzhou, Zhejiang) with a strong host school, a central school and
its two teaching points, a junior secondary school, and one login per role. A second county (建德市)
holds the "outsider" used to prove that scope keeps counties apart. Everything is created through the
real actions, so the demo also exercises validation and the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from sanke.accounts.actions import do_create_account, do_grant_role
from sanke.accounts.choices import Role
from sanke.org.actions import (
    do_link_guardian,
    do_save_class_group,
    do_save_classroom,
    do_save_equipment,
    do_save_grade,
    do_save_person,
    do_save_region,
    do_save_school,
)
from sanke.org.choices import EquipmentKind, HonourLevel, PersonKind, RegionLevel, SchoolKind
from sanke.org.models import ClassGroup, Classroom, Equipment, Grade, Person, Region, School
from sanke.policy.actions import do_set_policy
from sanke.policy.selectors import policy_of

DEMO_PASSWORD = "Sanke@2026"


@dataclass
class DemoWorld:
    regions: dict[str, Region] = field(default_factory=dict)
    schools: dict[str, School] = field(default_factory=dict)
    classes: dict[str, ClassGroup] = field(default_factory=dict)
    classrooms: dict[str, Classroom] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role label, scope)


def _region(world, code, name, level, parent=None):
    world.regions[code] = do_save_region(
        Region(code=code, name=name, level=level, parent=parent), acting_user=None
    )
    return world.regions[code]


def _school(world, key, code, name, kind, region, central=None, address=""):
    school = School(code=code, name=name, kind=kind, region=region, central_school=central, address=address)
    world.schools[key] = do_save_school(school, acting_user=None)
    return world.schools[key]


def _class(world, key, school, grade_number, name):
    grade = Grade.objects.filter(school=school, number=grade_number).first()
    if grade is None:
        grade = do_save_grade(Grade(school=school, number=grade_number), acting_user=None)
    world.classes[key] = do_save_class_group(
        ClassGroup(school=school, grade=grade, name=name), acting_user=None
    )
    return world.classes[key]


def _classroom(
    world, key, school, name, *, host=False, receiver=False, recording=False, home_class=None, equipment=()
):
    classroom = do_save_classroom(
        Classroom(
            school=school,
            name=name,
            host_capable=host,
            receiver_capable=receiver,
            recording_capable=recording,
            home_class=home_class,
            capacity=45,
        ),
        acting_user=None,
    )
    for kind, model_name in equipment:
        do_save_equipment(Equipment(classroom=classroom, kind=kind, model_name=model_name), acting_user=None)
    world.classrooms[key] = classroom
    return classroom


def _person(world, key, school, kind, name, number="", **extra):
    world.people[key] = do_save_person(
        Person(school=school, kind=kind, name=name, number=number, **extra), acting_user=None
    )
    return world.people[key]


def _login(world, username, role, *, person=None, display_name="", region=None, school=None, classroom=None):
    user = do_create_account(
        username=username,
        password=DEMO_PASSWORD,
        person=person,
        display_name=display_name,
        must_change_password=False,
        acting_user=None,
    )
    grant = do_grant_role(user, role, region=region, school=school, classroom=classroom, acting_user=None)
    world.users[username] = user
    world.logins.append((username, str(Role(role).label), str(grant.scope_object)))
    return user


@transaction.atomic
def load_demo() -> DemoWorld:
    w = DemoWorld()
    zj = _region(w, "330000", "浙江省", RegionLevel.PROVINCE)
    hz = _region(w, "330100", "杭州市", RegionLevel.CITY, zj)
    chunan = _region(w, "330127", "淳安县", RegionLevel.COUNTY, hz)
    jiande = _region(w, "330182", "建德市", RegionLevel.COUNTY, hz)

    host = _school(
        w,
        "host",
        "2133012701",
        "千岛湖镇第一小学",
        SchoolKind.PRIMARY,
        chunan,
        address="千岛湖镇新安东路 8 号",
    )
    central = _school(w, "central", "2133012702", "枫树岭镇中心小学", SchoolKind.PRIMARY, chunan)
    longjing = _school(w, "longjing", "2133012703", "龙井教学点", SchoolKind.TEACHING_POINT, chunan, central)
    xiajiang = _school(w, "xiajiang", "2133012704", "下姜教学点", SchoolKind.TEACHING_POINT, chunan, central)
    _school(w, "junior", "2133012705", "淳安县第二初级中学", SchoolKind.JUNIOR, chunan)
    other = _school(w, "other", "2133018201", "新安江第一小学", SchoolKind.PRIMARY, jiande)

    for number in (3, 4, 5, 6):
        for name in ("(1)班", "(2)班"):
            _class(w, f"host-{number}{name[1]}", host, number, name)
        _class(w, f"central-{number}", central, number, "(1)班")
    _class(w, "longjing-3", longjing, 3, "(1)班")
    _class(w, "longjing-5", longjing, 5, "(1)班")
    _class(w, "xiajiang-4", xiajiang, 4, "(1)班")
    _class(w, "other-3", other, 3, "(1)班")

    studio_kit = [
        (EquipmentKind.CAMERA, "海康威视 DS-2CD"),
        (EquipmentKind.MICROPHONE, "全向阵列麦克风"),
        (EquipmentKind.RECORDER, "录播主机"),
        (EquipmentKind.BIG_SCREEN, "86 寸交互屏"),
    ]
    receiver_kit = [
        (EquipmentKind.CAMERA, "USB 摄像头"),
        (EquipmentKind.BIG_SCREEN, "75 寸液晶屏"),
        (EquipmentKind.TERMINAL_PC, "教室终端"),
    ]
    _classroom(
        w, "host-studio", host, "录播教室", host=True, receiver=True, recording=True, equipment=studio_kit
    )
    _classroom(w, "host-3-1", host, "三(1)班教室", receiver=True, home_class=w.classes["host-31"])
    _classroom(
        w,
        "central-4",
        central,
        "四(1)班教室",
        receiver=True,
        home_class=w.classes["central-4"],
        equipment=receiver_kit,
    )
    _classroom(
        w,
        "longjing",
        longjing,
        "龙井教学点教室",
        receiver=True,
        home_class=w.classes["longjing-3"],
        equipment=receiver_kit,
    )
    _classroom(
        w,
        "xiajiang",
        xiajiang,
        "下姜教学点教室",
        receiver=True,
        home_class=w.classes["xiajiang-4"],
        equipment=receiver_kit,
    )
    _classroom(w, "other", other, "多媒体教室", host=True, receiver=True)
    _classroom(w, "central-studio", central, "枫树岭录播室", host=True, recording=True, equipment=studio_kit)
    _classroom(w, "longjing-5", longjing, "五年级教室", receiver=True, home_class=w.classes["longjing-5"])

    teacher = _person(
        w,
        "teacher",
        host,
        PersonKind.TEACHER,
        "王芳",
        "T0001",
        gender="female",
        subjects="英语",
        honour_level=HonourLevel.COUNTY,
        phone="13800000001",
    )
    _person(
        w,
        "music",
        host,
        PersonKind.TEACHER,
        "陈静",
        "T0002",
        gender="female",
        subjects="音乐",
        phone="13800000002",
    )
    _person(w, "art", host, PersonKind.TEACHER, "赵磊", "T0003", gender="male", subjects="美术")
    assistant = _person(
        w, "assistant", longjing, PersonKind.TEACHER, "周强", "T0101", gender="male", subjects="语文、数学"
    )
    w.classes["longjing-3"].head_teacher = assistant
    do_save_class_group(w.classes["longjing-3"], acting_user=None)
    _person(w, "central-teacher", central, PersonKind.TEACHER, "钱伟", "T0201", subjects="数学")
    _person(
        w,
        "central-music",
        central,
        PersonKind.TEACHER,
        "林音",
        "T0202",
        gender="female",
        subjects="音乐",
        honour_level=HonourLevel.CITY,
    )
    principal = _person(w, "principal", host, PersonKind.STAFF, "刘洋", "S0001")
    students = [("李明", "male"), ("张小雨", "female"), ("王浩", "male"), ("刘思琪", "female")]
    for index, (name, gender) in enumerate(students, start=1):
        _person(
            w,
            f"student{index}",
            longjing,
            PersonKind.STUDENT,
            name,
            f"L2023000{index}",
            gender=gender,
            class_group=w.classes["longjing-3"],
        )
    for index, name in enumerate(["陈晨", "杨帆", "黄悦"], start=1):
        _person(
            w,
            f"host-student{index}",
            host,
            PersonKind.STUDENT,
            name,
            f"Q2023000{index}",
            class_group=w.classes["host-31"],
        )
    parent = _person(w, "guardian", longjing, PersonKind.GUARDIAN, "李建国", phone="13900000001")
    do_link_guardian(parent, w.people["student1"], acting_user=None)
    _person(w, "outsider", other, PersonKind.TEACHER, "孙丽", "T9001", subjects="数学")

    chunan_policy = policy_of(chunan)
    chunan_policy.weekly_sync_lessons_per_end = 6
    do_set_policy(chunan_policy, acting_user=None)
    zj_policy = policy_of(zj)
    zj_policy.workload_coefficient = Decimal("1.5")
    zj_policy.screen_time_limit_minutes = 20
    do_set_policy(zj_policy, acting_user=None)

    _timetables(w)

    _login(w, "province_admin", Role.BUREAU_ADMIN, display_name="省教育厅 管理员", region=zj)
    _login(w, "county_admin", Role.BUREAU_ADMIN, display_name="淳安县教育局 管理员", region=chunan)
    _login(w, "school_admin", Role.SCHOOL_ADMIN, person=principal, school=host)
    _login(w, "teacher", Role.TEACHER, person=teacher, school=host)
    _login(w, "student", Role.STUDENT, person=w.people["student1"], school=longjing)
    _login(w, "guardian", Role.GUARDIAN, person=parent, school=longjing)
    _login(w, "researcher", Role.RESEARCHER, display_name="县教研员 吴老师", region=chunan)
    _login(w, "inspector", Role.INSPECTOR, display_name="县督导 郑老师", region=chunan)
    _login(w, "reviewer", Role.REVIEWER, display_name="资源审核员 何老师", region=chunan)
    _login(w, "tech_support", Role.TECH_SUPPORT, display_name="电教中心 技术支持", region=chunan)
    _login(
        w,
        "terminal_longjing",
        Role.CLASSROOM_TERMINAL,
        display_name="龙井教学点教室终端",
        classroom=w.classrooms["longjing"],
    )
    _login(w, "outsider_admin", Role.BUREAU_ADMIN, display_name="建德市教育局 管理员", region=jiande)
    _login(w, "outsider_teacher", Role.TEACHER, person=w.people["outsider"], school=other)
    _alliances(w)
    return w


# Bell times differ between schools: a sync lesson needs 40 shared minutes on the clock.
GRIDS = {
    "host": ["08:00-08:40", "08:50-09:30", "09:50-10:30", "10:40-11:20", "14:00-14:40", "14:50-15:30"],
    "central": ["08:00-08:45", "08:55-09:40", "09:50-10:35", "10:45-11:30", "14:00-14:45", "14:55-15:40"],
    "longjing": ["08:00-08:40", "08:50-09:30", "09:50-10:30", "10:40-11:20", "14:10-14:50", "15:00-15:40"],
    "xiajiang": ["07:50-08:35", "08:45-09:30", "09:45-10:30", "10:40-11:25", "14:00-14:45", "14:55-15:40"],
    "junior": ["07:40-08:25", "08:35-09:20", "09:40-10:25", "10:35-11:20", "13:40-14:25", "14:35-15:20"],
    "other": ["08:00-08:40", "08:50-09:30", "09:50-10:30", "10:40-11:20", "14:00-14:40", "14:50-15:30"],
}
# What the rural classes already have (weekday → period → subject); empty periods are free.
TIMETABLES = {
    "longjing-3": {
        d: {1: "语文", 2: "数学", 4: "语文", 5: "体育" if d == 1 else "科学" if d == 3 else ""}
        for d in (1, 2, 3, 4, 5)
    },
    "longjing-5": {d: {1: "数学", 2: "语文", 3: "语文", 4: "数学"} for d in (1, 2, 3, 4, 5)},
    "xiajiang-4": {
        d: {1: "语文", 2: "数学", 3: "数学" if d in (1, 3, 5) else "", 4: "语文"} for d in (1, 2, 3, 4, 5)
    },
    "central-4": {
        d: {1: "语文", 2: "数学", 3: "英语", 4: "语文", 5: "科学" if d in (1, 3, 5) else ""}
        for d in (1, 2, 3, 4, 5)
    },
    "host-31": {
        d: {1: "语文", 2: "数学", 3: "英语" if d in (1, 3) else "音乐", 4: "语文"} for d in (1, 2, 3, 4, 5)
    },
}


def _timetables(w):
    import datetime as dt

    from sanke.timetable.actions import do_save_entry, do_save_term, do_set_period_grid
    from sanke.timetable.choices import DayKind
    from sanke.timetable.models import CalendarDay, Period, Term, TimetableEntry

    def clock(text):
        return dt.time(int(text[:2]), int(text[3:5]))

    for key, grid in GRIDS.items():
        do_set_period_grid(
            w.schools[key], [(n, clock(p[:5]), clock(p[6:])) for n, p in enumerate(grid, 1)], acting_user=None
        )
        term = Term(
            school=w.schools[key],
            name="2026–2027 学年第一学期",
            start=dt.date(2026, 9, 1),
            end=dt.date(2027, 1, 22),
        )
        holidays = [dt.date(2026, 10, d) for d in range(1, 8)] + [dt.date(2027, 1, 1)]
        days = [
            CalendarDay(date=d, kind=DayKind.HOLIDAY, note="国庆节" if d.month == 10 else "元旦")
            for d in holidays
        ]
        days.append(
            CalendarDay(date=dt.date(2026, 10, 10), kind=DayKind.MAKEUP, follows_weekday=3, note="国庆调休")
        )
        do_save_term(term, days, acting_user=None)
    for key, week in TIMETABLES.items():
        class_group = w.classes[key]
        periods = {p.number: p for p in Period.objects.filter(school=class_group.school)}
        for weekday, day in week.items():
            for number, subject in day.items():
                if subject:
                    do_save_entry(
                        TimetableEntry(
                            class_group=class_group, weekday=weekday, period=periods[number], subject=subject
                        ),
                        acting_user=None,
                    )
    # the host English teacher's own classes: Monday and Wednesday period 3 in 三(1)班
    for entry in TimetableEntry.objects.filter(class_group=w.classes["host-31"], subject="英语"):
        entry.teacher = w.people["teacher"]
        do_save_entry(entry, acting_user=None)


def _alliances(w):
    from sanke.alliances.actions import do_save_alliance
    from sanke.alliances.models import Alliance
    from sanke.timetable.actions import do_accept_proposals, do_save_series, do_schedule_series
    from sanke.timetable.models import SyncSeries
    from sanke.timetable.scheduling.solver import Weights

    chunan, host, central = w.regions["330127"], w.schools["host"], w.schools["central"]
    english = do_save_alliance(
        Alliance(
            name="千岛湖一小英语专递课堂",
            region=chunan,
            host_school=host,
            term_name="2026–2027 学年第一学期",
            term_start=dt_date(2026, 9, 1),
            term_end=dt_date(2027, 1, 22),
            coordinator=w.users["school_admin"],
        ),
        [central, w.schools["longjing"], w.schools["xiajiang"]],
        acting_user=None,
    )
    do_save_alliance(
        Alliance(
            name="枫树岭中心校教学点联校",
            region=chunan,
            host_school=central,
            term_name="2026–2027 学年第一学期",
            term_start=dt_date(2026, 9, 1),
            term_end=dt_date(2027, 1, 22),
        ),
        [w.schools["longjing"], w.schools["xiajiang"]],
        acting_user=None,
    )
    series = do_save_series(
        SyncSeries(
            alliance=english,
            subject="英语",
            host_teacher=w.people["teacher"],
            host_classroom=w.classrooms["host-studio"],
            lessons_per_week=2,
            core_subject=True,
        ),
        [w.classes["longjing-3"], w.classes["xiajiang-4"]],
        acting_user=None,
    )
    do_schedule_series([series], weights=Weights(), allow_moving=False, acting_user=None, time_limit=5)
    do_accept_proposals([series], acting_user=None)
    do_save_series(
        SyncSeries(
            alliance=english,
            subject="音乐",
            host_teacher=w.people["music"],
            host_classroom=w.classrooms["host-studio"],
            lessons_per_week=1,
        ),
        [w.classes["central-4"]],
        acting_user=None,
    )


def dt_date(year, month, day):
    import datetime as dt

    return dt.date(year, month, day)
