"""import_assessments (formats.md, "Assessment-centre results"): every check reports the row and
the column as the file writes it; the file is written all or nothing, idempotently, and a
correction keeps its history. Runs on SQLite (bulk upsert) and PostgreSQL (COPY + ON CONFLICT)."""

import datetime
import io

import pytest
from django.core.management import call_command

from assessments.models import PEREKAT_BANGSA, AssessmentResult, AssessmentResultChange, Institution
from employees.importing.engine import Options, run_import
from employees.importing.reader import ERROR, WARNING
from employees.models import ImportRun
from employees.tests.factories import EmployeeFactory, OrgUnitFactory, PositionFactory, valid_pns_nip

pytestmark = pytest.mark.django_db

YEAR = 2026
HEADER = "nip,nama,tanggal_asesmen,lembaga,perekat_bangsa,integritas"


@pytest.fixture
def world(db):
    unit, position = OrgUnitFactory(code="A"), PositionFactory(code="JF-PENYELIA")
    andi = EmployeeFactory(nip=valid_pns_nip(1), name="Andi Peserta", unit=unit, position=position)
    budi = EmployeeFactory(nip=valid_pns_nip(2), name="Budi Santoso", unit=unit, position=position)
    lan = Institution.objects.create(
        code="LAN", name="LAN", accreditation_number="AK-1", accredited_until=datetime.date(2030, 12, 31)
    )
    old = Institution.objects.create(
        code="LAMA",
        name="Lembaga Lama",
        accreditation_number="AK-0",
        accredited_until=datetime.date(2026, 6, 30),
    )
    return type(
        "World", (), {"unit": unit, "position": position, "andi": andi, "budi": budi, "lan": lan, "old": old}
    )


def write(tmp_path, lines: list[str], header=HEADER, name="hasil.csv"):
    path = tmp_path / name
    path.write_bytes(("\n".join([header, *lines]) + "\n").encode("utf-8"))
    return path


def check(path, **kwargs):
    return run_import("assessments", path, options=Options(year=YEAR), **kwargs)


def only_error(outcome):
    assert len(outcome.errors) == 1, [str(i) for i in outcome.errors]
    return outcome.errors[0]


