"""Benchmark of a class-roster import: how long it takes, and how long it keeps every other writer waiting.

Why the write lock matters more than the total: on SQLite (the embedded default) one writer at a time
holds the database's write lock, and a login writes (its session, ``last_login``). An import that saves
row by row inside one transaction keeps the lock for as long as it saves, and a login waiting longer
than ``busy_timeout`` fails with "database is locked". So besides the total time this measures, from a
second connection, how long a writer has to wait for the lock while the import runs: a probe thread
opens ``BEGIN IMMEDIATE`` every 50 ms and records each wait (the longest is what a login would see).

The baseline, run in the same process on the same rows: the way imports saved before they were split
into "check everything, then write in bulk" — ``full_clean()`` and ``save()`` row by row (and a guardian
looked up and linked per row) inside one transaction.

Run from the repository root (a throwaway SQLite database in a temporary ``SANKE_VAR_DIR``)::

    .venv/bin/python bench/imports.py            # 10,000 student rows with guardians
    .venv/bin/python bench/imports.py --quick    # 1,000 rows, under a minute
    .venv/bin/python bench/imports.py --rows 5000 --skip-baseline

The last line of output is one JSON object so that scripts can collect the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = ["学校标识码", "年级", "班级名称", "学籍号", "姓名", "性别", "身份证号", "监护人姓名", "监护人手机"]
HOST = "2133012701"  # 千岛湖镇第一小学 in the demo county


class LockProbe(threading.Thread):
    """Another writer on its own connection: how long does ``BEGIN IMMEDIATE`` wait, again and again?"""

    def __init__(self, path: Path, interval: float = 0.05):
        super().__init__(daemon=True)
        self.path, self.interval = path, interval
        self.waits: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        connection = sqlite3.connect(self.path, timeout=600, isolation_level=None)
        try:
            while not self.stop.is_set():
                started = time.perf_counter()
                connection.execute("BEGIN IMMEDIATE")
                self.waits.append(time.perf_counter() - started)
                connection.execute("ROLLBACK")
                self.stop.wait(self.interval)
        finally:
            connection.close()

    def summary(self) -> dict:
        waits = sorted(self.waits) or [0.0]
        return {
            "probes": len(self.waits),
            "max_wait_s": round(waits[-1], 3),
            "blocked_s": round(sum(w for w in waits if w > 0.01), 3),
        }


def student_rows(count: int, classes: list[tuple[int, str]]) -> list[list[str]]:
    """``count`` roster rows across the school's classes; every third student shares a guardian with the
    one before (siblings), every row has a valid ID card number."""
    from sanke.testing.factories import national_id

    rows = []
    for index in range(count):
        grade, class_name = classes[index % len(classes)]
        birth = f"2015{1 + index // 1000 % 12:02d}{1 + index // 12000:02d}"
        phone_of = index - 1 if index % 3 == 2 else index
        rows.append(
            [
                HOST,
                str(grade),
                class_name,
                f"B{index:07d}",
                f"学生{index}",
                "男" if index % 2 else "女",
                national_id(index % 1000, birth=birth),
                f"家长{phone_of}",
                f"139{phone_of:08d}",
            ]
        )
    return rows


def csv_upload(rows: list[list[str]], name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sanke.testing.uploads import csv_text

    return SimpleUploadedFile(name, csv_text(HEADER, rows).encode("utf-8-sig"), content_type="text/csv")


def run_engine(rows, user, database: Path) -> dict:
    """The import as the platform runs it (``do_import_file``), with the lock probe running."""
    from sanke.org.actions import do_import_file

    probe = LockProbe(database)
    probe.start()
    started = time.perf_counter()
    result = do_import_file("students", csv_upload(rows, "roster.csv"), acting_user=user)
    total = time.perf_counter() - started
    probe.stop.set()
    probe.join()
    assert result.ok and result.created == len(rows), result.errors[:5]
    return {
        "total_s": round(total, 2),
        "write_s": round(result.write_seconds, 3),
        **probe.summary(),
    }


def run_baseline(rows, user, database: Path) -> dict:
    """Row by row inside one transaction: what ``run_import`` did before (checks first, as it did too)."""
    from django.db import transaction

    from sanke.core.crypto import digest
    from sanke.core.tabular_import import IMPORT_KINDS, check_file
    from sanke.org.choices import PersonKind
    from sanke.org.models import ClassGroup, Person, School
    from sanke.testing.uploads import csv_text

    probe = LockProbe(database)
    probe.start()
    started = time.perf_counter()
    # The checks (the same planner), then the old writer over the same rows.
    result, plan = check_file(IMPORT_KINDS["students"], [r for r in _table(csv_text(HEADER, rows))], user)
    assert plan is not None, result.errors[:5]
    school = School.objects.get(code=HOST)
    classes = {
        (c.grade.number, c.name): c for c in ClassGroup.objects.filter(school=school).select_related("grade")
    }
    write_started = time.perf_counter()
    with transaction.atomic():
        for row in rows:
            person = Person(
                kind=PersonKind.STUDENT,
                school=school,
                number=row[3],
                name=row[4],
                gender="male" if row[5] == "男" else "female",
                national_id=row[6],
                class_group=classes[(int(row[1]), row[2])],
            )
            person.full_clean()
            person.save()
            guardian = Person.objects.filter(
                school=school, kind=PersonKind.GUARDIAN, phone_digest=digest(row[8])
            ).first()
            if guardian is None:
                guardian = Person(kind=PersonKind.GUARDIAN, school=school, name=row[7], phone=row[8])
                guardian.full_clean()
                guardian.save()
            guardian.wards.add(person)
    write = time.perf_counter() - write_started
    total = time.perf_counter() - started
    probe.stop.set()
    probe.join()
    return {"total_s": round(total, 2), "write_s": round(write, 3), **probe.summary()}


def _table(text: str) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def remove_imported(prefix: str) -> None:
    from sanke.org.choices import PersonKind
    from sanke.org.models import Person, School

    school = School.objects.get(code=HOST)
    Person.objects.filter(school=school, number__startswith=prefix).delete()
    Person.objects.filter(school=school, kind=PersonKind.GUARDIAN, name__startswith="家长").delete()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=None, help="student rows (default 10,000)")
    parser.add_argument("--quick", action="store_true", help="1,000 rows: under a minute")
    parser.add_argument("--skip-baseline", action="store_true", help="measure the platform's import only")
    args = parser.parse_args(argv)
    count = args.rows or (1000 if args.quick else 10000)

    var_dir = Path(tempfile.mkdtemp(prefix="sanke-bench-imports-"))
    os.environ["SANKE_VAR_DIR"] = str(var_dir)
    os.environ.pop("SANKE_DATABASE_URL", None)  # SQLite is where the write lock matters
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanke.settings")
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        from sanke.accounts.models import User
        from sanke.org.models import ClassGroup, School
        from sanke.site.demo import load_demo

        call_command("migrate", verbosity=0)
        load_demo()
        database = Path(settings.DATABASES["default"]["NAME"])
        user = User.objects.get(username="county_admin")
        school = School.objects.get(code=HOST)
        classes = [
            (c.grade.number, c.name) for c in ClassGroup.objects.filter(school=school).select_related("grade")
        ]
        rows = student_rows(count, classes)
        print(f"Import of {count:,} student rows (with guardians) into one school, SQLite (WAL), 1 process")
        print(f"  {len(classes)} classes; a probe thread takes the write lock every 50 ms (own connection)")

        ours = run_engine(rows, user, database)
        print(
            f"  platform import:   total {ours['total_s']:7.2f} s, "
            f"write transaction {ours['write_s']:7.3f} s, "
            f"longest wait of another writer {ours['max_wait_s']:.3f} s ({ours['probes']} probes)"
        )
        base = None
        if not args.skip_baseline:
            remove_imported("B")
            base = run_baseline(rows, user, database)
            print(
                f"  baseline (rows):   total {base['total_s']:7.2f} s, "
                f"write transaction {base['write_s']:7.3f} s, "
                f"longest wait of another writer {base['max_wait_s']:.3f} s ({base['probes']} probes)"
            )
            write_ratio = base["write_s"] / ours["write_s"] if ours["write_s"] else 0.0
            print(
                f"  baseline / platform: write transaction x{write_ratio:.1f} shorter, "
                f"total x{base['total_s'] / ours['total_s']:.2f}"
            )
        summary = {
            "bench": "imports",
            "rows": count,
            "total_s": ours["total_s"],
            "write_s": ours["write_s"],
            "max_wait_s": ours["max_wait_s"],
            "baseline_total_s": base["total_s"] if base else None,
            "baseline_write_s": base["write_s"] if base else None,
            "baseline_max_wait_s": base["max_wait_s"] if base else None,
            "write_ratio": round(base["write_s"] / ours["write_s"], 1) if base and ours["write_s"] else None,
        }
        print(json.dumps(summary))
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
