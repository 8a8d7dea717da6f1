import csv
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.models import PEREKAT_BANGSA
from assessments.selectors import competencies
from employees.access import hr_or_leader_required, hr_required
from employees.importing.writer import escape_cell, write_xlsx
from employees.models import Employee, OrgUnit
from employees.roles import is_hr, led_units
from employees.selectors import employees_visible_to, unit_ancestors, unit_choices, units_visible_to

from . import selectors, services
from .forms import GapListFilterForm, NeedAddForm, NeedExcludeForm
from .models import TrainingNeed

ROWS_PER_PAGE = 25


def _year(request, years: list[int]) -> int | None:
    try:
        wanted = int(request.GET.get("year", ""))
    except ValueError:
        wanted = None
    return wanted if wanted in years else (years[0] if years else None)


def _dashboard_unit(request) -> tuple[OrgUnit | None, list[OrgUnit]]:
    """The unit whose subtree the dashboard shows, and the units the viewer starts from."""
    roots = (
        list(OrgUnit.objects.filter(parent__isnull=True)) if is_hr(request.user) else led_units(request.user)
    )
    wanted = request.GET.get("unit")
    if wanted:
        unit = units_visible_to(request.user).filter(pk=wanted).first() if wanted.isdigit() else None
        if unit is None:
            raise Http404  # not theirs, or not there: the same answer
        return unit, roots
    return (roots[0] if roots else None), roots


@hr_or_leader_required
def dashboard(request):
    years = selectors.available_years()
    year = _year(request, years)
    unit, roots = _dashboard_unit(request)
    context = {"year": year, "years": years, "unit": unit, "roots": roots}
    if year is not None and unit is not None:
        competency_list = list(competencies())
        trend_years, trend_lines = selectors.perekat_bangsa_trend(unit=unit, years=years)
        top = {r.pk for r in roots}
        path = unit_ancestors(unit)
        if not is_hr(request.user):  # a leader's breadcrumb starts at the unit they lead
            start = next((i for i, u in enumerate(path) if u.pk in top), 0)
            path = path[start:]
        context.update(
            competencies=competency_list,
            summary=selectors.jpm_summary(year=year, unit=unit),
            perekat=selectors.perekat_bangsa_distribution(year=year, unit=unit),
            heatmap=selectors.heatmap(year=year, unit=unit, competencies=competency_list),
            trend_years=trend_years,
            trend_lines=trend_lines,
            breadcrumb=path,
        )
    return render(request, "gaps/dashboard.html", context)


@hr_or_leader_required
def gap_list(request):
    years = selectors.available_years()
    year = _year(request, years)
    if year is None:
        return render(request, "gaps/gap_list.html", {"year": None})
    units = units_visible_to(request.user).order_by("path")
    data = request.GET.copy()
    data.setdefault("competency", PEREKAT_BANGSA)
    form = GapListFilterForm(data, units=units)
    filters = form.cleaned_data if form.is_valid() else {"competency": None, "min_gap": 1}
    gaps = selectors.gap_list(
        selectors.gaps_visible_to(request.user, year=year),
        unit=filters.get("unit"),
        jenis=filters.get("jenis", ""),
        jenjang=filters.get("jenjang", ""),
        competency=filters.get("competency"),
        min_gap=filters.get("min_gap", 1),
        sort=filters.get("sort") or "gap",
    )
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        return _export(gaps, year, export)
    page = Paginator(gaps, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "gaps/gap_list.html",
        {
            "year": year,
            "years": years,
            "form": form,
            "page": page,
            "query_string": query.urlencode(),
            "units": unit_choices(units),
        },
    )


class _Echo:
    def write(self, value):
        return value


def _export(gaps, year, fmt):
    """The export_gaps file for the rows on screen (all pages), streamed."""
    rows = selectors.gap_export_rows(gaps)
    filename = f"gap-{year}.{fmt}"
    if fmt == "xlsx":
        spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
        write_xlsx(spool, selectors.EXPORT_COLUMNS, rows, title=f"Gap {year}")
        spool.seek(0)
        return FileResponse(spool, as_attachment=True, filename=filename)

    def lines():
        writer = csv.writer(_Echo(), lineterminator="\n")
        yield writer.writerow(selectors.EXPORT_COLUMNS)
        for row in rows:
            yield writer.writerow([escape_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def competency_profile(request, nip):
    employee = get_object_or_404(employees_visible_to(request.user), nip=nip)
    context = {"employee": employee, **selectors.employee_profile(employee)}
    return render(request, "gaps/profile.html", context)


@hr_required
def training_needs(request):
    years = selectors.available_years()
    year = _year(request, years)
    needs = selectors.training_needs_pool(year=year) if year else TrainingNeed.objects.none()
    page = Paginator(needs, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "gaps/training_needs.html",
        {
            "year": year,
            "years": years,
            "page": page,
            "add_form": NeedAddForm(),
            "query_string": f"year={year}" if year else "",
        },
    )


@hr_required
@require_POST
def training_need_exclude(request, pk):
    need = get_object_or_404(TrainingNeed, pk=pk)
    form = NeedExcludeForm(request.POST)
    if form.is_valid():
        services.training_need_exclude(need=need, reason=form.cleaned_data["note"], user=request.user)
        messages.success(request, _("%(name)s dikecualikan dari daftar.") % {"name": need.employee.name})
    else:
        messages.error(
            request, _("Tuliskan alasan pengecualian untuk %(name)s.") % {"name": need.employee.name}
        )
    return redirect(f"{_needs_url()}?year={need.year}")


@hr_required
@require_POST
def training_need_include(request, pk):
    need = get_object_or_404(TrainingNeed, pk=pk)
    services.training_need_include(need=need, user=request.user)
    messages.success(request, _("%(name)s dikembalikan ke daftar.") % {"name": need.employee.name})
    return redirect(f"{_needs_url()}?year={need.year}")


@hr_required
@require_POST
def training_need_add(request):
    year = _year(request, selectors.available_years())
    form = NeedAddForm(request.POST)
    if not year:
        messages.error(request, _("Belum ada tahun hasil asesmen untuk daftar kebutuhan diklat."))
        return redirect(_needs_url())
    if not form.is_valid():
        messages.error(request, _("Isi NIP dan alasan untuk menambahkan pegawai."))
        return redirect(_needs_url())
    employee = Employee.objects.filter(nip=form.cleaned_data["nip"].strip()).first()
    if employee is None:
        messages.error(
            request, _("NIP %(nip)s tidak ada di data pegawai.") % {"nip": form.cleaned_data["nip"]}
        )
        return redirect(f"{_needs_url()}?year={year}")
    try:
        services.training_need_add(
            employee=employee, year=year, reason=form.cleaned_data["note"], user=request.user
        )
        messages.success(request, _("%(name)s ditambahkan ke daftar.") % {"name": employee.name})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{_needs_url()}?year={year}")


def _needs_url():
    return reverse("training_needs")
