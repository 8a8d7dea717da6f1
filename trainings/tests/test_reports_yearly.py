"""The yearly effectiveness report (Kirkpatrick 4: the next assessment, the unit's gap closing)
against a hand-computed agency. Standard 3 for everyone (Fungsional Penyelia); assessments on
3 March 2025 and 2 March 2026; the class of 6–8 October 2025 lies between them.

| employee | unit | 2025 | 2026 | training | trained for 2026? |
| --- | --- | --- | --- | --- | --- |
| Andi | A1 (under A) | 1 (gap 2) | 2 (gap 1) | completed, Oct 2025 | yes |
| Sari | A | 2 (gap 1) | 3 (gap 0) | completed, Oct 2025 | yes |
| Tono | A | 2 (gap 1) | 2 (gap 1) | not completed, Oct 2025 | no |
| Wati | B | 1 (gap 2) | 3 (gap 0) | completed, Oct 2025 | yes |
| Yudi | B | 3 (gap 0) | 3 (gap 0) | completed, Jan 2025 (before his 2025 assessment) | no |
| Zaki | B | – | 2 (gap 1) | – | no |
| Vina | B | 1 (gap 2) | – | – | (not assessed in 2026) |

By hand, for 2026 (previous year 2025), HR's view of the agency (rows: Direktorat A, Direktorat B):

- A, everyone: 2025 0 of 3 meet (0.000); 2026 1 of 3 (0.333).
  trained (Andi, Sari): 2 assessed, 1 meets (0.500); both years 2, 0 met in 2025 (0.000);
  gap 3 → 1, closed 2 (mean 1.00), 1 gap closed (Sari).
  not trained (Tono): 1 assessed, 0 meet (0.000); both years 1, 0 met (0.000); gap 1 → 1, 0 (0.00), 0.
- B, everyone: 2025 1 of 3 meet (Yudi; Wati, Vina not: 0.333); 2026 2 of 3 (Wati, Yudi: 0.667).
  trained (Wati): 1 assessed, 1 meets (1.000); both 1, 0 met (0.000); gap 2 → 0, closed 2 (2.00), 1.
  not trained (Yudi, Zaki): 2 assessed, 1 meets (0.500); both years 1 (Yudi), 1 met (1.000);
  gap 0 → 0, 0 (0.00), 0.
- Total: everyone 2025 1 of 6 (0.167), 2026 3 of 6 (0.500).
  trained: 3 assessed, 2 meet (0.667); both 3, 0 met (0.000); gap 5 → 1, closed 4 (1.33), 2.
  not trained: 3 assessed, 1 meets (0.333); both 2, 1 met (0.500); gap 1 → 1, 0 (0.00), 0."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import PEREKAT_BANGSA, AssessmentResult, Competency, Institution
from conftest import ROLES, user_for
from employees.models import Jenis, Jenjang
from employees.tests.factories import EmployeeFactory, OrgUnitFactory, PositionFactory
from gaps.services import gaps_compute
from trainings import services
from trainings.reports import EXPORT_COLUMNS

pytestmark = pytest.mark.django_db

D = Decimal
OCTOBER_CLASS = datetime.date(2025, 10, 6)
JANUARY_CLASS = datetime.date(2025, 1, 6)  # ends 8 January, before the 2025 assessment
ASSESSED_ON = {2025: datetime.date(2025, 3, 3), 2026: datetime.date(2026, 3, 2)}


@pytest.fixture
def penyelia(db):
    return PositionFactory(code="JF-PENYELIA", jenis=Jenis.FUNGSIONAL, jenjang=Jenjang.PENYELIA)  # std 3


@pytest.fixture
def assess(db):
    institution = Institution.objects.create(
        code="LAN", name="LAN", accreditation_number="AK-1", accredited_until=datetime.date(2030, 12, 31)
    )
    competency = Competency.objects.get(code=PEREKAT_BANGSA)

    def create(employee, **levels):
        for year, level in levels.items():
            year = int(year[1:])  # y2025=1
            AssessmentResult.objects.create(
                employee=employee,
                year=year,
                competency=competency,
                level=level,
                assessed_on=ASSESSED_ON[year],
                institution=institution,
            )

    return create


def train(make_class, agency, start, completed: dict):
    """A class starting `start`; each employee nominated, approved and finished (True: completed)."""
    training_class = make_class(start=start, capacity=40)
    nominations, _ = services.nominations_add(
        training_class=training_class, employees=list(completed), user=agency.hr.user
    )
    for nomination in nominations:
        services.nomination_decide(nomination=nomination, approve=True, user=agency.hr.user)
        services.nomination_finish(
            nomination=nomination, completed=completed[nomination.employee], user=agency.hr.user
        )
    return training_class


@pytest.fixture
def hand_agency(agency, make_class, penyelia, assess):
    def person(name, unit):
        return EmployeeFactory(name=name, unit=unit, position=penyelia)

    andi = person("Andi", agency.unit_a_child)
    sari, tono = person("Sari", agency.unit_a), person("Tono", agency.unit_a)
    wati, yudi, zaki, vina = (person(name, agency.unit_b) for name in ("Wati", "Yudi", "Zaki", "Vina"))
    assess(andi, y2025=1, y2026=2)
    assess(sari, y2025=2, y2026=3)
    assess(tono, y2025=2, y2026=2)
    assess(wati, y2025=1, y2026=3)
    assess(yudi, y2025=3, y2026=3)
    assess(zaki, y2026=2)
    assess(vina, y2025=1)
    gaps_compute(year=2025)
    gaps_compute(year=2026)
    train(make_class, agency, JANUARY_CLASS, {yudi: True})
    train(make_class, agency, OCTOBER_CLASS, {andi: True, sari: True, tono: False, wati: True})
    return agency


def figures(cohort):
    return (
        cohort.assessed,
        cohort.meeting,
        cohort.share_meeting,
        cohort.both_years,
        cohort.meeting_before,
        cohort.share_meeting_before,
        cohort.gap_before,
        cohort.gap_after,
        cohort.gap_closed,
        cohort.mean_gap_closed,
        cohort.closed,
    )


def everyone(row):
    return (
        row.assessed_last_year,
        row.meeting_last_year,
        row.share_meeting_last_year,
        row.everyone.assessed,
        row.everyone.meeting,
        row.everyone.share_meeting,
    )


EXPECTED = {
    "Direktorat A": {
        "everyone": (3, 0, D("0.000"), 3, 1, D("0.333")),
        "trained": (2, 1, D("0.500"), 2, 0, D("0.000"), 3, 1, 2, D("1.00"), 1),
        "untrained": (1, 0, D("0.000"), 1, 0, D("0.000"), 1, 1, 0, D("0.00"), 0),
    },
    "Direktorat B": {
        "everyone": (3, 1, D("0.333"), 3, 2, D("0.667")),
        "trained": (1, 1, D("1.000"), 1, 0, D("0.000"), 2, 0, 2, D("2.00"), 1),
        "untrained": (2, 1, D("0.500"), 1, 1, D("1.000"), 0, 0, 0, D("0.00"), 0),
    },
    "total": {
        "everyone": (6, 1, D("0.167"), 6, 3, D("0.500")),
        "trained": (3, 2, D("0.667"), 3, 0, D("0.000"), 5, 1, 4, D("1.33"), 2),
        "untrained": (3, 1, D("0.333"), 2, 1, D("0.500"), 1, 1, 0, D("0.00"), 0),
    },
}


def report_page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("effectiveness_report"), {"tahun": 2026, **params})


def test_the_agency_by_unit_against_hand_computed_figures(client, hand_agency):
    response = report_page(client, hand_agency.hr.user)
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.year, report.previous, report.unit) == (2026, 2025, hand_agency.root)
    rows = {row.unit.name: row for row in report.rows}
    assert list(rows) == ["Direktorat A", "Direktorat B"]  # nobody at the ministry's own level
    assert all(row.drillable for row in report.rows)
    for name, row in [*rows.items(), ("total", report.total)]:
        expected = EXPECTED[name]
        assert everyone(row) == expected["everyone"], name
        assert figures(row.trained) == expected["trained"], name
        assert figures(row.untrained) == expected["untrained"], name


def test_a_unit_opens_its_sub_units(client, hand_agency):
    report = report_page(client, hand_agency.hr.user, unit=hand_agency.unit_a.pk).context["report"]
    rows = [(row.unit.name, row.scope) for row in report.rows]
    assert rows == [("Direktorat A", "own"), ("Subdirektorat A1", "children")]
    own, child = report.rows
    assert figures(own.trained)[:3] == (1, 1, D("1.000"))  # Sari
    assert figures(own.untrained)[:3] == (1, 0, D("0.000"))  # Tono
    assert figures(child.trained) == (1, 0, D("0.000"), 1, 0, D("0.000"), 2, 1, 1, D("1.00"), 0)  # Andi
    assert figures(report.total.trained) == EXPECTED["Direktorat A"]["trained"]


def test_the_export_has_the_same_figures(client, hand_agency):
    response = report_page(client, hand_agency.hr.user, format="csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="efektivitas-diklat-2026-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == EXPORT_COLUMNS
    by_unit = {row[2]: dict(zip(EXPORT_COLUMNS, row, strict=True)) for row in rows[1:]}
    assert list(by_unit) == ["Direktorat A", "Direktorat B", "Kementerian"]
    total = by_unit["Kementerian"]
    assert total["cakupan"] == "jumlah" and total["tahun"] == "2026"
    assert [total[c] for c in ("semua_dinilai_tahun_lalu", "semua_memenuhi_tahun_lalu")] == ["6", "1"]
    assert [total[c] for c in ("semua_persen_memenuhi_tahun_lalu", "semua_persen_memenuhi")] == [
        "16.7",
        "50.0",
    ]
    assert [total[f"dilatih_{c}"] for c in ("dinilai", "memenuhi", "persen_memenuhi")] == ["3", "2", "66.7"]
    assert [total[f"dilatih_{c}"] for c in ("gap_berkurang", "rata_gap_berkurang", "gap_tertutup")] == [
        "4",
        "1.33",
        "2",
    ]
    assert [
        total[f"tidak_dilatih_{c}"] for c in ("dinilai", "persen_memenuhi", "persen_memenuhi_tahun_lalu")
    ] == [
        "3",
        "33.3",
        "50.0",
    ]
    b = by_unit["Direktorat B"]
    assert [
        b["cakupan"],
        b["unit_kode"],
        b["tidak_dilatih_dinilai_dua_tahun"],
        b["dilatih_gap_berkurang"],
    ] == [
        "unit dan subunit",
        "B",
        "1",
        "2",
    ]

    xlsx = report_page(client, hand_agency.hr.user, format="xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == EXPORT_COLUMNS
    last = dict(zip(EXPORT_COLUMNS, values[-1], strict=True))
    assert (last["unit"], last["semua_dinilai"], last["dilatih_gap_berkurang"]) == ("Kementerian", 6, 4)
    assert D(str(last["dilatih_persen_memenuhi"])) == D("66.7")


def test_the_export_escapes_formulas(client, hand_agency):
    unit_b = hand_agency.unit_b
    unit_b.name = '=HYPERLINK("http://example.com","B")'
    unit_b.save()
    rows = list(
        csv.reader(io.StringIO(report_page(client, hand_agency.hr.user, format="csv").content.decode()))
    )
    assert '\'=HYPERLINK("http://example.com","B")' in [row[2] for row in rows]
    xlsx = report_page(client, hand_agency.hr.user, format="xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert any(str(row[2]).startswith("'=HYPERLINK") for row in sheet.iter_rows(values_only=True))


def test_the_page_is_printable(client, hand_agency):
    html = report_page(client, hand_agency.hr.user).content.decode()
    assert "@media print" in html and 'onclick="window.print()"' in html
    assert "format=csv" in html and "format=xlsx" in html


def test_a_leader_sees_their_subtree_and_404_outside_it(client, hand_agency):
    report = report_page(client, hand_agency.leader_a.user).context["report"]
    assert report.unit == hand_agency.unit_a
    assert figures(report.total.trained) == EXPECTED["Direktorat A"]["trained"]
    assert everyone(report.total) == EXPECTED["Direktorat A"]["everyone"]
    assert report_page(client, hand_agency.leader_a.user, unit=hand_agency.unit_b.pk).status_code == 404
    assert report_page(client, hand_agency.leader_a.user, unit=hand_agency.root.pk).status_code == 404
    assert report_page(client, hand_agency.leader_a.user, unit="x").status_code == 404
    child = report_page(client, hand_agency.leader_a.user, unit=hand_agency.unit_a_child.pk)
    assert child.status_code == 200
    csv_rows = list(
        csv.reader(io.StringIO(report_page(client, hand_agency.leader_b.user, format="csv").content.decode()))
    )
    assert {row[2] for row in csv_rows[1:]} == {"Direktorat B"}  # own employees row and total


def test_the_year_falls_back_to_the_latest(client, hand_agency):
    assert report_page(client, hand_agency.hr.user, tahun="1999").context["year"] == 2026
    earlier = report_page(client, hand_agency.hr.user, tahun="2025").context["report"]
    assert earlier.previous == 2024
    assert earlier.total.assessed_last_year == 0 and earlier.total.share_meeting_last_year is None
    # Yudi's January 2025 class ended before his 2025 assessment: trained for 2025
    assert earlier.total.trained.assessed == 1


def test_no_results_yet(client, agency):
    response = report_page(client, agency.hr.user)
    assert response.status_code == 200 and response.context["report"] is None


# page -> expected status per role, in ROLES order
MATRIX = [200, 200, 200, 403, 403, 302]


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, hand_agency, role):
    user = user_for(role, hand_agency)
    if user is not None:
        client.force_login(user)
    for params in ({"tahun": 2026}, {"tahun": 2026, "format": "csv"}):
        response = client.get(reverse("effectiveness_report"), params)
        assert response.status_code == MATRIX[ROLES.index(role)], (role, params)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login"))


# --- query count ---------------------------------------------------------------------------------------


def count_queries(client, params):
    client.get(reverse("effectiveness_report"), params)  # warm-up
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("effectiveness_report"), params)
    assert response.status_code == 200
    return len(context), response


@pytest.mark.parametrize("who", ["hr", "leader_a"])
def test_query_count_is_the_same_for_1_and_10_employees(client, agency, make_class, penyelia, assess, who):
    """Queries of the page: the session, the user, the user's and their groups' permissions
    (is_hr); a leader: the units they lead; the years with results; HR: the top-level units; the
    Perekat Bangsa competency; the report's child units, its per-unit-and-cohort statement, last
    year's unit statistics; the breadcrumb's ancestors; base.html: HR the led units, both the
    employee record and the group names. HR 14, a leader 13. The export stops after last year's
    statistics (no breadcrumb, no template): 10 either way."""
    client.force_login(getattr(agency, who).user)

    def grow(count, start):
        people = []
        for i in range(count):
            unit = OrgUnitFactory(parent=agency.unit_a) if i % 3 == 0 else agency.unit_a_child
            person = EmployeeFactory(unit=unit, position=penyelia)
            assess(person, y2025=1, y2026=1 + i % 3)
            people.append(person)
        gaps_compute(year=2025)
        gaps_compute(year=2026)
        train(make_class, agency, start, dict.fromkeys(people[::2], True))

    grow(1, OCTOBER_CLASS)
    small = {fmt: count_queries(client, {"tahun": 2026, "format": fmt}) for fmt in ("", "csv")}
    assert small[""][1].context["report"].total.everyone.assessed == 1
    grow(9, datetime.date(2025, 10, 13))
    large = {fmt: count_queries(client, {"tahun": 2026, "format": fmt}) for fmt in ("", "csv")}
    assert large[""][1].context["report"].total.everyone.assessed == 10
    assert large[""][1].context["report"].total.trained.assessed == 6
    expected = {"hr": [14, 10], "leader_a": [13, 10]}[who]
    assert [n for n, _ in large.values()] == [n for n, _ in small.values()] == expected
