#!/usr/bin/env python3
"""Every fetch of a model in views, API, consumers and selectors goes through the scoping kernel.

In those modules a query must start with ``Model.objects.visible_to(user, ...)`` (or go through
``sanke.core.access.access_object``); ``Model.objects.get/filter/all/...`` and ``get_object_or_404``
are refused. A query that is scoped some other way says why on its line with ``# scope: <reason>``
(for example a selector narrowing objects of a parent the caller has already fetched through the
kernel, or a model that is public by nature).

Usage: ``scripts/check_access.py [paths...]`` (default ``sanke``); exits 1 listing each offence.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

CHECKED_NAMES = {"views.py", "api.py", "consumers.py", "selectors.py"}
CHECKED_PACKAGES = {"views", "api", "selectors", "consumers"}
ALLOWED_FIRST = {"visible_to", "none"}
MARK = "# scope:"
ACCESSORS = {"access_object", "aaccess_object"}
SCOPED_BASES = {"ScopedViewSet"}


def is_checked(path: Path) -> bool:
    if "tests" in path.parts or "migrations" in path.parts:
        return False
    return (
        path.name in CHECKED_NAMES or path.name.endswith("_views.py") or path.parent.name in CHECKED_PACKAGES
    )


def offences(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []

    tree = ast.parse(source, filename=str(path))
    # a mark anywhere in the statement holding the query, or on the line just above it, covers it
    statement_of: dict[int, tuple[int, int]] = {}
    for statement in ast.walk(tree):
        if isinstance(statement, ast.stmt) and not isinstance(
            statement,
            (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.With, ast.Try),
        ):
            for inner in ast.walk(statement):
                statement_of.setdefault(
                    id(inner), (statement.lineno, statement.end_lineno or statement.lineno)
                )

    def marked(node: ast.AST) -> bool:
        first, last = statement_of.get(id(node), (node.lineno, getattr(node, "end_lineno", node.lineno)))
        return any(MARK in lines[n - 1] for n in range(max(first - 1, 1), last + 1))

    exempt: set[int] = set()  # ids of expressions the kernel scopes anyway
    handed: set[str] = set()  # names of querysets handed to access_object
    for node in ast.walk(tree):
        # access_object(Model, user, pk, queryset=Model.objects.select_related(...)) applies the scope
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", "")) in ACCESSORS
        ):
            exempt.update(id(n) for k in node.keywords if k.arg == "queryset" for n in ast.walk(k.value))
            # queryset = Model.objects.select_related(...); access_object(..., queryset=queryset)
            handed.update(
                k.value.id for k in node.keywords if k.arg == "queryset" and isinstance(k.value, ast.Name)
            )
        # class SchoolViewSet(ScopedViewSet): queryset = School.objects...  (get_queryset scopes it)
        if isinstance(node, ast.ClassDef) and any(
            getattr(b, "id", getattr(b, "attr", "")) in SCOPED_BASES for b in node.bases
        ):
            for item in node.body:
                if isinstance(item, ast.Assign) and any(
                    getattr(t, "id", "") == "queryset" for t in item.targets
                ):
                    exempt.update(id(n) for n in ast.walk(item.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) in handed for t in node.targets):
            exempt.update(id(n) for n in ast.walk(node.value))
    for node in ast.walk(tree):
        if id(node) in exempt:
            continue
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "get_object_or_404"
        ):
            if not marked(node):
                found.append(f"{path}:{node.lineno}: get_object_or_404 bypasses the scope; use access_object")
        if not isinstance(node, ast.Attribute) or not isinstance(node.value, ast.Attribute):
            continue
        manager = node.value
        if manager.attr not in ("objects", "_default_manager"):
            continue
        if not isinstance(manager.value, ast.Name) or not manager.value.id[:1].isupper():
            continue  # a related manager or an instance attribute, not a model's manager
        if node.attr in ALLOWED_FIRST or marked(node):
            continue
        found.append(
            f"{path}:{node.lineno}: {manager.value.id}.{manager.attr}.{node.attr}(...) bypasses the scope; "
            f"start with .visible_to(user) or say why with '{MARK} ...'"
        )
    return found


def main(argv: list[str]) -> int:
    roots = [Path(a) for a in argv] or [Path("sanke")]
    files = [p for root in roots for p in ([root] if root.is_file() else root.rglob("*.py")) if is_checked(p)]
    problems = [line for path in sorted(files) for line in offences(path)]
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} fetch(es) around the scoping kernel (see scripts/check_access.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
