"""Reads for the gap dashboards, profile, lists and exports. Dashboard figures come from the
per-unit statistics (a few thousand rows at most), so a page costs the same few queries for an
agency of 80 employees or 80,000."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, IntegerField, Max, Q, QuerySet, Value, When

from assessments.models import PEREKAT_BANGSA, Competency
from employees.models import OrgUnit
from employees.selectors import employees_visible_to

from .models import CompetencyGap, JobPersonMatch, JpmCategory, TrainingNeed, UnitCompetencyStat

GAP_SIZES = (0, 1, 2, 3, 4)


def available_years() -> list[int]:
    """Years with computed gaps, newest first (read from the small per-unit statistics)."""
    return list(UnitCompetencyStat.objects.order_by("-year").values_list("year", flat=True).distinct())


def latest_year() -> int | None:
    return UnitCompetencyStat.objects.aggregate(latest=Max("year"))["latest"]


@dataclass
class Tally:
    assessed: int = 0
    below: int = 0
    gap_sum: int = 0
    sizes: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])

    def add(self, stat) -> None:
        self.assessed += stat["assessed"]
        self.below += stat["below"]
        self.gap_sum += stat["gap_sum"]
        counted = [stat["gap_1"], stat["gap_2"], stat["gap_3"], stat["gap_4"]]
        self.sizes = [
            self.sizes[0] + stat["assessed"] - sum(counted),
            *(a + b for a, b in zip(self.sizes[1:], counted, strict=True)),
        ]

    @property
    def share_below(self) -> float | None:
        return self.below / self.assessed if self.assessed else None

    @property
    def mean_gap(self) -> float | None:
        return self.gap_sum / self.assessed if self.assessed else None


@dataclass
class HeatRow:
    unit: OrgUnit
    own_only: bool  # the unit's own employees, without its sub-units
    cells: list[Tally]
    drillable: bool


def _stats(year_filter: Q, unit: OrgUnit):
    return UnitCompetencyStat.objects.filter(year_filter, unit__path__startswith=unit.path).values(
        "year",
        "unit__path",
        "competency_id",
        "assessed",
        "below",
        "gap_sum",
        "gap_1",
        "gap_2",
        "gap_3",
        "gap_4",
    )


def _child_id(unit: OrgUnit, path: str) -> int | None:
    """Which child of `unit` the unit at `path` lies under (None: `unit` itself)."""
    rest = path[len(unit.path) :].strip("/")
    return int(rest.split("/")[0]) if rest else None


def heatmap(*, year: int, unit: OrgUnit, competencies: list[Competency]) -> list[HeatRow]:
    """Rows: each child unit of `unit` (over its whole subtree), and `unit`'s own employees.
    Columns: competencies. Two queries."""
    children = list(OrgUnit.objects.filter(parent=unit).order_by("name"))
    column = {c.pk: i for i, c in enumerate(competencies)}
    tallies: dict[int | None, list[Tally]] = defaultdict(lambda: [Tally() for _ in competencies])
    for stat in _stats(Q(year=year), unit):
        if stat["competency_id"] in column:
            tallies[_child_id(unit, stat["unit__path"])][column[stat["competency_id"]]].add(stat)
    rows = [HeatRow(child, False, tallies[child.pk], True) for child in children if child.pk in tallies]
    if None in tallies:
        rows.insert(0, HeatRow(unit, True, tallies[None], False))
    return rows


def perekat_bangsa_distribution(*, year: int, unit: OrgUnit) -> Tally:
    tally = Tally()
    for stat in _stats(Q(year=year, competency__code=PEREKAT_BANGSA), unit):
        tally.add(stat)
    return tally


def perekat_bangsa_trend(
    *, unit: OrgUnit, years: list[int]
) -> tuple[list[int], list[tuple[OrgUnit, list[float | None]]]]:
    """Share meeting the Perekat Bangsa standard per year, for `unit`'s subtree and each child."""
    years = sorted(years)
    if len(years) < 2:
        return years, []
    children = {c.pk: c for c in OrgUnit.objects.filter(parent=unit).order_by("name")}
    totals: dict[tuple[int | None, int], Tally] = defaultdict(Tally)
    for stat in _stats(Q(competency__code=PEREKAT_BANGSA), unit):
        child = _child_id(unit, stat["unit__path"])
        totals[("all", stat["year"])].add(stat)
        if child is not None:
            totals[(child, stat["year"])].add(stat)

    def meeting(key):
        tally = totals.get(key)
        return None if not tally or not tally.assessed else 1 - tally.share_below

    lines = [(unit, [meeting(("all", y)) for y in years])]
    lines += [
        (child, [meeting((pk, y)) for y in years])
        for pk, child in children.items()
        if any((pk, y) in totals for y in years)
    ]
    return years, lines


