"""A county-sized world on demand: ~150 schools and teaching points, ~2,500 teachers, ~40,000 students with
their guardians, classrooms and equipment, logins, alliances with their sync series scheduled and accepted
for the term, and the term's past lessons with their event logs — for benchmarks, and for anyone who wants
to see the platform at the size a county uses it.

Use it from code (benchmarks, other tests)::

    from sanke.site.county import build_county

    summary = build_county("county", seed=2026, progress=print)   # or "tiny", "city"
    summary.logins     # [(username, role, scope)], password DEMO_PASSWORD for all
    summary.counts     # {"schools": …, "students": …, …}
    summary.seconds    # {"schools": 0.4, …} per stage
    county_built()     # True once a world is in the database: build it once, then reuse it

or from the shell: ``manage.py load_demo --size county [--seed N]``. The world is built on top of the demo
county (loaded first when the database is empty, so the demo logins — ``county_admin``, ``outsider_admin``…
— work and see it): ``county`` fills 淳安县 (330127); ``city`` fills ten counties of 杭州市, 建德市 (the demo
outsider's county) among them; ``tiny`` (3 schools, ~60 students) is what the suite builds.

Everything the clerks would import is imported through the tabular import engine (schools, teachers,
classes, students with guardians, class timetables: the same checks and bulk writer as the import page);
term, periods and alliances go through the timetable and alliance actions; the series are scheduled with
the co-scheduler's batch path (``do_schedule_series`` per alliance) and accepted (``do_accept_proposals``
generates the lessons). What has no import and comes by the thousand uses the apps' bulk demo writers:
classrooms and equipment (``org.demo.bulk_save_classrooms``), logins and grants
(``accounts.demo.bulk_open_accounts``), and the past of the term (``timetable.demo.settle_past_lessons``,
``live.demo.record_past_lessons``: lessons taught with their events, missed, or cancelled with a reason).

Deterministic: the same size and seed give the same names, ids and lesson outcomes (the current date
decides which lessons of the term are past). National ids and phones are encrypted with this install's
field keys, their digests computed as ``Person.save()`` computes them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from sanke.accounts.choices import Role
from sanke.accounts.demo import AccountSpec, bulk_open_accounts
from sanke.accounts.models import RoleAssignment, User
from sanke.alliances.actions import do_save_alliance
from sanke.alliances.demo import TERM
from sanke.alliances.models import Alliance
from sanke.live.demo import PastEvent, PastLesson, record_past_lessons
from sanke.live.models import LessonEvent
from sanke.org.actions import do_import_file, do_save_region
from sanke.org.choices import EquipmentKind, EquipmentStatus, PersonKind, RegionLevel, SchoolKind
from sanke.org.demo import bulk_save_classrooms
from sanke.org.models import ClassGroup, Classroom, Equipment, Person, Region, School
from sanke.org.selectors import organisation_exists
from sanke.site.demo import load_demo
from sanke.timetable.actions import (
    do_accept_proposals,
    do_save_series,
    do_save_term,
    do_schedule_series,
    do_set_period_grid,
)
from sanke.timetable.choices import DayKind, LessonStatus, SeriesStatus
from sanke.timetable.demo import settle_past_lessons
from sanke.timetable.models import CalendarDay, Lesson, SyncSeries, Term
from sanke.timetable.scheduling.solver import Weights

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Shape:
    """How big one county is; sizes differ in how many counties they fill and how big each is."""

    counties: int
    hosts: int  # strong schools of the county town (英语 delivery classrooms)
    centrals: int  # town central primary schools, each with its teaching points
    juniors: int
    points_per_central: tuple[int, int]
    host_classes_per_grade: tuple[int, int]
    central_classes_per_grade: tuple[int, int]
    junior_classes_per_grade: tuple[int, int]
    class_size: tuple[int, int]
    point_class_size: tuple[int, int]
    teachers_per_class: float
    point_grades: tuple[int, ...] = ()  # fixed grades of every teaching point (else 2–3 drawn from 1–6)


SIZES: dict[str, Shape] = {
    # what the suite builds: 3 schools, ~60 students
    "tiny": Shape(1, 1, 1, 0, (1, 1), (1, 1), (1, 1), (1, 1), (4, 5), (3, 3), 0.3, (3, 4)),
    "county": Shape(1, 4, 23, 12, (3, 6), (6, 6), (2, 4), (7, 9), (40, 46), (6, 20), 2.2),
    "city": Shape(10, 4, 23, 12, (3, 6), (6, 6), (2, 4), (7, 9), (40, 46), (6, 20), 2.2),
}

# --- names ------------------------------------------------------------------------------------------------
# The ten counties of ``city``: 淳安 first (the demo county), 建德 (the demo outsider's) among them.
COUNTIES = [
    ("330127", "淳安县"),
    ("330182", "建德市"),
    ("330122", "桐庐县"),
    ("330111", "富阳区"),
    ("330112", "临安区"),
    ("330109", "萧山区"),
    ("330110", "余杭区"),
    ("330113", "临平区"),
    ("330114", "钱塘区"),
    ("330106", "西湖区"),
]
# 淳安's towns and townships (枫树岭镇 has the demo's central school); other counties get generated names.
CHUNAN_TOWNS = (
    "文昌镇 石林镇 临岐镇 威坪镇 姜家镇 梓桐镇 汾口镇 中洲镇 大墅镇 里商乡 金峰乡 富文乡 左口乡 屏门乡 "
    "瑶山乡 王阜乡 宋村乡 鸠坑乡 浪川乡 界首乡 安阳乡"
).split()
PLACE_FIRST = "上下大小东西南北石桐枫梓青白黄金银马龙凤桃柳竹松茶岭溪湖塘湾坑源"
PLACE_SECOND = "坑岭坞源溪口田村塘湾坪岙山川桥头坂畈塘家庄岸"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏方洪邵毛章应鲁童"
)
GIVEN = "子涵浩宇梓萱欣怡俊杰雨桐思琪一诺佳豪嘉怡晨阳宇轩诗琪明轩若汐天佑雅琴志强建华丽娟文斌海燕国平秀英伟红"
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643 check digit
CN_NUMBERS = "一二三四五六七八九十"
GRADE_WORDS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "初一", 8: "初二", 9: "初三"}
SUBJECTS = {
    "host": [
        "英语",
        "英语",
        "音乐",
        "美术",
        "英语",
        "语文",
        "数学",
        "语文",
        "数学",
        "科学",
        "体育",
        "道德与法治",
    ],
    "central": ["音乐", "美术", "英语", "语文", "数学", "语文", "数学", "科学", "体育", "信息科技"],
    "junior": ["语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "道德与法治", "体育", "音乐"],
    "point": ["语文", "数学", "语文", "数学"],
}
GRIDS = [
    ["08:00-08:40", "08:50-09:30", "09:50-10:30", "10:40-11:20", "14:00-14:40", "14:50-15:30"],
    ["08:00-08:45", "08:55-09:40", "09:50-10:35", "10:45-11:30", "14:00-14:45", "14:55-15:40"],
    ["08:00-08:40", "08:50-09:30", "09:50-10:30", "10:40-11:20", "14:10-14:50", "15:00-15:40"],
    ["07:50-08:35", "08:45-09:30", "09:45-10:30", "10:40-11:25", "14:00-14:45", "14:55-15:40"],
]
STUDIO_KIT = [
    (EquipmentKind.CAMERA, "海康威视 DS-2CD"),
    (EquipmentKind.CAMERA, "学生全景摄像机"),
    (EquipmentKind.MICROPHONE, "全向阵列麦克风"),
    (EquipmentKind.RECORDER, "录播主机"),
    (EquipmentKind.BIG_SCREEN, "86 寸交互屏"),
]
RECEIVER_KIT = [
    (EquipmentKind.CAMERA, "USB 摄像头"),
    (EquipmentKind.SPEAKER, "教室音箱"),
    (EquipmentKind.BIG_SCREEN, "75 寸液晶屏"),
    (EquipmentKind.TERMINAL_PC, "教室终端"),
]
CANCEL_REASONS = ["主讲教师外出培训", "学校组织期中考试", "网络故障，改期补上", "台风停课", "学校运动会"]
QUIZ_QUESTIONS = ["今天学的单词是哪个？", "这首歌是几拍子？", "哪一个是正确的？", "图中画的是什么？"]


@dataclass
class CountySummary:
    """What ``build_county`` made: counts, seconds per stage, logins to try (password: DEMO_PASSWORD)."""

    size: str
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    region_codes: list[str] = field(default_factory=list)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())

    def lines(self) -> list[str]:
        out = [f"{key:<22} {value:>9,}" for key, value in self.counts.items()]
        out.append("")
        out += [f"stage {key:<16} {value:>7.1f} s" for key, value in self.seconds.items()]
        out.append(f"{'total':<22} {self.total_seconds:>7.1f} s")
        return out


# --- the plan of one county (pure Python, from the seed) ---------------------------------------------------
@dataclass
class PlannedSchool:
    role: str  # host, central, junior, point
    code: str
    name: str
    kind: str
    central: PlannedSchool | None = None
    grid: int = 0
    classes: list[tuple[int, str, int]] = field(default_factory=list)  # (grade, class name, students)
    teachers: list[tuple[str, str, str]] = field(default_factory=list)  # (number, name, subject)


class Namer:
    """Deterministic Chinese names, national ids and phone numbers, unique within a build."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.ids: set[str] = set()
        self.phones: set[str] = set()

    def person(self, surname: str | None = None) -> str:
        rng = self.rng
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        return (surname or rng.choice(SURNAMES)) + given

    def place(self, taken: set[str]) -> str:
        while True:
            name = self.rng.choice(PLACE_FIRST) + self.rng.choice(PLACE_SECOND)
            if name not in taken:
                taken.add(name)
                return name

    def national_id(self, region: str, born: dt.date, male: bool) -> str:
        while True:
            serial = self.rng.randrange(0, 500) * 2 + (1 if male else 0)
            body = f"{region}{born:%Y%m%d}{serial:03d}"
            if body not in self.ids:
                self.ids.add(body)
                break
        total = sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True))
        return body + "10X98765432"[total % 11]

    def phone(self) -> str:
        while True:
            number = f"1{self.rng.choice('35789')}{self.rng.randrange(10**9):09d}"
            if number not in self.phones:
                self.phones.add(number)
                return number


