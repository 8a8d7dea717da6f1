"""The registry imports (formats.md): import_units, import_positions [--from-year],
import_institutions and import_employees, each checked for what it writes and where it reports."""

import datetime
import io

import pytest
from django.core.management import call_command

from assessments.models import ALL_YEARS, PEREKAT_BANGSA, Institution, PositionStandard
from employees.importing.engine import run_import
from employees.models import Employee, EmployeeType, Jenis, Jenjang, OrgUnit, Position
from employees.tests.factories import OrgUnitFactory, PositionFactory, valid_pns_nip

pytestmark = pytest.mark.django_db

PPPK_NIP = "199001012021201001"  # born 1990-01-01, appointed 2021, code 20, male, no. 001


def write(tmp_path, text: str, name="data.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def counts(outcome):
    return outcome.counts.created, outcome.counts.updated, outcome.counts.unchanged


def only_error(outcome):
    assert len(outcome.errors) == 1, [str(i) for i in outcome.errors]
    return outcome.errors[0]


def command(name, path, **options):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(name, str(path), stdout=out, stderr=err, **options)
        status = 0
    except SystemExit as exc:
        status = exc.code
    return status, out.getvalue(), err.getvalue()


# --- units ---------------------------------------------------------------------------------------


def test_units_a_parent_defined_later_in_the_same_file(tmp_path):
    path = write(tmp_path, "kode,nama,induk_kode\nA1a,Seksi,A1\nA1,Subdirektorat,A\nA,Direktorat,\n")
    status, out, _ = command("import_units", path)
    assert status == 0 and "3 telah dibuat" in out
    units = {u.code: u for u in OrgUnit.objects.all()}
    assert units["A1a"].parent == units["A1"] and units["A1"].parent == units["A"]
    assert units["A"].parent is None and units["A"].path == f"/{units['A'].pk}/"
    assert units["A1"].path.startswith(units["A"].path)
    assert units["A1a"].path == f"{units['A1'].path}{units['A1a'].pk}/"
    assert [units[c].depth for c in ("A", "A1", "A1a")] == [0, 1, 2]


def test_units_a_parent_already_in_the_registry(tmp_path):
    root = OrgUnitFactory(code="ROOT")
    run_import("units", write(tmp_path, "kode,nama,induk_kode\nA,Direktorat,ROOT\n"))
    assert OrgUnit.objects.get(code="A").path.startswith(root.path)


def test_units_a_cycle_is_an_error_naming_the_cycle(tmp_path):
    path = write(tmp_path, "kode,nama,induk_kode\nROOT,Akar,\nA,Unit A,B\nB,Unit B,A\n")
    outcome = run_import("units", path)
    assert [(e.row, e.column) for e in outcome.errors] == [(3, "induk_kode"), (4, "induk_kode")]
    assert "A → B → A" in outcome.errors[0].message
    assert "B → A → B" in outcome.errors[1].message
    assert not OrgUnit.objects.exists()  # not even ROOT: all or nothing


def test_units_a_cycle_through_the_registry_is_an_error(tmp_path):
    a = OrgUnitFactory(code="A")
    OrgUnitFactory(code="B", parent=a)
    outcome = run_import("units", write(tmp_path, "kode,nama,induk_kode\nA,Unit A,B\n"))
    error = only_error(outcome)
    assert (error.row, error.column) == (2, "induk_kode")
    assert "A → B → A" in error.message
    assert OrgUnit.objects.get(code="A").parent is None


def test_units_moving_a_unit_moves_its_subtree(tmp_path):
    x = OrgUnitFactory(code="X")
    p = OrgUnitFactory(code="P", parent=x)
    run_import("units", write(tmp_path, "kode,nama,induk_kode\nR,Root,\nX,X,R\n"))
    r, p = OrgUnit.objects.get(code="R"), OrgUnit.objects.get(pk=p.pk)
    assert p.path == f"{r.path}{x.pk}/{p.pk}/" and p.depth == 2


def test_units_a_unit_under_a_moved_subtree_gets_the_new_path(tmp_path):
    x = OrgUnitFactory(code="X")
    OrgUnitFactory(code="P", parent=x)
    run_import("units", write(tmp_path, "kode,nama,induk_kode\nR,Root,\nX,X,R\nC,Seksi C,P\n"))
    r, p, c = (OrgUnit.objects.get(code=code) for code in ("R", "P", "C"))
    assert c.path == f"{p.path}{c.pk}/"
    assert set(OrgUnit.objects.in_subtree(r).values_list("code", flat=True)) == {"R", "X", "P", "C"}


def test_units_reimport_is_idempotent(tmp_path):
    path = write(tmp_path, "kode,nama,induk_kode\nA1,Sub,A\nA,Direktorat,\n")
    assert counts(run_import("units", path)) == (2, 0, 0)
    assert counts(run_import("units", path)) == (0, 0, 2)


# --- positions ----------------------------------------------------------------------------------


def standards(code):
    return sorted(
        PositionStandard.objects.filter(position__code=code).values_list(
            "competency__code", "from_year", "level"
        )
    )


def test_positions_an_empty_cell_takes_the_jenjang_default(tmp_path):
    path = write(
        tmp_path,
        "kode,nama,jenis,jenjang,Perekat Bangsa,integritas\n"
        "JF-PENYELIA,Penyelia,fungsional,penyelia,,4\n"
        "ADM,Kepala Bagian,administrator,,,\n"
        "PLK,Pelaksana,pelaksana,,5,\n",
    )
    outcome = run_import("positions", path)
    assert outcome.errors == [] and counts(outcome) == (3, 0, 0)
    assert standards("JF-PENYELIA") == [("integritas", ALL_YEARS, 4), (PEREKAT_BANGSA, ALL_YEARS, 3)]
    assert standards("ADM") == [("integritas", ALL_YEARS, 3), (PEREKAT_BANGSA, ALL_YEARS, 3)]
    assert standards("PLK") == [("integritas", ALL_YEARS, 1), (PEREKAT_BANGSA, ALL_YEARS, 5)]
    position = Position.objects.get(code="JF-PENYELIA")
    assert (position.jenis, position.jenjang) == (Jenis.FUNGSIONAL, Jenjang.PENYELIA)


def test_positions_from_year_adds_standards_without_touching_the_all_years_ones(tmp_path):
    first = write(
        tmp_path, "kode,nama,jenis,jenjang,perekat_bangsa\nJF,Penyelia,fungsional,penyelia,\n", "a.csv"
    )
    assert command("import_positions", first)[0] == 0
    later = write(
        tmp_path, "kode,nama,jenis,jenjang,perekat_bangsa\nJF,Penyelia,fungsional,penyelia,4\n", "b.csv"
    )
    status, out, _ = command("import_positions", later, from_year=2027)
    assert status == 0, out
    assert standards("JF") == [(PEREKAT_BANGSA, ALL_YEARS, 3), (PEREKAT_BANGSA, 2027, 4)]
    status, out, _ = command("import_positions", later, from_year=2027)
    assert "0 telah dibuat, 0 telah diubah, 1 tetap" in out
    assert standards("JF") == [(PEREKAT_BANGSA, ALL_YEARS, 3), (PEREKAT_BANGSA, 2027, 4)]


def test_positions_bad_rows_are_reported_where_they_are(tmp_path):
    path = write(
        tmp_path,
        "kode,nama,jenis,jenjang,PEREKAT BANGSA\n"
        "JF,Fungsional tanpa jenjang,fungsional,,3\n"
        "ADM,Administrator,administrator,penyelia,3\n"
        "X,Entah,menteri,,3\n"
        "Y,Level,pelaksana,,6\n",
    )
    outcome = run_import("positions", path)
    assert [(e.row, e.column) for e in outcome.errors] == [
        (2, "jenjang"),
        (3, "jenjang"),
        (4, "jenis"),
        (5, "PEREKAT BANGSA"),
    ]
    assert not Position.objects.exists()


# --- institutions -------------------------------------------------------------------------------


def test_institutions_counts_created_updated_unchanged(tmp_path):
    header = "kode,nama,nomor_akreditasi,berlaku_sampai\n"
    first = write(
        tmp_path, header + "LAN,Lembaga A,AK-1,31/12/2030\nBKN,Lembaga B,AK-2,2027-06-30\n", "a.csv"
    )
    status, out, _ = command("import_institutions", first)
    assert status == 0 and "2 baris dibaca: 2 telah dibuat, 0 telah diubah, 0 tetap" in out
    second = write(
        tmp_path,
        header
        + "LAN,Lembaga A,AK-1,31/12/2030\nBKN,Lembaga B,AK-3,30-06-2029\nUI,Lembaga C,AK-4,2028-01-01\n",
        "b.csv",
    )
    status, out, _ = command("import_institutions", second)
    assert status == 0 and "3 baris dibaca: 1 telah dibuat, 1 telah diubah, 1 tetap" in out
    bkn = Institution.objects.get(code="BKN")
    assert (bkn.accreditation_number, bkn.accredited_until) == ("AK-3", datetime.date(2029, 6, 30))
    assert Institution.objects.count() == 3


def test_institutions_bad_date_and_repeated_code(tmp_path):
    path = write(
        tmp_path,
        "kode,nama,nomor_akreditasi,berlaku_sampai\nLAN,A,AK-1,31/02/2030\nUI,B,AK-2,2030-01-01\nUI,C,AK-3,2030-01-01\n",
    )
    outcome = run_import("institutions", path)
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "berlaku_sampai"), (4, "kode")]
    assert "baris 3" in outcome.errors[1].message
    assert not Institution.objects.exists()


