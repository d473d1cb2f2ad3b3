from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    """What became of a lesson that was due, for one receiving class (a lesson live now counts as held).

    Lessons still scheduled have no fact yet: they are not due, whatever their date."""

    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")
    MISSED = "missed", _("Missed")


class Dimension(models.TextChoices):
    """What a row of the daily roll-up is about."""

    REGION = "region", _("Region")
    SCHOOL = "school", _("School")
    ALLIANCE = "alliance", _("Alliance")
    TEACHER = "teacher", _("Teacher")
    CLASS = "class", _("Class")
    HOST_CLASSROOM = "host_classroom", _("Host classroom")
