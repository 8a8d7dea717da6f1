"""The gap list's download and export_gaps (formats.md: exact header, sorted by NIP then
competency code, formulas escaped, CSV and XLSX alike), and constant query counts for the gap
pages. Who may see which page is in tests/test_gaps_access.py."""

import csv
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import PEREKAT_BANGSA
from employees.tests.factories import EmployeeFactory, OrgUnitFactory, PositionFactory
from gaps.models import TrainingNeed
from gaps.selectors import EXPORT_COLUMNS
from gaps.services import gaps_compute

pytestmark = pytest.mark.django_db

YEAR = 2026
HEADER = "nip,nama,unit_kode,jabatan_kode,kompetensi,standar,hasil,gap"


# --- the list's download (formats.md, export_gaps) -----------------------------------------------


def export_rows(response) -> list[list]:
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if response["Content-Disposition"].endswith('.xlsx"'):
        sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


FORMULA_NAME = '=HYPERLINK("http://x","klik")'


@pytest.fixture
def export_world(agency, assess):
    position = PositionFactory(code="JF-PENYELIA")
    # NIPs created out of order: the export sorts them
    late = EmployeeFactory(
        nip="199001012015011003", name=FORMULA_NAME, unit=agency.unit_a_child, position=position
    )
    early = EmployeeFactory(nip="199001012015011001", name="Budi", unit=agency.unit_b, position=position)
    assess(late, YEAR, perekat_bangsa=1, kerjasama=2, integritas=3)
    assess(early, YEAR, perekat_bangsa=3, integritas=1)
    gaps_compute(year=YEAR)
    return agency


ALL_ROWS = [
    ["199001012015011001", "Budi", "B", "JF-PENYELIA", "integritas", "3", "1", "2"],
    ["199001012015011001", "Budi", "B", "JF-PENYELIA", "perekat_bangsa", "3", "3", "0"],
    ["199001012015011003", "'" + FORMULA_NAME, "A1", "JF-PENYELIA", "integritas", "3", "3", "0"],
    ["199001012015011003", "'" + FORMULA_NAME, "A1", "JF-PENYELIA", "kerjasama", "3", "2", "1"],
    ["199001012015011003", "'" + FORMULA_NAME, "A1", "JF-PENYELIA", "perekat_bangsa", "3", "1", "2"],
]


