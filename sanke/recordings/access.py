"""Who may add recordings where: the staff of a lesson's host school, or of the school whose library it is."""

from __future__ import annotations

from sanke.core.scoping import scope_for


def may_upload_for_school(user, school) -> bool:
    return scope_for(user).can_see_staff_data(school)


def host_school_of(lesson):
    return lesson.series.alliance.host_school
