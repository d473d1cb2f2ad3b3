"""Term reports as background jobs: queued from a dashboard, made by the Celery worker with progress (the
background-job kernel, ``sanke.core.jobs``), kept under ``VAR_DIR/reports/<job>/`` for download.

A report whose PDF cannot be written (WeasyPrint or Pango missing on a small install) still finishes with
its spreadsheet, and the job says why there is no PDF.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from sanke.alliances.models import Alliance
from sanke.core import jobs
from sanke.core.audit import record_audit
from sanke.core.middleware import request_context
from sanke.core.models import JobStatus
from sanke.supervision.models import ReportJob
from sanke.supervision.period import period_at
from sanke.supervision.reports import report_data, report_pdf, report_xlsx
from sanke.supervision.selectors import placement_of_region, placement_of_school

logger = logging.getLogger(__name__)

TASK_NAME = "supervision.run_report_job"
STEPS = 3


def report_dir(job: ReportJob) -> Path:
    return Path(settings.VAR_DIR) / "reports" / str(job.pk)


def do_submit_report_job(*, region=None, school=None, date, acting_user) -> ReportJob:
    """Queue the term report of a region or a school (the caller checked who may ask)."""
    place = region if region is not None else school
    with transaction.atomic():
        job = ReportJob.objects.create(
            region=region,
            place_school=school,
            date=date,
            title=_("Term report of %(place)s") % {"place": place.name},
            region_code=region.code if region is not None else school.region.code,
            school=school,
            **jobs.submitter_fields(acting_user),
        )
        record_audit(
            acting_user, "supervision.report.requested", job, region_code=job.region_code, school=school
        )
    jobs.schedule(TASK_NAME, job.pk)
    return job


def run_report_job(job_id: int) -> str:
    job = jobs.claim(ReportJob, job_id, phase="figures")
    if job is None:
        return jobs.status_of(ReportJob, job_id)
    with translation.override(jobs.language_of(job)), request_context(jobs.request_context_of(job)):
        try:
            _make(job)
        except jobs.JobAlreadyDone:
            return JobStatus.DONE
        except Exception:  # noqa: BLE001  (the job must not stay "running" forever)
            logger.exception("report job %s failed", job_id)
            jobs.finish(job, JobStatus.FAILED, message=_("The report could not be made. Try again later."))
    return jobs.status_of(ReportJob, job_id)


def _make(job: ReportJob) -> None:
    jobs.report(job, "figures", 0, STEPS)
    period = period_at(job.date, Alliance.objects.all())  # scope: the job was placed when submitted
    if job.region_id:
        region = job.region
        data = report_data(region.name, placement_of_region(region), period, region, by_classes=False)
    else:
        school = job.place_school
        data = report_data(school.name, placement_of_school(school), period, school.region, by_classes=True)
    folder = report_dir(job)
    folder.mkdir(parents=True, exist_ok=True)
    jobs.report(job, "xlsx", 1, STEPS)
    stem = f"report-{job.region_code}-{period.term_start.isoformat()}"
    (folder / f"{stem}.xlsx").write_bytes(report_xlsx(data))
    jobs.report(job, "pdf", 2, STEPS)
    pdf_name, pdf_error = f"{stem}.pdf", ""
    try:
        (folder / pdf_name).write_bytes(report_pdf(data))
    except (ImportError, OSError) as missing:
        logger.warning("report job %s: no PDF (%s)", job.pk, missing)
        pdf_name, pdf_error = "", _("No PDF: WeasyPrint or its libraries are not installed on this server.")
    with transaction.atomic():
        jobs.mark_done(
            job,
            xlsx_name=f"{stem}.xlsx",
            pdf_name=pdf_name,
            pdf_error=pdf_error,
            rows_done=STEPS,
            rows_total=STEPS,
        )


jobs.register_runner(TASK_NAME, run_report_job, ReportJob)