def command(path, **options):
    """Run the command; return (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_assessments", str(path), year=YEAR, stdout=out, stderr=err, **options)
        status = 0
    except SystemExit as exc:
        status = exc.code
    return status, out.getvalue(), err.getvalue()


def stored():
    return sorted(
        AssessmentResult.objects.values_list(
            "employee__nip", "competency__code", "level", "assessed_on", "institution__code"
        )
    )


# --- one check per row ---------------------------------------------------------------------------


def test_unknown_nip(tmp_path, world):
    stranger = valid_pns_nip(500)
    outcome = check(
        write(tmp_path, [f"{world.andi.nip},,30/11/2026,LAN,3,3", f"{stranger},,30/11/2026,LAN,3,3"])
    )
    error = only_error(outcome)
    assert (error.row, error.column) == (3, "nip")
    assert stranger in error.message and "tidak ada" in error.message
    assert AssessmentResult.objects.count() == 0


def test_a_nip_repeated_in_the_file_is_reported_at_the_second_row_naming_the_first(tmp_path, world):
    outcome = check(
        write(
            tmp_path,
            [
                f"{world.andi.nip},,30/11/2026,LAN,3,3",
                f"{world.budi.nip},,30/11/2026,LAN,2,2",
                f"{world.andi.nip},,30/11/2026,LAN,4,4",
            ],
        )
    )
    error = only_error(outcome)
    assert (error.row, error.column) == (4, "nip")
    assert "baris 2" in error.message
    assert AssessmentResult.objects.count() == 0


@pytest.mark.parametrize("level", ["0", "6", "tiga", "3.5", "=2+1"])
def test_bad_level_names_the_competency_column_as_written(tmp_path, world, level):
    header = "NIP,Tanggal Asesmen,Lembaga,Perekat Bangsa,INTEGRITAS"
    outcome = check(write(tmp_path, [f"{world.andi.nip},30/11/2026,LAN,{level},3"], header=header))
    error = only_error(outcome)
    assert (error.row, error.column, error.value, error.severity) == (2, "Perekat Bangsa", level, ERROR)
    assert str(error).startswith("baris 2, kolom Perekat Bangsa: ")
    assert AssessmentResult.objects.count() == 0


def test_every_error_of_a_file_is_listed_in_row_order(tmp_path, world):
    outcome = check(
        write(
            tmp_path,
            [f"{world.andi.nip},,30/11/2026,LAN,0,6", f"{world.budi.nip},,31/02/2026,XYZ,3,3"],
        )
    )
    assert [(e.row, e.column) for e in outcome.errors] == [
        (2, "integritas"),
        (2, "perekat_bangsa"),
        (3, "lembaga"),
        (3, "tanggal_asesmen"),
    ]


def test_an_impossible_date_is_an_error(tmp_path, world):
    error = only_error(check(write(tmp_path, [f"{world.andi.nip},,31/02/2026,LAN,3,3"])))
    assert (error.row, error.column, error.value) == (2, "tanggal_asesmen", "31/02/2026")


def test_unknown_institution(tmp_path, world):
    error = only_error(check(write(tmp_path, [f"{world.andi.nip},,30/11/2026,BKN-X,3,3"])))
    assert (error.row, error.column) == (2, "lembaga")
    assert "BKN-X" in error.message


def test_an_institution_whose_accreditation_expired_before_the_assessment(tmp_path, world):
    error = only_error(check(write(tmp_path, [f"{world.andi.nip},,30/11/2026,LAMA,3,3"])))
    assert (error.row, error.column) == (2, "lembaga")
    assert "2026-06-30" in error.message and "2026-11-30" in error.message


def test_an_assessment_on_the_last_day_of_the_accreditation_is_valid(tmp_path, world):
    outcome = check(write(tmp_path, [f"{world.andi.nip},,30/06/2026,LAMA,3,3"]))
    assert outcome.errors == [] and outcome.written
    assert AssessmentResult.objects.count() == 2


def test_a_name_differing_from_the_registry_is_a_warning_not_an_error(tmp_path, world):
    outcome = check(
        write(
            tmp_path,
            [
                f"{world.andi.nip},Andy Pesertaa,30/11/2026,LAN,3,3",
                f"{world.budi.nip},  budi   SANTOSO ,30/11/2026,LAN,2,",
            ],
        )
    )
    assert outcome.errors == []
    assert [(w.row, w.column, w.severity) for w in outcome.warnings] == [(2, "nama", WARNING)]
    assert "Andi Peserta" in outcome.warnings[0].message
    assert outcome.written and AssessmentResult.objects.count() == 3


def test_an_empty_level_means_not_assessed(tmp_path, world):
    check(write(tmp_path, [f"{world.andi.nip},,30/11/2026,LAN,,4"]))
    assert stored() == [(world.andi.nip, "integritas", 4, datetime.date(2026, 11, 30), "LAN")]


def test_andi_level_1_on_perekat_bangsa_is_stored_as_1(tmp_path, world):
    outcome = check(write(tmp_path, [f"{world.andi.nip},Andi Peserta,30/11/2026,LAN,1,"]))
    assert outcome.issues == []
    result = AssessmentResult.objects.get(employee=world.andi, year=YEAR, competency__code=PEREKAT_BANGSA)
    assert (result.level, result.institution, result.assessed_on) == (
        1,
        world.lan,
        datetime.date(2026, 11, 30),
    )


# --- all or nothing, idempotent, history -----------------------------------------------------


def test_one_bad_row_among_50_good_ones_writes_nothing_and_exits_1(tmp_path, world):
    employees = EmployeeFactory.create_batch(50, unit=world.unit, position=world.position)
    lines = [f"{e.nip},,30/11/2026,LAN,3,2" for e in employees]
    lines.insert(25, f"{world.andi.nip},,30/11/2026,LAN,7,2")  # spreadsheet row 27
    status, out, err = command(write(tmp_path, lines))
    assert status == 1
    assert "baris 27, kolom perekat_bangsa: Level 7 di luar rentang." in err
    assert "1 kesalahan: tidak ada yang disimpan." in err
    assert AssessmentResult.objects.count() == 0
    run = ImportRun.objects.get()
    assert (run.status, run.rows, run.error_count) == (ImportRun.Status.INVALID, 51, 1)


def test_importing_the_same_file_twice_changes_nothing_the_second_time(tmp_path, world):
    path = write(tmp_path, [f"{world.andi.nip},,30/11/2026,LAN,1,3", f"{world.budi.nip},,01-12-2026,LAN,4,"])
    status, out, _ = command(path)
    assert status == 0 and "3 telah dibuat, 0 telah diubah, 0 tetap" in out
    first = stored()
    status, out, _ = command(path)
    assert status == 0 and "0 telah dibuat, 0 telah diubah, 3 tetap" in out
    assert stored() == first
    assert AssessmentResultChange.objects.count() == 0
    runs = list(ImportRun.objects.order_by("pk").values_list("created", "updated", "unchanged"))
    assert runs == [(3, 0, 0), (0, 0, 3)]


def test_a_corrected_file_updates_the_result_and_keeps_the_history(tmp_path, world):
    command(
        write(tmp_path, [f"{world.andi.nip},,30/11/2026,LAN,1,3", f"{world.budi.nip},,30/11/2026,LAN,4,"])
    )
    first_run = ImportRun.objects.get()
    status, out, _ = command(
        write(tmp_path, [f"{world.andi.nip},,30/11/2026,LAN,2,3", f"{world.budi.nip},,30/11/2026,LAN,4,"])
    )
    assert status == 0 and "0 telah dibuat, 1 telah diubah, 2 tetap" in out
    second_run = ImportRun.objects.exclude(pk=first_run.pk).get()
    result = AssessmentResult.objects.get(employee=world.andi, competency__code=PEREKAT_BANGSA)
    assert (result.level, result.import_run) == (2, second_run)
    change = AssessmentResultChange.objects.get()
    assert (change.result, change.old_level, change.new_level, change.import_run) == (
        result,
        1,
        2,
        second_run,
    )
    assert (change.old_assessed_on, change.new_assessed_on) == (datetime.date(2026, 11, 30),) * 2
    assert (change.old_institution, change.new_institution) == (world.lan, world.lan)
    unchanged = AssessmentResult.objects.get(employee=world.andi, competency__code="integritas")
    assert unchanged.import_run == first_run  # a row that did not change keeps its origin


def test_dry_run_reports_the_counts_and_writes_nothing(tmp_path, world):
    path = write(tmp_path, [f"{world.andi.nip},,30/11/2026,LAN,1,3", f"{world.budi.nip},,30/11/2026,LAN,4,"])
    status, out, _ = command(path, dry_run=True)
    assert status == 0
    assert "2 baris dibaca (uji coba, tidak ada yang disimpan): 3 akan dibuat, 0 akan diubah, 0 tetap" in out
    assert AssessmentResult.objects.count() == 0


def test_dry_run_of_a_correction_counts_the_update_and_keeps_the_old_level(tmp_path, world):
    check(write(tmp_path, [f"{world.andi.nip},,30/11/2026,LAN,1,3"]))
    outcome = check(write(tmp_path, [f"{world.andi.nip},,30/11/2026,LAN,2,3"]), dry_run=True)
    assert (outcome.counts.created, outcome.counts.updated, outcome.counts.unchanged) == (0, 1, 1)
    assert not outcome.written
    assert AssessmentResult.objects.get(competency__code=PEREKAT_BANGSA).level == 1
    assert AssessmentResultChange.objects.count() == 0


def test_the_year_is_part_of_the_key(tmp_path, world):
    path = write(tmp_path, [f"{world.andi.nip},,30/11/2026,LAN,1,"])
    check(path)
    outcome = run_import("assessments", path, options=Options(year=2027))
    assert (outcome.counts.created, outcome.counts.updated) == (1, 0)
    assert sorted(AssessmentResult.objects.values_list("year", "level")) == [(2026, 1), (2027, 1)]


def test_two_imports_in_one_outer_transaction(tmp_path, world):
    path = write(tmp_path, [f"{world.andi.nip},,30/11/2026,LAN,1,3"])
    check(path)
    outcome = check(path)
    assert (outcome.counts.created, outcome.counts.updated, outcome.counts.unchanged) == (0, 0, 2)
