"""Effective policy targets of a region, for the other apps' clients and upward reporting."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from sanke.core.access import access_object
from sanke.core.scoping import scope_for
from sanke.org.models import Region
from sanke.policy.selectors import effective_policy


class TargetSerializer(serializers.Serializer):
    value = serializers.CharField(allow_null=True)
    source = serializers.CharField()


class RegionPolicySerializer(serializers.Serializer):
    region = serializers.CharField()
    targets = serializers.DictField(child=TargetSerializer())


@extend_schema(responses=RegionPolicySerializer)
@api_view(["GET"])
def region_policy(request, region_pk):
    if not scope_for(request.user).is_staff_role:
        raise PermissionDenied
    region = access_object(Region, request.user, region_pk)
    policy = effective_policy(region)
    return Response(
        {
            "region": region.code,
            "targets": {
                name: {"value": str(v.value) if v.value is not None else None, "source": v.source}
                for name, v in policy.values.items()
            },
        }
    )