def test_csv_export_contract(client, export_world):
    client.force_login(export_world.hr.user)
    response = client.get(
        reverse("gap_list"), {"year": YEAR, "format": "csv", "competency": "", "min_gap": 0}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="gap-{YEAR}.csv"'
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.splitlines()[0] == HEADER
    assert ",".join(EXPORT_COLUMNS) == HEADER
    assert list(csv.reader(io.StringIO(content)))[1:] == ALL_ROWS


def test_export_follows_the_filters_on_screen(client, export_world):
    client.force_login(export_world.hr.user)
    # the list's defaults: Perekat Bangsa, gap ≥ 1
    response = client.get(reverse("gap_list"), {"format": "csv"})
    assert export_rows(response)[1:] == [ALL_ROWS[4]]
    response = client.get(
        reverse("gap_list"), {"format": "csv", "competency": "", "unit": export_world.unit_b.pk}
    )
    assert export_rows(response)[1:] == [ALL_ROWS[0]]


def test_xlsx_export_has_the_same_header_and_rows(client, export_world):
    client.force_login(export_world.hr.user)
    response = client.get(reverse("gap_list"), {"format": "xlsx", "competency": "", "min_gap": 0})
    assert response["Content-Disposition"].startswith("attachment")
    rows = export_rows(response)
    assert rows[0] == EXPORT_COLUMNS
    assert [[str(v) for v in row] for row in rows[1:]] == ALL_ROWS
    assert rows[1][0] == "199001012015011001"  # the NIP stays text, all 18 digits


# --- export_gaps ---------------------------------------------------------------------------------


def run_export(capsys, **options) -> list[list[str]]:
    call_command("export_gaps", year=YEAR, **options)
    return list(csv.reader(io.StringIO(capsys.readouterr().out)))


def test_export_gaps_command_to_stdout(capsys, export_world):
    rows = run_export(capsys)
    assert rows[0] == EXPORT_COLUMNS
    assert rows[1:] == ALL_ROWS


def test_export_gaps_competency_and_unit_subtree(capsys, export_world):
    assert run_export(capsys, competency=PEREKAT_BANGSA)[1:] == [ALL_ROWS[1], ALL_ROWS[4]]
    assert run_export(capsys, unit="A")[1:] == ALL_ROWS[2:]  # A1 is under A
    assert run_export(capsys, unit="A1", competency="integritas")[1:] == [ALL_ROWS[2]]
    assert run_export(capsys, unit="ROOT")[1:] == ALL_ROWS
    assert run_export(capsys, unit="B", competency="komunikasi") == [EXPORT_COLUMNS]


def test_export_gaps_to_files(tmp_path, export_world):
    xlsx = tmp_path / "x.xlsx"
    call_command("export_gaps", year=YEAR, output=str(xlsx))
    sheet = openpyxl.load_workbook(xlsx, read_only=True).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == EXPORT_COLUMNS
    assert [[str(v) for v in row] for row in rows[1:]] == ALL_ROWS

    plain = tmp_path / "x.csv"
    call_command("export_gaps", year=YEAR, output=str(plain), unit="B")
    assert (
        plain.read_text(encoding="utf-8")
        == f"{HEADER}\n" + "\n".join(",".join(r) for r in ALL_ROWS[:2]) + "\n"
    )


@pytest.mark.parametrize("option", [{"competency": "tidak_ada"}, {"unit": "TIDAK-ADA"}])
def test_export_gaps_unknown_competency_or_unit_is_an_error(tmp_path, export_world, option):
    output = tmp_path / "x.csv"
    with pytest.raises(CommandError) as exc:
        call_command("export_gaps", year=YEAR, output=str(output), **option)
    assert exc.value.returncode == 2
    assert next(iter(option.values())) in str(exc.value)
    assert not output.exists()


# --- query counts ----------------------------------------------------------------------------------


def count_queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        assert response.status_code == 200
    return len(context), response.content.decode()


def add_people(unit_for, assess, n, start) -> list:
    position = PositionFactory()
    people = []
    for i in range(start, start + n):
        employee = EmployeeFactory(unit=unit_for(i), position=position)
        assess(employee, YEAR, perekat_bangsa=1, integritas=2)
        people.append(employee)
    return people


def test_gap_list_query_count_is_constant(client, agency, assess):
    client.force_login(agency.hr.user)
    url = f"{reverse('gap_list')}?competency=&min_gap=0"
    people = add_people(lambda i: agency.unit_a_child, assess, 1, 0)
    gaps_compute(year=YEAR)
    one, _ = count_queries(client, url)
    people += add_people(lambda i: agency.unit_b, assess, 9, 1)
    gaps_compute(year=YEAR)
    ten, body = count_queries(client, url)
    assert all(p.nip in body for p in people)
    assert one == ten


def test_leader_gap_list_query_count_is_constant(client, agency, assess):
    client.force_login(agency.leader_a.user)
    url = reverse("gap_list")
    people = add_people(lambda i: agency.unit_a_child, assess, 1, 0)
    gaps_compute(year=YEAR)
    one, _ = count_queries(client, url)
    people += add_people(lambda i: agency.unit_a_child, assess, 9, 1)
    gaps_compute(year=YEAR)
    ten, body = count_queries(client, url)
    assert all(p.nip in body for p in people)
    assert one == ten


def test_dashboard_query_count_is_constant(client, agency, assess):
    client.force_login(agency.hr.user)
    parent = OrgUnitFactory(parent=agency.root)
    children = [OrgUnitFactory(parent=parent, name=f"Anak {i:02d}") for i in range(10)]
    url = f"{reverse('gap_dashboard')}?unit={parent.pk}"
    add_people(lambda i: children[i], assess, 1, 0)
    assess(agency.hr, 2025, perekat_bangsa=1)  # a second year, so the trend is drawn too
    gaps_compute(year=2025)
    gaps_compute(year=YEAR)
    one, _ = count_queries(client, url)
    add_people(lambda i: children[i], assess, 9, 1)
    gaps_compute(year=YEAR)
    ten, body = count_queries(client, url)
    assert all(f"unit={c.pk}" in body for c in children)  # every child's heatmap row links down
    assert one == ten


def test_training_needs_query_count_is_constant(client, agency, assess):
    client.force_login(agency.hr.user)
    url = reverse("training_needs")
    people = add_people(lambda i: agency.unit_a_child, assess, 1, 0)
    gaps_compute(year=YEAR)
    TrainingNeed.objects.update(changed_by=agency.hr.user, note="catatan")
    one, _ = count_queries(client, url)
    people += add_people(lambda i: agency.unit_b, assess, 9, 1)
    gaps_compute(year=YEAR)
    TrainingNeed.objects.filter(employee__in=people[5:]).update(excluded=True, note="catatan")
    ten, body = count_queries(client, url)
    assert all(p.nip in body for p in people)
    assert one == ten
