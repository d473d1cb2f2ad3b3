"""The caller's own account and role grants."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from sanke.accounts.models import RoleAssignment


class RoleAssignmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = RoleAssignment
        fields = ["id", "role", "region", "school", "classroom"]


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()
    roles = RoleAssignmentSerializer(many=True)


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    grants = RoleAssignment.objects.visible_to(request.user).filter(user=request.user)
    return Response(
        {
            "username": request.user.username,
            "display_name": str(request.user),
            "roles": RoleAssignmentSerializer(grants, many=True).data,
        }
    )
