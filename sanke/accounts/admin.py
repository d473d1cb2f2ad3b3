from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from sanke.accounts.models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    raw_id_fields = ["region", "school", "classroom", "granted_by"]


@admin.register(User)
class SankeUserAdmin(UserAdmin):
    """Platform superusers only; day-to-day account work happens on the Roles pages."""

    inlines = [RoleAssignmentInline]
    list_display = ["username", "display_name", "is_active", "is_superuser", "last_login"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Sanke", {"fields": ("display_name", "must_change_password")}),
    )