def plan_county(shape: Shape, code: str, name: str, rng: random.Random) -> list[PlannedSchool]:
    """The county's schools, classes and teachers, from the seed alone (no database)."""
    places: set[str] = {"龙井", "下姜"}  # the demo county's teaching points
    if code == "330127":
        towns = list(CHUNAN_TOWNS)
        seat = "千岛湖镇"
    else:
        towns = [f"{Namer(rng).place(places)}镇" for _ in range(shape.centrals)]
        seat = f"{name[:-1]}城关镇"
    while len(towns) < shape.centrals:
        towns.append(f"{Namer(rng).place(places)}乡")
    schools: list[PlannedSchool] = []
    counter = iter(range(1, 1000))

    def school(role, school_name, kind, central=None):
        planned = PlannedSchool(role, f"1{code}{next(counter):03d}", school_name, kind, central)
        planned.grid = rng.randrange(len(GRIDS))
        schools.append(planned)
        return planned

    for index in range(shape.hosts):
        host = school("host", f"{seat}第{CN_NUMBERS[index + 1]}小学", SchoolKind.PRIMARY)
        host.classes = _classes(rng, range(1, 7), shape.host_classes_per_grade, shape.class_size)
    for town in towns[: shape.centrals]:
        central = school("central", f"{town}中心小学", SchoolKind.PRIMARY)
        central.classes = _classes(rng, range(1, 7), shape.central_classes_per_grade, shape.class_size)
        for _point in range(rng.randint(*shape.points_per_central)):
            point = school("point", f"{Namer(rng).place(places)}教学点", SchoolKind.TEACHING_POINT, central)
            grades = shape.point_grades
            if not grades:
                first = rng.randint(1, 4)
                grades = tuple(range(first, min(6, first + rng.choice((1, 2, 2))) + 1))
            point.classes = _classes(rng, grades, (1, 1), shape.point_class_size)
    for town in towns[: shape.juniors]:
        junior = school("junior", f"{town}初级中学", SchoolKind.JUNIOR)
        junior.classes = _classes(rng, range(7, 10), shape.junior_classes_per_grade, shape.class_size)
    namer = Namer(rng)
    for planned in schools:
        count = max(
            2 if planned.role == "point" else 3, round(len(planned.classes) * shape.teachers_per_class)
        )
        if planned.role == "point":
            count = max(count, len(planned.classes) + 1)
        subjects = SUBJECTS[planned.role]
        planned.teachers = [
            (f"T{n:04d}", namer.person(), subjects[(n - 1) % len(subjects)]) for n in range(1, count + 1)
        ]
    return schools


