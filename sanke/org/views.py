"""Organisation pages: parse → check access → call an action → render."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sanke.core.access import access_object, require
from sanke.core.audit import form_changes
from sanke.core.pages import first_rows, form_page, list_page, page_of
from sanke.core.scoping import Scope, scope_for
from sanke.org import actions, filters, forms
from sanke.org.choices import PersonKind, RegionLevel
from sanke.org.models import ClassGroup, Classroom, Equipment, Grade, Person, Region, School

if TYPE_CHECKING:
    from django_stubs_ext import (
        StrOrPromise,
    )  # a type of the stubs (a dev dependency), not needed at run time


def _staff(request):
    require(scope_for(request.user).is_staff_role)


def _can_manage_school(scope, school):
    return scope.can_manage_school(school)


def _can_manage_in_school(scope, obj):
    return scope.can_manage_school(obj.school)


@dataclass(frozen=True)
class Editor:
    """How one kind of organisation object is saved from its form: its action, the page that shows it
    afterwards and the message. A create page and an edit page differ only in the form and title they pass."""

    action: Callable[..., Any]
    shown_at: Callable[[Any], str]
    saved: StrOrPromise  # translated when the page is shown, in the user's language

    def page(self, request, form, title: str):
        return form_page(
            request,
            form,
            save=lambda f: self.action(f.instance, acting_user=request.user, changes=form_changes(f)),
            success_url=self.shown_at,
            title=title,
            success_message=str(self.saved),
        )


REGIONS = Editor(
    actions.do_save_region, lambda r: reverse("org:region_detail", args=[r.pk]), gettext_lazy("Region saved.")
)
SCHOOLS = Editor(
    actions.do_save_school, lambda s: reverse("org:school_detail", args=[s.pk]), gettext_lazy("School saved.")
)
GRADES = Editor(
    actions.do_save_grade,
    lambda g: reverse("org:school_detail", args=[g.school_id]) + "#grades",
    gettext_lazy("Grade added."),
)
CLASSES = Editor(
    actions.do_save_class_group,
    lambda c: reverse("org:class_detail", args=[c.pk]),
    gettext_lazy("Class saved."),
)
CLASSROOMS = Editor(
    actions.do_save_classroom,
    lambda c: reverse("org:classroom_detail", args=[c.pk]),
    gettext_lazy("Classroom saved."),
)
EQUIPMENT = Editor(
    actions.do_save_equipment,
    lambda e: reverse("org:classroom_detail", args=[e.classroom_id]),
    gettext_lazy("Equipment saved."),
)
PEOPLE = Editor(
    actions.do_save_person, lambda p: reverse("org:person_detail", args=[p.pk]), gettext_lazy("Person saved.")
)


# --- regions ------------------------------------------------------------------------------------------
@login_required
def region_list(request):
    _staff(request)
    regions = Region.objects.visible_to(request.user).select_related("parent").order_by("code")
    return list_page(
        request,
        "org/region_list.html",
        regions,
        filters.RegionFilter,
        annotate={"school_count": Count("schools", distinct=True)},
    )


@login_required
def region_detail(request, pk):
    _staff(request)
    region = access_object(Region, request.user, pk)
    scope = scope_for(request.user)
    children = Region.objects.visible_to(request.user).filter(parent=region).order_by("code")
    schools = (
        School.objects.visible_to(request.user)
        .filter(region=region)
        .select_related("central_school")
        .order_by("code")
    )
    return render(
        request,
        "org/region_detail.html",
        {
            "region": region,
            "children": first_rows(children),
            "schools": first_rows(schools),
            "more_urls": {
                "children": f"{reverse('org:region_list')}?q={region.prefix}",
                "schools": f"{reverse('org:school_list')}?region={region.code}",
            },
            "can_manage": scope.can_manage_region(region),
        },
    )


@login_required
def region_create(request):
    scope = scope_for(request.user)
    require(bool(scope.manage_region_prefixes) or scope.is_superuser)
    initial = {}
    parent_id = request.GET.get("parent")
    if parent_id:
        parent = access_object(Region, request.user, parent_id, allowed=lambda s, r: s.can_manage_region(r))
        initial = {
            "parent": parent,
            "level": RegionLevel.CITY if parent.level == RegionLevel.PROVINCE else RegionLevel.COUNTY,
            "code": parent.prefix,
        }
    form = forms.RegionForm(request.POST or None, initial=initial, user=request.user)
    return REGIONS.page(request, form, _("New region"))


@login_required
def region_edit(request, pk):
    region = access_object(Region, request.user, pk, allowed=lambda s, r: s.can_manage_region(r))
    form = forms.RegionForm(request.POST or None, instance=region, user=request.user)
    return REGIONS.page(request, form, _("Edit %(name)s") % {"name": region.name})


# --- schools ------------------------------------------------------------------------------------------
@login_required
def school_list(request):
    _staff(request)
    schools = (
        School.objects.visible_to(request.user)
        .select_related("region", "central_school")
        .order_by("region__code", "code")
    )
    scope = scope_for(request.user)
    return list_page(
        request,
        "org/school_list.html",
        schools,
        filters.SchoolFilter,
        annotate={
            "class_count": Count("class_groups", distinct=True),
            "classroom_count": Count("classrooms", distinct=True),
        },
        can_create=bool(scope.manage_region_prefixes) or scope.is_superuser,
    )


@login_required
def school_detail(request, pk):
    _staff(request)
    school = access_object(School, request.user, pk, queryset=School.objects.select_related("region"))
    scope = scope_for(request.user)
    return render(
        request,
        "org/school_detail.html",
        {
            "school": school,
            "can_manage": scope.can_manage_school(school),
            "can_manage_equipment": scope.can_manage_equipment(school),
            "grades": school.grades.annotate(class_count=Count("class_groups")),
            "class_groups": first_rows(
                school.class_groups.select_related("grade", "head_teacher")
                .annotate(student_count=Count("students"))
                .order_by("grade__number", "name")
            ),
            "classrooms": first_rows(school.classrooms.select_related("home_class__grade").order_by("name")),
            "teaching_points": first_rows(school.teaching_points.order_by("code")),
            "more_urls": {
                "teaching_points": f"{reverse('org:school_list')}?central_school={school.pk}",
                "class_groups": f"{reverse('org:class_list')}?school={school.pk}",
                "classrooms": f"{reverse('org:classroom_list')}?school={school.pk}",
            },
            "teacher_count": school.people.filter(kind=PersonKind.TEACHER).count(),
            "student_count": school.people.filter(kind=PersonKind.STUDENT).count(),
        },
    )


@login_required
def school_create(request):
    scope = scope_for(request.user)
    require(bool(scope.manage_region_prefixes) or scope.is_superuser)
    form = forms.SchoolForm(request.POST or None, user=request.user)
    return SCHOOLS.page(request, form, _("New school"))


@login_required
def school_edit(request, pk):
    school = access_object(School, request.user, pk, allowed=_can_manage_school)
    form = forms.SchoolForm(request.POST or None, instance=school, user=request.user)
    return SCHOOLS.page(request, form, _("Edit %(name)s") % {"name": school.name})


# --- grades and classes ---------------------------------------------------------------------------------
@login_required
def grade_create(request, school_pk):
    school = access_object(School, request.user, school_pk, allowed=_can_manage_school)
    form = forms.GradeForm(request.POST or None, instance=Grade(school=school))
    return GRADES.page(request, form, _("Add a grade to %(school)s") % {"school": school.name})


@login_required
def class_list(request):
    _staff(request)
    classes = (
        ClassGroup.objects.visible_to(request.user)
        .select_related("school", "grade", "head_teacher")
        .order_by("school__code", "grade__number", "name")
    )
    return list_page(
        request,
        "org/class_list.html",
        classes,
        filters.ClassGroupFilter,
        annotate={"student_count": Count("students")},
    )


@login_required
def class_detail(request, pk):
    _staff(request)
    class_group = access_object(
        ClassGroup,
        request.user,
        pk,
        queryset=ClassGroup.objects.select_related("school__region", "grade", "head_teacher"),
    )
    # a page of the roster: its guardians' phones are decrypted for the rows shown, not the whole class
    students = page_of(request, class_group.students.order_by("number", "name").prefetch_related("guardians"))
    actions.do_audit_personal_data_view(class_group, acting_user=request.user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "org/class_detail.html",
        {
            "class_group": class_group,
            "page_obj": students,
            "query": query.urlencode(),
            "can_manage": scope_for(request.user).can_manage_school(class_group.school),
        },
    )


@login_required
def class_create(request, school_pk):
    school = access_object(School, request.user, school_pk, allowed=_can_manage_school)
    form = forms.ClassGroupForm(request.POST or None, school=school)
    return CLASSES.page(request, form, _("New class at %(school)s") % {"school": school.name})


@login_required
def class_edit(request, pk):
    class_group = access_object(ClassGroup, request.user, pk, allowed=_can_manage_in_school)
    form = forms.ClassGroupForm(request.POST or None, instance=class_group, school=class_group.school)
    return CLASSES.page(request, form, _("Edit %(name)s") % {"name": class_group})


# --- classrooms and equipment -------------------------------------------------------------------------------
def _can_manage_classroom(scope, classroom):
    return scope.can_manage_equipment(classroom.school)


@login_required
def classroom_list(request):
    _staff(request)
    classrooms = (
        Classroom.objects.visible_to(request.user)
        .select_related("school", "home_class__grade")
        .order_by("school__code", "name")
    )
    return list_page(
        request,
        "org/classroom_list.html",
        classrooms,
        filters.ClassroomFilter,
        annotate={"equipment_count": Count("equipment")},
    )


@login_required
def classroom_detail(request, pk):
    _staff(request)
    classroom = access_object(
        Classroom, request.user, pk, queryset=Classroom.objects.select_related("school")
    )
    return render(
        request,
        "org/classroom_detail.html",
        {
            "classroom": classroom,
            "equipment": classroom.equipment.all(),
            "can_manage": scope_for(request.user).can_manage_equipment(classroom.school),
            "can_pair": classroom.receiver_capable
            and scope_for(request.user).can_manage_school(classroom.school),
        },
    )


@login_required
def classroom_create(request, school_pk):
    school = access_object(School, request.user, school_pk, allowed=lambda s, o: s.can_manage_equipment(o))
    form = forms.ClassroomForm(request.POST or None, school=school)
    return CLASSROOMS.page(request, form, _("New classroom at %(school)s") % {"school": school.name})


@login_required
def classroom_edit(request, pk):
    classroom = access_object(Classroom, request.user, pk, allowed=_can_manage_classroom)
    form = forms.ClassroomForm(request.POST or None, instance=classroom, school=classroom.school)
    return CLASSROOMS.page(request, form, _("Edit %(name)s") % {"name": classroom.name})


@login_required
def equipment_create(request, classroom_pk):
    classroom = access_object(Classroom, request.user, classroom_pk, allowed=_can_manage_classroom)
    form = forms.EquipmentForm(request.POST or None, instance=Equipment(classroom=classroom))
    return EQUIPMENT.page(request, form, _("Add equipment to %(name)s") % {"name": classroom.name})


@login_required
def equipment_edit(request, pk):
    equipment = access_object(
        Equipment, request.user, pk, allowed=lambda s, e: s.can_manage_equipment(e.classroom.school)
    )
    form = forms.EquipmentForm(request.POST or None, instance=equipment)
    return EQUIPMENT.page(request, form, _("Edit equipment"))


# --- people -------------------------------------------------------------------------------------------------
@login_required
def person_list(request):
    _staff(request)
    people = Person.objects.visible_to(request.user).select_related(
        "school__region", "class_group__grade", "user"
    )
    return list_page(
        request,
        "org/person_list.html",
        people,
        filters.PersonFilter,
        on_page=lambda page: actions.do_audit_people_listed(
            list(page.object_list), acting_user=request.user, query=request.GET.urlencode()
        ),
    )


@login_required
def person_detail(request, pk):
    person = access_object(
        Person,
        request.user,
        pk,
        queryset=Person.objects.select_related("school__region", "class_group__grade", "user"),
    )
    scope = scope_for(request.user)
    account = person.user if person.user_id else None
    actions.do_audit_personal_data_view(person, acting_user=request.user)
    return render(
        request,
        "org/person_detail.html",
        {
            "person": person,
            "can_manage": person.school_id is not None and scope.can_manage_school(person.school),
            "guardians": person.guardians.all(),
            "wards": person.wards.select_related("class_group__grade"),
            "grants": account.role_assignments.select_related("region", "school", "classroom")
            if account is not None
            else [],
        },
    )


@login_required
def person_create(request, school_pk):
    school = access_object(School, request.user, school_pk, allowed=_can_manage_school)
    initial = {
        "kind": request.GET.get("kind", PersonKind.TEACHER),
        "class_group": request.GET.get("class_group"),
    }
    form = forms.PersonForm(request.POST or None, initial=initial, school=school, user=request.user)
    return PEOPLE.page(request, form, _("New person at %(school)s") % {"school": school.name})


@login_required
def person_edit(request, pk):
    person = access_object(
        Person,
        request.user,
        pk,
        allowed=lambda s, p: p.school_id is not None and s.can_manage_school(p.school),
    )
    school = cast(School, person.school)  # allowed() refused a person without a school
    form = forms.PersonForm(request.POST or None, instance=person, school=school, user=request.user)
    return PEOPLE.page(request, form, _("Edit %(name)s") % {"name": person.name})


# --- deletion -----------------------------------------------------------------------------------------------
# kind -> (model, may this scope delete the object, where to go afterwards)
_DELETABLE: dict[str, tuple[type[models.Model], Callable[[Scope, Any], bool], Callable[[Any], str]]] = {
    "grade": (
        Grade,
        lambda s, o: s.can_manage_school(o.school),
        lambda o: reverse("org:school_detail", args=[o.school_id]),
    ),
    "class": (
        ClassGroup,
        lambda s, o: s.can_manage_school(o.school),
        lambda o: reverse("org:school_detail", args=[o.school_id]),
    ),
    "classroom": (
        Classroom,
        _can_manage_classroom,
        lambda o: reverse("org:school_detail", args=[o.school_id]),
    ),
    "equipment": (
        Equipment,
        lambda s, o: s.can_manage_equipment(o.classroom.school),
        lambda o: reverse("org:classroom_detail", args=[o.classroom_id]),
    ),
    "person": (
        Person,
        lambda s, o: o.school_id is not None and s.can_manage_school(o.school),
        lambda o: reverse("org:person_list"),
    ),
}


@login_required
@require_POST
def delete_object(request, kind, pk):
    """One confirmed POST deletes a grade, class, classroom, equipment item or person."""
    if kind not in _DELETABLE:
        from django.http import Http404

        raise Http404
    model, allowed, after = _DELETABLE[kind]
    obj = access_object(model, request.user, pk, allowed=allowed)
    target = after(obj)
    try:
        actions.do_delete_org_object(obj, acting_user=request.user)
    except actions.OrgActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(object)s deleted.") % {"object": obj})
    return redirect(target)
