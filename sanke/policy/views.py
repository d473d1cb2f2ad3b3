"""Policy pages: every visible region with its effective targets; an edit page per region."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from sanke.core.access import access_object, require
from sanke.core.audit import form_changes
from sanke.core.pages import form_page
from sanke.core.scoping import scope_for
from sanke.org.models import Region
from sanke.policy.actions import do_set_policy
from sanke.policy.forms import PolicyForm
from sanke.policy.models import POLICY_FIELDS, Policy
from sanke.policy.selectors import effective_policy, policy_of


@login_required
def policy_list(request):
    scope = scope_for(request.user)
    require(scope.is_staff_role)
    regions = Region.objects.visible_to(request.user).select_related("parent")
    rows = [(region, effective_policy(region), scope.can_manage_region(region)) for region in regions]
    baseline = Policy.objects.visible_to(request.user).filter(region__isnull=True).first()
    labels = [str(Policy._meta.get_field(name).verbose_name) for name in POLICY_FIELDS]
    return render(
        request,
        "policy/policy_list.html",
        {"rows": rows, "baseline": baseline, "labels": labels, "fields": POLICY_FIELDS},
    )


@login_required
def policy_edit(request, region_pk):
    region = access_object(Region, request.user, region_pk, allowed=lambda s, r: s.can_manage_region(r))
    parent_effective = effective_policy(region.parent) if region.parent_id else effective_policy(None)
    form = PolicyForm(request.POST or None, instance=policy_of(region), effective=parent_effective)
    return form_page(
        request,
        form,
        save=lambda f: do_set_policy(f.instance, acting_user=request.user, changes=form_changes(f)),
        success_url=reverse("policy:policy_list"),
        title=_("Policy targets of %(region)s") % {"region": region.name},
        success_message=_("Policy saved."),
        intro=_("Leave a field empty to inherit the value shown in grey from the region above."),
        back_url=reverse("policy:policy_list"),
    )
