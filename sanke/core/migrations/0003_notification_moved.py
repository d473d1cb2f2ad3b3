"""Notification now belongs to the notifications app (its migration 0001 takes the tables over)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0002_notification"), ("notifications", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="Notification")]),
    ]
