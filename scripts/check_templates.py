#!/usr/bin/env python3
"""Templates carry no inline script: behaviour lives in static ES modules (``sanke/static/sanke/``).

A strict Content-Security-Policy (``script-src 'self'``) refuses inline code, so none may creep back:
this check fails on a ``<script>`` element with a body (a data block such as Django's ``json_script``,
``type="application/json"``, is not code and is allowed), on ``on…=`` event-handler attributes, on
``javascript:`` URLs, and on Alpine directives (``x-data``, ``x-init``, ``x-on``, ``@click`` …), whose
expressions Alpine evaluates as code. The policy's ``style-src 'self'`` refuses inline styles as well, so
``style=`` attributes and ``<style>`` elements fail too: give the element a class from a static stylesheet.

Usage: ``scripts/check_templates.py [paths...]`` (default ``sanke``); exits 1 listing each offence.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
DATA_BLOCK = re.compile(r"""\btype\s*=\s*["']application/(ld\+)?json["']""", re.IGNORECASE)
HANDLER = re.compile(r"""<[a-zA-Z][^>]*?\s(on[a-z]+)\s*=""", re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r"""<[a-zA-Z][^>]*?\s(style)\s*=""", re.DOTALL)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
JS_URL = re.compile(r"""=\s*["']\s*javascript:""", re.IGNORECASE)
ALPINE_DIRECTIVE = r"x-(?:data|init|on|text|html|bind|model|show|if|for|effect)\b[^=\s]*|@[a-z][\w.:-]*"
ALPINE = re.compile(rf"""<[a-zA-Z][^>]*?\s({ALPINE_DIRECTIVE})\s*=""", re.DOTALL)


def offences(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    found = []

    def line(match: re.Match) -> int:
        return text.count("\n", 0, match.start()) + 1

    for match in SCRIPT.finditer(text):
        if match.group(2).strip() and not DATA_BLOCK.search(match.group(1)):
            found.append(f"{path}:{line(match)}: inline <script>: move it to a module in sanke/static/sanke/")
    for match in HANDLER.finditer(text):
        found.append(f"{path}:{line(match)}: handler {match.group(1)}=: use a data- attribute (ui.js)")
    for match in STYLE_ATTRIBUTE.finditer(text):
        found.append(f"{path}:{line(match)}: style= attribute: use a class of a static stylesheet")
    for match in STYLE_ELEMENT.finditer(text):
        found.append(f"{path}:{line(match)}: <style> element: move it to a static stylesheet")
    for match in JS_URL.finditer(text):
        found.append(f"{path}:{line(match)}: javascript: URL")
    for match in ALPINE.finditer(text):
        found.append(f"{path}:{line(match)}: Alpine directive {match.group(1)}: its expression is code")
    return found


def main(argv: list[str]) -> int:
    roots = [Path(arg) for arg in argv] or [Path("sanke")]
    found = [o for root in roots for path in sorted(root.rglob("*.html")) for o in offences(path)]
    for offence in found:
        print(offence)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