# --- employees ----------------------------------------------------------------------------------


@pytest.fixture
def places(db):
    return OrgUnitFactory(code="A"), OrgUnitFactory(code="B"), PositionFactory(code="JF")


def employees_file(tmp_path, rows, header="nip,nama,email,unit_kode,jabatan_kode,pimpinan"):
    return write(tmp_path, "\n".join([header, *rows]) + "\n", "pegawai.csv")


def test_employees_are_created_each_with_a_login_without_a_usable_password(tmp_path, places):
    nips = valid_pns_nip(1), valid_pns_nip(2)
    path = employees_file(tmp_path, [f"{nips[0]},Andi,andi@instansi.go.id,A,JF,", f"{nips[1]},Budi,,B,JF,"])
    status, out, _ = command("import_employees", path)
    assert status == 0 and "2 telah dibuat" in out
    for nip in nips:
        employee = Employee.objects.select_related("user", "unit", "position").get(nip=nip)
        assert employee.user is not None and employee.user.username == nip
        assert not employee.user.has_usable_password()
        assert (employee.position.code, employee.employee_type) == ("JF", EmployeeType.PNS)
    andi = Employee.objects.get(nip=nips[0])
    assert (andi.name, andi.email, andi.unit.code, andi.user.email) == (
        "Andi",
        "andi@instansi.go.id",
        "A",
        "andi@instansi.go.id",
    )


