from dataclasses import dataclass

from django.db.models import QuerySet

from employees.models import Position

from .models import Competency, DefaultStandardLevel, PositionStandard


@dataclass(frozen=True)
class StandardCell:
    level: int | None
    is_default: bool  # no standard was set for this position: the jenis/jenjang default applies


def competencies() -> QuerySet[Competency]:
    return Competency.objects.all()


def competency_dictionary() -> QuerySet[Competency]:
    return Competency.objects.prefetch_related("levels__indicators")


def default_levels() -> dict[tuple[str, str], int]:
    return {(d.jenis, d.jenjang): d.level for d in DefaultStandardLevel.objects.all()}


def default_level_for(position: Position, defaults: dict[tuple[str, str], int] | None = None):
    defaults = default_levels() if defaults is None else defaults
    return defaults.get((position.jenis, position.jenjang or ""))


def standards_in_force(
    positions: list[Position], competency_list: list[Competency], year: int
) -> dict[int, list[StandardCell]]:
    """For each position, one cell per competency: the standard in force in `year` (the row
    with the latest from_year <= year), else the jenis/jenjang default. Three queries."""
    defaults = default_levels()
    in_force: dict[tuple[int, int], int] = {}
    rows = (
        PositionStandard.objects.filter(position__in=[p.pk for p in positions], from_year__lte=year)
        .order_by("from_year")
        .values_list("position_id", "competency_id", "level")
    )
    for position_id, competency_id, level in rows:
        in_force[(position_id, competency_id)] = level  # later from_year overwrites earlier
    table = {}
    for position in positions:
        fallback = default_level_for(position, defaults)
        table[position.pk] = [
            StandardCell(in_force[(position.pk, c.pk)], False)
            if (position.pk, c.pk) in in_force
            else StandardCell(fallback, True)
            for c in competency_list
        ]
    return table


ASSESSMENT_FILE_FIXED_COLUMNS = ["nip", "nama", "tanggal_asesmen", "lembaga"]


def assessment_file_columns() -> list[str]:
    return [*ASSESSMENT_FILE_FIXED_COLUMNS, *competencies().values_list("code", flat=True)]


def assessment_file_rows(year: int, employees=None):
    """That year's results in the import format: one row per employee, sorted by NIP, a level
    (or empty) per competency. Streams from the database in chunks. `employees` narrows the
    rows to a visible set."""
    from .models import AssessmentResult

    codes = list(competencies().values_list("code", flat=True))
    position = {code: i for i, code in enumerate(codes)}
    results = AssessmentResult.objects.filter(year=year)
    if employees is not None:
        results = results.filter(employee__in=employees)
    results = results.order_by("employee__nip", "competency__order", "competency__code").values_list(
        "employee__nip", "employee__name", "assessed_on", "institution__code", "competency__code", "level"
    )
    current, row = None, None
    for nip, name, assessed_on, institution, code, level in results.iterator(chunk_size=5000):
        if nip != current:
            if row is not None:
                yield row
            current = nip
            row = [nip, name, assessed_on.isoformat(), institution, *([""] * len(codes))]
        row[4 + position[code]] = level
    if row is not None:
        yield row
