"""One demo login per role (the README lists them); all share ``DEMO_PASSWORD``, which a real install
never uses: ``load_demo`` loads only into an empty database."""

from __future__ import annotations

from sanke.accounts.actions import do_create_account, do_grant_role
from sanke.accounts.choices import Role
from sanke.core.composition import DemoStep, DemoWorld, register_demo_step

DEMO_PASSWORD = "Sanke@2026"


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


def build_logins(w: DemoWorld) -> None:
    zj, chunan, jiande = w.regions["330000"], w.regions["330127"], w.regions["330182"]
    host, longjing, other = w.schools["host"], w.schools["longjing"], w.schools["other"]
    principal, teacher, parent = w.people["principal"], w.people["teacher"], w.people["guardian"]
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


def register() -> None:
    register_demo_step(DemoStep("accounts", 40, build_logins))
