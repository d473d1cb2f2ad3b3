from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


# Significant digits of a GB/T 2260 code at each level: 33 / 3301 / 330127. Keyed by the stored level
# value (a plain str on a model instance; a RegionLevel member is equal to it and hashes the same).
PREFIX_LENGTH: dict[str, int] = {RegionLevel.PROVINCE: 2, RegionLevel.CITY: 4, RegionLevel.COUNTY: 6}
PARENT_LEVEL: dict[str, RegionLevel] = {
    RegionLevel.CITY: RegionLevel.PROVINCE,
    RegionLevel.COUNTY: RegionLevel.CITY,
}


class SchoolKind(models.TextChoices):
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior secondary school")
    NINE_YEAR = "nine_year", _("Nine-year school")
    COMPLETE_SECONDARY = "complete_secondary", _("Complete secondary school")
    SENIOR = "senior", _("Senior secondary school")
    TEACHING_POINT = "teaching_point", _("Teaching point")


class GradeNumber(models.IntegerChoices):
    G1 = 1, _("Grade 1")
    G2 = 2, _("Grade 2")
    G3 = 3, _("Grade 3")
    G4 = 4, _("Grade 4")
    G5 = 5, _("Grade 5")
    G6 = 6, _("Grade 6")
    G7 = 7, _("Grade 7")
    G8 = 8, _("Grade 8")
    G9 = 9, _("Grade 9")
    G10 = 10, _("Grade 10")
    G11 = 11, _("Grade 11")
    G12 = 12, _("Grade 12")


class PersonKind(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    STUDENT = "student", _("Student")
    GUARDIAN = "guardian", _("Guardian")
    STAFF = "staff", _("Staff")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    UNKNOWN = "", _("Not stated")


class HonourLevel(models.TextChoices):
    """Teacher honour level; the policy sets online-lesson targets per level."""

    NONE = "", _("None")
    COUNTY = "county", _("County-level master teacher")
    CITY = "city", _("City-level master teacher")
    PROVINCE = "province", _("Province-level master teacher")


class EquipmentKind(models.TextChoices):
    CAMERA = "camera", _("Camera")
    MICROPHONE = "microphone", _("Microphone")
    SPEAKER = "speaker", _("Speaker")
    BIG_SCREEN = "big_screen", _("Big screen / interactive whiteboard")
    TERMINAL_PC = "terminal_pc", _("Classroom terminal PC")
    RECORDER = "recorder", _("Recording host")
    OTHER = "other", _("Other")


class EquipmentStatus(models.TextChoices):
    WORKING = "working", _("Working")
    FAULTY = "faulty", _("Faulty")
    RETIRED = "retired", _("Retired")
