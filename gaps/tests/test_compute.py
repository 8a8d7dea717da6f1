"""gaps_compute (domain.md, "Gap and Job Person Match"): gap = standard − assessed where positive,
against the standard in force that year (own standard, else the jenis/jenjang default); JPM =
Σ assessed ÷ Σ standard × 100; the JPM scale is data; the training-needs pool follows the
Perekat Bangsa gaps and keeps HR's and the planning's decisions."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessments.models import PEREKAT_BANGSA, AssessmentResult
from assessments.services import position_standards_set
from employees.importing.engine import Options, run_import
from employees.models import Jenis, Jenjang
from employees.tests.factories import EmployeeFactory, OrgUnitFactory, PositionFactory
from gaps.models import CompetencyGap, JobPersonMatch, JpmCategory, TrainingNeed, UnitCompetencyStat
from gaps.selectors import jpm_summary, training_needs_pool
from gaps.services import (
    NOTE_GAP_CLOSED_BY_CORRECTION,
    gaps_compute,
    training_need_add,
    training_need_exclude,
    training_need_include,
)

pytestmark = pytest.mark.django_db

YEAR = 2026


def gap_of(employee, code, year=YEAR) -> CompetencyGap:
    return CompetencyGap.objects.get(employee=employee, year=year, competency__code=code)


def need_of(employee, year=YEAR) -> TrainingNeed:
    return TrainingNeed.objects.get(employee=employee, year=year, competency__code=PEREKAT_BANGSA)


@pytest.fixture
def unit(db):
    return OrgUnitFactory(code="UNIT", name="Unit")


@pytest.fixture
def penyelia(db):
    """Fungsional Penyelia: default standard 3, no standard of its own."""
    return PositionFactory(code="JF-PENYELIA", jenis=Jenis.FUNGSIONAL, jenjang=Jenjang.PENYELIA)


@pytest.fixture
def andi(unit, penyelia):
    return EmployeeFactory(nip="198001012005011001", name="Andi", unit=unit, position=penyelia)


# --- gaps ------------------------------------------------------------------------------------------


def test_andi_penyelia_level_1_against_standard_3_has_gap_2_and_is_in_the_pool(andi, assess):
    assess(andi, YEAR, perekat_bangsa=1)
    figures = gaps_compute(year=YEAR)

    gap = gap_of(andi, PEREKAT_BANGSA)
    assert (gap.standard, gap.assessed, gap.gap) == (3, 1, 2)
    assert (gap.unit_id, gap.position_id) == (andi.unit_id, andi.position_id)
    pool = list(training_needs_pool(year=YEAR))
    assert [(n.employee_id, n.gap, n.status, n.added_by_hr, n.excluded) for n in pool] == [
        (andi.pk, 2, TrainingNeed.Status.IDENTIFIED, False, False)
    ]
    assert pool[0].jpm_percent == Decimal("33.33")
    assert figures == {"gaps": 1, "employees": 1, "needs_created": 1, "needs_closed": 0, "needs_reopened": 0}


def test_level_above_standard_is_gap_0_not_negative(andi, assess):
    assess(andi, YEAR, perekat_bangsa=5, integritas=3)
    gaps_compute(year=YEAR)

    above, equal = gap_of(andi, PEREKAT_BANGSA), gap_of(andi, "integritas")
    assert (above.standard, above.assessed, above.gap) == (3, 5, 0)
    assert (equal.standard, equal.assessed, equal.gap) == (3, 3, 0)
    jpm = JobPersonMatch.objects.get(employee=andi, year=YEAR)
    assert (jpm.competencies_with_gap, jpm.perekat_bangsa_gap) == (0, 0)
    assert not TrainingNeed.objects.exists()


def test_a_competency_not_assessed_has_no_gap_row(andi, assess):
    assess(andi, YEAR, integritas=2)
    gaps_compute(year=YEAR)

    assert list(CompetencyGap.objects.values_list("competency__code", flat=True)) == ["integritas"]
    jpm = JobPersonMatch.objects.get(employee=andi, year=YEAR)
    assert jpm.perekat_bangsa_gap is None  # not assessed is not "gap 0"
    assert not TrainingNeed.objects.exists()


def test_only_the_requested_year_is_computed(andi, assess):
    assess(andi, YEAR, perekat_bangsa=1)
    assess(andi, YEAR + 1, perekat_bangsa=2)
    gaps_compute(year=YEAR)
    assert list(CompetencyGap.objects.values_list("year", "gap")) == [(YEAR, 2)]


def test_default_standard_applies_only_when_the_position_has_none_of_its_own(unit, assess, standard):
    administrator = PositionFactory(code="ADM", jenis=Jenis.ADMINISTRATOR, jenjang="")
    pengawas = PositionFactory(code="PGW", jenis=Jenis.PENGAWAS, jenjang="")
    ahli_muda = PositionFactory(code="JF-MUDA", jenis=Jenis.FUNGSIONAL, jenjang=Jenjang.AHLI_MUDA)
    standard(administrator, integritas=5)  # own standard for one competency only
    adm = EmployeeFactory(unit=unit, position=administrator)
    pgw = EmployeeFactory(unit=unit, position=pengawas)
    muda = EmployeeFactory(unit=unit, position=ahli_muda)
    for employee in (adm, pgw, muda):
        assess(employee, YEAR, perekat_bangsa=1, integritas=1)

    gaps_compute(year=YEAR)

    standards = {
        (g.employee_id, g.competency.code): (g.standard, g.gap)
        for g in CompetencyGap.objects.select_related("competency")
    }
    assert standards == {
        (adm.pk, "integritas"): (5, 4),  # its own
        (adm.pk, PEREKAT_BANGSA): (3, 2),  # administrator default
        (pgw.pk, "integritas"): (2, 1),  # pengawas default
        (pgw.pk, PEREKAT_BANGSA): (2, 1),
        (muda.pk, "integritas"): (2, 1),  # fungsional ahli muda default
        (muda.pk, PEREKAT_BANGSA): (2, 1),
    }


def test_editing_the_default_level_changes_the_next_computation(andi, assess):
    from assessments.models import DefaultStandardLevel

    assess(andi, YEAR, perekat_bangsa=1)
    DefaultStandardLevel.objects.filter(jenis=Jenis.FUNGSIONAL, jenjang=Jenjang.PENYELIA).update(level=4)
    gaps_compute(year=YEAR)
    assert gap_of(andi, PEREKAT_BANGSA).gap == 3


def test_a_standard_changed_from_2027_changes_2027_only(
    andi, assess, standard, django_capture_on_commit_callbacks
):
    standard(andi.position, perekat_bangsa=2, integritas=2)  # for every year
    assess(andi, 2026, perekat_bangsa=2, integritas=2)
    assess(andi, 2027, perekat_bangsa=2, integritas=2)
    gaps_compute(year=2026)
    gaps_compute(year=2027)
    fields = ("employee_id", "year", "competency_id", "unit_id", "position_id", "standard", "assessed", "gap")
    before_2026 = sorted(CompetencyGap.objects.filter(year=2026).values_list(*fields))
    assert {row[-1] for row in before_2026} == {0}

    # The receiver recomputes the years the change is in force for (2027), not 2026.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        position_standards_set(position=andi.position, levels={PEREKAT_BANGSA: 4}, from_year=2027)
    assert len(callbacks) == 1

    after = gap_of(andi, PEREKAT_BANGSA, year=2027)
    assert (after.standard, after.assessed, after.gap) == (4, 2, 2)
    assert gap_of(andi, "integritas", year=2027).standard == 2  # left out of `levels`: untouched
    assert sorted(CompetencyGap.objects.filter(year=2026).values_list(*fields)) == before_2026

    gaps_compute(year=2026)  # an explicit recompute of 2026 still uses the 2026 standard
    assert sorted(CompetencyGap.objects.filter(year=2026).values_list(*fields)) == before_2026
    assert need_of(andi, year=2027).gap == 2
    assert not TrainingNeed.objects.filter(year=2026).exists()


def test_the_latest_standard_not_after_the_year_is_in_force(andi, assess, standard):
    standard(andi.position, perekat_bangsa=2)  # from_year 0
    standard(andi.position, perekat_bangsa=4, from_year=2025)
    standard(andi.position, perekat_bangsa=5, from_year=2027)
    assess(andi, 2024, perekat_bangsa=1)
    assess(andi, 2026, perekat_bangsa=1)
    assess(andi, 2028, perekat_bangsa=1)
    for year in (2024, 2026, 2028):
        gaps_compute(year=year)
    assert sorted(CompetencyGap.objects.values_list("year", "standard", "gap")) == [
        (2024, 2, 1),
        (2026, 4, 3),
        (2028, 5, 4),
    ]


# --- JPM -------------------------------------------------------------------------------------------


def test_jpm_is_sum_assessed_over_sum_standard_for_the_competencies_assessed(andi, assess, standard):
    standard(andi.position, perekat_bangsa=3, integritas=4, komunikasi=2, kerjasama=5)
    # kerjasama (standard 5) is not assessed: it counts in neither sum.
    assess(andi, YEAR, perekat_bangsa=2, integritas=3, komunikasi=3)
    gaps_compute(year=YEAR)

    jpm = JobPersonMatch.objects.get(employee=andi, year=YEAR)
    # (2 + 3 + 3) / (3 + 4 + 2) × 100 = 8 / 9 × 100 = 88.888… → 88.89
    assert (jpm.assessed_total, jpm.standard_total) == (8, 9)
    assert jpm.percent == Decimal("88.89")
    assert (jpm.competencies_with_gap, jpm.perekat_bangsa_gap) == (2, 1)
    assert (jpm.unit_id, jpm.position_id) == (andi.unit_id, andi.position_id)
    assert need_of(andi).jpm_percent == Decimal("88.89")


def test_a_computed_jpm_of_exactly_90_is_optimal(andi, assess, standard, unit):
    standard(andi.position, perekat_bangsa=5, integritas=5)
    assess(andi, YEAR, perekat_bangsa=5, integritas=4)  # 9 / 10
    gaps_compute(year=YEAR)
    assert JobPersonMatch.objects.get(employee=andi).percent == Decimal("90.00")
    bands = {c.name: n for c, n in jpm_summary(year=YEAR, unit=unit)["bands"]}
    assert bands == {"Optimal": 1, "Cukup Optimal": 0, "Kurang Optimal": 0}


@pytest.fixture
def jpm_at(unit, penyelia):
    """jpm_at("89.99", gaps=1): a JPM row straight in the table, for the band edges."""

    def create(percent: str, *, gaps: int = 1):
        employee = EmployeeFactory(unit=unit, position=penyelia)
        return JobPersonMatch.objects.create(
            employee=employee,
            year=YEAR,
            unit=unit,
            position=penyelia,
            assessed_total=1,
            standard_total=1,
            percent=Decimal(percent),
            competencies_with_gap=gaps,
        )

    return create


def test_jpm_band_boundaries_and_an_edited_scale(unit, jpm_at):
    for percent in ("100.00", "90.00", "89.99", "78.00", "77.99", "0.00"):
        jpm_at(percent, gaps=0 if percent == "100.00" else 1)

    def bands():
        return [(c.name, n) for c, n in jpm_summary(year=YEAR, unit=unit)["bands"]]

    summary = jpm_summary(year=YEAR, unit=unit)
    assert (summary["assessed"], summary["meeting"], summary["with_gap"]) == (6, 1, 5)
    # 100 and 90.00 Optimal; 89.99 and 78.00 Cukup Optimal; 77.99 and 0 Kurang Optimal
    assert bands() == [("Optimal", 2), ("Cukup Optimal", 2), ("Kurang Optimal", 2)]

    JpmCategory.objects.filter(name="Optimal").update(min_percent=Decimal("89.99"))
    assert bands() == [("Optimal", 3), ("Cukup Optimal", 1), ("Kurang Optimal", 2)]

    JpmCategory.objects.create(name="Sangat Kurang", min_percent=Decimal("50"), color="dark")
    JpmCategory.objects.filter(name="Kurang Optimal").update(min_percent=Decimal("0.01"))
    # 0.00 is now under every band's minimum: counted in no band, still assessed
    assert bands() == [("Optimal", 3), ("Cukup Optimal", 1), ("Sangat Kurang", 1), ("Kurang Optimal", 0)]
    assert jpm_summary(year=YEAR, unit=unit)["assessed"] == 6


def test_jpm_summary_counts_the_units_subtree_only(jpm_at, unit, penyelia):
    child = OrgUnitFactory(parent=unit)
    other = OrgUnitFactory()
    jpm_at("95.00")
    for where in (child, other):
        employee = EmployeeFactory(unit=where, position=penyelia)
        JobPersonMatch.objects.create(
            employee=employee,
            year=YEAR,
            unit=where,
            position=penyelia,
            assessed_total=1,
            standard_total=1,
            percent=Decimal("50"),
            competencies_with_gap=1,
        )
    assert jpm_summary(year=YEAR, unit=unit)["assessed"] == 2
    assert jpm_summary(year=YEAR, unit=child)["assessed"] == 1
    assert jpm_summary(year=YEAR + 1, unit=unit)["assessed"] == 0


# --- recompute -------------------------------------------------------------------------------------


def snapshot(year=YEAR):
    return (
        sorted(
            CompetencyGap.objects.filter(year=year).values_list(
                "employee_id", "competency_id", "unit_id", "position_id", "standard", "assessed", "gap"
            )
        ),
        sorted(
            JobPersonMatch.objects.filter(year=year).values_list(
                "employee_id",
                "unit_id",
                "position_id",
                "assessed_total",
                "standard_total",
                "percent",
                "competencies_with_gap",
                "perekat_bangsa_gap",
            )
        ),
        sorted(
            UnitCompetencyStat.objects.filter(year=year).values_list(
                "unit_id", "competency_id", "assessed", "below", "gap_sum", "gap_1", "gap_2", "gap_3", "gap_4"
            )
        ),
        sorted(
            TrainingNeed.objects.filter(year=year).values_list(
                "employee_id",
                "competency_id",
                "gap",
                "jpm_percent",
                "status",
                "added_by_hr",
                "excluded",
                "note",
            )
        ),
    )


def test_recompute_is_idempotent(andi, assess, unit, penyelia):
    budi = EmployeeFactory(unit=OrgUnitFactory(parent=unit), position=penyelia)
    assess(andi, YEAR, perekat_bangsa=1, integritas=3, komunikasi=2)
    assess(budi, YEAR, perekat_bangsa=3, integritas=1)
    first_figures = gaps_compute(year=YEAR)
    first = snapshot()
    second_figures = gaps_compute(year=YEAR)

    assert snapshot() == first
    assert [len(rows) for rows in first] == [5, 2, 5, 1]  # stats: 3 in UNIT, 2 in its child
    assert first_figures["needs_created"] == 1
    assert second_figures == {**first_figures, "needs_created": 0}


def test_a_corrected_result_closes_an_identified_need_but_keeps_a_nominated_one(unit, penyelia, assess):
    identified = EmployeeFactory(unit=unit, position=penyelia, name="Masih teridentifikasi")
    nominated = EmployeeFactory(unit=unit, position=penyelia, name="Sudah dinominasikan")
    still = EmployeeFactory(unit=unit, position=penyelia, name="Masih bergap")
    results = [assess(e, YEAR, perekat_bangsa=1)[0] for e in (identified, nominated, still)]
    gaps_compute(year=YEAR)
    TrainingNeed.objects.filter(employee=nominated).update(status=TrainingNeed.Status.NOMINATED)

    AssessmentResult.objects.filter(pk__in=[results[0].pk, results[1].pk]).update(level=3)
    results[2].level = 2
    results[2].save()
    figures = gaps_compute(year=YEAR)

    assert figures["needs_closed"] == 1
    closed = need_of(identified)
    assert (closed.status, closed.gap, closed.note) == (
        TrainingNeed.Status.CLOSED,
        0,
        NOTE_GAP_CLOSED_BY_CORRECTION,
    )
    kept = need_of(nominated)
    assert kept.status == TrainingNeed.Status.NOMINATED
    assert kept.gap == 0
    smaller = need_of(still)
    assert (smaller.status, smaller.gap) == (TrainingNeed.Status.IDENTIFIED, 1)


def test_a_need_closed_by_a_correction_reopens_when_the_gap_comes_back(andi, assess):
    (result,) = assess(andi, YEAR, perekat_bangsa=1)
    gaps_compute(year=YEAR)
    AssessmentResult.objects.filter(pk=result.pk).update(level=3)
    gaps_compute(year=YEAR)
    assert need_of(andi).status == TrainingNeed.Status.CLOSED

    AssessmentResult.objects.filter(pk=result.pk).update(level=1)  # the first result was right
    gaps_compute(year=YEAR)
    need = need_of(andi)
    assert need.gap == 2
    assert need.status == TrainingNeed.Status.IDENTIFIED
    assert need.note != NOTE_GAP_CLOSED_BY_CORRECTION


# --- HR's decisions on the pool --------------------------------------------------------------------


def test_exclude_needs_a_reason_and_include_undoes_it(andi, assess, agency):
    assess(andi, YEAR, perekat_bangsa=1)
    gaps_compute(year=YEAR)
    need = need_of(andi)
    hr_user = agency.hr.user

    for blank in ("", "   "):
        with pytest.raises(ValidationError) as exc:
            training_need_exclude(need=need, reason=blank, user=hr_user)
        assert "note" in exc.value.message_dict
    need.refresh_from_db()
    assert (need.excluded, need.note, need.changed_by) == (False, "", None)

    training_need_exclude(need=need, reason="  Pensiun bulan depan ", user=hr_user)
    need.refresh_from_db()
    assert (need.excluded, need.note, need.changed_by) == (True, "Pensiun bulan depan", hr_user)

    gaps_compute(year=YEAR)  # a recompute keeps HR's exclusion
    need.refresh_from_db()
    assert (need.excluded, need.note, need.status) == (True, "Pensiun bulan depan", "identified")
    assert list(training_needs_pool(year=YEAR)) == [need]

    training_need_include(need=need, user=hr_user)
    need.refresh_from_db()
    assert (need.excluded, need.note, need.status, need.gap) == (False, "", "identified", 2)


def test_hr_adds_someone_without_a_gap_and_a_duplicate_is_refused(andi, assess, unit, penyelia, agency):
    meets = EmployeeFactory(unit=unit, position=penyelia, name="Memenuhi Standar")
    assess(andi, YEAR, perekat_bangsa=1)
    assess(meets, YEAR, perekat_bangsa=3, integritas=2)
    gaps_compute(year=YEAR)
    hr_user = agency.hr.user

    with pytest.raises(ValidationError):
        training_need_add(employee=meets, year=YEAR, reason=" ", user=hr_user)
    need = training_need_add(employee=meets, year=YEAR, reason="Pimpinan baru unit majemuk", user=hr_user)
    need.refresh_from_db()
    assert need.added_by_hr and not need.excluded
    assert (need.status, need.gap, need.note, need.changed_by) == (
        TrainingNeed.Status.IDENTIFIED,
        0,
        "Pimpinan baru unit majemuk",
        hr_user,
    )
    assert need.jpm_percent == JobPersonMatch.objects.get(employee=meets).percent == Decimal("83.33")

    with pytest.raises(ValidationError) as exc:
        training_need_add(employee=meets, year=YEAR, reason="lagi", user=hr_user)
    assert "employee" in exc.value.message_dict
    with pytest.raises(ValidationError):  # already in the pool from the gaps
        training_need_add(employee=andi, year=YEAR, reason="lagi", user=hr_user)
    assert TrainingNeed.objects.count() == 2

    gaps_compute(year=YEAR)  # HR's addition survives a recompute, not closed for "gap 0"
    need.refresh_from_db()
    assert need.added_by_hr and need.status == TrainingNeed.Status.IDENTIFIED


def test_hr_can_add_someone_not_assessed_that_year(unit, penyelia, agency):
    newcomer = EmployeeFactory(unit=unit, position=penyelia)
    need = training_need_add(employee=newcomer, year=YEAR, reason="Baru dilantik", user=agency.hr.user)
    assert (need.gap, need.jpm_percent, need.added_by_hr) == (0, None, True)


def test_a_need_added_by_hr_before_the_result_gets_the_computed_gap(andi, assess, unit, penyelia, agency):
    other = EmployeeFactory(unit=unit, position=penyelia)
    assess(other, YEAR, perekat_bangsa=2)  # the year's first file: Andi is not in it
    gaps_compute(year=YEAR)
    training_need_add(employee=andi, year=YEAR, reason="Pimpinan unit majemuk", user=agency.hr.user)

    assess(andi, YEAR, perekat_bangsa=1)  # Andi's result arrives in a second file
    gaps_compute(year=YEAR)

    need = need_of(andi)
    assert need.added_by_hr  # still HR's addition
    assert (need.gap, need.jpm_percent) == (2, Decimal("33.33"))
    assert list(training_needs_pool(year=YEAR))[0] == need  # gap 2 before gap 1


# --- after an import -------------------------------------------------------------------------------


def test_gaps_are_computed_automatically_after_an_assessment_import(
    tmp_path, andi, institution, django_capture_on_commit_callbacks
):
    path = tmp_path / "hasil.csv"
    path.write_text(
        f"nip,nama,tanggal_asesmen,lembaga,perekat_bangsa,integritas\n{andi.nip},Andi,30/11/{YEAR},LAN,1,3\n",
        encoding="utf-8",
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outcome = run_import("assessments", path, options=Options(year=YEAR))
    assert outcome.written and not outcome.errors
    assert len(callbacks) == 1

    assert sorted(CompetencyGap.objects.values_list("competency__code", "standard", "assessed", "gap")) == [
        ("integritas", 3, 3, 0),
        (PEREKAT_BANGSA, 3, 1, 2),
    ]
    assert JobPersonMatch.objects.get(employee=andi, year=YEAR).percent == Decimal("66.67")
    assert need_of(andi).gap == 2

    # The same file again changes nothing, so nothing is announced or recomputed.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run_import("assessments", path, options=Options(year=YEAR))
    assert callbacks == []

    # A corrected file recomputes: the gap closes and the identified need is closed.
    path.write_text(
        f"nip,nama,tanggal_asesmen,lembaga,perekat_bangsa,integritas\n{andi.nip},Andi,30/11/{YEAR},LAN,3,3\n",
        encoding="utf-8",
    )
    with django_capture_on_commit_callbacks(execute=True):
        run_import("assessments", path, options=Options(year=YEAR))
    assert gap_of(andi, PEREKAT_BANGSA).gap == 0
    assert need_of(andi).status == TrainingNeed.Status.CLOSED


# --- what a recompute may not rewrite --------------------------------------------------------------


def test_recomputing_a_past_year_after_a_move_keeps_that_years_unit_and_standard(andi, assess, standard):
    assess(andi, 2026, perekat_bangsa=1)
    gaps_compute(year=2026)
    before = gap_of(andi, PEREKAT_BANGSA, year=2026)
    assert (before.unit_id, before.standard, before.gap) == (andi.unit_id, 3, 2)

    # 2027: Andi is promoted into another unit, to a position requiring level 5.
    andi.unit = OrgUnitFactory(code="BARU")
    andi.position = PositionFactory(code="JPT", jenis=Jenis.JPT_PRATAMA, jenjang="")
    andi.save()
    standard(andi.position, perekat_bangsa=5)
    # Any later recompute of 2026 (someone's corrected 2026 result, a standard set for every year).
    gaps_compute(year=2026)

    after = gap_of(andi, PEREKAT_BANGSA, year=2026)
    assert (after.unit_id, after.position_id, after.standard, after.gap) == (
        before.unit_id,
        before.position_id,
        3,
        2,
    )


def test_a_position_whose_grade_changes_by_import_gets_its_gaps_recomputed(
    tmp_path, andi, assess, django_capture_on_commit_callbacks
):
    assess(andi, YEAR, perekat_bangsa=1)
    gaps_compute(year=YEAR)
    assert gap_of(andi, PEREKAT_BANGSA).standard == 3  # Fungsional Penyelia default

    path = tmp_path / "jabatan.csv"
    path.write_text("kode,nama,jenis,jenjang\nJF-PENYELIA,Jabatan,pengawas,\n", encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        outcome = run_import("positions", path)
    assert outcome.written and not outcome.errors
    andi.position.refresh_from_db()
    assert andi.position.jenis == Jenis.PENGAWAS

    assert gap_of(andi, PEREKAT_BANGSA).standard == 2  # the Pengawas default, as a recompute gives