def jpm_summary(*, year: int, unit: OrgUnit) -> dict:
    """Assessed / meeting every standard / with a gap, and how many fall in each JPM band (the
    scale is data: one CASE built from it). One query besides the scale."""
    categories = list(JpmCategory.objects.all())
    band = Case(
        *[When(percent__gte=c.min_percent, then=Value(c.pk)) for c in categories],
        default=Value(None),
        output_field=IntegerField(),
    )
    rows = JobPersonMatch.objects.filter(year=year, unit__path__startswith=unit.path)
    aggregates = {f"band_{c.pk}": Count("pk", filter=Q(band_id=c.pk)) for c in categories}
    figures = rows.annotate(band_id=band).aggregate(
        assessed=Count("pk"), meeting=Count("pk", filter=Q(competencies_with_gap=0)), **aggregates
    )
    figures["with_gap"] = figures["assessed"] - figures["meeting"]
    figures["bands"] = [(c, figures[f"band_{c.pk}"]) for c in categories]
    return figures


def gaps_visible_to(user, *, year: int) -> QuerySet[CompetencyGap]:
    """The year's gap rows of the employees this user may see (the one visibility selector)."""
    return CompetencyGap.objects.filter(
        year=year, employee__in=employees_visible_to(user).values("pk")
    ).select_related("employee", "unit", "position", "competency")


GAP_SORTS = {
    "gap": ("-gap", "employee__name"),
    "nama": ("employee__name", "employee__nip"),
    "unit": ("unit__name", "employee__name"),
    "nip": ("employee__nip", "competency__code"),
}


def gap_list(
    gaps: QuerySet[CompetencyGap],
    *,
    unit=None,
    jenis="",
    jenjang="",
    competency=None,
    min_gap: int = 1,
    sort: str = "gap",
) -> QuerySet[CompetencyGap]:
    if unit is not None:
        gaps = gaps.filter(unit__path__startswith=unit.path)
    if jenis:
        gaps = gaps.filter(position__jenis=jenis)
    if jenjang:
        gaps = gaps.filter(position__jenjang=jenjang)
    if competency is not None:
        gaps = gaps.filter(competency=competency)
    if min_gap:
        gaps = gaps.filter(gap__gte=min_gap)
    return gaps.order_by(*GAP_SORTS.get(sort, GAP_SORTS["gap"]))


EXPORT_COLUMNS = ["nip", "nama", "unit_kode", "jabatan_kode", "kompetensi", "standar", "hasil", "gap"]


def gap_export_rows(gaps: QuerySet[CompetencyGap]):
    """formats.md's export_gaps rows, sorted by NIP then competency code, streamed in chunks."""
    rows = gaps.order_by("employee__nip", "competency__code").values_list(
        "employee__nip",
        "employee__name",
        "unit__code",
        "position__code",
        "competency__code",
        "standard",
        "assessed",
        "gap",
    )
    yield from rows.iterator(chunk_size=5000)


def employee_profile(employee) -> dict:
    """Every year's assessed level, standard and gap for each competency of one employee, and
    the Perekat Bangsa level titles and indicators of the current and the target level."""
    competencies = list(Competency.objects.prefetch_related("levels__indicators"))
    gaps = list(CompetencyGap.objects.filter(employee=employee).order_by("year"))
    years = sorted({g.year for g in gaps})
    by_key = {(g.competency_id, g.year): g for g in gaps}
    table = [(c, [by_key.get((c.pk, y)) for y in years]) for c in competencies]
    jpms = {j.year: j for j in JobPersonMatch.objects.filter(employee=employee)}
    perekat = next((c for c in competencies if c.code == PEREKAT_BANGSA), None)
    latest = by_key.get((perekat.pk, years[-1])) if perekat and years else None
    levels = {lv.level: lv for lv in perekat.levels.all()} if perekat else {}
    return {
        "years": years,
        "table": table,
        "jpms": [jpms.get(y) for y in years],
        "perekat_latest": latest,
        "perekat_current_level": levels.get(latest.assessed) if latest else None,
        "perekat_target_level": levels.get(latest.standard) if latest and latest.gap else None,
        "needs": list(TrainingNeed.objects.filter(employee=employee).order_by("-year")),
    }


def training_needs_pool(*, year: int) -> QuerySet[TrainingNeed]:
    """Prioritised: the biggest gap first, then the lowest JPM."""
    return (
        TrainingNeed.objects.filter(year=year, competency__code=PEREKAT_BANGSA)
        .select_related("employee__unit", "employee__position", "changed_by")
        .order_by("excluded", "-gap", F("jpm_percent").asc(nulls_last=True), "employee__name")
    )
