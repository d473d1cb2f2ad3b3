"""The platform's URLs plus ``/bench/baseline/``: a view that does nothing, the bench's baseline."""

from django.http import HttpResponse
from django.urls import include, path


def baseline(request):
    """No query, no template: what any page pays for the server and middleware alone."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/baseline/", baseline),
    path("", include("sanke.urls")),
]
