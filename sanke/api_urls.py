"""Routes of the REST API (``/api/v1/``)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from sanke.accounts.api import me
from sanke.org import api as org_api
from sanke.policy.api import region_policy
from sanke.supervision.api import rollup_batches

router = DefaultRouter()
router.register("regions", org_api.RegionViewSet, basename="region")
router.register("schools", org_api.SchoolViewSet, basename="school")
router.register("classes", org_api.ClassGroupViewSet, basename="classgroup")
router.register("classrooms", org_api.ClassroomViewSet, basename="classroom")
router.register("people", org_api.PersonViewSet, basename="person")

urlpatterns = [
    path("", include(router.urls)),
    path("me/", me, name="api_me"),
    path("regions/<int:region_pk>/policy/", region_policy, name="api_region_policy"),
    path("rollup/batches/", rollup_batches, name="api_rollup_batches"),
]
