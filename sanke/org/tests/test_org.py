"""The organisation: region tree rules, schools and teaching points, personal data at rest and on screen,
the create/edit pages (each writes its object and an audit row), who may change what, and the read API.
"""

from __future__ import annotations

import pytest
from django.contrib.messages import ERROR, get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import translation

from sanke.accounts.actions import do_create_account, do_grant_role
from sanke.accounts.choices import Role
from sanke.accounts.models import User
from sanke.core.models import AuditEvent
from sanke.core.scoping import scope_for
from sanke.org.actions import do_save_grade, do_save_person, do_save_region, do_save_school
from sanke.org.choices import EquipmentKind, EquipmentStatus, PersonKind, RegionLevel, SchoolKind
from sanke.org.models import ClassGroup, Classroom, Equipment, Grade, Person, Region, School
from sanke.testing import factories
from sanke.testing.world import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def national_id(serial: int) -> str:
    """A valid ID card number of an adult born in 1985 (checksum computed by the test kit, not the app)."""
    return factories.national_id(serial, birth="19850101")


def audited(action: str, obj, actor) -> AuditEvent:
    """The one audit row ``action`` on ``obj`` by ``actor`` (fails if there is none or several)."""
    events = AuditEvent.objects.filter(action=action, target_id=str(obj.pk), actor=actor)
    assert events.count() == 1, f"expected one {action} audit row for {obj!r}, found {events.count()}"
    return events.get()


def saved(response):
    """Assert that a form page accepted the POST (redirect), showing the form errors if it did not."""
    if response.status_code != 302:
        form = response.context["form"] if response.context and "form" in response.context else None
        pytest.fail(f"form not saved ({response.status_code}): {form.errors if form else ''}")
    return response


def region_error(region: Region) -> dict:
    with pytest.raises(ValidationError) as raised, translation.override("en"):
        do_save_region(region, acting_user=None)
    return raised.value.message_dict


# --- the region tree ------------------------------------------------------------------------------
def test_a_county_code_must_start_with_its_citys_prefix(world):
    before = Region.objects.count()
    errors = region_error(
        Region(code="340122", name="桐庐县", level=RegionLevel.COUNTY, parent=world.regions["330100"])
    )
    assert list(errors) == ["code"]
    assert "3301" in errors["code"][0]
    assert Region.objects.count() == before


def test_a_city_code_must_start_with_its_provinces_prefix(world):
    errors = region_error(
        Region(code="320500", name="苏州市", level=RegionLevel.CITY, parent=world.regions["330000"])
    )
    assert "code" in errors
    assert not Region.objects.filter(code="320500").exists()


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("331000", RegionLevel.PROVINCE),
        ("330001", RegionLevel.PROVINCE),
        ("330110", RegionLevel.CITY),
        ("330101", RegionLevel.CITY),
    ],
)
def test_province_and_city_codes_end_in_zeros(world, code, level):
    parent = None if level == RegionLevel.PROVINCE else world.regions["330000"]
    errors = region_error(Region(code=code, name="某地", level=level, parent=parent))
    assert "code" in errors
    assert not Region.objects.filter(code=code).exists()


@pytest.mark.parametrize("code", ["33012", "3301270", "33012a", ""])
def test_a_division_code_has_six_digits(world, code):
    errors = region_error(
        Region(code=code, name="某县", level=RegionLevel.COUNTY, parent=world.regions["330100"])
    )
    assert "code" in errors


def test_a_county_belongs_to_a_city_not_to_a_province(world):
    errors = region_error(
        Region(code="330122", name="桐庐县", level=RegionLevel.COUNTY, parent=world.regions["330000"])
    )
    assert "parent" in errors
    assert not Region.objects.filter(code="330122").exists()


def test_a_province_has_no_parent_and_a_city_needs_one(world):
    assert "parent" in region_error(
        Region(code="320000", name="江苏省", level=RegionLevel.PROVINCE, parent=world.regions["330000"])
    )
    assert "parent" in region_error(Region(code="330200", name="宁波市", level=RegionLevel.CITY))
    assert not Region.objects.filter(code__in=["320000", "330200"]).exists()


def test_two_regions_of_one_parent_cannot_share_a_name(world):
    errors = region_error(
        Region(code="330122", name="淳安县", level=RegionLevel.COUNTY, parent=world.regions["330100"])
    )
    assert errors
    assert not Region.objects.filter(code="330122").exists()


def test_a_well_formed_county_is_saved_and_audited(world):
    # when
    region = do_save_region(
        Region(code="330122", name="桐庐县", level=RegionLevel.COUNTY, parent=world.regions["330100"]),
        acting_user=None,
    )
    # then
    assert region.prefix == "330122"
    assert [r.code for r in region.ancestors()] == ["330000", "330100"]
    event = AuditEvent.objects.get(action="org.region.created", target_id=str(region.pk))
    assert event.region_code == "330122"


