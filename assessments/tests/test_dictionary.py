import pytest

from assessments.models import PEREKAT_BANGSA, Competency, CompetencyKind, DefaultStandardLevel
from assessments.selectors import competency_dictionary

pytestmark = pytest.mark.django_db

CODES = [
    "integritas", "kerjasama", "komunikasi", "orientasi_hasil", "pelayanan_publik",
    "pengembangan_diri", "mengelola_perubahan", "pengambilan_keputusan", "perekat_bangsa",
]  # fmt: skip


def test_the_nine_competencies_are_loaded_in_order():
    assert list(Competency.objects.values_list("code", flat=True)) == CODES
    kinds = dict(Competency.objects.values_list("code", "kind"))
    assert kinds[PEREKAT_BANGSA] == CompetencyKind.SOSIAL_KULTURAL
    assert {kinds[c] for c in CODES[:8]} == {CompetencyKind.MANAJERIAL}


def test_perekat_bangsa_has_five_titled_levels_each_with_indicators():
    perekat = next(c for c in competency_dictionary() if c.code == PEREKAT_BANGSA)
    levels = list(perekat.levels.all())
    assert [lv.level for lv in levels] == [1, 2, 3, 4, 5]
    assert levels[0].title == "Peka memahami dan menerima kemajemukan"
    assert levels[2].title == "Mempromosikan, mengembangkan sikap toleransi dan persatuan"
    assert all(len(lv.indicators.all()) >= 3 for lv in levels)
    assert "mediator" in " ".join(i.text for i in levels[2].indicators.all())


@pytest.mark.parametrize(
    "jenis, jenjang, level",
    [
        ("jpt_utama", "", 5),
        ("jpt_pratama", "", 4),
        ("administrator", "", 3),
        ("pengawas", "", 2),
        ("pelaksana", "", 1),
        ("fungsional", "ahli_madya", 3),
        ("fungsional", "penyelia", 3),
        ("fungsional", "terampil", 1),
    ],
)
def test_default_standard_levels_follow_domain_table(jenis, jenjang, level):
    assert DefaultStandardLevel.objects.get(jenis=jenis, jenjang=jenjang).level == level


def test_every_jenis_and_jenjang_has_a_default():
    assert DefaultStandardLevel.objects.count() == 14
