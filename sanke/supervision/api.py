"""The roll-up endpoint a lower deployment posts its daily sums to (``docs/rollup.md``, decision 0018).

Authenticated by the deployment's bearer key, not by a user: the view parses, checks the key, calls one
action and answers with what it stored and the last day it holds, so the sender knows where to resume.
"""

from __future__ import annotations

import json

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from sanke.supervision.rollup import BatchRefused, do_receive_rollup_batch, peer_for_key

MAX_BODY = 1024 * 1024


class RollupThrottle(SimpleRateThrottle):
    """At most 120 batches a minute from one address."""

    rate = "120/min"

    def get_cache_key(self, request, view):
        return f"rollup:{self.get_ident(request)}"


class RollupRowSerializer(serializers.Serializer):
    day = serializers.DateField()
    dimension = serializers.ChoiceField(choices=["region", "school"])
    code = serializers.CharField()
    region_code = serializers.CharField(required=False)
    lessons = serializers.IntegerField(min_value=0)
    held = serializers.IntegerField(min_value=0)
    cancelled = serializers.IntegerField(min_value=0)
    missed = serializers.IntegerField(min_value=0)
    moved = serializers.IntegerField(min_value=0)
    receptions = serializers.IntegerField(min_value=0)
    reached = serializers.IntegerField(min_value=0)
    interacted = serializers.IntegerField(min_value=0)
    heads = serializers.IntegerField(min_value=0)
    roster = serializers.IntegerField(min_value=0)


class RollupBatchSerializer(serializers.Serializer):
    format = serializers.IntegerField()
    rows = RollupRowSerializer(many=True)


class RollupStoredSerializer(serializers.Serializer):
    stored = serializers.IntegerField()
    days = serializers.IntegerField()
    last_day = serializers.DateField(allow_null=True)


@extend_schema(
    request=RollupBatchSerializer,
    responses={
        200: RollupStoredSerializer,
        400: OpenApiResponse(description="refused, nothing stored"),
        401: OpenApiResponse(description="missing, unknown or revoked key"),
        413: OpenApiResponse(description="the body is larger than 1 MB"),
        429: OpenApiResponse(description="too many batches from this address; send again later"),
    },
)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([RollupThrottle])
def rollup_batches(request):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    peer = peer_for_key(header[7:]) if header.startswith("Bearer ") else None
    if peer is None:
        return Response({"error": "bad_key"}, status=401)
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY:
        return Response({"error": "too_large"}, status=413)
    try:
        payload = json.loads(request.body)
        stored = do_receive_rollup_batch(peer, payload)
    except (ValueError, UnicodeDecodeError) as error:
        if isinstance(error, BatchRefused):
            return Response({"error": error.code, "detail": error.detail}, status=400)
        return Response({"error": "bad_json"}, status=400)
    return Response({"stored": stored.stored, "days": stored.days, "last_day": stored.last_day})
