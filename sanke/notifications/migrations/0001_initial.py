"""Notification moved here from core: the tables stay, only Django's record of their owner moves."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("core", "0002_notification"),
        ("org", "0002_person_full_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="time")),
                        ("message", models.CharField(max_length=300, verbose_name="message")),
                        ("link", models.CharField(blank=True, max_length=200, verbose_name="link")),
                        ("read_by", models.ManyToManyField(blank=True, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="read by")),
                        ("school", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to="org.school", verbose_name="school")),
                    ],
                    options={
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "ordering": ["-created_at", "-id"],
                        "db_table": "core_notification",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="notification", table=None),
    ]
