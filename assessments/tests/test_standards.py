import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from assessments.models import PEREKAT_BANGSA, Competency, DefaultStandardLevel, PositionStandard
from assessments.selectors import competencies, standards_in_force
from assessments.services import position_standards_set
from employees.models import Jenis, Jenjang
from employees.tests.factories import PositionFactory

pytestmark = pytest.mark.django_db


def perekat_cell(position, year):
    comps = list(competencies())
    cells = standards_in_force([position], comps, year)[position.pk]
    return cells[[c.code for c in comps].index(PEREKAT_BANGSA)]


def test_empty_level_takes_the_jenjang_default_penyelia_is_3():
    penyelia = PositionFactory(jenis=Jenis.FUNGSIONAL, jenjang=Jenjang.PENYELIA)
    position_standards_set(position=penyelia, levels={PEREKAT_BANGSA: None})
    assert PositionStandard.objects.get(position=penyelia).level == 3


def test_a_position_without_standards_shows_the_default_marked_as_default():
    pengawas = PositionFactory(jenis=Jenis.PENGAWAS, jenjang="")
    cell = perekat_cell(pengawas, 2026)
    assert (cell.level, cell.is_default) == (2, True)


def test_the_standard_in_force_is_the_latest_from_year_not_after_the_year():
    position = PositionFactory()
    position_standards_set(position=position, levels={PEREKAT_BANGSA: 2})
    position_standards_set(position=position, levels={PEREKAT_BANGSA: 4}, from_year=2027)
    assert perekat_cell(position, 2026).level == 2  # last year's standard is untouched
    assert perekat_cell(position, 2027).level == 4
    assert perekat_cell(position, 2030).level == 4


def test_setting_the_same_standard_twice_keeps_one_row():
    position = PositionFactory()
    position_standards_set(position=position, levels={PEREKAT_BANGSA: 3})
    position_standards_set(position=position, levels={PEREKAT_BANGSA: 3})
    assert PositionStandard.objects.filter(position=position).count() == 1


def test_out_of_range_and_unknown_competency_are_reported_together():
    position = PositionFactory()
    with pytest.raises(ValidationError) as exc:
        position_standards_set(position=position, levels={PEREKAT_BANGSA: 6, "menari": 2})
    messages = " ".join(exc.value.messages)
    assert "harus 1 sampai 5, bukan 6" in messages and "'menari'" in messages
    assert not PositionStandard.objects.filter(position=position).exists()


def test_editing_a_default_changes_positions_without_their_own_standard():
    position = PositionFactory(jenis=Jenis.PELAKSANA, jenjang="")
    DefaultStandardLevel.objects.filter(jenis=Jenis.PELAKSANA).update(level=2)
    assert perekat_cell(position, 2026).level == 2


def test_database_rejects_a_standard_level_of_zero():
    with pytest.raises(IntegrityError):
        PositionStandard.objects.create(
            position=PositionFactory(), competency=Competency.objects.first(), level=0
        )
