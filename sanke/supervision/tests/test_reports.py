"""Term reports: queued from the dashboard, made as a background job, kept for download (inline runner)."""

from __future__ import annotations

import io
import subprocess

from django.urls import reverse
from openpyxl import load_workbook

from sanke.core.models import JobStatus
from sanke.supervision.models import ReportJob


def test_a_county_report_is_made_and_downloaded(world, fortnight, client_for, jobs_run_inline, tmp_path):
    client = client_for(world.users["county_admin"])
    url = reverse("dashboard:region_report", args=[world.regions["330127"].pk])
    # GET does nothing
    assert client.get(url).status_code == 405
    response = client.post(url + "?date=2026-11-25")
    job = ReportJob.objects.get()
    assert response.url == reverse("dashboard:report_job", args=[job.pk])
    assert (job.status, job.rows_done, job.rows_total) == (JobStatus.DONE, 3, 3)
    page = client.get(response.url).content.decode()
    assert reverse("dashboard:report_xlsx", args=[job.pk]) in page
    # the spreadsheet
    xlsx = b"".join(client.get(reverse("dashboard:report_xlsx", args=[job.pk])).streaming_content)
    book = load_workbook(io.BytesIO(xlsx))
    summary = book.worksheets[0]
    assert summary["A1"].value == "淳安县学期报告"
    assert [c.value for c in summary[4]][:6] == ["本学期", 4, 2, 1, 1, "50.0%"]
    assert {row[0].value for row in book["学校"].iter_rows(min_row=2)} == {
        "千岛湖镇第一小学",
        "龙井教学点",
        "下姜教学点",
    }
    # the PDF, first page in Chinese
    pdf = b"".join(client.get(reverse("dashboard:report_pdf", args=[job.pk])).streaming_content)
    assert pdf.startswith(b"%PDF")
    (tmp_path / "r.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(tmp_path / "r.pdf"), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert "淳安县学期报告" in text and "开课率" in text


def test_only_those_who_manage_the_place_may_ask_for_its_report(world, client_for, jobs_run_inline):
    url = reverse("dashboard:region_report", args=[world.regions["330127"].pk])
    assert client_for(world.users["inspector"]).post(url).status_code == 403
    assert client_for(world.users["school_admin"]).post(url).status_code == 403
    other = reverse("dashboard:school_report", args=[world.classrooms["longjing"].school_id])
    assert client_for(world.users["school_admin"]).post(other).status_code == 404
    assert not ReportJob.objects.exists()
    # the school admin's own school
    own = reverse("dashboard:school_report", args=[world.schools["host"].pk])
    assert client_for(world.users["school_admin"]).post(own).status_code == 302
    job = ReportJob.objects.get()
    assert job.status == JobStatus.DONE and job.pdf_name
    # another county's admin cannot see the job or its files
    outsider = client_for(world.users["outsider_admin"])
    for name in ("dashboard:report_job", "dashboard:report_xlsx", "dashboard:report_pdf"):
        assert outsider.get(reverse(name, args=[job.pk])).status_code == 404
