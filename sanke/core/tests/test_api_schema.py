"""The REST API against its own OpenAPI schema (Schemathesis), as three roles.

Schemathesis reads ``/api/schema/`` and generates requests for every operation — valid and invalid path ids,
query filters, pages — and checks every answer: no 5xx, a status code and a body the schema documents, a
content type it declares. Each generated request is sent with the API token of a county admin, a teacher and a
student, so scoping and masking are exercised under the shapes the schema allows. Examples are bounded and
derandomised: the same requests in every run, a few seconds in all.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import negative_data_rejection

ROLES = ("county_admin", "teacher", "student")


@pytest.fixture(autouse=True)
def _requests_keep_the_test_connection():
    """The real WSGI handler closes the database connection when a request ends; the test's transaction
    lives on that connection, so keep it open as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def role_tokens(world):
    """API tokens of the three roles (a token is the API's session; Schemathesis also tries without it)."""
    return {name: Token.objects.get_or_create(user=world.users[name])[0].key for name in ROLES}


# Read when the module is collected: generating the schema needs no database.
request_finished.disconnect(close_old_connections)
schema = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler())
request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_schema_for_three_roles(case, role_tokens):
    for username in ROLES:
        case.call_and_validate(
            headers={"Authorization": f"Token {role_tokens[username]}"},
            # Optional filters are parsed leniently (django-filter reads "null" for a boolean and DRF an
            # empty page as "not given"): a request outside the schema may get a 200. Everything else is
            # checked — no 5xx, documented statuses, bodies and content types, auth required.
            excluded_checks=[negative_data_rejection],
        )
