"""The yearly loop (mission.md, Andi's example: "the next year's assessment shows whether it did"):
when year Y's gaps are computed, earlier years' Perekat Bangsa needs of the employees assessed in
Y are closed when the gap closed, or noted and sent back to the pool (through the year-Y need)
when it remains; an older need still identified gives way to the year-Y need. Later years are
never touched, and running again changes nothing."""

import pytest

from assessments.models import PEREKAT_BANGSA
from employees.models import Jenis, Jenjang
from employees.tests.factories import EmployeeFactory, OrgUnitFactory, PositionFactory
from gaps.models import TrainingNeed
from gaps.selectors import training_needs_pool
from gaps.services import gaps_compute, training_need_add, training_needs_follow_up

pytestmark = pytest.mark.django_db

Status = TrainingNeed.Status


@pytest.fixture
def unit(db):
    return OrgUnitFactory(code="UNIT", name="Unit")


@pytest.fixture
def penyelia(db):
    """Fungsional Penyelia: the default standard for Perekat Bangsa is 3."""
    return PositionFactory(code="JF-PENYELIA", jenis=Jenis.FUNGSIONAL, jenjang=Jenjang.PENYELIA)


@pytest.fixture
def person(unit, penyelia):
    def create(name):
        return EmployeeFactory(name=name, unit=unit, position=penyelia)

    return create


def need_of(employee, year) -> TrainingNeed:
    return TrainingNeed.objects.get(employee=employee, year=year, competency__code=PEREKAT_BANGSA)


def set_status(employee, year, status):
    TrainingNeed.objects.filter(employee=employee, year=year).update(status=status)


def snapshot():
    return sorted(
        TrainingNeed.objects.values_list("employee_id", "year", "status", "gap", "note", "changed_at")
    )


def test_andi_trained_and_still_below_standard_keeps_his_history_and_returns_to_the_pool(person, assess):
    andi = person("Andi")
    assess(andi, 2025, perekat_bangsa=1)  # standard 3: gap 2
    gaps_compute(year=2025)
    assert (need_of(andi, 2025).status, need_of(andi, 2025).gap) == (Status.IDENTIFIED, 2)
    set_status(andi, 2025, Status.TRAINED)  # the diklat in between

    assess(andi, 2026, perekat_bangsa=2)
    gaps_compute(year=2026)

    old, new = need_of(andi, 2025), need_of(andi, 2026)
    assert (old.status, old.gap, old.note) == (Status.TRAINED, 2, "Asesmen 2026: gap masih 1")
    assert (new.status, new.gap, new.note) == (Status.IDENTIFIED, 1, "")
    assert [n.employee_id for n in training_needs_pool(year=2026)] == [andi.pk]


def test_a_trained_employee_reaching_the_standard_has_the_need_closed(person, assess):
    budi = person("Budi")
    assess(budi, 2025, perekat_bangsa=2)
    gaps_compute(year=2025)
    set_status(budi, 2025, Status.TRAINED)

    assess(budi, 2026, perekat_bangsa=3)
    figures = gaps_compute(year=2026)

    need = need_of(budi, 2025)
    assert (need.status, need.note) == (Status.CLOSED, "Gap tertutup pada asesmen 2026")
    assert not TrainingNeed.objects.filter(employee=budi, year=2026).exists()
    assert "needs_gap_closed" not in figures  # the figures keep their shape


def test_identified_needs_close_or_give_way_to_this_years_need(person, assess):
    citra, dewi = person("Citra"), person("Dewi")
    assess(citra, 2025, perekat_bangsa=1)
    assess(dewi, 2025, perekat_bangsa=1)
    gaps_compute(year=2025)  # both identified, never trained

    assess(citra, 2026, perekat_bangsa=2)
    assess(dewi, 2026, perekat_bangsa=4)
    gaps_compute(year=2026)

    superseded = need_of(citra, 2025)
    assert (superseded.status, superseded.note) == (
        Status.CLOSED,
        "Digantikan kebutuhan asesmen 2026 (gap masih 1)",
    )
    assert need_of(citra, 2026).status == Status.IDENTIFIED
    assert (need_of(dewi, 2025).status, need_of(dewi, 2025).note) == (
        Status.CLOSED,
        "Gap tertutup pada asesmen 2026",
    )
    open_needs = TrainingNeed.objects.filter(status=Status.IDENTIFIED)
    assert list(open_needs.values_list("employee_id", "year")) == [(citra.pk, 2026)]  # once


