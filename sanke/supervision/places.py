"""Which dashboard a user lands on: the widest region they supervise, else their school."""

from __future__ import annotations

from sanke.core.scoping import Scope
from sanke.org.models import Region, School
from sanke.supervision import access


def widest_place(user, scope: Scope) -> Region | School | None:
    """The region (shortest granted prefix first) or school whose dashboard the user may open, or None."""
    for prefix in sorted(scope.manage_region_prefixes | scope.staff_region_prefixes, key=len):
        region = Region.objects.visible_to(user).filter(code__startswith=prefix).order_by("code").first()
        if region is not None and access.may_supervise_region(scope, region):
            return region
    schools = (
        School.objects.visible_to(user).filter(pk__in=sorted(scope.staff_school_ids)).select_related("region")
    )
    for school in schools[:5]:
        if access.may_supervise_school(scope, school):
            return school
    return None