# --- schools and teaching points ------------------------------------------------------------------
def school_error(school: School) -> dict:
    before = School.objects.count()
    with pytest.raises(ValidationError) as raised:
        do_save_school(school, acting_user=None)
    assert School.objects.count() == before
    return raised.value.message_dict


def test_a_teaching_point_needs_a_central_school(world):
    errors = school_error(
        School(
            code="2133012790",
            name="港口教学点",
            kind=SchoolKind.TEACHING_POINT,
            region=world.regions["330127"],
        )
    )
    assert list(errors) == ["central_school"]


def test_a_teaching_point_cannot_be_a_central_school(world):
    errors = school_error(
        School(
            code="2133012790",
            name="港口教学点",
            kind=SchoolKind.TEACHING_POINT,
            region=world.regions["330127"],
            central_school=world.schools["longjing"],
        )
    )
    assert list(errors) == ["central_school"]


def test_a_central_school_must_be_in_the_same_county(world):
    errors = school_error(
        School(
            code="2133012790",
            name="港口教学点",
            kind=SchoolKind.TEACHING_POINT,
            region=world.regions["330127"],
            central_school=world.schools["other"],
        )
    )
    assert list(errors) == ["central_school"]


def test_only_a_teaching_point_has_a_central_school(world):
    errors = school_error(
        School(
            code="2133012790",
            name="石林小学",
            kind=SchoolKind.PRIMARY,
            region=world.regions["330127"],
            central_school=world.schools["central"],
        )
    )
    assert list(errors) == ["central_school"]


def test_a_school_belongs_to_a_county(world):
    errors = school_error(
        School(
            code="2133010001", name="杭州市直属小学", kind=SchoolKind.PRIMARY, region=world.regions["330100"]
        )
    )
    assert list(errors) == ["region"]


def test_a_school_id_has_ten_digits_and_is_unique(world):
    assert "code" in school_error(
        School(code="213301279", name="短号", kind=SchoolKind.PRIMARY, region=world.regions["330127"])
    )
    assert "code" in school_error(
        School(code="2133012701", name="同号", kind=SchoolKind.PRIMARY, region=world.regions["330127"])
    )


def test_a_teaching_point_of_a_central_school_of_its_county_is_saved(world):
    point = do_save_school(
        School(
            code="2133012790",
            name="港口教学点",
            kind=SchoolKind.TEACHING_POINT,
            region=world.regions["330127"],
            central_school=world.schools["central"],
        ),
        acting_user=None,
    )
    assert point.is_teaching_point
    assert set(world.schools["central"].teaching_points.all()) == {
        world.schools["longjing"],
        world.schools["xiajiang"],
        point,
    }


# --- personal data --------------------------------------------------------------------------------
def raw_person_columns(person) -> tuple[str, str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone, national_id, phone_digest, national_id_digest "
            f"FROM {Person._meta.db_table} WHERE id = %s",
            [person.pk],
        )
        return cursor.fetchone()


def test_phone_and_id_numbers_are_encrypted_at_rest(world):
    # given
    number = national_id(11)
    person = do_save_person(
        Person(
            kind=PersonKind.TEACHER,
            school=world.schools["host"],
            name="许可",
            number="T2001",
            phone="13712345678",
            national_id=number,
        ),
        acting_user=None,
    )
    # when
    phone_raw, id_raw, phone_digest, id_digest = raw_person_columns(person)
    # then: the database holds neither number, not even in the digests
    for raw in (phone_raw, id_raw, phone_digest, id_digest):
        assert "13712345678" not in raw
        assert number not in raw
        assert "12345678" not in raw
    assert phone_raw != id_raw
    # but the model reads them back in clear
    fresh = Person.objects.get(pk=person.pk)
    assert fresh.phone == "13712345678"
    assert fresh.national_id == number


def test_the_demo_teachers_phone_is_encrypted_too(world):
    phone_raw, *_ = raw_person_columns(world.people["teacher"])
    assert phone_raw and "13800000001" not in phone_raw
    assert Person.objects.get(pk=world.people["teacher"].pk).phone == "13800000001"


