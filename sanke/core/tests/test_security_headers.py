"""The headers every response carries: a strict Content-Security-Policy, and no-store where personal data
may show (classroom PCs are shared); and the Chinese error pages that replace Django's English ones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.urls import path

from sanke.urls import urlpatterns as project_urls

ROOT = Path(__file__).resolve().parents[3]


def broken_view(request):
    raise RuntimeError("a bug")


def forbidden_view(request):
    raise PermissionDenied("English text a clerk must not see")


urlpatterns = [
    path("test/broken/", broken_view),
    path("test/forbidden/", forbidden_view),
    *project_urls,
]


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in policy.split(";")) if d}


def assert_strict(response):
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no inline script, no eval, nothing from elsewhere
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    return policy


# --- the Content-Security-Policy ---------------------------------------------------------------------------
def test_pages_of_every_kind_carry_the_strict_policy(world, client_for, county_admin, admin_user):
    client = client_for(county_admin)
    for url in ("/", "/org/schools/", "/system/audit/", "/no/such/page/"):
        assert_strict(client.get(url))
    assert_strict(Client().get("/accounts/login/"))
    assert_strict(Client().get("/static/sanke/app.css"))
    admin = Client()
    admin.force_login(admin_user)
    assert_strict(admin.get("/django-admin/"))
    assert_strict(admin.get("/django-admin/accounts/user/"))


def test_lesson_room_sockets_may_reach_this_host_and_the_janus_servers(client_for, county_admin, settings):
    settings.SANKE_JANUS_WS_URLS = ["ws://10.0.0.5:8289/", "wss://media.example.cn/janus"]
    policy = assert_strict(client_for(county_admin).get("/", HTTP_HOST="localhost"))
    assert policy["connect-src"] == [
        "'self'",
        "ws://localhost",
        "wss://localhost",
        "ws://10.0.0.5:8289",
        "wss://media.example.cn",
    ]


def test_only_the_browsable_api_may_use_inline_styles(world, client_for, county_admin):
    client = client_for(county_admin)
    api = client.get("/api/v1/", HTTP_ACCEPT="text/html")
    assert directives(api)["style-src"] == ["'self'", "'unsafe-inline'"]
    assert directives(api)["script-src"] == ["'self'"]
    assert_strict(client.get("/"))


# --- no-store ----------------------------------------------------------------------------------------------
def test_pages_served_to_a_signed_in_user_are_never_stored(world, client_for, county_admin):
    client = client_for(county_admin)
    for url in ("/", "/org/people/", "/no/such/page/"):
        response = client.get(url)
        assert response.headers["Cache-Control"] == "no-store", url
        assert response.headers["Pragma"] == "no-cache", url


def test_the_login_page_is_never_stored_but_static_files_are_cached(db):
    login = Client().get("/accounts/login/")
    assert login.headers["Cache-Control"] == "no-store"
    assert login.headers["Pragma"] == "no-cache"
    static = Client().get("/static/sanke/app.css")
    assert static.status_code == 200
    assert "no-store" not in static.headers.get("Cache-Control", "")
    assert "Pragma" not in static.headers


# --- error pages -------------------------------------------------------------------------------------------
def assert_chinese_error_page(response, status, words):
    assert response.status_code == status
    html = response.content.decode()
    assert 'data-testid="error-page"' in html
    assert words in html
    assert "Traceback" not in html and "English text" not in html
    assert_strict(response)


@override_settings(ROOT_URLCONF=__name__)
def test_errors_get_chinese_pages_that_say_what_to_do(world, client_for, county_admin):
    client = client_for(county_admin)
    assert_chinese_error_page(client.get("/no/such/page/"), 404, "从首页重新开始")
    assert_chinese_error_page(client.get("/test/forbidden/"), 403, "请学校或教育局的管理员")
    assert_chinese_error_page(client.get("/", HTTP_HOST="evil.example"), 400, "请返回")
    broken = Client(raise_request_exception=False)
    assert_chinese_error_page(broken.get("/test/broken/"), 500, "几分钟后再试")


def test_a_form_sent_without_its_csrf_token_gets_a_chinese_page(db):
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    assert_chinese_error_page(response, 403, "重新加载页面")


def test_the_500_page_renders_without_a_request_or_the_database(db, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the 500 page touched the database")

    with connection.execute_wrapper(refuse):
        html = render_to_string("500.html")
    assert "服务器" in html or "平台" in html


def test_make_run_has_debug_off_unless_a_developer_asks(tmp_path):
    def debug(**extra):
        env = {k: v for k, v in os.environ.items() if k not in ("SANKE_DEBUG", "SANKE_ENV")}
        env.update(SANKE_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="sanke.settings", **extra)
        code = "from django.conf import settings; print(settings.DEBUG)"
        run = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    assert debug() == "False"
    assert debug(SANKE_DEBUG="1") == "True"


@pytest.fixture
def admin_user(db):
    from sanke.accounts.models import User

    return User.objects.create_superuser("root", password="Root#Pass1")