def test_nominated_needs_hr_additions_and_people_not_assessed_are_left_alone(person, assess, agency):
    eko, fitri, gita = person("Eko"), person("Fitri"), person("Gita")
    for employee in (eko, fitri, gita):
        assess(employee, 2025, perekat_bangsa=1)
    hadi = person("Hadi")
    assess(hadi, 2025, perekat_bangsa=3)  # no gap: HR adds him by hand
    gaps_compute(year=2025)
    training_need_add(employee=hadi, year=2025, reason="Pimpinan baru unit yang beragam", user=agency.hr.user)
    set_status(eko, 2025, Status.NOMINATED)  # his class is still to come

    assess(eko, 2026, perekat_bangsa=2)
    assess(fitri, 2026, perekat_bangsa=3)
    assess(hadi, 2026, perekat_bangsa=3)
    # gita is not assessed in 2026
    gaps_compute(year=2026)

    assert (need_of(eko, 2025).status, need_of(eko, 2025).note) == (Status.NOMINATED, "")
    assert need_of(fitri, 2025).status == Status.CLOSED
    assert need_of(gita, 2025).status == Status.IDENTIFIED
    hr_added = need_of(hadi, 2025)
    assert (hr_added.status, hr_added.note) == (Status.IDENTIFIED, "Pimpinan baru unit yang beragam")


def test_running_again_changes_nothing(person, assess):
    andi, budi, citra = person("Andi"), person("Budi"), person("Citra")
    assess(andi, 2025, perekat_bangsa=1)
    assess(budi, 2025, perekat_bangsa=2)
    assess(citra, 2025, perekat_bangsa=1)
    gaps_compute(year=2025)
    set_status(andi, 2025, Status.TRAINED)
    set_status(budi, 2025, Status.TRAINED)
    assess(andi, 2026, perekat_bangsa=2)
    assess(budi, 2026, perekat_bangsa=3)
    assess(citra, 2026, perekat_bangsa=1)
    gaps_compute(year=2026)
    first = snapshot()

    gaps_compute(year=2026)
    again = training_needs_follow_up(year=2026, competency=need_of(andi, 2025).competency)

    assert snapshot() == first  # changed_at too: no row was written
    assert again == {"needs_gap_closed": 0, "needs_gap_remains": 0, "needs_superseded": 0}


def test_recomputing_an_older_year_never_touches_later_years(person, assess):
    fajar = person("Fajar")
    assess(fajar, 2024, perekat_bangsa=1)
    gaps_compute(year=2024)
    set_status(fajar, 2024, Status.TRAINED)
    assess(fajar, 2025, perekat_bangsa=1)
    gaps_compute(year=2025)
    assert need_of(fajar, 2024).note == "Asesmen 2025: gap masih 2"
    set_status(fajar, 2025, Status.TRAINED)  # trained again
    assess(fajar, 2026, perekat_bangsa=3)
    gaps_compute(year=2026)
    after_2026 = snapshot()
    assert [(n.year, n.status, n.note) for n in TrainingNeed.objects.order_by("year")] == [
        (2024, Status.CLOSED, "Gap tertutup pada asesmen 2026"),
        (2025, Status.CLOSED, "Gap tertutup pada asesmen 2026"),
    ]

    gaps_compute(year=2025)  # e.g. a corrected 2025 file: 2026's picture stands
    gaps_compute(year=2024)

    assert snapshot() == after_2026
