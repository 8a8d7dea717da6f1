"""Dashboard figures from the per-unit statistics, checked against a hand-computed agency.

    ROOT ─┬─ A ── A1
          └─ B

Position standard: perekat_bangsa 3, integritas 2. Results 2026 (perekat, integritas) → gaps:

    ROOT  r1  (3, 2) → (0, 0)
    A     a1  (1, 2) → (2, 0)
    A1    x1  (2, 1) → (1, 1)
    A1    x2  (4, –) → (0, –)      integritas not assessed
    B     b1  (1, 1) → (2, 1)
    B     b2  (3, 3) → (0, 0)
"""

import pytest

from assessments.models import PEREKAT_BANGSA
from employees.tests.factories import EmployeeFactory, OrgUnitFactory, PositionFactory
from gaps.models import UnitCompetencyStat
from gaps.selectors import available_years, heatmap, perekat_bangsa_distribution, perekat_bangsa_trend
from gaps.services import gaps_compute

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(db, assess, standard):
    root = OrgUnitFactory(code="HROOT", name="Kementerian")
    a = OrgUnitFactory(code="HA", name="Direktorat A", parent=root)
    a1 = OrgUnitFactory(code="HA1", name="Subdirektorat A1", parent=a)
    b = OrgUnitFactory(code="HB", name="Direktorat B", parent=root)
    position = PositionFactory(code="JF")
    standard(position, perekat_bangsa=3, integritas=2)
    people = {}
    for key, unit in [("r1", root), ("a1", a), ("x1", a1), ("x2", a1), ("b1", b), ("b2", b)]:
        people[key] = EmployeeFactory(name=key, unit=unit, position=position)
    levels = {
        "r1": {"perekat_bangsa": 3, "integritas": 2},
        "a1": {"perekat_bangsa": 1, "integritas": 2},
        "x1": {"perekat_bangsa": 2, "integritas": 1},
        "x2": {"perekat_bangsa": 4},
        "b1": {"perekat_bangsa": 1, "integritas": 1},
        "b2": {"perekat_bangsa": 3, "integritas": 3},
    }
    for key, employee_levels in levels.items():
        assess(people[key], 2026, **employee_levels)
    gaps_compute(year=2026)
    return type("Tree", (), {"root": root, "a": a, "a1": a1, "b": b, "people": people})


@pytest.fixture
def columns(competency):
    return [competency(PEREKAT_BANGSA), competency("integritas")]


def figures(rows):
    """(unit code, own_only, drillable, [(assessed, below, gap_sum, share_below, mean_gap) per column])"""
    return [
        (
            row.unit.code,
            row.own_only,
            row.drillable,
            [(c.assessed, c.below, c.gap_sum, c.share_below, c.mean_gap) for c in row.cells],
        )
        for row in rows
    ]


def test_stats_are_per_unit_own_employees(tree, competency):
    stats = {
        (s.unit.code, s.competency.code): (s.assessed, s.below, s.gap_sum, s.gap_1, s.gap_2)
        for s in UnitCompetencyStat.objects.select_related("unit", "competency")
    }
    assert stats == {
        ("HROOT", PEREKAT_BANGSA): (1, 0, 0, 0, 0),
        ("HROOT", "integritas"): (1, 0, 0, 0, 0),
        ("HA", PEREKAT_BANGSA): (1, 1, 2, 0, 1),
        ("HA", "integritas"): (1, 0, 0, 0, 0),
        ("HA1", PEREKAT_BANGSA): (2, 1, 1, 1, 0),
        ("HA1", "integritas"): (1, 1, 1, 1, 0),
        ("HB", PEREKAT_BANGSA): (2, 1, 2, 0, 1),
        ("HB", "integritas"): (2, 1, 1, 1, 0),
    }


def test_heatmap_of_root_rows_over_whole_subtrees_and_own_employees(tree, columns):
    assert figures(heatmap(year=2026, unit=tree.root, competencies=columns)) == [
        # ROOT's own employee r1 first, then the children by name, each over its subtree
        ("HROOT", True, False, [(1, 0, 0, 0.0, 0.0), (1, 0, 0, 0.0, 0.0)]),
        # A + A1: perekat a1 2, x1 1, x2 0 → 2/3 below, mean 3/3; integritas a1 0, x1 1 → 1/2, 1/2
        ("HA", False, True, [(3, 2, 3, pytest.approx(2 / 3), 1.0), (2, 1, 1, 0.5, 0.5)]),
        # B: perekat b1 2, b2 0 → 1/2, mean 1; integritas b1 1, b2 0 → 1/2, mean 1/2
        ("HB", False, True, [(2, 1, 2, 0.5, 1.0), (2, 1, 1, 0.5, 0.5)]),
    ]


