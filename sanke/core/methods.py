"""The platform's pages take GET and POST only; PUT, PATCH and DELETE are the API's, and it is read-only.

A function view written as ``form = Form(request.POST or None)`` answers any method as if it were GET, and a
view that checks ``request.method != "GET"`` would treat PUT as a write. Refusing the other methods once,
before any view runs, keeps every page to the two methods its forms and tests use (the scope walk sends PUT,
PATCH and DELETE everywhere to keep it so).
"""

from __future__ import annotations

from django.http import HttpResponseNotAllowed

PAGE_METHODS = ("GET", "HEAD", "POST", "OPTIONS")


class PageMethodsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in PAGE_METHODS and not request.path.startswith("/api/"):
            return HttpResponseNotAllowed(["GET", "POST"])
        return self.get_response(request)
