"""The reading rules every import shares (formats.md, "Reading rules common to every import"):
encodings, delimiters, header matching, dates, title rows, mangled NIPs, formulas, unknown and
missing columns, usage errors and the size caps. Every file is written here byte for byte."""

import datetime
import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from assessments.models import PEREKAT_BANGSA, AssessmentResult, Institution
from employees.importing.engine import Options, run_import
from employees.importing.reader import ERROR, WARNING, UnreadableFile, open_table
from employees.models import Employee, OrgUnit
from employees.tests.factories import EmployeeFactory, OrgUnitFactory, PositionFactory, valid_pns_nip

pytestmark = pytest.mark.django_db

NIP = "198501012010121001"  # born 1985-01-01, TMT CPNS 2010-12, male, no. 001
DIGITS_LOST_HINT = "Format kolom NIP sebagai Teks"


# --- helpers -------------------------------------------------------------------------------


def write_csv(tmp_path, text: str, *, encoding="utf-8", name="data.csv", bom=False):
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
    return path


def write_xlsx(tmp_path, rows, *, name="data.xlsx", text_columns=()):
    """rows: lists of cell values, written from A1; a str starting with '=' becomes a formula."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for column in text_columns:  # as HR would: format the column as Text
        for cell in sheet[column]:
            cell.number_format = "@"
    path = tmp_path / name
    workbook.save(path)
    return path


def only_error(outcome):
    assert len(outcome.errors) == 1, [str(i) for i in outcome.errors]
    return outcome.errors[0]


def where(issue):
    return (issue.row, issue.column, issue.severity)


@pytest.fixture
def registry(db):
    """A unit, a position, an accredited institution: enough to import employees and results."""
    unit = OrgUnitFactory(code="A", name="Direktorat A")
    position = PositionFactory(code="JF-PENYELIA")
    institution = Institution.objects.create(
        code="LAN",
        name="Lembaga Asesmen",
        accreditation_number="AK-1",
        accredited_until=datetime.date(2030, 12, 31),
    )
    return unit, position, institution


def employees_csv(rows: list[str], header="nip,nama,unit_kode,jabatan_kode") -> str:
    return "\n".join([header, *rows]) + "\n"


# --- encodings and delimiters --------------------------------------------------------------


def test_utf8_bom_does_not_hide_the_first_header(tmp_path):
    path = write_csv(tmp_path, "kode,nama,induk_kode\nA,Direktorat A,\n", bom=True)
    outcome = run_import("units", path)
    assert outcome.issues == [] and outcome.written
    assert OrgUnit.objects.get(code="A").name == "Direktorat A"


def test_semicolon_delimited_csv_with_commas_inside_names(tmp_path, registry):
    path = write_csv(
        tmp_path,
        employees_csv(
            [f"{NIP};Dr. Andi Wijaya, S.Sos., M.Si.;A;JF-PENYELIA"],
            header="nip;nama;unit_kode;jabatan_kode",
        ),
    )
    outcome = run_import("employees", path)
    assert outcome.errors == []
    assert Employee.objects.get(nip=NIP).name == "Dr. Andi Wijaya, S.Sos., M.Si."


def test_windows_1252_name_round_trips_into_the_registry(tmp_path, registry):
    name = "Ni Luh Putu Ayu Kadek Ärnä"
    path = write_csv(
        tmp_path,
        employees_csv([f"{NIP};{name};A;JF-PENYELIA"], header="nip;nama;unit_kode;jabatan_kode"),
        encoding="cp1252",
    )
    assert "Ä".encode("cp1252") in path.read_bytes()  # really not UTF-8
    out = io.StringIO()
    call_command("import_employees", str(path), stdout=out, stderr=io.StringIO())
    assert "1 telah dibuat" in out.getvalue()
    employee = Employee.objects.select_related("user").get(nip=NIP)
    assert (employee.name, employee.user.first_name) == (name, name)


def test_a_txt_file_is_read_as_csv(tmp_path):
    path = write_csv(tmp_path, "kode,nama\nA,Direktorat A\n", name="unit.txt")
    assert run_import("units", path).written
    assert OrgUnit.objects.filter(code="A").exists()


# --- headers ---------------------------------------------------------------------------------


def test_header_matching_ignores_case_spaces_hyphens_and_underscores(tmp_path, registry):
    employee = EmployeeFactory(unit=registry[0], position=registry[1])
    path = write_csv(
        tmp_path,
        f" NIP ,Tanggal Asesmen,LEMBAGA,PEREKAT-BANGSA,Orientasi  Hasil\n{employee.nip},30/11/2026,LAN,2,3\n",
    )
    outcome = run_import("assessments", path, options=Options(year=2026))
    assert outcome.issues == []
    levels = dict(AssessmentResult.objects.values_list("competency__code", "level"))
    assert levels == {PEREKAT_BANGSA: 2, "orientasi_hasil": 3}


def test_employee_header_unit_kode_in_mixed_case(tmp_path, registry):
    path = write_csv(
        tmp_path, employees_csv([f"{NIP},Andi,A,JF-PENYELIA"], header="Nip,NAMA,unit_KODE,Jabatan-Kode")
    )
    outcome = run_import("employees", path)
    assert outcome.issues == []
    assert Employee.objects.get(nip=NIP).unit.code == "A"


def test_unknown_column_is_a_warning_and_the_import_still_writes(tmp_path):
    path = write_csv(tmp_path, "kode,nama,Keterangan\nA,Direktorat A,catatan\n")
    outcome = run_import("units", path)
    assert outcome.errors == []
    assert [where(w) for w in outcome.warnings] == [(1, "Keterangan", WARNING)]
    assert outcome.written and OrgUnit.objects.filter(code="A").exists()


def test_missing_required_column_is_an_error_at_the_header_row_naming_it(tmp_path):
    path = write_csv(tmp_path, "\n\nkode,induk_kode\nA,\n")  # header on row 3
    outcome = run_import("units", path)
    error = only_error(outcome)
    assert where(error) == (3, "nama", ERROR)
    assert "nama" in error.message
    assert not outcome.written and not OrgUnit.objects.exists()


def test_missing_required_column_via_the_command_exits_1_and_names_the_column(tmp_path):
    path = write_csv(tmp_path, "kode,induk_kode\nA,\n")
    stderr = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("import_units", str(path), stdout=io.StringIO(), stderr=stderr)
    assert exc.value.code == 1
    assert "baris 1, kolom nama" in stderr.getvalue()


def test_missing_required_column_dry_run_exits_1_and_names_the_column(tmp_path):
    path = write_csv(tmp_path, "kode,induk_kode\nA,\n")
    stderr = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("import_units", str(path), dry_run=True, stdout=io.StringIO(), stderr=stderr)
    assert exc.value.code == 1
    assert "baris 1, kolom nama: Kolom wajib nama tidak ada." in stderr.getvalue()


# --- row numbers -------------------------------------------------------------------------------


def test_blank_lines_are_skipped_but_still_counted_in_row_numbers(tmp_path):
    path = write_csv(tmp_path, "kode,nama\nA,Direktorat A\n\nB,=1+2\n")
    assert where(only_error(run_import("units", path))) == (4, "nama", ERROR)


def test_xlsx_title_rows_above_the_header_are_skipped_and_counted(tmp_path):
    path = write_xlsx(
        tmp_path,
        [
            ["DAFTAR UNIT KERJA 2026"],
            [],
            ["Kode", "Nama", "Induk Kode"],
            ["A", "Direktorat A", None],
            ["A1", "Subdirektorat A1", "ZZZ"],
        ],
    )
    outcome = run_import("units", path)
    error = only_error(outcome)
    assert where(error) == (5, "Induk Kode", ERROR)
    assert "ZZZ" in error.message


def understate_dimension(path, ref: str):
    """Rewrite the sheet's <dimension> (the "used range" an application claims), as some
    report generators get it wrong; Excel itself ignores it."""
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in items:
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), data)
            target.writestr(info, data)


def test_xlsx_with_a_wrong_dimension_record_is_still_read_whole(tmp_path):
    path = write_xlsx(tmp_path, [["kode", "nama"], ["A", "a"], ["B", "b"], ["C", "c"]])
    understate_dimension(path, "A1:B2")
    outcome = run_import("units", path)
    assert outcome.rows == 3
    assert set(OrgUnit.objects.values_list("code", flat=True)) == {"A", "B", "C"}


def test_xlsx_title_rows_clean_file_is_written(tmp_path):
    path = write_xlsx(
        tmp_path,
        [["Daftar unit"], ["kode", "nama", "induk_kode"], ["A", "Direktorat A", None], ["A1", "Sub", "A"]],
    )
    outcome = run_import("units", path)
    assert outcome.errors == [] and outcome.rows == 2
    assert OrgUnit.objects.get(code="A1").parent.code == "A"


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["30/11/2026", "30-11-2026", "2026-11-30", "1/2/2026"])
def test_csv_date_formats(tmp_path, registry, written):
    employee = EmployeeFactory(unit=registry[0], position=registry[1])
    path = write_csv(
        tmp_path, f"nip,tanggal_asesmen,lembaga,perekat_bangsa\n{employee.nip},{written},LAN,3\n"
    )
    outcome = run_import("assessments", path, options=Options(year=2026))
    assert outcome.errors == []
    expected = datetime.date(2026, 2, 1) if written == "1/2/2026" else datetime.date(2026, 11, 30)
    assert AssessmentResult.objects.get().assessed_on == expected


def test_xlsx_real_date_cell(tmp_path, registry):
    employee = EmployeeFactory(unit=registry[0], position=registry[1])
    path = write_xlsx(
        tmp_path,
        [
            ["nip", "tanggal_asesmen", "lembaga", "perekat_bangsa"],
            [employee.nip, datetime.datetime(2026, 11, 30), "LAN", 3],
        ],
    )
    outcome = run_import("assessments", path, options=Options(year=2026))
    assert outcome.errors == []
    result = AssessmentResult.objects.get()
    assert (result.assessed_on, result.level) == (datetime.date(2026, 11, 30), 3)


# --- NIP mangled by a spreadsheet --------------------------------------------------------------


def assert_digits_lost(outcome, row=2, column="nip"):
    error = only_error(outcome)
    assert (error.row, error.column) == (row, column)
    assert "digit" in error.message and "hilang" in error.message, error.message
    assert DIGITS_LOST_HINT in error.hint, error.hint
    assert not Employee.objects.filter(name="Andi").exists()


@pytest.mark.parametrize("mangled", ["1.98501012010121E+17", "198501012010121001.0", "1.98501E+17"])
def test_csv_nip_turned_into_a_number_says_digits_were_lost(tmp_path, registry, mangled):
    path = write_csv(tmp_path, employees_csv([f"{mangled},Andi,A,JF-PENYELIA"]))
    assert_digits_lost(run_import("employees", path))


@pytest.mark.parametrize("mangled", ["1,98501012010121E+17", "198501012010121001,0"])
def test_semicolon_csv_nip_with_decimal_comma_says_digits_were_lost(tmp_path, registry, mangled):
    path = write_csv(
        tmp_path, employees_csv([f"{mangled};Andi;A;JF-PENYELIA"], header="nip;nama;unit_kode;jabatan_kode")
    )
    assert_digits_lost(run_import("employees", path))


@pytest.mark.parametrize("number", [198501012010121001, 1.98501012010121e17])
def test_xlsx_numeric_nip_cell_says_digits_were_lost(tmp_path, registry, number):
    path = write_xlsx(
        tmp_path, [["nip", "nama", "unit_kode", "jabatan_kode"], [number, "Andi", "A", "JF-PENYELIA"]]
    )
    assert_digits_lost(run_import("employees", path))


def test_xlsx_nip_as_text_is_accepted(tmp_path, registry):
    path = write_xlsx(
        tmp_path,
        [["nip", "nama", "unit_kode", "jabatan_kode"], [NIP, "Andi", "A", "JF-PENYELIA"]],
        text_columns=("A",),
    )
    assert run_import("employees", path).errors == []
    assert Employee.objects.get(nip=NIP).name == "Andi"


# --- formulas ------------------------------------------------------------------------------------


def test_csv_formula_in_the_name_column_is_an_error(tmp_path, registry):
    path = write_csv(
        tmp_path, employees_csv([f"{valid_pns_nip(1)},Budi,A,JF-PENYELIA", f"{NIP},=1+2,A,JF-PENYELIA"])
    )
    outcome = run_import("employees", path)
    error = only_error(outcome)
    assert where(error) == (3, "nama", ERROR)
    assert "rumus" in error.message
    assert not Employee.objects.exists()


@pytest.mark.parametrize("formula", ["@SUM(1,2)", "+1+2", "-1+2"])
def test_csv_other_formula_starts_are_errors(tmp_path, formula):
    path = write_csv(tmp_path, f'kode,nama\nA,"{formula}"\n')
    assert where(only_error(run_import("units", path))) == (2, "nama", ERROR)


def test_xlsx_formula_cell_is_an_error(tmp_path, registry):
    path = write_xlsx(
        tmp_path,
        [["nip", "nama", "unit_kode", "jabatan_kode"], [NIP, '=CONCAT("An","di")', "A", "JF-PENYELIA"]],
    )
    error = only_error(run_import("employees", path))
    assert where(error) == (2, "nama", ERROR)
    assert "rumus" in error.message


# --- usage errors and caps ---------------------------------------------------------------------


def test_unknown_file_extension_exits_2(tmp_path):
    path = write_csv(tmp_path, "kode,nama\nA,Direktorat A\n", name="unit.pdf")
    with pytest.raises(CommandError) as exc:
        call_command("import_units", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert exc.value.returncode == 2
    assert "unit.pdf" in str(exc.value) and ".xlsx" in str(exc.value)
    assert not OrgUnit.objects.exists()


def test_missing_file_exits_2(tmp_path):
    with pytest.raises(CommandError) as exc:
        call_command(
            "import_units", str(tmp_path / "tidak-ada.csv"), stdout=io.StringIO(), stderr=io.StringIO()
        )
    assert exc.value.returncode == 2
    assert "tidak-ada.csv" in str(exc.value)


def test_a_file_that_is_not_really_xlsx_exits_2(tmp_path):
    path = write_csv(tmp_path, "kode,nama\nA,B\n", name="unit.xlsx")
    with pytest.raises(CommandError) as exc:
        call_command("import_units", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert exc.value.returncode == 2


def test_xlsx_bigger_than_the_uncompressed_cap_is_unreadable(tmp_path):
    path = write_xlsx(tmp_path, [["kode", "nama"], *[[f"U{i}", "x" * 50] for i in range(200)]])
    assert len(list(open_table(path, required={"kode", "nama"}).rows)) == 200  # fine under the real cap
    with pytest.raises(UnreadableFile) as exc:
        open_table(path, required={"kode", "nama"}, max_uncompressed_bytes=1000)
    assert "terlalu besar" in str(exc.value) and "pecah" in str(exc.value)


def test_more_rows_than_the_cap_is_unreadable(tmp_path):
    path = write_csv(tmp_path, "kode,nama\nA,a\nB,b\nC,c\n")
    assert len(list(open_table(path, required={"kode", "nama"}, max_rows=3).rows)) == 3
    table = open_table(path, required={"kode", "nama"}, max_rows=2)
    with pytest.raises(UnreadableFile) as exc:
        list(table.rows)
    assert "lebih dari 2 baris" in str(exc.value)
