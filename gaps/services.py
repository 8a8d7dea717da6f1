"""Computing gaps, JPM and the training-needs pool for a year, set-based: a few SQL statements
whatever the number of employees, never a Python loop per employee."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from assessments.models import PEREKAT_BANGSA, Competency

from .models import CompetencyGap, JobPersonMatch, TrainingNeed, UnitCompetencyStat

# The standard in force in year Y for the position the employee held that year (kept from the
# year's first computation, so a later move never rewrites a past year): the row with the latest
# from_year not after Y, else the default of the position's jenis/jenjang. Gap = standard − assessed when
# positive, else 0. Competencies not assessed that year have no result, hence no gap row.
GAPS_SQL = """
INSERT INTO gaps_competencygap (employee_id, year, competency_id, unit_id, position_id, standard, assessed, gap)
SELECT r.employee_id, r.year, r.competency_id, who.unit_id, who.position_id,
       COALESCE(in_force.level, d.level), r.level,
       CASE WHEN COALESCE(in_force.level, d.level) > r.level THEN COALESCE(in_force.level, d.level) - r.level
            ELSE 0 END
FROM assessments_assessmentresult r
JOIN (
    -- the unit and position the year was first computed with, else the current ones
    SELECT e.id AS employee_id, COALESCE(prev.unit_id, e.unit_id) AS unit_id,
           COALESCE(prev.position_id, e.position_id) AS position_id
    FROM employees_employee e LEFT JOIN gap_previous prev ON prev.employee_id = e.id
) who ON who.employee_id = r.employee_id
JOIN employees_position p ON p.id = who.position_id
LEFT JOIN (
    -- per position and competency, the standard with the latest from_year not after the year
    -- (positions × competencies: small, so it is built once and hash-joined)
    SELECT ps.position_id, ps.competency_id, ps.level
    FROM assessments_positionstandard ps
    JOIN (SELECT position_id, competency_id, MAX(from_year) AS from_year
          FROM assessments_positionstandard WHERE from_year <= %s
          GROUP BY position_id, competency_id) latest
      ON latest.position_id = ps.position_id AND latest.competency_id = ps.competency_id
     AND latest.from_year = ps.from_year
) in_force ON in_force.position_id = who.position_id AND in_force.competency_id = r.competency_id
LEFT JOIN assessments_defaultstandardlevel d ON d.jenis = p.jenis AND d.jenjang = p.jenjang
WHERE r.year = %s AND COALESCE(in_force.level, d.level) IS NOT NULL
"""

JPM_SQL = """
INSERT INTO gaps_jobpersonmatch (employee_id, year, unit_id, position_id, assessed_total, standard_total,
                                 percent, competencies_with_gap, perekat_bangsa_gap)
SELECT employee_id, year, MIN(unit_id), MIN(position_id), SUM(assessed), SUM(standard),
       ROUND(100.0 * SUM(assessed) / SUM(standard), 2),
       SUM(CASE WHEN gap > 0 THEN 1 ELSE 0 END),
       MAX(CASE WHEN competency_id = %s THEN gap END)
FROM gaps_competencygap
WHERE year = %s
GROUP BY employee_id, year
"""

STATS_SQL = """
INSERT INTO gaps_unitcompetencystat (year, unit_id, competency_id, assessed, below, gap_sum, gap_1, gap_2, gap_3, gap_4)
SELECT year, unit_id, competency_id, COUNT(*), SUM(CASE WHEN gap > 0 THEN 1 ELSE 0 END), SUM(gap),
       SUM(CASE WHEN gap = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN gap = 2 THEN 1 ELSE 0 END),
       SUM(CASE WHEN gap = 3 THEN 1 ELSE 0 END), SUM(CASE WHEN gap = 4 THEN 1 ELSE 0 END)
