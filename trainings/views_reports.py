"""The effectiveness reports: one class (per participant), and one assessment year by unit.

Access: HR sees every class and the whole agency; a unit leader sees the rows of their own
subtree only (participants through employees_visible_to, units through units_visible_to) and
gets 404 for a class none of whose participants are theirs, or a unit outside their subtree;
participants and facilitators get 403; anonymous visitors go to the login page."""

import io
import tempfile

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from assessments.models import PEREKAT_BANGSA, Competency
from employees.access import hr_or_leader_required
from employees.importing.writer import write_csv, write_xlsx
from employees.models import OrgUnit
from employees.roles import is_hr, led_units
from employees.selectors import employees_visible_to, unit_ancestors, units_visible_to
from gaps.selectors import available_years

from . import reports
from .models import TrainingClass


@hr_or_leader_required
def class_effectiveness(request, pk):
    training_class = get_object_or_404(
        TrainingClass.objects.select_related("programme", "learning_space"), pk=pk
    )
    report = reports.class_effectiveness(training_class, employees=employees_visible_to(request.user))
    scoped = not is_hr(request.user)
    if scoped and not report.rows:
        raise Http404  # none of the class's participants are theirs: as if there were no class
    return render(request, "trainings/reports/class_effectiveness.html", {"report": report, "scoped": scoped})


def _year(request, years: list[int]) -> int | None:
    wanted = request.GET.get("tahun", "")
    wanted = int(wanted) if wanted.isdigit() else None
    return wanted if wanted in years else (years[0] if years else None)


def _report_unit(request) -> tuple[OrgUnit | None, list[OrgUnit]]:
    """The unit whose subtree the report shows (?unit=), and the units the viewer starts from:
    HR the top-level units, a leader the units they lead (as the gap dashboard)."""
    user = request.user
    roots = (
        list(OrgUnit.objects.filter(parent__isnull=True).order_by("name")) if is_hr(user) else led_units(user)
    )
    wanted = request.GET.get("unit", "")
    if wanted:
        unit = units_visible_to(user).filter(pk=wanted).first() if wanted.isdigit() else None
        if unit is None:
            raise Http404  # not theirs, or not there: the same answer
        return unit, roots
    return (roots[0] if roots else None), roots


@hr_or_leader_required
def effectiveness_report(request):
    years = available_years()
    year = _year(request, years)
    unit, roots = _report_unit(request)
    context = {"year": year, "years": years, "unit": unit, "roots": roots, "report": None}
    if year is not None and unit is not None:
        report = reports.yearly_effectiveness(
            year=year, unit=unit, competency=Competency.objects.get(code=PEREKAT_BANGSA)
        )
        export = request.GET.get("format")
        if export in ("csv", "xlsx"):
            return _export(report, export)
        path = unit_ancestors(unit)
        if not is_hr(request.user):  # a leader's breadcrumb starts at the unit they lead
            top = {r.pk for r in roots}
            start = next((i for i, u in enumerate(path) if u.pk in top), 0)
            path = path[start:]
        context.update(report=report, breadcrumb=path)
    return render(request, "trainings/reports/effectiveness.html", context)


def _export(report: reports.YearlyEffectiveness, fmt: str):
    """The page's figures as a file (a few hundred rows at most: built in memory)."""
    rows = list(reports.yearly_export_rows(report))
    filename = f"efektivitas-diklat-{report.year}-unit-{report.unit.pk}.{fmt}"
    if fmt == "xlsx":
        spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
        write_xlsx(spool, reports.EXPORT_COLUMNS, rows, title=f"Efektivitas {report.year}")
        spool.seek(0)
        return FileResponse(spool, as_attachment=True, filename=filename)
    buffer = io.StringIO()
    write_csv(buffer, reports.EXPORT_COLUMNS, rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
