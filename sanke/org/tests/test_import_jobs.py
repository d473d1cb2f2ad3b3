"""Imports run as background jobs: the page queues, the worker checks then writes fast, the page follows.

The promises under test: the import page answers at once (the file is stored privately and a job
queued); the job checks every row outside any write transaction and writes a clean file in one short
transaction with bulk inserts; a job run twice (its worker died, the task came again) imports once;
only the submitter and the admins above see a job; a national id held in another county gets the
neutral message, an audit row for that county and counts against the limit, as on the person form;
and a login while a large import runs never fails.
"""

from __future__ import annotations

import stat
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sanke.accounts.demo import DEMO_PASSWORD
from sanke.core import import_jobs, tabular_import
from sanke.core.models import AuditEvent, ImportJob, ImportJobStatus
from sanke.core.probes import PROBE_LIMIT
from sanke.org.choices import PersonKind
from sanke.org.models import NATIONAL_ID_REFUSED, Person
from sanke.testing import factories
from sanke.testing.uploads import csv_upload, errors_by_row, import_in_english, xlsx_upload

HOST = "2133012701"
TEACHER_HEADER = ["School id", "Staff number", "Name", "Mobile", "ID card number"]
STUDENT_HEADER = ["学校标识码", "年级", "班级名称", "学籍号", "姓名", "身份证号", "监护人姓名", "监护人手机"]


def teacher_rows(count: int, school: str = HOST, start: int = 0) -> list[list[str]]:
    return [[school, f"J{start + i:05d}", f"教师{i}", f"137{start + i:08d}", ""] for i in range(count)]


def student_rows(count: int) -> list[list[str]]:
    """Rows for 三年级 (1)班 of the host school; every second student shares the guardian before."""
    rows = []
    for i in range(count):
        guardian = i - 1 if i % 2 else i
        birth = f"2015{1 + i // 1000 % 12:02d}01"
        rows.append(
            [
                HOST,
                "3",
                "(1)班",
                f"Z{i:06d}",
                f"学生{i}",
                factories.national_id(i % 1000, birth=birth, region="330182"),
                f"家长{guardian}",
                f"136{guardian:08d}",
            ]
        )
    return rows


def submit(client, kind: str, upload):
    return client.post(reverse("org:import"), {"kind": kind, "file": upload})


# --- the page queues a job -------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_import_page_stores_the_file_privately_and_moves_to_the_job_page(world, county_admin, client_for):
    client = client_for(county_admin)
    before = Person.objects.count()
    # when: a clean file is uploaded
    response = submit(client, "teachers", xlsx_upload(TEACHER_HEADER, teacher_rows(3), name="教师.xlsx"))
    # then: nothing is imported in the request; a queued job and its page
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("org:import_job", args=[job.pk])
    assert (job.status, job.kind, job.file_name, job.submitted_by) == (
        "queued",
        "teachers",
        "教师.xlsx",
        county_admin,
    )
    assert Person.objects.count() == before
    stored = import_jobs.import_dir() / job.stored_file
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
    page = client.get(response.url)
    assert page.status_code == 200
    assert 'data-testid="import-progress"' in page.content.decode()
    assert client.get(reverse("org:import_job_status", args=[job.pk])).json()["status"] == "queued"
    # and the import page lists it, so the clerk can come back to it
    assert job in client.get(reverse("org:import")).context["jobs"]


@pytest.mark.django_db
def test_a_job_checks_then_writes_everything_in_one_short_transaction(world, county_admin, monkeypatch):
    # given: a queued roster of 600 students with shared guardians
    upload = csv_upload(STUDENT_HEADER, student_rows(600), name="名册.csv")
    job = import_jobs.do_submit_import(
        "students", upload, acting_user=county_admin, audit_action="org.import.students"
    )
    stored = import_jobs.import_dir() / job.stored_file
    # when the worker runs it, watching the statements
    monkeypatch.setattr(tabular_import, "PROGRESS_EVERY", 100)
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        status = import_jobs.run_import_job(job.pk)
    # then
    job.refresh_from_db()
    assert status == "done" and job.status == ImportJobStatus.DONE
    assert (job.created, job.rows_done, job.rows_total, job.errors) == (600, 600, 600, [])
    progress = [
        i for i, sql in enumerate(statements) if sql.startswith('UPDATE "core_importjob" SET "phase"')
    ]
    inserts = [i for i, sql in enumerate(statements) if sql.startswith('INSERT INTO "org_person"')]
    assert len(progress) >= 6, "progress is reported every 100 rows"
    assert inserts and min(inserts) > max(progress), "every row is checked before anything is written"
    # 600 students and 300 guardians in bulk inserts (SQLite takes ~66 people per statement: 999
    # parameters); row by row it took 900 inserts
    assert len(inserts) <= 20
    students = Person.objects.filter(number__startswith="Z0", school__code=HOST)
    assert students.count() == 600
    student = students.get(number="Z000001")
    assert student.national_id_digest and student.national_id.startswith("330182")
    guardian = student.guardians.get()
    assert guardian.phone == "13600000000" and guardian.phone_digest
    assert set(guardian.wards.values_list("number", flat=True)) == {"Z000000", "Z000001"}
    assert Person.objects.filter(kind=PersonKind.GUARDIAN, name__startswith="家长").count() == 300
    assert AuditEvent.objects.filter(action="org.import.students").count() == 1
    assert not stored.exists(), "the stored upload is removed once the job has finished"


