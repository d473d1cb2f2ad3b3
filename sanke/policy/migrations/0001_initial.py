"""Policy moved here from the supervision app: the table stays, only Django's record of its owner moves."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("org", "0001_initial"),
        ("supervision", "0002_national_baseline"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Policy",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                        ("weekly_sync_lessons_per_end", models.PositiveSmallIntegerField(blank=True, help_text="Delivery-classroom lessons each host and each receiving end should have every week.", null=True, validators=[django.core.validators.MaxValueValidator(40)], verbose_name="sync lessons per week per end")),
                        ("online_lessons_province_level", models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MaxValueValidator(200)], verbose_name="online lessons per term, province-level master teacher")),
                        ("online_lessons_city_level", models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MaxValueValidator(200)], verbose_name="online lessons per term, city-level master teacher")),
                        ("online_lessons_county_level", models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MaxValueValidator(200)], verbose_name="online lessons per term, county-level master teacher")),
                        ("workload_coefficient", models.DecimalField(blank=True, decimal_places=2, help_text="How many offline lessons one online lesson counts as in a teacher's workload.", max_digits=4, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(10)], verbose_name="workload coefficient of an online lesson")),
                        ("screen_time_limit_minutes", models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(120)], verbose_name="continuous screen-time limit (minutes)")),
                        ("region", models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="policy", to="org.region", verbose_name="region")),
                        ("updated_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="updated by")),
                    ],
                    options={
                        "verbose_name": "policy",
                        "verbose_name_plural": "policies",
                        "db_table": "supervision_policy",
                        "constraints": [models.UniqueConstraint(condition=models.Q(("region__isnull", True)), fields=("region",), name="policy_single_national_baseline")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="policy", table=None),
    ]
