"""Alliance pages: list, create and edit (an alliance's series and scheduling pages are timetable's)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from sanke.alliances.actions import do_save_alliance
from sanke.alliances.forms import AllianceForm
from sanke.alliances.models import Alliance, AllianceKind
from sanke.core.access import access_object, require
from sanke.core.audit import form_changes
from sanke.core.pages import form_page, list_page
from sanke.core.params import query_text
from sanke.core.scoping import scope_for


def _staff(request):
    require(scope_for(request.user).is_staff_role)


@login_required
def alliance_list(request):
    _staff(request)
    alliances = (
        Alliance.objects.visible_to(request.user)
        .select_related("host_school", "region")
        .order_by("-term_start", "name")
    )
    kind = request.GET.get("kind", "")
    if kind in AllianceKind.values:
        alliances = alliances.filter(kind=kind)
    text = query_text(request, "q")
    if text:
        alliances = alliances.filter(Q(name__icontains=text) | Q(host_school__name__icontains=text))
    scope = scope_for(request.user)
    return list_page(
        request,
        "alliances/alliance_list.html",
        alliances,
        annotate={
            "member_count": Count("members", distinct=True),
            "series_count": Count("series", distinct=True),
        },
        kinds=AllianceKind.choices,
        kind=kind,
        q=text,
        can_create=bool(scope.manage_region_prefixes) or scope.is_superuser,
    )


def _save_alliance(request):
    def save(form):
        return do_save_alliance(
            form.instance,
            form.cleaned_data["receiving_schools"],
            acting_user=request.user,
            changes=form_changes(form),
        )

    return save


@login_required
def alliance_create(request):
    scope = scope_for(request.user)
    require(bool(scope.manage_region_prefixes) or scope.is_superuser)
    form = AllianceForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        save=_save_alliance(request),
        success_url=lambda a: reverse("alliances:detail", args=[a.pk]),
        title=_("New alliance"),
        success_message=_("Alliance saved."),
    )


@login_required
def alliance_edit(request, pk):
    alliance = access_object(
        Alliance, request.user, pk, allowed=lambda scope, a: scope.can_manage_region(a.region)
    )
    form = AllianceForm(request.POST or None, instance=alliance, user=request.user)
    return form_page(
        request,
        form,
        save=_save_alliance(request),
        success_url=lambda a: reverse("alliances:detail", args=[a.pk]),
        title=_("Edit %(name)s") % {"name": alliance.name},
        success_message=_("Alliance saved."),
    )