FROM gaps_competencygap
WHERE year = %s
GROUP BY year, unit_id, competency_id
"""

# Stored as data in TrainingNeed.note (read by HR), so not translated at write time.
NOTE_GAP_CLOSED_BY_CORRECTION = "Gap tertutup setelah hasil asesmen dikoreksi."


@transaction.atomic
def gaps_compute(*, year: int) -> dict[str, int]:
    """Recompute the year's gaps and JPM from its results and the standards in force that year,
    then bring the training-needs pool up to date. Safe to run again: same input, same rows."""
    perekat_bangsa = Competency.objects.get(code=PEREKAT_BANGSA)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Two recomputations of one year (two imports committing at once) take turns: the
            # second waits, then rebuilds from what the first committed. SQLite has one writer.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"gaps:{year}"])
        cursor.execute("DROP TABLE IF EXISTS gap_previous")
        cursor.execute(
            "CREATE TEMPORARY TABLE gap_previous AS SELECT DISTINCT employee_id, unit_id, position_id "
            "FROM gaps_competencygap WHERE year = %s",
            [year],
        )
    CompetencyGap.objects.filter(year=year).delete()
    JobPersonMatch.objects.filter(year=year).delete()
    UnitCompetencyStat.objects.filter(year=year).delete()
    with connection.cursor() as cursor:
        cursor.execute(GAPS_SQL, [year, year])
        gap_rows = cursor.rowcount
        cursor.execute("DROP TABLE gap_previous")
        cursor.execute(JPM_SQL, [perekat_bangsa.pk, year])
        employee_rows = cursor.rowcount
        cursor.execute(STATS_SQL, [year])
        if connection.vendor == "postgresql":
            # Right after a new year's import the planner knows nothing of it and would scan
            # the year's JPM rows once per training need in the update below.
            cursor.execute("ANALYZE gaps_jobpersonmatch")
    needs = training_needs_refresh(year=year, competency=perekat_bangsa)
    # The yearly loop: this year's result closes earlier years' needs or sends them back to the
    # pool (see training_needs_follow_up). Its counts stay out of the figures returned here.
    training_needs_follow_up(year=year, competency=perekat_bangsa)
    return {
        "gaps": gap_rows,
        "employees": employee_rows,
        **needs,
    }


def training_needs_refresh(*, year: int, competency: Competency) -> dict[str, int]:
    """Everyone with a gap ≥ 1 in the competency is in the year's pool; a need still only
    identified whose gap closed (a corrected result) is closed. HR's exclusions, additions and
    the planning's statuses are kept."""
    with_gap = JobPersonMatch.objects.filter(year=year, perekat_bangsa_gap__gte=1)
    existing = set(
        TrainingNeed.objects.filter(year=year, competency=competency).values_list("employee_id", flat=True)
    )
    new = [
        TrainingNeed(
            employee_id=row.employee_id,
            competency=competency,
            year=year,
            gap=row.perekat_bangsa_gap,
            jpm_percent=row.percent,
        )
        for row in with_gap.only("employee_id", "perekat_bangsa_gap", "percent")
        if row.employee_id not in existing
    ]
    TrainingNeed.objects.bulk_create(new, batch_size=5000, ignore_conflicts=True)
    current = JobPersonMatch.objects.filter(year=year, employee_id=OuterRef("employee_id"))
    needs = TrainingNeed.objects.filter(year=year, competency=competency)
    needs.update(
        gap=Coalesce(Subquery(current.values("perekat_bangsa_gap")[:1]), 0),
        jpm_percent=Subquery(current.values("percent")[:1]),
    )
    found_by_gaps = needs.filter(added_by_hr=False)
    closed = found_by_gaps.filter(status=TrainingNeed.Status.IDENTIFIED, gap__lt=1).update(
        status=TrainingNeed.Status.CLOSED, note=NOTE_GAP_CLOSED_BY_CORRECTION
    )
    # A later correction can bring the gap back: such a need returns to the pool.
    reopened = found_by_gaps.filter(
        status=TrainingNeed.Status.CLOSED, note=NOTE_GAP_CLOSED_BY_CORRECTION, gap__gte=1
    ).update(status=TrainingNeed.Status.IDENTIFIED, note="")
    return {"needs_created": len(new), "needs_closed": closed, "needs_reopened": reopened}


MSG_REASON_REQUIRED = _("Tuliskan alasannya: catatan ini dibaca pimpinan dan auditor.")
MSG_ALREADY_IN_POOL = _("%(name)s sudah ada dalam daftar kebutuhan diklat %(year)s.")


@transaction.atomic
def training_need_exclude(*, need: TrainingNeed, reason: str, user) -> TrainingNeed:
    if not reason.strip():
        raise ValidationError({"note": MSG_REASON_REQUIRED})
    need.excluded, need.note, need.changed_by = True, reason.strip(), user
    need.save(update_fields=["excluded", "note", "changed_by", "changed_at"])
    return need


@transaction.atomic
def training_need_include(*, need: TrainingNeed, user) -> TrainingNeed:
    need.excluded, need.note, need.changed_by = False, "", user
    need.save(update_fields=["excluded", "note", "changed_by", "changed_at"])
    return need


