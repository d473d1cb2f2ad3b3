"""Counting the queries a piece of code sends, without the transaction bookkeeping of the test around it.

Inside a test every ``transaction.atomic`` is a savepoint, so raw counts include SAVEPOINT/RELEASE
statements that production (autocommit, one BEGIN/COMMIT) sends differently. ``counted_queries`` keeps the
raw list and also gives the statements that do the work.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connections
from django.test.utils import CaptureQueriesContext

BOOKKEEPING = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")


@dataclass
class QueryLog:
    statements: list[str] = field(default_factory=list)

    @property
    def work(self) -> list[str]:
        """The statements that read or write data (no savepoints, BEGIN or COMMIT)."""
        return [sql for sql in self.statements if not sql.lstrip().upper().startswith(BOOKKEEPING)]

    def __len__(self) -> int:
        return len(self.statements)


@contextlib.contextmanager
def counted_queries(using: str = "default") -> Iterator[QueryLog]:
    """``with counted_queries() as log: …`` then ``len(log)`` (every statement) or ``len(log.work)``."""
    log = QueryLog()
    with CaptureQueriesContext(connections[using]) as captured:
        yield log
    log.statements = [query["sql"] for query in captured.captured_queries]