def test_drilling_into_a_shows_its_own_row_and_a1(tree, columns):
    assert figures(heatmap(year=2026, unit=tree.a, competencies=columns)) == [
        ("HA", True, False, [(1, 1, 2, 1.0, 2.0), (1, 0, 0, 0.0, 0.0)]),
        ("HA1", False, True, [(2, 1, 1, 0.5, 0.5), (1, 1, 1, 1.0, 1.0)]),
    ]
    # A leaf: only its own row; another year: nothing
    assert figures(heatmap(year=2026, unit=tree.a1, competencies=columns)) == [
        ("HA1", True, False, [(2, 1, 1, 0.5, 0.5), (1, 1, 1, 1.0, 1.0)]),
    ]
    assert heatmap(year=2025, unit=tree.root, competencies=columns) == []


def test_heatmap_columns_follow_the_competencies_asked_for(tree, competency):
    rows = heatmap(year=2026, unit=tree.b, competencies=[competency("integritas"), competency("komunikasi")])
    assert figures(rows) == [
        ("HB", True, False, [(2, 1, 1, 0.5, 0.5), (0, 0, 0, None, None)]),
    ]


def test_a_child_without_results_has_no_heatmap_row(tree, columns):
    OrgUnitFactory(code="HC", name="Direktorat C", parent=tree.root)
    codes = [row.unit.code for row in heatmap(year=2026, unit=tree.root, competencies=columns)]
    assert codes == ["HROOT", "HA", "HB"]


def test_perekat_bangsa_distribution_sizes(tree):
    root = perekat_bangsa_distribution(year=2026, unit=tree.root)
    # gaps: r1 0, a1 2, x1 1, x2 0, b1 2, b2 0
    assert (root.assessed, root.below, root.gap_sum, root.sizes) == (6, 3, 5, [3, 1, 2, 0, 0])
    a = perekat_bangsa_distribution(year=2026, unit=tree.a)
    assert (a.assessed, a.below, a.sizes) == (3, 2, [1, 1, 1, 0, 0])
    none = perekat_bangsa_distribution(year=2027, unit=tree.root)
    assert (none.assessed, none.sizes, none.share_below) == (0, [0, 0, 0, 0, 0], None)


def test_trend_needs_two_years(tree):
    assert perekat_bangsa_trend(unit=tree.root, years=available_years()) == ([2026], [])


@pytest.fixture
def second_year(tree, assess):
    # 2027 perekat (standard 3): r1 3 → 0, a1 3 → 0, x1 2 → 1, b1 2 → 1, b2 3 → 0 (x2 not assessed)
    for key, level in [("r1", 3), ("a1", 3), ("x1", 2), ("b1", 2), ("b2", 3)]:
        assess(tree.people[key], 2027, perekat_bangsa=level)
    gaps_compute(year=2027)
    return tree


def test_trend_shares_meeting_the_standard_over_two_years(second_year):
    tree = second_year
    years, lines = perekat_bangsa_trend(unit=tree.root, years=available_years())
    assert years == [2026, 2027]
    assert [(u.code, shares) for u, shares in lines] == [
        ("HROOT", [pytest.approx(3 / 6), pytest.approx(3 / 5)]),  # whole subtree
        ("HA", [pytest.approx(1 / 3), pytest.approx(1 / 2)]),  # a1, x1, x2 | a1, x1
        ("HB", [pytest.approx(1 / 2), pytest.approx(1 / 2)]),
    ]
    years, lines = perekat_bangsa_trend(unit=tree.a, years=available_years())
    assert [(u.code, shares) for u, shares in lines] == [
        ("HA", [pytest.approx(1 / 3), pytest.approx(1 / 2)]),
        ("HA1", [pytest.approx(1 / 2), pytest.approx(0.0)]),  # x1, x2 | x1
    ]


def test_trend_leaves_out_a_child_without_any_result(second_year):
    tree = second_year
    OrgUnitFactory(code="HC", name="Direktorat C", parent=tree.root)
    _, lines = perekat_bangsa_trend(unit=tree.root, years=available_years())
    assert [u.code for u, _ in lines] == ["HROOT", "HA", "HB"]
