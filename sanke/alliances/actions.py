"""State changes of alliances."""

from __future__ import annotations

from django.db import transaction

from sanke.alliances.models import Alliance, AllianceMember
from sanke.core.audit import record_audit


def do_save_alliance(alliance: Alliance, receiving_schools, *, acting_user, changes=None) -> Alliance:
    """Create or change an alliance and its receiving schools (1+1 with one, 1+N with several)."""
    created = alliance.pk is None
    with transaction.atomic():
        alliance.full_clean()
        alliance.save()
        wanted = {school.pk for school in receiving_schools}
        alliance.members.exclude(school_id__in=wanted).delete()
        for school in receiving_schools:
            member = AllianceMember(alliance=alliance, school=school)
            if not alliance.members.filter(school=school).exists():
                member.full_clean()
                member.save()
        record_audit(
            acting_user,
            f"alliances.alliance.{'created' if created else 'updated'}",
            alliance,
            changes={**(changes or {}), "receiving_schools": sorted(s.name for s in receiving_schools)},
        )
    return alliance