def _classes(rng, grades, per_grade, size) -> list[tuple[int, str, int]]:
    return [
        (grade, f"({n})班", rng.randint(*size))
        for grade in grades
        for n in range(1, rng.randint(*per_grade) + 1)
    ]


# --- building ----------------------------------------------------------------------------------------------
class _Stages:
    def __init__(self, summary: CountySummary, progress: Progress | None):
        self.summary, self.progress = summary, progress or (lambda _line: None)

    def run(self, name: str, work: Callable[[], str]) -> None:
        started = time.perf_counter()
        detail = work()
        seconds = time.perf_counter() - started
        self.summary.seconds[name] = self.summary.seconds.get(name, 0.0) + seconds
        self.progress(f"{name:<12} {seconds:6.1f} s  {detail}")


def _csv(header: list[str], rows: list[list]) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile("county.csv", buffer.getvalue().encode("utf-8"), content_type="text/csv")


def _import(kind: str, header: list[str], rows: list[list], acting_user, chunk: int = 10000) -> int:
    """Import ``rows`` as clerks' files of ``kind`` (every check, the bulk writer), ``chunk`` rows a file."""
    created = 0
    for start in range(0, len(rows), chunk):
        result = do_import_file(kind, _csv(header, rows[start : start + chunk]), acting_user=acting_user)
        if result.errors:
            raise RuntimeError(f"{kind} import refused: {result.errors[:3]}")
        created += result.created
    return created


