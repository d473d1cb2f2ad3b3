"""Live's state of a lesson moves out of timetable's lesson row into live's own table.

Every lesson that was ever live gets a session: its event number from the lesson row, its start and
end from the log's lesson.started / lesson.ended events. Timetable drops the column afterwards
(timetable 0004 runs after this one).
"""

import django.db.models.deletion
from django.db import migrations, models


def copy_sessions(apps, schema_editor):
    Lesson = apps.get_model("timetable", "Lesson")
    LessonEvent = apps.get_model("live", "LessonEvent")
    LiveSession = apps.get_model("live", "LiveSession")
    sessions = []
    for lesson in Lesson.objects.filter(models.Q(event_seq__gt=0) | models.Q(status__in=["live", "ended"])):
        times = dict(
            LessonEvent.objects.filter(lesson=lesson, type__in=["lesson.started", "lesson.ended"])
            .order_by("seq")
            .values_list("type", "created_at")
        )
        sessions.append(
            LiveSession(
                lesson=lesson,
                is_live=lesson.status == "live",
                event_seq=lesson.event_seq,
                started_at=times.get("lesson.started"),
                ended_at=times.get("lesson.ended"),
            )
        )
    LiveSession.objects.bulk_create(sessions)


def copy_back(apps, schema_editor):
    Lesson = apps.get_model("timetable", "Lesson")
    LiveSession = apps.get_model("live", "LiveSession")
    for session in LiveSession.objects.all():
        Lesson.objects.filter(pk=session.lesson_id).update(event_seq=session.event_seq)


class Migration(migrations.Migration):
    dependencies = [
        ("live", "0002_lesson_event_seq_from_log"),
        ("timetable", "0003_lesson_event_seq"),
    ]
    run_before = [("timetable", "0004_remove_lesson_event_seq")]

    operations = [
        migrations.CreateModel(
            name="LiveSession",
            fields=[
                (
                    "lesson",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="live_session",
                        serialize=False,
                        to="timetable.lesson",
                        verbose_name="lesson",
                    ),
                ),
                ("is_live", models.BooleanField(default=True, verbose_name="on air")),
                ("event_seq", models.PositiveIntegerField(default=0, verbose_name="events")),
                ("started_at", models.DateTimeField(blank=True, null=True, verbose_name="started at")),
                ("ended_at", models.DateTimeField(blank=True, null=True, verbose_name="ended at")),
            ],
            options={"verbose_name": "live session", "verbose_name_plural": "live sessions"},
        ),
        migrations.RunPython(copy_sessions, copy_back),
    ]
