from decimal import Decimal

from django.db import migrations


def create_baseline(apps, schema_editor):
    Policy = apps.get_model("supervision", "Policy")
    if not Policy.objects.filter(region__isnull=True).exists():
        Policy.objects.create(
            region=None,
            weekly_sync_lessons_per_end=5,
            online_lessons_province_level=15,
            online_lessons_city_level=10,
            online_lessons_county_level=5,
            workload_coefficient=Decimal("1.5"),
            screen_time_limit_minutes=20,
        )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunPython(create_baseline, migrations.RunPython.noop)]
