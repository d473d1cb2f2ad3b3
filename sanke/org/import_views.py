"""The import page: pick a kind, download its template, upload a file, see every bad row or the result."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanke.core.access import require
from sanke.core.scoping import scope_for
from sanke.core.tabular_import import IMPORT_KINDS, ImportFileError, template_csv, template_workbook
from sanke.core.uploads import file_too_large_message, refused_uploads
from sanke.org.actions import do_import_file


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What to import"), choices=[(k, v.label) for k, v in IMPORT_KINDS.items()]
    )
    file = forms.FileField(label=gettext_lazy("File (.xlsx or .csv)"))


@login_required
def import_page(request):
    require(scope_for(request.user).is_admin)
    form = ImportForm(
        request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind", "students")}
    )
    result = None
    if "file" in refused_uploads(request):
        # Larger than SANKE_IMPORT_MAX_BYTES: dropped while it streamed in, never stored or read.
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", file_too_large_message())
    elif request.method == "POST" and form.is_valid():
        try:
            result = do_import_file(
                form.cleaned_data["kind"], form.cleaned_data["file"], acting_user=request.user
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            if result.ok:
                messages.success(request, _("Imported %(n)d rows.") % {"n": result.created})
    return render(
        request, "org/import.html", {"form": form, "result": result, "kinds": IMPORT_KINDS.values()}
    )


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
