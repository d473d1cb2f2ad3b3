"""The demo county's organisation: 淳安县 (Chun'an, a rural county of Hangzhou, Zhejiang) with a strong host
school, a central school and its two teaching points, a junior secondary school; and 建德市 next to it,
whose "outsider" proves that scope keeps counties apart. Built through org's actions, so the demo also
exercises validation and the audit log.
"""

from __future__ import annotations

from sanke.core.audit import record_audit
from sanke.core.composition import DemoStep, DemoWorld, register_demo_step
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


def build_organisation(w: DemoWorld) -> None:
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

    _person(
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
    _person(w, "principal", host, PersonKind.STAFF, "刘洋", "S0001")
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


# --- bulk writers for generated worlds (sanke/site/county.py) ---------------------------------------------
# A county holds thousands of classrooms and pieces of equipment; saving each through ``do_save_*`` costs
# a validation, a save and an audit row apiece. These check every object with the model's own rules, as
# the actions do, then write them with bulk inserts and record one audit row per call.


def bulk_save_classrooms(rooms: list[tuple[Classroom, list[Equipment]]], *, acting_user) -> list[Classroom]:
    """Create classrooms with their equipment (model rules checked; one audit row per school)."""
    if not rooms:
        return []
    classrooms = [classroom for classroom, _kit in rooms]
    for classroom in classrooms:
        classroom.full_clean(validate_unique=False, validate_constraints=False)
    Classroom.objects.bulk_create(classrooms, batch_size=500)
    equipment = []
    for classroom, kit in rooms:
        for item in kit:
            item.classroom = classroom
            item.full_clean(exclude=["classroom"])
            equipment.append(item)
    Equipment.objects.bulk_create(equipment, batch_size=500)
    first_of: dict[int, Classroom] = {}
    counts: dict[int, int] = {}
    for classroom in classrooms:
        first_of.setdefault(classroom.school_id, classroom)
        counts[classroom.school_id] = counts.get(classroom.school_id, 0) + 1
    for school_id, classroom in first_of.items():
        record_audit(acting_user, "org.classroom.created", classroom, changes={"rows": counts[school_id]})
    return classrooms


def bulk_link_accounts(pairs: list[tuple[Person, object]]) -> None:
    """Link login accounts to their people (as ``do_link_account`` does, many at once; the caller audits)."""
    for person, user in pairs:
        if person.user_id:
            raise ValueError(f"{person} already has a login account")
        person.user = user  # type: ignore[assignment]
    Person.objects.bulk_update([person for person, _user in pairs], ["user"], batch_size=500)


def register() -> None:
    register_demo_step(DemoStep("org", 10, build_organisation))
