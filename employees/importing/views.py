"""HR's import pages: upload → check in the background (progress) → preview → confirm → write in
the background (progress) → summary; and the history of every import with its file and report."""

import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from employees.access import hr_required
from employees.models import ImportRun

from .forms import ImportUploadForm
from .runs import import_run_confirm, import_run_start
from .writer import write_csv, write_xlsx

RUNS_PER_PAGE = 20
ISSUES_SHOWN = 500
REPORT_COLUMNS = ["baris", "kolom", "nilai", "jenis", "pesan", "cara_memperbaiki"]
IN_PROGRESS = (ImportRun.Status.VALIDATING, ImportRun.Status.WRITING)


def _runs(request):
    if not request.user.has_perm("employees.run_imports"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return ImportRun.objects.select_related("created_by")


@hr_required
def import_list(request):
    runs = _runs(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run = import_run_start(
            kind=data["kind"],
            content=data["file"],
            filename=data["file"].name,
            user=request.user,
            year=data["year"],
            from_year=data["from_year"],
        )
        return redirect("import_detail", pk=run.pk)
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "imports/import_list.html", {"form": form, "page": page}, status=400 if form.errors else 200
    )


@hr_required
def import_detail(request, pk):
    run = get_object_or_404(_runs(request), pk=pk)
    return render(request, "imports/import_detail.html", _detail_context(run))


@hr_required
def import_progress(request, pk):
    """Polled by htmx while a run is checked or written; when it is finished the page reloads."""
    run = get_object_or_404(_runs(request), pk=pk)
    response = render(
        request, "imports/_progress.html", {"run": run, "in_progress": run.status in IN_PROGRESS}
    )
    if run.status not in IN_PROGRESS:
        response["HX-Refresh"] = "true"
    return response


@hr_required
@require_POST
def import_confirm(request, pk):
    run = get_object_or_404(_runs(request), pk=pk)
    if run.status != ImportRun.Status.READY:
        messages.error(
            request,
            _("Impor ini tidak dapat disimpan: statusnya %(status)s.") % {"status": run.get_status_display()},
        )
    else:
        import_run_confirm(run=run)
    return redirect("import_detail", pk=run.pk)


@hr_required
def import_file(request, pk):
    run = get_object_or_404(_runs(request), pk=pk)
    return FileResponse(run.file.open("rb"), as_attachment=True, filename=run.original_name)


@hr_required
def import_report(request, pk, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    run = get_object_or_404(_runs(request), pk=pk)
    rows = (
        [
            i["row"] or "",
            i["column"],
            i["value"],
            _("kesalahan") if i["severity"] == "error" else _("peringatan"),
            i["message"],
            i["hint"],
        ]
        for i in run.issues
    )
    stem = f"laporan-impor-{run.pk}"
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(buffer, REPORT_COLUMNS, rows, title=_("Laporan impor"))
        buffer.seek(0)
        return FileResponse(buffer, as_attachment=True, filename=f"{stem}.xlsx")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    response.write("\ufeff")  # so Excel opens the UTF-8 report with the right letters
    write_csv(response, REPORT_COLUMNS, rows)
    return response


def _detail_context(run):
    errors = [i for i in run.issues if i["severity"] == "error"]
    warnings = [i for i in run.issues if i["severity"] != "error"]
    return {
        "run": run,
        "in_progress": run.status in IN_PROGRESS,
        "errors": errors[:ISSUES_SHOWN],
        "warnings": warnings[:ISSUES_SHOWN],
        "issues_shown": ISSUES_SHOWN,
    }