def _bureau_admin(region: Region, *, acting_user) -> User:
    """The bureau admin of ``region``: the demo's (county_admin, outsider_admin) or one opened now."""
    grant = (
        RoleAssignment.objects.filter(role=Role.BUREAU_ADMIN, region=region)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if grant is not None:
        return grant.user
    (user,) = bulk_open_accounts(
        [
            AccountSpec(
                f"admin-{region.code}",
                Role.BUREAU_ADMIN,
                display_name=f"{region.name}教育局 管理员",
                region=region,
            )
        ],
        acting_user=acting_user,
    )
    return user


class CountyBuilder:
    """Builds one county of the plan into the database; ``build_county`` runs one per county."""

    def __init__(self, region: Region, admin: User, plan: list[PlannedSchool], rng, stages: _Stages, now):
        self.region, self.admin, self.plan = region, admin, plan
        self.rng, self.stages, self.now = rng, stages, now
        self.namer = Namer(rng)
        self.schools: dict[str, School] = {}
        self.alliance_series: list[list[SyncSeries]] = []  # the series of each alliance, scheduled together
        self.term_year = TERM[1].year

    # each stage returns a line for the progress report
    def build(self) -> None:
        run = self.stages.run
        run("schools", self.import_schools)
        run("teachers", self.import_teachers)
        run("classes", self.import_classes)
        run("students", self.import_students)
        run("classrooms", self.save_classrooms)
        run("accounts", self.open_accounts)
        run("calendar", self.set_up_calendar)
        run("alliances", self.save_alliances)
        run("scheduling", self.schedule)
        run("past lessons", self.record_past)

    def import_schools(self) -> str:
        header = ["code", "name", "kind", "region_code", "central_school_code", "address"]
        kinds = {"primary": "小学", "junior": "初中", "teaching_point": "教学点"}
        rows = [
            [s.code, s.name, kinds[s.kind], self.region.code, s.central.code if s.central else "", ""]
            for s in sorted(self.plan, key=lambda s: s.central is not None)
        ]
        created = _import("schools", header, rows, self.admin)
        self.schools = {s.code: s for s in School.objects.filter(code__in=[p.code for p in self.plan])}
        return f"{created} schools and teaching points"

    def import_teachers(self) -> str:
        header = [
            "school_code",
            "number",
            "name",
            "gender",
            "phone",
            "subjects",
            "honour_level",
            "national_id",
        ]
        rows = []
        for planned in self.plan:
            for number, name, subject in planned.teachers:
                male = self.rng.random() < 0.35
                born = dt.date(self.rng.randint(1966, 2001), self.rng.randint(1, 12), self.rng.randint(1, 28))
                roll = self.rng.random()
                honour = "省级" if roll < 0.005 else "市级" if roll < 0.025 else "县级" if roll < 0.08 else ""
                rows.append(
                    [
                        planned.code,
                        number,
                        name,
                        "男" if male else "女",
                        self.namer.phone(),
                        subject,
                        honour,
                        self.namer.national_id(self.region.code, born, male),
                    ]
                )
        return f"{_import('teachers', header, rows, self.admin)} teachers"

    def import_classes(self) -> str:
        header = ["school_code", "grade", "name", "head_teacher_number"]
        rows = []
        for planned in self.plan:
            for index, (grade, name, _size) in enumerate(planned.classes):
                head = planned.teachers[index % len(planned.teachers)][0]
                rows.append([planned.code, str(grade), name, head])
        return f"{_import('classes', header, rows, self.admin)} classes"

    def import_students(self) -> str:
        header = ["school_code", "grade", "class_name", "number", "name", "gender", "national_id"]
        header += ["guardian_name", "guardian_phone"]
        rows = []
        for planned in self.plan:
            sibling: tuple[str, str, str] | None = None  # (surname, guardian name, phone) of a family
            for grade, class_name, size in planned.classes:
                for _student in range(size):
                    male = self.rng.random() < 0.52
                    year = self.term_year - 6 - grade + (1 if self.rng.random() < 0.7 else 0)
                    born = dt.date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))
                    national_id = self.namer.national_id(self.region.code, born, male)
                    if sibling is not None and self.rng.random() < 0.08:
                        surname, guardian, phone = sibling  # brothers and sisters share their guardian
                    else:
                        surname = self.rng.choice(SURNAMES)
                        guardian, phone = self.namer.person(surname), self.namer.phone()
                        sibling = (surname, guardian, phone)
                    rows.append(
                        [
                            planned.code,
                            str(grade),
                            class_name,
                            f"G{national_id}",
                            self.namer.person(surname),
                            "男" if male else "女",
                            national_id,
                            guardian,
                            phone,
                        ]
                    )
        return f"{_import('students', header, rows, self.admin)} students with their guardians"

    def save_classrooms(self) -> str:
        classes = defaultdict(list)
        for class_group in ClassGroup.objects.filter(school__in=self.schools.values()).select_related(
            "grade"
        ):
            classes[class_group.school_id].append(class_group)
        rooms: list[tuple[Classroom, list[Equipment]]] = []

        def kit(items):
            return [
                Equipment(
                    kind=kind,
                    model_name=model,
                    serial_number=f"SN{self.rng.randrange(10**8):08d}",
                    status=EquipmentStatus.FAULTY if self.rng.random() < 0.03 else EquipmentStatus.WORKING,
                )
                for kind, model in items
            ]

        for planned in self.plan:
            school = self.schools[planned.code]
            # a strong school runs several delivery studios, a town central school two
            studios = {"host": 4, "central": 2, "junior": 1}.get(planned.role, 0)
            for n in range(1, studios + 1):
                room = Classroom(
                    school=school,
                    name=f"录播教室{CN_NUMBERS[n - 1]}" if studios > 1 else "录播教室",
                    capacity=50,
                    host_capable=True,
                    receiver_capable=planned.role == "host",
                    recording_capable=True,
                    location=f"综合楼 {n} 楼",
                )
                rooms.append((room, kit(STUDIO_KIT)))
            for class_group in sorted(classes[school.pk], key=lambda c: (c.grade.number, c.name)):
                receiver = planned.role == "point" or (planned.role == "central" and self.rng.random() < 0.15)
                word = GRADE_WORDS[class_group.grade.number]
                room = Classroom(
                    school=school,
                    name=f"{word}{class_group.name}教室",
                    capacity=48,
                    receiver_capable=receiver,
                    home_class=class_group,
                )
                rooms.append(
                    (room, kit(RECEIVER_KIT if receiver else [(EquipmentKind.BIG_SCREEN, "教室一体机")]))
                )
        saved = bulk_save_classrooms(rooms, acting_user=self.admin)
        return f"{len(saved)} classrooms, {sum(len(k) for _r, k in rooms)} pieces of equipment"

    def open_accounts(self) -> str:
        specs = []
        for planned in self.plan:
            school = self.schools[planned.code]
            if planned.role != "point":
                specs.append(
                    AccountSpec(
                        f"admin-{school.code}",
                        Role.SCHOOL_ADMIN,
                        display_name=f"{school.name} 管理员",
                        school=school,
                    )
                )
        teachers = Person.objects.filter(school__in=self.schools.values(), kind=PersonKind.TEACHER)
        for person in teachers.select_related("school").order_by("school__code", "number"):
            specs.append(
                AccountSpec(
                    f"t-{person.school.code}-{person.number}",
                    Role.TEACHER,
                    person=person,
                    school=person.school,
                )
            )
        terminals = Classroom.objects.filter(school__in=self.schools.values(), receiver_capable=True)
        for classroom in terminals.select_related("school").order_by("pk"):
            specs.append(
                AccountSpec(
                    f"terminal-{classroom.school.code}-{classroom.pk}",
                    Role.CLASSROOM_TERMINAL,
                    display_name=f"{classroom.school.name} {classroom.name}",
                    classroom=classroom,
                )
            )
        users = bulk_open_accounts(specs, acting_user=self.admin)
        return f"{len(users)} logins (school admins, teachers, classroom terminals)"

    def set_up_calendar(self) -> str:
        name, start, end = TERM
        holidays = [dt.date(start.year, 10, d) for d in range(1, 8)] + [dt.date(end.year, 1, 1)]
        for planned in self.plan:
            school = self.schools[planned.code]
            grid = GRIDS[planned.grid]
            do_set_period_grid(
                school,
                [
                    (n, dt.time.fromisoformat(p[:5]), dt.time.fromisoformat(p[6:]))
                    for n, p in enumerate(grid, 1)
                ],
                acting_user=self.admin,
            )
            days = [
                CalendarDay(date=d, kind=DayKind.HOLIDAY, note="国庆节" if d.month == 10 else "元旦")
                for d in holidays
            ]
            days.append(
                CalendarDay(
                    date=dt.date(start.year, 10, 10), kind=DayKind.MAKEUP, follows_weekday=3, note="国庆调休"
                )
            )
            do_save_term(Term(school=school, name=name, start=start, end=end), days, acting_user=self.admin)
        # the receiving classes already have their own lessons (语文 and 数学 in periods 1, 2 and 4)
        header = ["school_code", "grade", "class_name", "weekday", "period", "subject"]
        rows = []
        for planned in self.plan:
            if planned.role != "point":
                continue
            for grade, class_name, _size in planned.classes:
                for weekday in range(1, 6):
                    for period, subject in ((1, "语文"), (2, "数学"), (4, "语文" if weekday % 2 else "数学")):
                        rows.append(
                            [planned.code, str(grade), class_name, str(weekday), str(period), subject]
                        )
        entries = _import("timetable", header, rows, self.admin)
        return f"{len(self.plan)} terms and period grids, {entries} timetable entries"

    def save_alliances(self) -> str:
        by_code = self.schools
        points_of = defaultdict(list)
        for planned in self.plan:
            if planned.central is not None:
                points_of[planned.central.code].append(planned)
        classes = defaultdict(list)  # school id -> receiving classes (home classroom can receive)
        receiving = ClassGroup.objects.filter(
            school__in=self.schools.values(), home_classrooms__receiver_capable=True
        ).select_related("grade")
        for class_group in receiving.order_by("school__code", "grade__number", "name"):
            classes[class_group.school_id].append(class_group)
        teachers = defaultdict(list)  # (school id, subject) -> teachers
        for person in Person.objects.filter(
            school__in=self.schools.values(), kind=PersonKind.TEACHER
        ).order_by("number"):
            teachers[(person.school_id, person.subjects)].append(person)
        studios = defaultdict(list)
        for room in Classroom.objects.filter(school__in=self.schools.values(), host_capable=True).order_by(
            "name"
        ):
            studios[room.school_id].append(room)
        centrals = [p for p in self.plan if p.role == "central"]
        hosts = [p for p in self.plan if p.role == "host"]
        # 英语 from the county town's strong schools, each to the teaching points of a share of the towns
        for index, host in enumerate(hosts):
            share = [c for n, c in enumerate(centrals) if n % len(hosts) == index]
            points = [p for c in share for p in points_of[c.code]]
            if not points:
                continue
            school = by_code[host.code]
            alliance = self._alliance(f"{school.name}英语专递课堂", school, [by_code[p.code] for p in points])
            by_grade = _by_grade(classes, [by_code[p.code] for p in points], lowest=3)
            groups = [(g, cs[i : i + 3]) for g, cs in sorted(by_grade.items()) for i in range(0, len(cs), 3)]
            self.alliance_series.append(
                self._series(
                    alliance, "英语", groups, teachers[(school.pk, "英语")], studios[school.pk], 2, True
                )
            )
        # 音乐 and 美术 from each town's central school to its teaching points
        for central in centrals:
            points = points_of[central.code]
            if not points:
                continue
            school = by_code[central.code]
            alliance = self._alliance(f"{school.name}教学点联校", school, [by_code[p.code] for p in points])
            groups = sorted(_by_grade(classes, [by_code[p.code] for p in points], lowest=1).items())
            series = []
            for subject in ("音乐", "美术"):
                series += self._series(
                    alliance, subject, groups, teachers[(school.pk, subject)], studios[school.pk], 1, False
                )
            self.alliance_series.append(series)
        count = sum(len(s) for s in self.alliance_series)
        return f"{len(self.alliance_series)} alliances, {count} sync series"

    def _alliance(self, name: str, host, receivers) -> Alliance:
        term_name, start, end = TERM
        return do_save_alliance(
            Alliance(
                name=name,
                region=self.region,
                host_school=host,
                term_name=term_name,
                term_start=start,
                term_end=end,
            ),
            receivers,
            acting_user=self.admin,
        )

    def _series(self, alliance, subject, groups, teachers, studios, per_week, core) -> list[SyncSeries]:
        if not teachers or not studios:
            return []
        made = []
        for index, (_grade, receivers) in enumerate(groups):
            made.append(
                do_save_series(
                    SyncSeries(
                        alliance=alliance,
                        subject=subject,
                        host_teacher=teachers[index % len(teachers)],
                        host_classroom=studios[index % len(studios)],
                        lessons_per_week=per_week,
                        core_subject=core,
                    ),
                    receivers,
                    acting_user=self.admin,
                )
            )
        return made

    def schedule(self) -> str:
        placed = lessons = 0
        for series in self.alliance_series:
            if not series:
                continue
            result = do_schedule_series(
                series, weights=Weights(), allow_moving=False, acting_user=self.admin, time_limit=10
            )
            placed += len(result.placements)
            for item in series:
                item.refresh_from_db()
            # accepted at the term's start: record_past gives the weeks since then their history
            lessons += do_accept_proposals(
                series,
                acting_user=self.admin,
                now=timezone.make_aware(dt.datetime.combine(TERM[1], dt.time(0, 0))),
            )
        total = sum(len(s) for s in self.alliance_series)
        return f"{placed} of {total} series placed and accepted, {lessons} lessons"

    def record_past(self) -> str:
        series_ids = [s.pk for group in self.alliance_series for s in group]
        accepted = SyncSeries.objects.filter(pk__in=series_ids, status=SeriesStatus.ACCEPTED)
        name, start, _end = TERM
        started = timezone.make_aware(dt.datetime.combine(start, dt.time(0, 0)))
        past = list(
            Lesson.objects.filter(series__in=accepted, ends_at__lt=self.now, status=LessonStatus.SCHEDULED)
            .select_related("series__host_teacher")
            .order_by("starts_at", "pk")
        )
        # who takes part: the host teacher's login, each receiving classroom and its terminal's login
        receivers: dict[
            int, list[tuple[int, int | None, int]]
        ] = {}  # series -> (classroom, terminal, students)
        terminal_of = dict(
            RoleAssignment.objects.filter(
                role=Role.CLASSROOM_TERMINAL, classroom__school__region=self.region
            ).values_list("classroom_id", "user_id")
        )
        sizes = dict(
            ClassGroup.objects.filter(school__region=self.region)
            .annotate(n=Count("students"))
            .values_list("pk", "n")
        )
        for series in accepted.prefetch_related("receiving_classes__home_classrooms"):
            receivers[series.pk] = [
                (room.pk, terminal_of.get(room.pk), sizes.get(class_group.pk, 0))
                for class_group in series.receiving_classes.all()
                for room in class_group.home_classrooms.all()
                if room.receiver_capable
            ]
        ended, missed, cancelled, logs = [], [], {}, []
        for lesson in past:
            roll = self.rng.random()
            if roll < 0.05:
                missed.append(lesson.pk)
            elif roll < 0.10:
                cancelled[lesson.pk] = self.rng.choice(CANCEL_REASONS)
            else:
                ended.append(lesson.pk)
                logs.append(self._log(lesson, receivers[lesson.series_id]))
        settle_past_lessons(
            series_ids, started, ended=ended, missed=missed, cancelled=cancelled, acting_user=self.admin
        )
        events = record_past_lessons(logs)
        return f"{len(ended)} taught ({events} events), {len(missed)} missed, {len(cancelled)} cancelled"

    def _log(self, lesson: Lesson, rooms) -> PastLesson:
        rng = self.rng
        host = lesson.series.host_teacher.user_id
        at = lesson.starts_at - dt.timedelta(minutes=rng.randint(1, 5))
        log = PastLesson(lesson.pk)

        def add(event_type, payload, actor, minutes=0.0):
            nonlocal at
            at = at + dt.timedelta(seconds=max(1, int(minutes * 60)))
            log.events.append(PastEvent(event_type, payload, actor, at))

        add("lesson.started", {}, host)
        # now and then a classroom stays away (its terminal off); a lesson with none at all is not taught
        joined = [r for r in rooms if rng.random() < 0.97] or rooms[:1]
        for room, terminal, _n in joined:
            add("classroom.joined", {"classroom": room}, terminal, rng.uniform(0.1, 2))
        add("rollcall.started", {"rollcall": 1}, host, 3)
        for room, terminal, students in joined:
            present = max(0, students - rng.choice((0, 0, 0, 1, 2)))
            add(
                "rollcall.reported",
                {"rollcall": 1, "classroom": room, "present": min(present, 300)},
                terminal,
                0.3,
            )
        if joined and rng.random() < 0.6:
            room, terminal, _n = rng.choice(joined)
            add("hand.raised", {"classroom": room}, terminal, rng.uniform(3, 10))
            add("stage.set", {"classroom": room}, host, 0.5)
            add("stage.set", {"classroom": None}, host, 2)
        options = ["A", "B", "C", "D"]
        add(
            "quiz.started",
            {"quiz": 1, "kind": "single", "question": rng.choice(QUIZ_QUESTIONS), "options": options},
            host,
            rng.uniform(5, 12),
        )
        for room, terminal, students in joined:
            counts: dict[str, int] = {}
            left = min(students, 300)
            for option in options[:-1]:
                counts[option] = rng.randint(0, left)
                left -= counts[option]
            counts[options[-1]] = left
            add("quiz.answered", {"quiz": 1, "classroom": room, "counts": counts}, terminal, 0.5)
        add("quiz.closed", {"quiz": 1}, host, 1)
        if joined and rng.random() < 0.3:
            room, terminal, _n = rng.choice(joined)
            add("chat.message", {"text": "老师，声音有点小", "classroom": room}, terminal, 1)
            add("chat.message", {"text": "好的，我调大一点"}, host, 0.3)
        if joined and rng.random() < 0.1:  # a weak network: a classroom drops out and comes back
            room, terminal, _n = rng.choice(joined)
            add("classroom.left", {"classroom": room}, terminal, 2)
            add("classroom.joined", {"classroom": room}, terminal, 1)
        end = lesson.ends_at + dt.timedelta(seconds=rng.randint(0, 180))
        log.events.append(PastEvent("lesson.ended", {}, host, max(end, at + dt.timedelta(seconds=1))))
        return log


