"""Server time per page for one user at county size (no HTTP server: Django's handler in this process).

The issue's target: every page under 30 ms server time for one user at county size. This opens the main
list and detail pages of a county world (``manage.py load_demo --size county``) as the county admin, a school
admin and a teacher, each page ``--repeat`` times after one warm-up, and prints per page the median time,
the queries and the bytes, then the same for a minimal view (Django's handler and middleware only) as the
baseline. The pages shown are those of the county's biggest school and class, so a list that is not bounded
shows up here. Last line one JSON object.

    SANKE_VAR_DIR=/tmp/county .venv/bin/python bench/page_times.py            # a county world in that dir
    .venv/bin/python bench/page_times.py --quick                              # fewer repeats

The database must hold a county world already (this never builds one: see ``load_demo --size county``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanke.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="three repeats per page")
    args = parser.parse_args()
    repeat = 3 if args.quick else args.repeat

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from sanke.accounts.models import RoleAssignment, User
    from sanke.alliances.models import Alliance
    from sanke.org.models import ClassGroup, Person, School
    from sanke.timetable.models import Lesson

    settings.ALLOWED_HOSTS = ["*"]
    school = School.objects.annotate(n=Count("people")).order_by("-n").first()
    class_group = ClassGroup.objects.annotate(n=Count("students")).order_by("-n").first()
    if school is None or class_group is None or Person.objects.count() < 10000:
        sys.exit("no county world here: run manage.py load_demo --size county first")
    county = school.region
    county_admin = User.objects.filter(
        role_assignments__role="bureau_admin", role_assignments__region=county
    ).first() or User.objects.get(username="county_admin")
    school_admin = (
        RoleAssignment.objects.filter(role="school_admin", school=school).select_related("user").first()
    )
    teacher = Person.objects.filter(school=school, kind="teacher", user__isnull=False).first()
    student = Person.objects.filter(class_group=class_group).exclude(national_id="").first()
    alliance = Alliance.objects.filter(host_school__region=county).annotate(n=Count("series")).order_by("-n")
    alliance = alliance.first()
    lesson = Lesson.objects.filter(series__alliance=alliance).first() if alliance else None
    classroom = school.classrooms.first()
    pages = [
        ("home", reverse("home")),
        ("regions", reverse("org:region_list")),
        ("region", reverse("org:region_detail", args=[county.pk])),
        ("schools", reverse("org:school_list")),
        ("school", reverse("org:school_detail", args=[school.pk])),
        ("classes", reverse("org:class_list")),
        ("class", reverse("org:class_detail", args=[class_group.pk])),
        ("classrooms", reverse("org:classroom_list")),
        ("classroom", reverse("org:classroom_detail", args=[classroom.pk])),
        ("people", reverse("org:person_list")),
        ("people ?q=name", reverse("org:person_list") + f"?q={student.name[:1]}"),
        ("people ?q=id", reverse("org:person_list") + f"?q={student.national_id}"),
        ("person", reverse("org:person_detail", args=[student.pk])),
        ("accounts", reverse("accounts:account_list")),
        ("roles", reverse("accounts:role_list")),
        ("alliances", reverse("alliances:list")),
        ("policy", reverse("policy:policy_list")),
        ("audit", reverse("core:audit_list")),
        ("today", reverse("timetable:today")),
        ("school week", reverse("timetable:school", args=[school.pk])),
        ("class week", reverse("timetable:class", args=[class_group.pk])),
        ("teacher week", reverse("timetable:teacher", args=[teacher.pk])),
        ("terms", reverse("timetable:term_list", args=[school.pk])),
    ]
    if alliance is not None:
        pages += [
            ("alliance", reverse("alliances:detail", args=[alliance.pk])),
            ("alliance week", reverse("timetable:alliance", args=[alliance.pk])),
        ]
    if lesson is not None:
        pages.append(("lesson", reverse("timetable:lesson", args=[lesson.pk])))
    users = [("county admin", county_admin), ("school admin", school_admin and school_admin.user)]
    users.append(("teacher", teacher.user))

    def timed(client, url):
        times, queries, size, status = [], 0, 0, 0
        for attempt in range(repeat + 1):
            connection.queries_log.clear()  # it keeps 9,000 queries: a page past that would count 0
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - start) * 1000
            if attempt:
                times.append(elapsed)
            queries, size, status = (
                len(captured.captured_queries),
                len(response.content),
                response.status_code,
            )
        return statistics.median(times), queries, size, status

    print(
        f"county world: {Person.objects.count()} people, {School.objects.count()} schools; "
        f"school {school.name} ({school.n} people), class {class_group} ({class_group.n} students)"
    )
    results = []
    worst = 0.0
    for role, user in users:
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        client.get("/")
        for name, url in pages:
            ms, queries, size, status = timed(client, url)
            if status != 200:
                continue
            worst = max(worst, ms)
            results.append(
                {"role": role, "page": name, "ms": round(ms, 1), "queries": queries, "kb": size // 1024}
            )
            print(f"{role:13s} {name:16s} {ms:8.1f} ms {queries:4d} queries {size // 1024:6d} KB  {url}")
    baseline = Client()
    baseline.force_login(county_admin)
    base_ms, _, _, _ = timed(baseline, reverse("accounts:login"))
    over = [r for r in results if r["ms"] >= 30]
    print(f"baseline (login page, anonymous form): {base_ms:.1f} ms; pages at 30 ms or more: {len(over)}")
    summary = {
        "bench": "page_times",
        "pages": len(results),
        "worst_ms": round(worst, 1),
        "median_ms": round(statistics.median(r["ms"] for r in results), 1),
        "over_30ms": len(over),
        "baseline_ms": round(base_ms, 1),
        "ratio": round(statistics.median(r["ms"] for r in results) / base_ms, 2) if base_ms else None,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
