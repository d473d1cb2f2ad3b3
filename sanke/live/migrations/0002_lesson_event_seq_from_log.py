"""Lessons that already have events continue their numbering after the last stored event."""

from django.db import migrations
from django.db.models import Max, OuterRef, Subquery


def number_from_log(apps, schema_editor):
    Lesson = apps.get_model("timetable", "Lesson")
    LessonEvent = apps.get_model("live", "LessonEvent")
    last = LessonEvent.objects.filter(lesson=OuterRef("pk")).values("lesson").annotate(m=Max("seq")).values("m")
    Lesson.objects.filter(pk__in=LessonEvent.objects.values("lesson")).update(event_seq=Subquery(last))


class Migration(migrations.Migration):
    dependencies = [
        ("live", "0001_initial"),
        ("timetable", "0003_lesson_event_seq"),
    ]

    operations = [migrations.RunPython(number_from_log, migrations.RunPython.noop)]
