"""Policy now belongs to the policy app (its migration 0001 takes the table over)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("supervision", "0002_national_baseline"), ("policy", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="Policy")]),
    ]
