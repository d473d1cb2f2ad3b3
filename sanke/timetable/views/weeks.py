"""Week grids: a school's, a class's, a teacher's, a classroom's and an alliance's week."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from sanke.alliances.models import Alliance
from sanke.core.access import access_object
from sanke.core.scoping import scope_for
from sanke.org.models import ClassGroup, School
from sanke.timetable import ical, selectors
from sanke.timetable.access import access_classroom, access_teacher, require_staff


def _feed_links(request, kind: str, pk: int, *, school=None) -> dict:
    """The page's calendar address, its last day, and what its reset form needs (``school``: the
    classroom's, whose managers may also reset the classroom's addresses for everyone)."""
    url = request.build_absolute_uri(
        reverse("timetable:ical", kwargs={"token": ical.make_token(kind, pk, request.user)})
    )
    return {
        "feed_url": url,
        "webcal_url": "webcal://" + url.split("://", 1)[1],
        "feed_expires": ical.link_expiry(),
        "feed_kind": kind,
        "feed_pk": pk,
        "feed_can_reset_all": school is not None and scope_for(request.user).can_manage_school(school),
    }


# --- week grids ---------------------------------------------------------------------------------------
@login_required
@require_GET
def school_week(request, pk):
    require_staff(request.user)
    school = access_object(School, request.user, pk, queryset=School.objects.select_related("region"))
    class_groups = school.class_groups.select_related("grade").order_by("grade__number", "name")
    lessons = selectors.school_lessons(request.user, school)
    return render(
        request,
        "timetable/school_week.html",
        {
            "school": school,
            "grid": selectors.school_week(school, request.user),
            "class_groups": class_groups,
            "lessons": selectors.upcoming_lessons(lessons),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def class_week(request, pk):
    require_staff(request.user)
    queryset = ClassGroup.objects.select_related("school", "grade", "head_teacher")
    class_group = access_object(ClassGroup, request.user, pk, queryset=queryset)
    return render(
        request,
        "timetable/class_week.html",
        {
            "class_group": class_group,
            "grid": selectors.class_week(class_group, request.user),
            "lessons": selectors.upcoming_lessons(selectors.class_lessons(request.user, class_group)),
        },
    )


@login_required
@require_GET
def teacher_week(request, pk):
    person = access_teacher(request.user, pk)
    return render(
        request,
        "timetable/teacher_week.html",
        {
            "person": person,
            "grid": selectors.teacher_week(person, request.user),
            "lessons": selectors.upcoming_lessons(selectors.teacher_lessons(request.user, person)),
            **_feed_links(request, ical.TEACHER, person.pk),
        },
    )


@login_required
@require_GET
def classroom_week(request, pk):
    classroom = access_classroom(request.user, pk)
    return render(
        request,
        "timetable/classroom_week.html",
        {
            "classroom": classroom,
            "grid": selectors.classroom_week(classroom, request.user),
            "lessons": selectors.upcoming_lessons(selectors.classroom_lessons(request.user, classroom)),
            **_feed_links(request, ical.CLASSROOM, classroom.pk, school=classroom.school),
        },
    )


@login_required
@require_GET
def alliance_week(request, pk):
    require_staff(request.user)
    queryset = Alliance.objects.select_related("host_school", "region", "coordinator")
    alliance = access_object(Alliance, request.user, pk, queryset=queryset)
    grids, page = selectors.alliance_week(alliance, request.user, request.GET.get("page"))
    return render(
        request, "timetable/alliance_week.html", {"alliance": alliance, "grids": grids, "page_obj": page}
    )
