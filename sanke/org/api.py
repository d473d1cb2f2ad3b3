"""Read API of the organisation. Every queryset goes through ``visible_to``; personal data is masked."""

from __future__ import annotations

from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from sanke.core.scoping import ScopedQuerySet, scope_for
from sanke.org import actions, filters
from sanke.org.models import ClassGroup, Classroom, Person, Region, School


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent"]


class SchoolSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = School
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "region",
            "region_code",
            "central_school",
            "address",
            "is_active",
        ]


class ClassGroupSerializer(serializers.ModelSerializer):
    grade = serializers.IntegerField(source="grade.number", read_only=True)

    class Meta:
        model = ClassGroup
        fields = ["id", "school", "grade", "name", "head_teacher"]


class ClassroomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Classroom
        fields = [
            "id",
            "school",
            "name",
            "location",
            "capacity",
            "host_capable",
            "receiver_capable",
            "recording_capable",
            "home_class",
        ]


class PersonSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(source="masked_phone", read_only=True)
    national_id = serializers.CharField(source="masked_national_id", read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "kind",
            "name",
            "gender",
            "school",
            "number",
            "class_group",
            "subjects",
            "honour_level",
            "phone",
            "national_id",
        ]


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    """Lists and details restricted to the caller's scope; staff roles only (except ``open_to_all``)."""

    open_to_all = False
    queryset: ScopedQuerySet  # set by every subclass (a scoped model's queryset)

    def get_queryset(self):
        if not self.open_to_all and not scope_for(self.request.user).is_staff_role:
            raise PermissionDenied
        return self.queryset.visible_to(self.request.user)


class RegionViewSet(ScopedViewSet):
    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = filters.RegionFilter


class SchoolViewSet(ScopedViewSet):
    queryset = School.objects.select_related("region")
    serializer_class = SchoolSerializer
    filterset_class = filters.SchoolFilter
    open_to_all = True


class ClassGroupViewSet(ScopedViewSet):
    queryset = ClassGroup.objects.select_related("grade")
    serializer_class = ClassGroupSerializer
    filterset_class = filters.ClassGroupFilter


class ClassroomViewSet(ScopedViewSet):
    queryset = Classroom.objects.all()
    serializer_class = ClassroomSerializer
    filterset_class = filters.ClassroomFilter


class PersonViewSet(ScopedViewSet):
    """People, audited like the pages: each record read and each page of a list is one audit row."""

    queryset = Person.objects.select_related("school__region")
    serializer_class = PersonSerializer
    filterset_class = filters.PersonFilter
    open_to_all = True  # non-staff see only themselves and their children (PersonQuerySet.visible_to)

    def get_object(self):
        person = super().get_object()
        actions.do_audit_personal_data_view(person, acting_user=self.request.user, via="api")
        return person

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        actions.do_audit_people_listed(
            list(page) if page is not None else list(queryset),
            acting_user=self.request.user,
            query=self.request.GET.urlencode(),
            via="api",
        )
        return page
