from django.contrib import admin

from sanke.org.models import ClassGroup, Classroom, Equipment, Grade, Person, Region, School


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    search_fields = ["code", "name"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "region", "central_school", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["region", "central_school"]


admin.site.register([Grade, ClassGroup, Classroom, Equipment])


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "school", "number"]
    list_filter = ["kind"]
    search_fields = ["name", "number"]
    exclude = ["national_id", "phone"]  # personal data is edited on the Sanke pages, masked elsewhere
    raw_id_fields = ["school", "class_group", "user", "wards"]