@pytest.mark.django_db
def test_row_errors_of_a_job_import_nothing_and_are_all_shown(
    world, county_admin, client_for, jobs_run_inline
):
    rows = teacher_rows(5)
    rows[1][0] = "2133019999"  # no such school
    rows[3][3] = "12345"  # not a mobile number
    before = Person.objects.count()
    response = submit(client_for(county_admin), "teachers", xlsx_upload(TEACHER_HEADER, rows))
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED
    assert [e["row"] for e in job.errors] == [3, 5]
    assert Person.objects.count() == before
    page = client_for(county_admin).get(response.url)
    assert [e.row for e in page.context["result"].errors] == [3, 5]
    assert 'data-testid="import-errors"' in page.content.decode()


@pytest.mark.django_db
def test_a_job_whose_worker_died_before_it_finished_imports_once(world, county_admin):
    # given: a job whose first worker claimed it and died while checking (the task is delivered again)
    job = import_jobs.do_submit_import(
        "teachers",
        xlsx_upload(TEACHER_HEADER, teacher_rows(4)),
        acting_user=county_admin,
        audit_action="org.import.teachers",
    )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING, attempts=1)
    # when the task runs again, and once more after it finished (acknowledged late)
    assert import_jobs.run_import_job(job.pk) == "done"
    assert import_jobs.run_import_job(job.pk) == "done"
    # then the rows are there once
    assert Person.objects.filter(number__startswith="J0").count() == 4
    assert AuditEvent.objects.filter(action="org.import.teachers").count() == 1
    assert ImportJob.objects.get(pk=job.pk).attempts == 2


@pytest.mark.django_db
def test_two_runs_of_one_job_at_once_write_once(world, county_admin, monkeypatch):
    """A second run finishes the job while the first is between its checks and its write: the first
    finds the job done inside its write transaction and rolls back."""
    job = import_jobs.do_submit_import(
        "teachers",
        xlsx_upload(TEACHER_HEADER, teacher_rows(3)),
        acting_user=county_admin,
        audit_action="org.import.teachers",
    )
    real_run_import = import_jobs.run_import
    calls = []

    def racing_run_import(*args, progress, **kwargs):
        calls.append(1)
        if len(calls) > 1:
            return real_run_import(*args, progress=progress, **kwargs)

        def progress_then_race(done, total):
            progress(done, total)
            if done == total:  # checks through, write next: the other run does it all now
                assert import_jobs.run_import_job(job.pk) == "done"

        return real_run_import(*args, progress=progress_then_race, **kwargs)

    monkeypatch.setattr(import_jobs, "run_import", racing_run_import)
    assert import_jobs.run_import_job(job.pk) == "done"
    assert len(calls) == 2
    assert Person.objects.filter(number__startswith="J0").count() == 3
    assert AuditEvent.objects.filter(action="org.import.teachers").count() == 1
    assert ImportJob.objects.get(pk=job.pk).status == ImportJobStatus.DONE


@pytest.mark.django_db
def test_rows_added_by_someone_else_after_the_checks_refuse_the_whole_file(world, county_admin, monkeypatch):
    """The database's unique constraint backs the checks: nothing is written, and the message says why."""
    rows = teacher_rows(3)
    real_check = tabular_import.check_file

    def check_then_someone_adds_a_row(*args, **kwargs):
        checked = real_check(*args, **kwargs)
        Person.objects.create(
            kind=PersonKind.TEACHER, school=world.schools["host"], number="J00002", name="快手"
        )
        return checked

    monkeypatch.setattr(tabular_import, "check_file", check_then_someone_adds_a_row)
    before = Person.objects.count()
    with pytest.raises(tabular_import.ImportConflict) as refused:
        import_in_english("teachers", xlsx_upload(TEACHER_HEADER, rows), county_admin)
    assert "Nothing was imported" in str(refused.value)
    assert Person.objects.count() == before + 1  # only the other person's row


# --- who sees a job --------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_job_is_seen_by_its_submitter_and_the_admins_above_only(
    world, school_admin, county_admin, outsider, client_for
):
    client = client_for(school_admin)
    response = submit(client, "teachers", xlsx_upload(TEACHER_HEADER, teacher_rows(1)))
    job = ImportJob.objects.get()
    assert job.school == world.schools["host"] and job.region_code == "330127"
    for user, expected in ((school_admin, 200), (county_admin, 200), (outsider, 404)):
        client = client_for(user)
        assert client.get(response.url).status_code == expected, user
        assert client.get(reverse("org:import_job_status", args=[job.pk])).status_code == expected, user
    assert client_for(world.users["teacher"]).get(response.url).status_code == 403