@transaction.atomic
def training_need_add(*, employee, year: int, reason: str, user) -> TrainingNeed:
    """HR adds someone the gaps did not put in the pool (e.g. a new leader of a diverse unit)."""
    if not reason.strip():
        raise ValidationError({"note": MSG_REASON_REQUIRED})
    competency = Competency.objects.get(code=PEREKAT_BANGSA)
    if TrainingNeed.objects.filter(employee=employee, competency=competency, year=year).exists():
        raise ValidationError({"employee": MSG_ALREADY_IN_POOL % {"name": employee.name, "year": year}})
    jpm = JobPersonMatch.objects.filter(employee=employee, year=year).first()
    return TrainingNeed.objects.create(
        employee=employee,
        competency=competency,
        year=year,
        added_by_hr=True,
        note=reason.strip(),
        gap=(jpm.perekat_bangsa_gap or 0) if jpm else 0,
        jpm_percent=jpm.percent if jpm else None,
        changed_by=user,
    )


@transaction.atomic
def training_need_move(*, employee, competency, status: str, user=None, need=None) -> int:
    """Planning moves an employee's open need to `status`: nominated when put in a class,
    identified again when declined, trained when completed. `need` is the one the nomination
    was made for, when known; otherwise the latest year's open need."""
    open_statuses = [TrainingNeed.Status.IDENTIFIED, TrainingNeed.Status.NOMINATED]
    if status == TrainingNeed.Status.CLOSED:
        open_statuses.append(TrainingNeed.Status.TRAINED)
    open_needs = TrainingNeed.objects.filter(
        employee=employee, competency=competency, status__in=open_statuses
    )
    need = (open_needs.filter(pk=need.pk).first() if need is not None else None) or open_needs.order_by(
        "-year"
    ).first()
    if need is None:
        return 0
    need.status, need.changed_by = status, user
    need.save(update_fields=["status", "changed_by", "changed_at"])
    return 1


# The yearly loop (mission step 3: "the next year's assessment shows whether it did"). Notes
# are data read by HR, so not translated at write time.
NOTE_GAP_CLOSED_AT = "Gap tertutup pada asesmen {year}"
NOTE_GAP_REMAINS = "Asesmen {year}: gap masih {gap}"
NOTE_SUPERSEDED = "Digantikan kebutuhan asesmen {year} (gap masih {gap})"


def training_needs_follow_up(*, year: int, competency: Competency) -> dict[str, int]:
    """Follow earlier years' needs up with year `year`'s result in the competency, for every
    employee assessed in it that year whose latest assessment this is:

    - gap now 0: a trained or identified need is closed, "Gap tertutup pada asesmen Y" (an
      identified need HR added by hand, without a gap, is left to HR);
    - gap remaining: a trained need keeps its status and history, noted "Asesmen Y: gap masih N",
      and the employee is back in the pool through the year-Y need training_needs_refresh made;
      an older need still identified is closed as superseded by that year-Y need, so the
      employee is never in the pool twice.

    A nominated need (a class under way) and closed needs are left alone. Later years are never
    touched, and an employee assessed in a later year than `year` is left to that year's follow-up,
    so recomputing a past year cannot undo a newer one. Idempotent: a second run changes no row.
    A handful of set-based UPDATEs (gap sizes are 0-4), whatever the number of employees."""
    result = CompetencyGap.objects.filter(employee_id=OuterRef("employee_id"), competency=competency)
    earlier = TrainingNeed.objects.filter(competency=competency, year__lt=year).exclude(
        Exists(result.filter(year__gt=year))
    )
    with_need_now = Exists(
        TrainingNeed.objects.filter(employee_id=OuterRef("employee_id"), competency=competency, year=year)
    )
    status = TrainingNeed.Status
    closed = (
        earlier.filter(Exists(result.filter(year=year, gap=0)))
        .filter(Q(status=status.TRAINED) | Q(status=status.IDENTIFIED, added_by_hr=False))
        .update(status=status.CLOSED, note=NOTE_GAP_CLOSED_AT.format(year=year))
    )
    noted = superseded = 0
    for gap in range(1, 5):
        remaining = earlier.filter(Exists(result.filter(year=year, gap=gap)))
        note = NOTE_GAP_REMAINS.format(year=year, gap=gap)
        noted += remaining.filter(status=status.TRAINED).exclude(note=note).update(note=note)
        superseded += remaining.filter(with_need_now, status=status.IDENTIFIED).update(
            status=status.CLOSED, note=NOTE_SUPERSEDED.format(year=year, gap=gap)
        )
    return {"needs_gap_closed": closed, "needs_gap_remains": noted, "needs_superseded": superseded}
