"""The import page: pick a kind, download its template, upload a file; then the job's progress and result
(every bad row, or the rows imported)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from sanke.core.access import access_object, require
from sanke.core.import_jobs import job_result, job_status
from sanke.core.models import ImportJob
from sanke.core.scoping import scope_for
from sanke.core.tabular_import import (
    IMPORT_KINDS,
    ImportFileError,
    read_header,
    template_csv,
    template_workbook,
)
from sanke.core.uploads import file_too_large_message, refused_uploads
from sanke.org.actions import do_submit_import_file


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What to import"), choices=[(k, v.label) for k, v in IMPORT_KINDS.items()]
    )
    file = forms.FileField(label=gettext_lazy("File (.xlsx or .csv)"))


@login_required
def import_page(request):
    """Upload a file: its header is checked at once (a wrong file is refused on the form), then the import
    runs as a background job and the page moves to the job's progress."""
    require(scope_for(request.user).is_admin)
    form = ImportForm(
        request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind", "students")}
    )
    if "file" in refused_uploads(request):
        # Larger than SANKE_IMPORT_MAX_BYTES: dropped while it streamed in, never stored or read.
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", file_too_large_message())
    elif request.method == "POST" and form.is_valid():
        kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
        try:
            read_header(IMPORT_KINDS[kind], upload)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            job = do_submit_import_file(kind, upload, acting_user=request.user)
            return redirect("org:import_job", pk=job.pk)
    jobs = ImportJob.objects.visible_to(request.user).select_related("submitted_by")[:RECENT_JOBS]
    return render(
        request,
        "org/import.html",
        {"form": form, "result": None, "kinds": IMPORT_KINDS.values(), "jobs": jobs},
    )


RECENT_JOBS = 10


@login_required
def import_job(request, pk):
    """One import job: its progress while it runs (the page polls ``import_job_status``), its result after."""
    require(scope_for(request.user).is_admin)
    job = access_object(ImportJob, request.user, pk)
    kind = IMPORT_KINDS.get(job.kind)
    return render(
        request,
        "org/import_job.html",
        {
            "job": job,
            "kind_label": kind.label if kind else job.kind,
            "result": job_result(job),
            "status": job_status(job),
            "kinds": IMPORT_KINDS.values(),
        },
    )


@login_required
def import_job_status(request, pk):
    require(scope_for(request.user).is_admin)
    job = access_object(ImportJob, request.user, pk)
    return JsonResponse(job_status(job))


@login_required
def import_template(request, kind, fmt):
    require(scope_for(request.user).is_admin)
    if kind not in IMPORT_KINDS or fmt not in {"xlsx", "csv"}:
        raise Http404
    spec = IMPORT_KINDS[kind]
    if fmt == "csv":
        response = HttpResponse(template_csv(spec), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        template_workbook(spec).save(response)
    response["Content-Disposition"] = f'attachment; filename="sanke-{kind}-template.{fmt}"'
    return response