# --- the national id is no oracle across counties -------------------------------------------------
def _give_id(person, serial: int) -> str:
    from sanke.org.actions import do_save_person

    number = factories.national_id(serial, birth="20150101")
    person.national_id = number
    do_save_person(person, acting_user=None)
    return number


@pytest.mark.django_db
def test_an_id_number_of_another_county_in_an_import_gets_the_neutral_message(world, outsider):
    # given: a student of 淳安县 with an ID card number
    taken = _give_id(world.people["student1"], 601)
    other = world.schools["other"].code
    rows = [[other, "J90001", "孙老师", "", taken], [other, "J90002", "钱老师", "", ""]]
    # when 建德市's admin imports a teacher with that number
    result = import_in_english("teachers", xlsx_upload(TEACHER_HEADER, rows), outsider)
    # then the row is refused with the person form's neutral words, not "already exists"
    with translation.override("en"):
        assert errors_by_row(result) == {2: [("ID card number", str(NATIONAL_ID_REFUSED))]}
    assert not Person.objects.filter(number="J90002").exists()
    # and 淳安县's admins find the attempt in their audit log, 建德市's admin does not
    event = AuditEvent.objects.get(action="org.person.national_id_refused")
    assert event.actor == outsider and event.changes["via"] == "import"
    assert taken not in str(event.changes)
    assert AuditEvent.objects.visible_to(world.users["county_admin"]).filter(pk=event.pk).exists()
    assert not AuditEvent.objects.visible_to(outsider).filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_refused_id_numbers_in_imports_count_against_the_limit(world, outsider):
    # given: more 淳安县 people with ID card numbers than the limit of refusals
    taken = [
        _give_id(p, 610 + i)
        for i, p in enumerate(Person.objects.filter(school__region__code="330127")[: PROBE_LIMIT + 1])
    ]
    assert len(taken) == PROBE_LIMIT + 1
    other = world.schools["other"].code
    rows = [[other, f"J9{i:04d}", f"老师{i}", "", number] for i, number in enumerate(taken)]
    # when a file asks about more taken numbers than the limit allows
    result = import_in_english("teachers", xlsx_upload(TEACHER_HEADER, rows), outsider)
    messages = [m for errors in errors_by_row(result).values() for _c, m in errors]
    # then the first ones get the neutral message and, once the limit is used up, every number is refused
    with translation.override("en"):
        assert messages.count(str(NATIONAL_ID_REFUSED)) == PROBE_LIMIT
    assert any("Too many" in m for m in messages)
    assert AuditEvent.objects.filter(action="org.person.national_id_refused").count() == PROBE_LIMIT
    # and a later file with a free number is refused too (the answer would still tell)
    free = factories.national_id(999, birth="20100101", region="330182")
    later = import_in_english(
        "teachers", xlsx_upload(TEACHER_HEADER, [[other, "J99999", "新老师", "", free]]), outsider
    )
    assert "Too many" in errors_by_row(later)[2][0][1]


# --- a login while a large import runs ----------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_logins_never_fail_while_a_large_import_writes(world, county_admin, settings):
    """On SQLite one writer at a time holds the write lock; a login writes (session, last login). The
    import must keep the lock so briefly that logins wait well inside the busy timeout."""
    upload = csv_upload(STUDENT_HEADER, student_rows(3000), name="名册.csv")
    outcome: dict = {}

    def import_in_thread():
        try:
            outcome["result"] = import_in_english("students", upload, county_admin)
        except BaseException as exc:  # noqa: BLE001  (reported below)
            outcome["error"] = exc
        finally:
            connection.close()

    worker = threading.Thread(target=import_in_thread)
    worker.start()
    statuses, failures = [], []
    try:
        while worker.is_alive() or len(statuses) < 5:
            client = Client(raise_request_exception=False)
            try:
                response = client.post(
                    reverse("accounts:login"), {"username": "school_admin", "password": DEMO_PASSWORD}
                )
                statuses.append(response.status_code)
            except Exception as exc:  # noqa: BLE001
                failures.append(repr(exc))
            if len(statuses) > 400:
                break
    finally:
        worker.join(timeout=600)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["result"].ok and outcome["result"].created == 3000
    assert failures == []
    assert set(statuses) == {302}, statuses


# --- end to end, with a real worker ----------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_an_uploaded_file_is_imported_by_a_real_worker(world, county_admin, import_worker):
    import time

    client = Client()
    client.force_login(county_admin)
    response = submit(client, "teachers", xlsx_upload(TEACHER_HEADER, teacher_rows(25), name="教师.xlsx"))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    deadline = time.monotonic() + 60
    while not client.get(reverse("org:import_job_status", args=[job.pk])).json()["finished"]:
        assert time.monotonic() < deadline, "the worker did not finish the job"
        time.sleep(0.2)
    job.refresh_from_db()
    assert (job.status, job.created, job.stored_file) == ("done", 25, "")
    assert Person.objects.filter(number__startswith="J0", school__code=HOST).count() == 25
    page = client.get(response.url)
    assert page.context["result"].created == 25
