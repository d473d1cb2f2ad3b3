"""One demo login per role (the README lists them); all share ``DEMO_PASSWORD``, which a real install
never uses: ``load_demo`` loads only into an empty database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password

from sanke.accounts.actions import do_create_account, do_grant_role
from sanke.accounts.choices import Role
from sanke.accounts.models import RoleAssignment, User
from sanke.core.audit import record_audit
from sanke.core.composition import DemoStep, DemoWorld, register_demo_step
from sanke.org.demo import bulk_link_accounts

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


# --- bulk accounts for generated worlds (sanke/site/county.py) ----------------------------------------------
@dataclass
class AccountSpec:
    """One login of a generated world, its person (or display name) and its one role grant."""

    username: str
    role: str
    person: Any = None
    display_name: str = ""
    region: Any = None
    school: Any = None
    classroom: Any = None


def bulk_open_accounts(specs: list[AccountSpec], *, acting_user, password: str = DEMO_PASSWORD) -> list[User]:
    """Open many demo logins with their role at once: the password is hashed once (Argon2 takes ~0.1 s a
    hash; a county has thousands of logins) and shared by all, as the demo logins share ``DEMO_PASSWORD``;
    each grant is checked by the model's rules; one audit row per school or region records how many.
    Only for generated worlds, which load into an empty database like the demo."""
    if not specs:
        return []
    encoded = make_password(password)
    users = [
        User(
            username=spec.username,
            display_name=spec.display_name or (spec.person.name if spec.person else ""),
            password=encoded,
        )
        for spec in specs
    ]
    User.objects.bulk_create(users, batch_size=500)
    grants = []
    for spec, user in zip(specs, users, strict=True):
        grant = RoleAssignment(
            user=user, role=spec.role, region=spec.region, school=spec.school, classroom=spec.classroom
        )
        grant.clean()
        grants.append(grant)
    RoleAssignment.objects.bulk_create(grants, batch_size=500)
    bulk_link_accounts([(spec.person, user) for spec, user in zip(specs, users, strict=True) if spec.person])
    placed: dict[tuple[str, Any], int] = {}
    for grant in grants:
        key = grant.audit_placement()
        placed[key] = placed.get(key, 0) + 1
    for (region_code, school), count in placed.items():
        record_audit(
            acting_user,
            "accounts.user.created",
            None,
            changes={"rows": count},
            region_code=region_code,
            school=school,
        )
    return users


def register() -> None:
    register_demo_step(DemoStep("accounts", 40, build_logins))
