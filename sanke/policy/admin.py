from django.contrib import admin

from sanke.policy.models import Policy


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    """The national baseline (the row without a region) is edited here by platform superusers."""

    list_display = [
        "__str__",
        "weekly_sync_lessons_per_end",
        "workload_coefficient",
        "screen_time_limit_minutes",
    ]