def test_employees_pimpinan_y_sets_the_unit_leader(tmp_path, places):
    nips = valid_pns_nip(1), valid_pns_nip(2)
    path = employees_file(tmp_path, [f"{nips[0]},Andi,,A,JF,", f"{nips[1]},Budi,,A,JF,Y"])
    assert run_import("employees", path).errors == []
    assert OrgUnit.objects.get(code="A").leader == Employee.objects.get(nip=nips[1])
    assert OrgUnit.objects.get(code="B").leader is None


def test_employees_a_leader_who_moves_to_another_unit_no_longer_leads_the_old_one(tmp_path, places):
    nip = valid_pns_nip(1)
    run_import("employees", employees_file(tmp_path, [f"{nip},Andi,,A,JF,Y"]))
    assert OrgUnit.objects.get(code="A").leader.nip == nip
    outcome = run_import("employees", employees_file(tmp_path, [f"{nip},Andi,,B,JF,"]))
    assert outcome.errors == [] and Employee.objects.get(nip=nip).unit.code == "B"
    assert OrgUnit.objects.get(code="A").leader is None


def test_employees_two_leaders_for_one_unit_is_an_error(tmp_path, places):
    nips = valid_pns_nip(1), valid_pns_nip(2), valid_pns_nip(3)
    path = employees_file(
        tmp_path, [f"{nips[0]},Andi,,A,JF,Y", f"{nips[1]},Budi,,B,JF,Y", f"{nips[2]},Citra,,A,JF,Y"]
    )
    outcome = run_import("employees", path)
    error = only_error(outcome)
    assert (error.row, error.column) == (4, "pimpinan")
    assert "A" in error.message and "baris 2" in error.message
    assert not Employee.objects.exists()
    assert OrgUnit.objects.get(code="A").leader is None


def test_employees_pppk_nip_is_accepted_with_status_pppk(tmp_path, places):
    path = employees_file(
        tmp_path,
        [f"{PPPK_NIP},Dewi,,A,JF,,PPPK"],
        header="nip,nama,email,unit_kode,jabatan_kode,pimpinan,status",
    )
    outcome = run_import("employees", path)
    assert outcome.errors == []
    employee = Employee.objects.get(nip=PPPK_NIP)
    assert employee.employee_type == EmployeeType.PPPK
    assert employee.user.username == PPPK_NIP


def test_employees_pppk_nip_without_status_is_rejected_with_a_pppk_hint(tmp_path, places):
    path = employees_file(tmp_path, [f"{PPPK_NIP},Dewi,,A,JF,"])
    outcome = run_import("employees", path)
    error = only_error(outcome)
    assert (error.row, error.column) == (2, "nip")
    assert "TMT" in error.message  # digits 9-14 (202120) are not a year and month
    assert "PPPK" in error.hint and "status" in error.hint
    assert not Employee.objects.exists()


def test_employees_reimport_is_idempotent(tmp_path, places):
    nips = valid_pns_nip(1), valid_pns_nip(2)
    path = employees_file(tmp_path, [f"{nips[0]},Andi,andi@instansi.go.id,A,JF,Y", f"{nips[1]},Budi,,B,JF,"])
    assert counts(run_import("employees", path)) == (2, 0, 0)
    logins = dict(Employee.objects.values_list("nip", "user_id"))
    status, out, _ = command("import_employees", path)
    assert status == 0 and "2 baris dibaca: 0 telah dibuat, 0 telah diubah, 2 tetap" in out
    assert dict(Employee.objects.values_list("nip", "user_id")) == logins
    assert OrgUnit.objects.get(code="A").leader.nip == nips[0]


def test_employees_unknown_unit_and_position_are_reported(tmp_path, places):
    path = employees_file(
        tmp_path, [f"{valid_pns_nip(1)},Andi,,ZZ,JF,", f"{valid_pns_nip(2)},Budi,bukan-email,A,NOPE,"]
    )
    outcome = run_import("employees", path)
    assert [(e.row, e.column) for e in outcome.errors] == [
        (2, "unit_kode"),
        (3, "email"),
        (3, "jabatan_kode"),
    ]