def build_county(
    size: str = "county", seed: int = 2026, progress: Progress | None = None, *, now=None
) -> CountySummary:
    """Build the county world of ``size`` ("tiny", "county", "city") from ``seed`` on top of the demo world
    (loaded first into an empty database), in one transaction; returns what was made and how long it took.

    ``now`` (default: the clock) decides which of the term's lessons are past: those are taught, missed or
    cancelled; the rest stay scheduled.
    """
    shape = SIZES[size]
    now = now or timezone.now()
    summary = CountySummary(size, seed)
    stages = _Stages(summary, progress)
    with transaction.atomic():
        if not organisation_exists():
            stages.run("demo", lambda: f"{len(load_demo().logins)} demo logins")
        city = Region.objects.get(code="330100")
        for code, name in COUNTIES[: shape.counties]:
            region = Region.objects.filter(code=code).first()
            if region is None:
                region = do_save_region(
                    Region(code=code, name=name, level=RegionLevel.COUNTY, parent=city), acting_user=None
                )
            admin = _bureau_admin(region, acting_user=None)
            summary.region_codes.append(code)
            plan = plan_county(shape, code, name, random.Random(f"{seed}-{code}"))
            stages.progress(f"{name} ({code}): {len(plan)} schools planned")
            CountyBuilder(region, admin, plan, random.Random(f"{seed}-{code}-build"), stages, now).build()
        summary.counts = county_counts(summary.region_codes)
        first = (
            School.objects.filter(region__code=COUNTIES[0][0], code__startswith="1").order_by("code").first()
        )
        summary.logins = [
            ("county_admin", str(Role.BUREAU_ADMIN.label), "淳安县"),
            ("outsider_admin", str(Role.BUREAU_ADMIN.label), "建德市"),
        ]
        if first is not None:
            summary.logins.append((f"admin-{first.code}", str(Role.SCHOOL_ADMIN.label), first.name))
            teacher = (
                Person.objects.filter(school=first, kind=PersonKind.TEACHER, user__isnull=False)
                .order_by("number")
                .first()
            )
            if teacher is not None:
                summary.logins.append((teacher.user.username, str(Role.TEACHER.label), first.name))
        terminal = (
            RoleAssignment.objects.filter(
                role=Role.CLASSROOM_TERMINAL,
                classroom__school__code__startswith="1",
                classroom__school__kind=SchoolKind.TEACHING_POINT,
            )
            .select_related("user", "classroom")
            .order_by("pk")
            .first()
        )
        if terminal is not None:
            summary.logins.append(
                (terminal.user.username, str(Role.CLASSROOM_TERMINAL.label), str(terminal.classroom))
            )
    return summary


