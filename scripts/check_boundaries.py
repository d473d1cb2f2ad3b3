#!/usr/bin/env python3
"""An app reads another app only through its public modules and changes it only through its actions.

import-linter (``.importlinter``) keeps the layers: which app may import which. This check keeps the
doors: when app A imports from app B (B ≠ A, neither the composition layer ``site``), the module must
be one of B's public modules — ``models`` (types and scoped querysets), ``choices``, ``selectors``,
``access``, ``actions``, ``events`` (live's event schemas) — or what B offers for registration
(``imports`` for tabular-import kinds, ``composition``/``demo`` for the site). And no module of A calls
a writing method on a model class imported from B (``B.objects.create/update/delete/bulk_create/…``,
or ``.update()/.delete()`` at the end of a query chain that starts at B's model), nor runs raw SQL
naming B's tables: B's actions do that.

Usage: ``scripts/check_boundaries.py [paths...]`` (default ``sanke``); exits 1 listing each offence.
Tests and migrations are not checked.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

PUBLIC = {"models", "choices", "selectors", "access", "actions", "events", "imports", "composition", "demo"}
COMPOSITION_APPS = {"site"}
KERNEL = "core"
PROJECT_MODULES = {"settings", "urls", "api_urls", "asgi", "wsgi", "celery", "conftest", "testing"}
WRITES = {"create", "update", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
RAW_SQL = re.compile(r"\b(UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+\"?(\w+?)_\w+", re.IGNORECASE)


def app_of(path: Path) -> str | None:
    parts = path.parts
    if "sanke" not in parts:
        return None
    rest = parts[parts.index("sanke") + 1 :]
    if len(rest) < 2 or rest[0] in PROJECT_MODULES:
        return None
    return rest[0]


def skipped(path: Path) -> bool:
    return "tests" in path.parts or "migrations" in path.parts or path.name == "conftest.py"


def offences(path: Path, apps: set[str]) -> list[str]:
    app = app_of(path)
    if app is None or skipped(path):
        return []
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    foreign_models: dict[str, str] = {}  # local name → owning app
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sanke."):
            parts = node.module.split(".")
            other = parts[1]
            if other == app or other not in apps or other == KERNEL or app in COMPOSITION_APPS:
                continue
            module = parts[2] if len(parts) > 2 else None
            names = [alias.name for alias in node.names]
            if module is None:  # from sanke.org import selectors
                bad = [n for n in names if n not in PUBLIC]
                if bad:
                    found.append(
                        f"{path}:{node.lineno}: {app} imports sanke.{other}.{', '.join(bad)} (not public)"
                    )
                continue
            if module not in PUBLIC:
                found.append(
                    f"{path}:{node.lineno}: {app} imports sanke.{other}.{module}; use its "
                    f"selectors/access/choices (read) or actions (change)"
                )
            if module == "models":
                for alias in node.names:
                    foreign_models[alias.asname or alias.name] = other
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if (
                    len(parts) > 2
                    and parts[0] == "sanke"
                    and parts[1] in apps
                    and parts[1] not in (app, KERNEL)
                ):
                    if app not in COMPOSITION_APPS and parts[2] not in PUBLIC:
                        found.append(f"{path}:{node.lineno}: {app} imports {alias.name} (not public)")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
            root = node.func.value
            while isinstance(root, (ast.Call, ast.Attribute)):
                root = root.func if isinstance(root, ast.Call) else root.value
            if isinstance(root, ast.Name) and root.id in foreign_models:
                found.append(
                    f"{path}:{node.lineno}: {app} writes {foreign_models[root.id]}'s {root.id} "
                    f"(.{node.func.attr}); call an action of {foreign_models[root.id]}"
                )
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            for match in RAW_SQL.finditer(node.value):
                table_app = match.group(2).lower()
                if table_app in apps and table_app != app:
                    found.append(f"{path}:{node.lineno}: {app} writes {table_app}'s table in raw SQL")
    return found


def main(argv: list[str]) -> int:
    roots = [Path(a) for a in argv] or [Path("sanke")]
    base = next((p for p in roots if p.is_dir() and p.name == "sanke"), Path("sanke"))
    apps = {p.name for p in base.iterdir() if (p / "apps.py").exists()} if base.is_dir() else set()
    files = [p for root in roots for p in ([root] if root.is_file() else root.rglob("*.py"))]
    problems = [line for path in sorted(files) for line in offences(path, apps)]
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} boundary offence(s) (see scripts/check_boundaries.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