def test_a_person_can_be_found_by_phone_digest_but_not_by_plain_phone(world):
    from sanke.core.crypto import digest

    assert Person.objects.filter(phone_digest=digest("13800000001")).get() == world.people["teacher"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {Person._meta.db_table} WHERE phone = %s", ["13800000001"])
        assert cursor.fetchone()[0] == 0


def test_the_person_page_masks_phone_and_id_number(world, county_admin, client_for):
    # given
    teacher = world.people["teacher"]
    number = national_id(12)
    teacher.national_id = number
    do_save_person(teacher, acting_user=None)
    # when
    body = client_for(county_admin).get(reverse("org:person_detail", args=[teacher.pk])).content.decode()
    # then
    assert "138****0001" in body
    assert f"{number[:4]}**********{number[-4:]}" in body
    assert "13800000001" not in body
    assert number not in body
    assert number[4:14] not in body  # the birth date in the middle stays hidden


def test_the_people_list_masks_phone_numbers(world, county_admin, client_for):
    body = client_for(county_admin).get(reverse("org:person_list")).content.decode()
    assert "王芳" in body and "138****0001" in body
    assert "13800000001" not in body and "13800000002" not in body


def test_a_guardians_phone_is_masked_on_the_childs_page(world, county_admin, client_for):
    body = (
        client_for(county_admin).get(reverse("org:person_detail", args=[world.people["student1"].pk])).content
    )
    assert "139****0001" in body.decode()
    assert b"13900000001" not in body


def test_a_duplicate_national_id_is_refused(world):
    # given
    number = national_id(13)
    first = world.people["music"]
    first.national_id = number
    do_save_person(first, acting_user=None)
    before = Person.objects.count()
    # when / then
    twin = Person(kind=PersonKind.TEACHER, school=world.schools["central"], name="孪生", national_id=number)
    with pytest.raises(ValidationError) as raised:
        do_save_person(twin, acting_user=None)
    assert "national_id" in raised.value.message_dict
    assert Person.objects.count() == before
    # the owner of the number can still be saved
    first.name = "陈静静"
    do_save_person(first, acting_user=None)
    assert Person.objects.get(pk=first.pk).name == "陈静静"


def test_a_duplicate_national_id_ignores_the_case_of_the_check_letter(world):
    number = next(n for n in (national_id(s) for s in range(1, 300)) if n.endswith("X"))
    do_save_person(
        Person(kind=PersonKind.TEACHER, school=world.schools["host"], name="甲", national_id=number),
        acting_user=None,
    )
    with pytest.raises(ValidationError):
        do_save_person(
            Person(
                kind=PersonKind.TEACHER, school=world.schools["host"], name="乙", national_id=number.lower()
            ),
            acting_user=None,
        )
    assert not Person.objects.filter(name="乙").exists()


def test_an_invalid_id_number_or_mobile_is_refused(world):
    bad_id = national_id(14)[:-1] + ("0" if national_id(14)[-1] != "0" else "1")
    with pytest.raises(ValidationError) as raised:
        do_save_person(
            Person(
                kind=PersonKind.TEACHER,
                school=world.schools["host"],
                name="甲",
                national_id=bad_id,
                phone="1380000",
            ),
            acting_user=None,
        )
    assert set(raised.value.message_dict) == {"national_id", "phone"}
    assert not Person.objects.filter(name="甲").exists()


def test_the_person_page_refuses_a_duplicate_national_id(world, county_admin, client_for):
    number = national_id(15)
    music = world.people["music"]
    music.national_id = number
    do_save_person(music, acting_user=None)
    before = Person.objects.count()
    response = client_for(county_admin).post(
        reverse("org:person_create", args=[world.schools["host"].pk]),
        {"kind": PersonKind.TEACHER, "name": "冒名", "number": "T3001", "national_id": number},
    )
    assert response.status_code == 200
    assert "national_id" in response.context["form"].errors
    assert Person.objects.count() == before


# --- create and edit pages (county admin): object and audit row -----------------------------------
def test_a_province_admin_creates_a_county_on_the_region_page(world, client_for):
    admin = world.users["province_admin"]
    response = client_for(admin).post(
        reverse("org:region_create"),
        {
            "parent": world.regions["330100"].pk,
            "level": RegionLevel.COUNTY,
            "code": "330122",
            "name": "桐庐县",
        },
    )
    saved(response)
    region = Region.objects.get(code="330122")
    assert (region.name, region.parent, region.level) == (
        "桐庐县",
        world.regions["330100"],
        RegionLevel.COUNTY,
    )
    event = audited("org.region.created", region, admin)
    assert event.changes["name"] == "桐庐县"
    assert event.ip_address == "127.0.0.1"


def test_a_county_admin_cannot_create_a_region_beside_their_county(world, county_admin, client_for):
    before = Region.objects.count()
    response = client_for(county_admin).post(
        reverse("org:region_create"),
        {
            "parent": world.regions["330100"].pk,
            "level": RegionLevel.COUNTY,
            "code": "330122",
            "name": "桐庐县",
        },
    )
    assert response.status_code in (200, 403, 404)
    assert Region.objects.count() == before


def rename_chunan(world, admin, client_for):
    chunan = world.regions["330127"]
    response = client_for(admin).post(
        reverse("org:region_edit", args=[chunan.pk]),
        {"name": "淳安县（千岛湖）", "code": "330199", "level": RegionLevel.CITY, "parent": ""},
    )
    saved(response)
    chunan.refresh_from_db()
    assert (chunan.name, chunan.code, chunan.level) == ("淳安县（千岛湖）", "330127", RegionLevel.COUNTY)
    assert chunan.parent == world.regions["330100"]
    assert audited("org.region.updated", chunan, admin).changes == {"name": "淳安县（千岛湖）"}


def test_a_province_admin_renames_a_county_but_cannot_recode_or_move_it(world, client_for):
    rename_chunan(world, world.users["province_admin"], client_for)


def test_a_county_admin_renames_their_county_but_cannot_recode_or_move_it(world, county_admin, client_for):
    rename_chunan(world, county_admin, client_for)


def school_data(world, **values):
    data = {
        "code": "2133012790",
        "name": "石林镇中心小学",
        "kind": SchoolKind.PRIMARY,
        "region": world.regions["330127"].pk,
        "central_school": "",
        "address": "石林镇",
        "contact_name": "",
        "contact_phone": "",
        "is_active": "on",
    }
    data.update(values)
    return data


def test_a_county_admin_creates_a_school(world, county_admin, client_for):
    saved(client_for(county_admin).post(reverse("org:school_create"), school_data(world)))
    school = School.objects.get(code="2133012790")
    assert (school.name, school.region, school.is_active) == ("石林镇中心小学", world.regions["330127"], True)
    audited("org.school.created", school, county_admin)


def test_a_county_admin_creates_a_teaching_point(world, county_admin, client_for):
    saved(
        client_for(county_admin).post(
            reverse("org:school_create"),
            school_data(
                world,
                code="2133012791",
                name="港口教学点",
                kind=SchoolKind.TEACHING_POINT,
                central_school=world.schools["central"].pk,
            ),
        )
    )
    point = School.objects.get(code="2133012791")
    assert point.central_school == world.schools["central"]
    audited("org.school.created", point, county_admin)


def test_a_county_admin_cannot_create_a_school_in_another_county(world, county_admin, client_for):
    before = School.objects.count()
    response = client_for(county_admin).post(
        reverse("org:school_create"), school_data(world, region=world.regions["330182"].pk)
    )
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert School.objects.count() == before


def test_the_school_page_shows_the_teaching_point_rule(world, county_admin, client_for):
    before = School.objects.count()
    response = client_for(county_admin).post(
        reverse("org:school_create"),
        school_data(world, kind=SchoolKind.TEACHING_POINT, central_school=world.schools["longjing"].pk),
    )
    assert response.status_code == 200
    assert not response.context["form"].is_valid()
    assert School.objects.count() == before


def test_a_county_admin_edits_a_school(world, county_admin, client_for):
    central = world.schools["central"]
    saved(
        client_for(county_admin).post(
            reverse("org:school_edit", args=[central.pk]),
            school_data(world, code=central.code, name=central.name, address="枫树岭镇枫树岭村 1 号"),
        )
    )
    central.refresh_from_db()
    assert central.address == "枫树岭镇枫树岭村 1 号"
    assert audited("org.school.updated", central, county_admin).changes == {
        "address": "枫树岭镇枫树岭村 1 号"
    }


def test_a_county_admin_adds_a_grade_and_a_class(world, county_admin, client_for):
    client = client_for(county_admin)
    junior = world.schools["junior"]
    saved(client.post(reverse("org:grade_create", args=[junior.pk]), {"number": 7}))
    grade = Grade.objects.get(school=junior, number=7)
    audited("org.grade.created", grade, county_admin)
    saved(client.post(reverse("org:class_create", args=[junior.pk]), {"grade": grade.pk, "name": "(1)班"}))
    class_group = ClassGroup.objects.get(school=junior, grade=grade, name="(1)班")
    audited("org.class_group.created", class_group, county_admin)


def test_a_county_admin_edits_a_class(world, county_admin, client_for):
    class_group = world.classes["host-31"]
    saved(
        client_for(county_admin).post(
            reverse("org:class_edit", args=[class_group.pk]),
            {"grade": class_group.grade_id, "name": "(1)班", "head_teacher": world.people["teacher"].pk},
        )
    )
    class_group.refresh_from_db()
    assert class_group.head_teacher == world.people["teacher"]
    assert audited("org.class_group.updated", class_group, county_admin).changes == {"head_teacher": "王芳"}


def test_a_class_cannot_take_a_grade_of_another_school(world, county_admin, client_for):
    class_group = world.classes["host-31"]
    other_grade = world.schools["central"].grades.get(number=4)
    response = client_for(county_admin).post(
        reverse("org:class_edit", args=[class_group.pk]), {"grade": other_grade.pk, "name": "(1)班"}
    )
    assert response.status_code == 200
    class_group.refresh_from_db()
    assert class_group.grade.school == world.schools["host"]


def classroom_data(**values):
    data = {
        "name": "科学教室",
        "location": "实验楼 2 楼",
        "capacity": 40,
        "host_capable": "on",
        "receiver_capable": "",
        "recording_capable": "on",
        "home_class": "",
    }
    data.update(values)
    return {k: v for k, v in data.items() if v != ""}


def test_a_county_admin_creates_and_edits_a_classroom(world, county_admin, client_for):
    client = client_for(county_admin)
    host = world.schools["host"]
    saved(client.post(reverse("org:classroom_create", args=[host.pk]), classroom_data()))
    room = Classroom.objects.get(school=host, name="科学教室")
    assert (room.host_capable, room.receiver_capable, room.recording_capable, room.capacity) == (
        True,
        False,
        True,
        40,
    )
    audited("org.classroom.created", room, county_admin)
    saved(client.post(reverse("org:classroom_edit", args=[room.pk]), classroom_data(receiver_capable="on")))
    room.refresh_from_db()
    assert room.receiver_capable
    assert audited("org.classroom.updated", room, county_admin).changes == {"receiver_capable": True}


def equipment_data(**values):
    data = {
        "kind": EquipmentKind.CAMERA,
        "model_name": "海康威视 DS-2CD",
        "serial_number": "SN-001",
        "status": EquipmentStatus.WORKING,
        "notes": "",
    }
    data.update(values)
    return data


def test_a_county_admin_records_and_edits_equipment(world, county_admin, client_for):
    client = client_for(county_admin)
    room = world.classrooms["central-4"]
    saved(
        client.post(
            reverse("org:equipment_create", args=[room.pk]), equipment_data(kind=EquipmentKind.SPEAKER)
        )
    )
    item = Equipment.objects.get(classroom=room, kind=EquipmentKind.SPEAKER)
    audited("org.equipment.created", item, county_admin)
    saved(
        client.post(
            reverse("org:equipment_edit", args=[item.pk]),
            equipment_data(kind=EquipmentKind.SPEAKER, status=EquipmentStatus.FAULTY, notes="左声道无声"),
        )
    )
    item.refresh_from_db()
    assert (item.status, item.notes) == (EquipmentStatus.FAULTY, "左声道无声")
    event = audited("org.equipment.updated", item, county_admin)
    assert event.school == world.schools["central"]


def person_data(**values):
    data = {
        "kind": PersonKind.TEACHER,
        "name": "许可",
        "gender": "female",
        "number": "T2001",
        "class_group": "",
        "subjects": "科学",
        "honour_level": "",
        "national_id": "",
        "phone": "",
    }
    data.update(values)
    return data


def test_a_county_admin_creates_and_edits_a_person(world, county_admin, client_for):
    client = client_for(county_admin)
    host = world.schools["host"]
    number = national_id(21)
    saved(
        client.post(
            reverse("org:person_create", args=[host.pk]), person_data(phone="13712345678", national_id=number)
        )
    )
    person = Person.objects.get(school=host, number="T2001")
    assert (person.phone, person.national_id) == ("13712345678", number)
    created = audited("org.person.created", person, county_admin)
    assert created.changes["phone"] == "***" and created.changes["national_id"] == "***"
    assert "13712345678" not in str(created.changes) and number not in str(created.changes)
    saved(
        client.post(
            reverse("org:person_edit", args=[person.pk]),
            person_data(phone="13712340000", national_id=number, subjects="科学、信息技术"),
        )
    )
    person.refresh_from_db()
    assert (person.phone, person.subjects) == ("13712340000", "科学、信息技术")
    updated = audited("org.person.updated", person, county_admin)
    assert updated.changes == {"subjects": "科学、信息技术", "phone": "***"}


def test_a_county_admin_places_a_new_student_in_a_class(world, county_admin, client_for):
    host = world.schools["host"]
    saved(
        client_for(county_admin).post(
            reverse("org:person_create", args=[host.pk]),
            person_data(
                kind=PersonKind.STUDENT,
                name="周晓",
                number="Q20239001",
                subjects="",
                class_group=world.classes["host-32"].pk,
            ),
        )
    )
    student = Person.objects.get(number="Q20239001")
    assert student.class_group == world.classes["host-32"]
    audited("org.person.created", student, county_admin)


def test_a_teacher_cannot_be_placed_in_a_class(world, county_admin, client_for):
    before = Person.objects.count()
    response = client_for(county_admin).post(
        reverse("org:person_create", args=[world.schools["host"].pk]),
        person_data(class_group=world.classes["host-31"].pk),
    )
    assert response.status_code == 200
    assert Person.objects.count() == before


# --- who may change what --------------------------------------------------------------------------
def test_a_school_admin_edits_a_class_of_their_school(world, school_admin, client_for):
    class_group = world.classes["host-32"]
    saved(
        client_for(school_admin).post(
            reverse("org:class_edit", args=[class_group.pk]),
            {"grade": class_group.grade_id, "name": "(2)班（英语特色）"},
        )
    )
    class_group.refresh_from_db()
    assert class_group.name == "(2)班（英语特色）"
    audited("org.class_group.updated", class_group, school_admin)


def test_a_school_admin_edits_their_school_but_cannot_move_or_recode_it(world, school_admin, client_for):
    host = world.schools["host"]
    saved(
        client_for(school_admin).post(
            reverse("org:school_edit", args=[host.pk]),
            school_data(
                world,
                code="2133019999",
                name=host.name,
                region=world.regions["330182"].pk,
                address=host.address,
                contact_name="刘洋",
            ),
        )
    )
    host.refresh_from_db()
    assert (host.code, host.region, host.contact_name) == ("2133012701", world.regions["330127"], "刘洋")
    assert audited("org.school.updated", host, school_admin).changes == {"contact_name": "刘洋"}


def org_state():
    return {
        "schools": list(School.objects.values_list("pk", "name", "address", "updated_at")),
        "classes": list(
            ClassGroup.objects.values_list("pk", "name", "grade_id", "head_teacher_id", "updated_at")
        ),
        "grades": list(Grade.objects.values_list("pk", flat=True)),
        "classrooms": list(Classroom.objects.values_list("pk", "name", "updated_at")),
        "equipment": list(Equipment.objects.values_list("pk", "status", "updated_at")),
        "people": list(Person.objects.values_list("pk", "name", "updated_at")),
        "audit": AuditEvent.objects.count(),
    }


def test_a_school_admin_cannot_change_another_school_of_the_county(world, school_admin, client_for):
    # given: 枫树岭镇中心小学 is in the same county, but not the school admin's school
    client = client_for(school_admin)
    central = world.schools["central"]
    class_group = world.classes["central-4"]
    before = org_state()
    attempts = [
        (reverse("org:school_edit", args=[central.pk]), school_data(world, code=central.code, name="改名")),
        (reverse("org:class_edit", args=[class_group.pk]), {"grade": class_group.grade_id, "name": "(9)班"}),
        (reverse("org:class_create", args=[central.pk]), {"grade": class_group.grade_id, "name": "(9)班"}),
        (reverse("org:grade_create", args=[central.pk]), {"number": 1}),
        (reverse("org:person_create", args=[central.pk]), person_data()),
        (reverse("org:person_edit", args=[world.people["central-teacher"].pk]), person_data(name="改名")),
        (reverse("org:classroom_edit", args=[world.classrooms["central-4"].pk]), classroom_data(name="改名")),
        (reverse("org:delete", kwargs={"kind": "class", "pk": class_group.pk}), {}),
    ]
    # when / then
    for url, data in attempts:
        assert client.get(url).status_code in (403, 404, 405), url
        assert client.post(url, data).status_code in (403, 404), url
    assert org_state() == before


def test_a_teacher_sees_but_cannot_edit_a_class_of_their_school(world, host_teacher, client_for):
    client = client_for(host_teacher)
    class_group = world.classes["host-31"]
    assert client.get(reverse("org:class_detail", args=[class_group.pk])).status_code == 200
    before = org_state()  # after the look at the roster, which is audited on purpose
    response = client.post(
        reverse("org:class_edit", args=[class_group.pk]), {"grade": class_group.grade_id, "name": "(9)班"}
    )
    assert response.status_code == 403  # visible but not writable
    assert org_state() == before


def test_deleting_a_grade_that_still_has_classes_is_refused(world, county_admin, client_for):
    # given
    grade = world.schools["host"].grades.get(number=3)
    classes = set(grade.class_groups.values_list("pk", flat=True))
    assert classes
    client = client_for(county_admin)  # logging in is audited: before the snapshot
    before = org_state()
    # when
    response = client.post(reverse("org:delete", kwargs={"kind": "grade", "pk": grade.pk}))
    # then
    assert response.status_code == 302
    refusals = [m for m in get_messages(response.wsgi_request) if m.level == ERROR]
    assert len(refusals) == 1
    with translation.override("zh-hans"):  # the page's default language
        assert str(grade) in refusals[0].message
    assert Grade.objects.filter(pk=grade.pk).exists()
    assert set(ClassGroup.objects.filter(grade=grade).values_list("pk", flat=True)) == classes
    assert not AuditEvent.objects.filter(action="org.grade.deleted").exists()
    assert org_state() == before


def test_deleting_an_empty_grade_works_and_is_audited(world, county_admin, client_for):
    grade = do_save_grade(Grade(school=world.schools["host"], number=1), acting_user=None)
    response = client_for(county_admin).post(reverse("org:delete", kwargs={"kind": "grade", "pk": grade.pk}))
    assert response.status_code == 302
    assert not Grade.objects.filter(pk=grade.pk).exists()
    assert AuditEvent.objects.filter(
        action="org.grade.deleted", target_id=str(grade.pk), actor=county_admin
    ).exists()


def test_deleting_needs_a_post(world, county_admin, client_for):
    class_group = world.classes["host-32"]
    response = client_for(county_admin).get(
        reverse("org:delete", kwargs={"kind": "class", "pk": class_group.pk})
    )
    assert response.status_code == 405
    assert ClassGroup.objects.filter(pk=class_group.pk).exists()


def test_tech_support_edits_classrooms_and_equipment(world, client_for):
    support = world.users["tech_support"]
    client = client_for(support)
    room = world.classrooms["longjing"]
    # classrooms
    saved(
        client.post(
            reverse("org:classroom_edit", args=[room.pk]),
            classroom_data(
                name=room.name,
                host_capable="",
                receiver_capable="on",
                recording_capable="",
                capacity=30,
                home_class=room.home_class_id,
            ),
        )
    )
    room.refresh_from_db()
    assert room.capacity == 30
    audited("org.classroom.updated", room, support)
    saved(
        client.post(
            reverse("org:classroom_create", args=[world.schools["xiajiang"].pk]),
            classroom_data(name="下姜备用教室"),
        )
    )
    audited("org.classroom.created", Classroom.objects.get(name="下姜备用教室"), support)
    # equipment
    camera = room.equipment.get(kind=EquipmentKind.CAMERA)
    saved(
        client.post(
            reverse("org:equipment_edit", args=[camera.pk]),
            equipment_data(model_name=camera.model_name, status=EquipmentStatus.FAULTY, notes="画面闪烁"),
        )
    )
    camera.refresh_from_db()
    assert camera.status == EquipmentStatus.FAULTY
    audited("org.equipment.updated", camera, support)
    saved(
        client.post(
            reverse("org:equipment_create", args=[room.pk]), equipment_data(kind=EquipmentKind.SPEAKER)
        )
    )
    assert room.equipment.filter(kind=EquipmentKind.SPEAKER).exists()


def test_tech_support_cannot_edit_classes_schools_or_people(world, client_for):
    client = client_for(world.users["tech_support"])
    class_group = world.classes["longjing-3"]
    host = world.schools["host"]
    before = org_state()
    attempts = [
        (reverse("org:class_edit", args=[class_group.pk]), {"grade": class_group.grade_id, "name": "(9)班"}),
        (reverse("org:class_create", args=[host.pk]), {"grade": host.grades.first().pk, "name": "(9)班"}),
        (reverse("org:school_edit", args=[host.pk]), school_data(world, code=host.code, name="改名")),
        (reverse("org:person_edit", args=[world.people["teacher"].pk]), person_data(name="改名")),
        (reverse("org:delete", kwargs={"kind": "class", "pk": class_group.pk}), {}),
    ]
    for url, data in attempts:
        assert client.post(url, data).status_code == 403, url
    assert org_state() == before


# --- scope: a school grant covers that central school's teaching points ---------------------------
@pytest.fixture
def central_admin(world, county_admin):
    """A school admin of 枫树岭镇中心小学, granted by the county admin through the real action."""
    user = do_create_account(
        username="central_admin",
        password=DEMO_PASSWORD,
        display_name="枫树岭 校管理员",
        must_change_password=False,
        acting_user=county_admin,
    )
    do_grant_role(user, Role.SCHOOL_ADMIN, school=world.schools["central"], acting_user=county_admin)
    return User.objects.get(pk=user.pk)


def test_a_school_grant_covers_the_teaching_points_of_that_central_school(world, central_admin):
    # when
    visible = set(School.objects.visible_to(central_admin))
    scope = scope_for(central_admin)
    # then
    assert visible == {world.schools["central"], world.schools["longjing"], world.schools["xiajiang"]}
    assert scope.can_manage_school(world.schools["longjing"])
    assert not scope.can_manage_school(world.schools["host"])
    assert world.people["student1"] in Person.objects.visible_to(central_admin)
    assert world.classrooms["xiajiang"] in Classroom.objects.visible_to(central_admin)
    assert world.people["teacher"] not in Person.objects.visible_to(central_admin)


def test_the_central_school_admin_manages_a_teaching_point_on_the_pages(world, central_admin, client_for):
    client = client_for(central_admin)
    longjing_class = world.classes["longjing-3"]
    assert client.get(reverse("org:school_detail", args=[world.schools["longjing"].pk])).status_code == 200
    saved(
        client.post(
            reverse("org:class_edit", args=[longjing_class.pk]),
            {"grade": longjing_class.grade_id, "name": "(1)班", "head_teacher": ""},
        )
    )
    longjing_class.refresh_from_db()
    assert longjing_class.head_teacher is None
    audited("org.class_group.updated", longjing_class, central_admin)
    assert client.get(reverse("org:class_edit", args=[world.classes["host-31"].pk])).status_code == 404


def test_the_central_school_admin_edits_a_teaching_points_record(world, central_admin, client_for):
    longjing = world.schools["longjing"]
    saved(
        client_for(central_admin).post(
            reverse("org:school_edit", args=[longjing.pk]),
            school_data(
                world,
                code=longjing.code,
                name=longjing.name,
                kind=SchoolKind.TEACHING_POINT,
                central_school=world.schools["central"].pk,
                address="枫树岭镇龙井村",
            ),
        )
    )
    longjing.refresh_from_db()
    assert longjing.address == "枫树岭镇龙井村"
    audited("org.school.updated", longjing, central_admin)


def test_a_teaching_point_added_later_is_covered_from_the_next_request(world, central_admin):
    point = do_save_school(
        School(
            code="2133012790",
            name="港口教学点",
            kind=SchoolKind.TEACHING_POINT,
            region=world.regions["330127"],
            central_school=world.schools["central"],
        ),
        acting_user=None,
    )
    fresh = User.objects.get(pk=central_admin.pk)
    assert point in School.objects.visible_to(fresh)


def test_a_school_grant_on_a_teaching_point_does_not_cover_its_central_school(world):
    user = do_create_account(
        username="longjing_admin", password=DEMO_PASSWORD, must_change_password=False, acting_user=None
    )
    do_grant_role(user, Role.SCHOOL_ADMIN, school=world.schools["longjing"], acting_user=None)
    assert set(School.objects.visible_to(User.objects.get(pk=user.pk))) == {world.schools["longjing"]}


# --- the read API ---------------------------------------------------------------------------------
def api_list(client, name):
    response = client.get(f"/api/v1/{name}/", {"page_size": 500})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["next"] is None, "more than one page: raise the page size of the test"
    return body["results"]


CHUNAN_CODES = {"2133012701", "2133012702", "2133012703", "2133012704", "2133012705"}


def test_the_api_lists_only_schools_in_scope(world, county_admin, outsider, school_admin, client_for):
    assert {s["code"] for s in api_list(client_for(county_admin), "schools")} == CHUNAN_CODES
    assert {s["code"] for s in api_list(client_for(outsider), "schools")} == {"2133018201"}
    assert {s["code"] for s in api_list(client_for(school_admin), "schools")} == {"2133012701"}


def test_the_api_lists_only_classes_and_classrooms_in_scope(world, county_admin, outsider, client_for):
    chunan_ids = set(School.objects.filter(code__in=CHUNAN_CODES).values_list("pk", flat=True))
    other = world.schools["other"].pk
    client = client_for(county_admin)
    classes = api_list(client, "classes")
    assert {c["school"] for c in classes} == chunan_ids - {world.schools["junior"].pk}
    assert len(classes) == ClassGroup.objects.filter(school__in=chunan_ids).count()
    assert {c["school"] for c in api_list(client, "classrooms")} <= chunan_ids
    client = client_for(outsider)
    assert [c["id"] for c in api_list(client, "classes")] == [world.classes["other-3"].pk]
    assert {c["school"] for c in api_list(client, "classrooms")} == {other}


def test_the_api_refuses_an_object_out_of_scope_as_missing(world, outsider, client_for):
    client = client_for(outsider)
    for name, obj in [
        ("schools", world.schools["host"]),
        ("classes", world.classes["host-31"]),
        ("classrooms", world.classrooms["host-studio"]),
        ("people", world.people["teacher"]),
    ]:
        assert client.get(f"/api/v1/{name}/{obj.pk}/").status_code == 404, name


def test_the_api_lists_people_in_scope_with_masked_phones(world, county_admin, outsider, client_for):
    # given
    teacher = world.people["teacher"]
    number = national_id(31)
    teacher.national_id = number
    do_save_person(teacher, acting_user=None)
    client = client_for(county_admin)
    # when
    response = client.get("/api/v1/people/", {"page_size": 500})
    people = response.json()["results"]
    # then
    wang = next(p for p in people if p["id"] == teacher.pk)
    assert wang["phone"] == "138****0001"
    assert wang["national_id"] == f"{number[:4]}**********{number[-4:]}"
    body = response.content.decode()
    for secret in ("13800000001", "13800000002", "13900000001", number):
        assert secret not in body
    assert world.people["outsider"].pk not in {p["id"] for p in people}
    assert {p["id"] for p in api_list(client_for(outsider), "people")} == {world.people["outsider"].pk}


def test_the_api_detail_masks_the_phone_too(world, county_admin, client_for):
    response = client_for(county_admin).get(f"/api/v1/people/{world.people['guardian'].pk}/")
    assert response.status_code == 200
    assert response.json()["phone"] == "139****0001"
    assert b"13900000001" not in response.content


def test_a_student_sees_only_themselves_in_the_people_api(world, student, client_for):
    people = api_list(client_for(student), "people")
    assert [p["id"] for p in people] == [world.people["student1"].pk]
    assert client_for(student).get("/api/v1/classes/").status_code == 403


@pytest.mark.django_db
def test_the_edit_page_never_prints_stored_personal_data_and_empty_keeps_it(world, county_admin, client_for):
    # given a teacher with a stored phone number
    teacher = world.people["teacher"]
    client = client_for(county_admin)
    url = reverse("org:person_edit", args=[teacher.pk])
    # when the edit page is shown
    page = client.get(url).content.decode()
    # then only the masked number appears
    assert "13800000001" not in page
    assert "138****0001" in page
    # and saving with the field left empty keeps the number and logs no change to it
    response = client.post(
        url,
        {
            "kind": "teacher",
            "name": "王芳",
            "gender": "female",
            "number": "T0001",
            "subjects": "英语、科学",
            "honour_level": "county",
            "national_id": "",
            "phone": "",
        },
    )
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.phone == "13800000001"
    event = AuditEvent.objects.filter(action="org.person.updated", target_id=str(teacher.pk)).latest("id")
    assert "phone" not in event.changes and event.changes["subjects"] == "英语、科学"