def county_built() -> bool:
    """Whether a generated world is already in the database (its first school: the generator's ids start
    with 1 + the division code), for callers that reuse one rather than build it again."""
    return School.objects.filter(code=f"1{COUNTIES[0][0]}001").exists()


def county_counts(region_codes: list[str]) -> dict[str, int]:
    """What the generated counties hold (the demo's own schools in 淳安县 and 建德市 included)."""
    schools = School.objects.filter(region__code__in=region_codes)
    people = Person.objects.filter(school__in=schools)
    rooms = Classroom.objects.filter(school__in=schools)
    lessons = Lesson.objects.filter(series__alliance__region__code__in=region_codes)
    counts = {
        "counties": len(region_codes),
        "schools": schools.exclude(kind=SchoolKind.TEACHING_POINT).count(),
        "teaching points": schools.filter(kind=SchoolKind.TEACHING_POINT).count(),
        "classes": ClassGroup.objects.filter(school__in=schools).count(),
        "teachers": people.filter(kind=PersonKind.TEACHER).count(),
        "students": people.filter(kind=PersonKind.STUDENT).count(),
        "guardians": people.filter(kind=PersonKind.GUARDIAN).count(),
        "classrooms": rooms.count(),
        "host classrooms": rooms.filter(host_capable=True).count(),
        "receiving classrooms": rooms.filter(receiver_capable=True).count(),
        "recording classrooms": rooms.filter(recording_capable=True).count(),
        "equipment": Equipment.objects.filter(classroom__in=rooms).count(),
        "logins": User.objects.count(),
        "alliances": Alliance.objects.filter(region__code__in=region_codes).count(),
        "sync series": SyncSeries.objects.filter(alliance__region__code__in=region_codes).count(),
        "series accepted": SyncSeries.objects.filter(
            alliance__region__code__in=region_codes, status=SeriesStatus.ACCEPTED
        ).count(),
        "lessons": lessons.count(),
    }
    for status in LessonStatus:
        counts[f"lessons {status.value}"] = lessons.filter(status=status).count()
    counts["lesson events"] = LessonEvent.objects.filter(lesson__in=lessons).count()
    return counts


def _by_grade(classes, schools, *, lowest: int) -> dict[int, list]:
    """The receiving classes of ``schools`` by grade number, from grade ``lowest`` up."""
    by_grade: dict[int, list] = defaultdict(list)
    for school in schools:
        for class_group in classes[school.pk]:
            if class_group.grade.number >= lowest:
                by_grade[class_group.grade.number].append(class_group)
    return by_grade
