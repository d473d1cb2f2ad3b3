"""The account list filters in SQL what ``can_manage_account`` decides for one account in Python.

The page used to load every account an admin might manage, with its grants, and ask ``can_manage_account``
of each: at county size that is thousands of accounts for a page of 25. The query must give exactly the
accounts the Python rule accepts, for every admin of the demo world (bureau, school, another county).
"""

from __future__ import annotations

import pytest

from sanke.accounts.actions import can_manage_account, do_create_account, do_grant_role
from sanke.accounts.choices import Role
from sanke.accounts.models import User
from sanke.accounts.selectors import accounts_managed_by


@pytest.mark.django_db
def test_the_account_list_query_agrees_with_can_manage_account(world):
    # given: accounts whose grants straddle scopes, besides the demo's logins
    host, central, other = world.schools["host"], world.schools["central"], world.schools["other"]
    mixed = do_create_account(username="mixed", password="Sanke@2026x", acting_user=None)
    do_grant_role(mixed, Role.TEACHER, school=host, acting_user=None)
    do_grant_role(mixed, Role.TEACHER, school=other, acting_user=None)
    deputy = do_create_account(username="deputy", password="Sanke@2026x", acting_user=None)
    do_grant_role(deputy, Role.SCHOOL_ADMIN, school=host, acting_user=None)
    tech = do_create_account(username="tech", password="Sanke@2026x", acting_user=None)
    do_grant_role(tech, Role.CLASSROOM_TERMINAL, classroom=world.classrooms["central-4"], acting_user=None)
    do_create_account(username="nobody", password="Sanke@2026x", acting_user=None)
    assert central.pk  # the central school's classroom terminal is the county's, not the host school's
    admins = ["province_admin", "county_admin", "school_admin", "outsider_admin"]
    for name in admins:
        admin = world.users[name]
        # when
        listed = set(accounts_managed_by(admin).values_list("username", flat=True))
        # then
        expected = {u.username for u in User.objects.all() if can_manage_account(admin, u)}
        assert listed == expected, name
        assert expected, f"{name} manages nobody: the comparison proves nothing"
