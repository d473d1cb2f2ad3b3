"""The live event counter now lives in live.LiveSession (copied there by live 0003)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("timetable", "0003_lesson_event_seq")]

    operations = [migrations.RemoveField(model_name="lesson", name="event_seq")]
