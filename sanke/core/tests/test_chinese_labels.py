"""Every label, column header, choice and button a clerk sees in zh-hans is Chinese.

A clerk of a county bureau reads no English: a form that says "Kind" or a filter that offers "Level"
leaves them guessing. Labels come from model ``verbose_name`` s, form ``label`` s, filter labels and
choices; one forgotten ``gettext`` shows English in the Chinese UI and no other test notices. This test
walks every page a county admin, a school admin and a teacher open (the fuzz test's walk, so a new page
is covered without touching this file), submits each of its POST forms as rendered and blank (to see
error messages too) and fails on any
``<label>``, ``<th>``, ``<option>``, ``<button>``, ``<legend>``, badge or help/error text made of Latin
words only (and on a label that repeats itself, as django-filter builds one across a relation).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve

from sanke.core.tests.test_fuzz import SKIPPED_NAMES, page_urls
from sanke.core.tests.test_scope import SKIPPED_PREFIXES
from sanke.testing.forms import read_page

# Words that stay as they are in a Chinese UI: codes, standards, product and unit names.
ALLOWED = {
    "ical",
    "csv",
    "xlsx",
    "api",
    "id",
    "ip",
    "url",
    "janus",
    "turn",
    "webrtc",
    "hls",
    "ok",
    "pdf",
    "ppt",
    "app",
    "gb/t",
    "english",  # the language switch offers the language by its own name
    "redis",
    "celery",
    "sqlite",
    "postgresql",
    "ffmpeg",
    "min",
    "kb",
    "mb",
}
# Tags whose text is a label, a header, a choice or a button; and classes whose text is a help or an error.
WATCHED_TAGS = {"label", "th", "option", "button", "legend", "caption", "h1", "h2", "h3", "h4", "h5", "dt"}
WATCHED_CLASSES = {
    "form-text",
    "invalid-feedback",
    "errorlist",
    "alert",
    "badge",
    "btn",
    "nav-link",
    "dropdown-item",
    "empty-title",
    "empty-subtitle",
    "form-label",
}
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def is_english(text: str) -> bool:
    """Text made of Latin letters (besides allowed words, digits and punctuation) and no Chinese."""
    text = " ".join(text.split())
    if not text or re.search(r"[\u3400-\u9fff]", text):
        return False
    words = [w for w in LATIN_WORD.findall(text) if w.lower() not in ALLOWED]
    return bool(words)


class _TextParser(HTMLParser):
    """The texts of watched elements: (what, text) pairs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.texts: dict[int, list[str]] = {}
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        classes = set(a.get("class", "").split())
        watched = tag in WATCHED_TAGS or bool(classes & WATCHED_CLASSES)
        if tag in {"input", "img", "br", "hr", "meta", "link", "source"}:
            if tag == "input" and a.get("type") in {"submit", "button"} and is_english(a.get("value", "")):
                self.found.append(("input", a["value"]))
            if tag == "input" and is_english(a.get("placeholder", "")):
                self.found.append(("placeholder", a["placeholder"]))
            return
        self.stack.append((tag, watched))
        if watched:
            self.texts[len(self.stack)] = []
        if is_english(a.get("aria-label", "")):  # (titles may hold data: a username on an icon)
            self.found.append(("aria-label", a["aria-label"]))

    def handle_data(self, data):
        for depth in self.texts:
            self.texts[depth].append(data)

    def handle_endtag(self, tag):
        while self.stack:
            depth = len(self.stack)
            open_tag, watched = self.stack.pop()
            if watched:
                text = " ".join("".join(self.texts.pop(depth)).split())
                # English, or a label built from two verbose names that say the same ("年级 年级")
                if is_english(text) or (open_tag == "label" and re.fullmatch(r"(\S+) \1", text)):
                    self.found.append((open_tag, text))
            if open_tag == tag:
                break


def english_texts(html: str) -> list[tuple[str, str]]:
    # what users typed and script data are not UI text
    html = re.sub(r"<(script|style|textarea)\b.*?</\1>", "", html, flags=re.S | re.I)
    parser = _TextParser()
    parser.feed(html)
    return parser.found


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["county_admin", "school_admin", "teacher"])
def test_every_label_of_every_page_is_chinese(world, username):
    user = world.users[username]
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    found: dict[tuple[str, str], str] = {}
    seen_forms = set()
    urls = list(page_urls(user))
    assert len(urls) >= 20
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        for what in english_texts(html):
            found.setdefault(what, url)
        for form in read_page(url, html)[0]:
            path = urlsplit(form.action).path
            if form.method != "post" or form.has_file or path.lstrip("/").startswith(SKIPPED_PREFIXES):
                continue
            try:
                view_name = resolve(path).view_name
            except Resolver404:
                continue
            if view_name in SKIPPED_NAMES or path in seen_forms:
                continue
            seen_forms.add(path)
            blank = {name: [""] for name, _ in form.fields if name != "csrfmiddlewaretoken"}
            for data in (form.data(), blank):
                with transaction.atomic():
                    answer = client.post(path, data)
                    transaction.set_rollback(True)
                if answer.status_code == 200 and answer["Content-Type"].startswith("text/html"):
                    for what in english_texts(answer.content.decode()):
                        found.setdefault(what, f"POST {path}")
    assert not found, f"{len(found)} English texts in the Chinese UI:\n" + "\n".join(
        f"{where}: <{tag}> {text!r}" for (tag, text), where in sorted(found.items(), key=lambda i: i[1])
    )
