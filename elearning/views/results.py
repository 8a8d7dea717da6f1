"""Pre/post-test results: a space's results page and its download (HR and the space's
facilitators see everyone; a unit leader sees their own subtree's participants, or 404 when
none is there; anyone else 404), and the results of a leader's (or HR's) people across
spaces."""

import io

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.translation import gettext as _

from employees.access import hr_or_leader_required
from employees.importing.writer import write_csv, write_xlsx
from employees.roles import is_leader
from employees.selectors import employees_visible_to

from ..access import may_manage
from ..models import LearningSpace
from ..selectors.results import SpaceResults, space_results, unit_results, unit_results_years

EXPORT_COLUMNS = ["nip", "nama", "unit", "pre", "post", "selisih", "g", "kategori"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scoped_results(request, space_pk: int) -> tuple[SpaceResults, bool]:
    """The space's results as this user may see them, and whether they manage the space; 404
    for anyone who may see no row (a learner's own score is on their attempt's page)."""
    space = get_object_or_404(LearningSpace, pk=space_pk)
    if may_manage(request.user, space):
        return space_results(space), True
    if is_leader(request.user):
        results = space_results(space, employees=employees_visible_to(request.user))
        if results.rows:
            return results, False
    raise Http404


@login_required
def space_results_view(request, space_pk):
    results, manages = _scoped_results(request, space_pk)
    return render(request, "elearning/results/space_results.html", {"results": results, "manages": manages})


def export_rows(results: SpaceResults):
    for row in results.rows:
        yield [
            row.nip,
            row.name,
            row.unit_name,
            "" if row.pre is None else row.pre,
            "" if row.post is None else row.post,
            "" if row.difference is None else row.difference,
            "" if row.gain is None else row.gain,
            str(row.category_label) if row.category else "",
        ]


@login_required
def space_results_export(request, space_pk):
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise Http404
    results, _manages = _scoped_results(request, space_pk)
    filename = f"hasil-tes-ruang-{results.space.pk}.{fmt}"
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(buffer, EXPORT_COLUMNS, export_rows(results), title=_("Hasil tes"))
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        write_csv(response, EXPORT_COLUMNS, export_rows(results))
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@hr_or_leader_required
def unit_results_view(request):
    years = unit_results_years(request.user)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    if year not in years:
        year = years[0] if years else None
    groups = unit_results(request.user, year=year) if year is not None else []
    return render(
        request, "elearning/results/unit_results.html", {"groups": groups, "year": year, "years": years}
    )


urlpatterns = [
    path("belajar/ruang/<int:space_pk>/hasil/", space_results_view, name="space_results"),
    path("belajar/ruang/<int:space_pk>/hasil/unduh/", space_results_export, name="space_results_export"),
    path("belajar/hasil-unit/", unit_results_view, name="unit_results"),
]
