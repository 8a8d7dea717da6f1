"""The question bank's import (kind "questions"): CSV and XLSX through the shared reading layer,
every problem reported with its row and column, all or nothing, re-import by kode, and a
question in use keeping its options and its correct answer. Also the command and HR's upload."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from elearning.models import Question
from elearning.services import bank
from elearning.services import quizzes as quiz_services
from employees.importing.engine import run_import
from employees.importing.reader import ERROR
from employees.models import ImportRun

from .factories import QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _indonesian():
    """Messages are asserted in the source language, whatever an earlier test activated."""
    with translation.override("id"):
        yield


HEADER = "kode,kompetensi,level,pertanyaan,pilihan_a,pilihan_b,pilihan_c,pilihan_d,jawaban,pembahasan,aktif"
GOOD = [
    "PB-001,perekat_bangsa,1,Sikap terhadap perbedaan?,Menghargai,Mengabaikan,Menolak,,A,Menghargai itu inti.,Y",
    "PB-002,Perekat Bangsa,,Bahasa persatuan?,Bahasa daerah,Bahasa Indonesia,,,b,,",
]


def write(tmp_path, lines, header=HEADER, name="soal.csv"):
    path = tmp_path / name
    path.write_bytes(("\n".join([header, *lines]) + "\n").encode("utf-8"))
    return path


def check(path, **kwargs):
    return run_import("questions", path, **kwargs)


def only_error(outcome):
    assert len(outcome.errors) == 1, [str(i) for i in outcome.errors]
    return outcome.errors[0]


def command(path, **options):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_questions", str(path), stdout=out, stderr=err, **options)
        status = 0
    except SystemExit as exc:
        status = exc.code
    return status, out.getvalue(), err.getvalue()


def stored(code):
    question = Question.objects.select_related("competency").get(code=code)
    options = list(question.options.order_by("position").values_list("text", "is_correct"))
    return question, options


# --- the happy path -------------------------------------------------------------------------------


def test_a_csv_file_creates_the_questions(tmp_path):
    outcome = check(write(tmp_path, GOOD))
    assert outcome.written and not outcome.errors
    assert (outcome.rows, outcome.counts.created, outcome.counts.updated, outcome.counts.unchanged) == (
        2,
        2,
        0,
        0,
    )
    first, options = stored("PB-001")
    assert (first.competency.code, first.level, first.text, first.explanation, first.is_active) == (
        "perekat_bangsa",
        1,
        "Sikap terhadap perbedaan?",
        "Menghargai itu inti.",
        True,
    )
    assert options == [("Menghargai", True), ("Mengabaikan", False), ("Menolak", False)]
    second, options = stored("PB-002")
    assert (second.competency.code, second.level, second.is_active) == ("perekat_bangsa", None, True)
    assert options == [("Bahasa daerah", False), ("Bahasa Indonesia", True)]


def test_an_xlsx_file_with_a_title_row_and_typed_cells_creates_the_questions(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Bank soal Perekat Bangsa 2026"])
    sheet.append(
        [
            "Kode",
            "Kompetensi",
            "Level",
            "Pertanyaan",
            "Pilihan A",
            "Pilihan B",
            "Pilihan C",
            "Jawaban",
            "Aktif",
        ]
    )
    sheet.append(["PB-010", "PEREKAT_BANGSA", 3, "Tahun Sumpah Pemuda?", 1928, 1945, 1908, "a", "N"])
    sheet.append(
        [
            "PB-011",
            "perekat bangsa",
            4.0,
            "Semboyan bangsa?",
            "Bhinneka Tunggal Ika",
            "Tut Wuri Handayani",
            None,
            "A",
            None,
        ]
    )
    path = tmp_path / "soal.xlsx"
    workbook.save(path)
    outcome = check(path)
    assert not outcome.errors, [str(i) for i in outcome.errors]
    assert outcome.counts.created == 2
    question, options = stored("PB-010")
    assert (question.level, question.is_active) == (3, False)
    assert options == [("1928", True), ("1945", False), ("1908", False)]
    question, options = stored("PB-011")
    assert (question.level, question.is_active, len(options)) == (4, True, 2)


def test_headers_match_whatever_their_case_spaces_and_hyphens(tmp_path):
    header = "KODE;Kompetensi;Pertanyaan;Pilihan-A;pilihan b;JAWABAN"
    outcome = check(write(tmp_path, ["PB-1;perekat_bangsa;Apa?;Ya;Tidak;A"], header=header))
    assert not outcome.errors and outcome.counts.created == 1


def test_six_options_are_read(tmp_path):
    header = "kode,kompetensi,pertanyaan,pilihan_a,pilihan_b,pilihan_c,pilihan_d,pilihan_e,pilihan_f,jawaban"
    outcome = check(write(tmp_path, ["PB-6,perekat_bangsa,Apa?,1,2,3,4,5,6,F"], header=header))
    assert not outcome.errors
    assert stored("PB-6")[1][-1] == ("6", True)


def test_a_dry_run_writes_nothing_but_counts(tmp_path):
    outcome = check(write(tmp_path, GOOD), dry_run=True)
    assert outcome.counts.created == 2 and not outcome.written
    assert not Question.objects.exists()


# --- re-import ------------------------------------------------------------------------------------


def test_importing_the_same_file_again_changes_nothing(tmp_path):
    path = write(tmp_path, GOOD)
    check(path)
    outcome = check(path)
    assert (outcome.counts.created, outcome.counts.updated, outcome.counts.unchanged) == (0, 0, 2)


def test_a_reimport_updates_by_kode(tmp_path):
    check(write(tmp_path, GOOD))
    pk = Question.objects.get(code="PB-001").pk
    changed = [
        "PB-001,perekat_bangsa,2,Sikap terhadap perbedaan?,Menghargai,Mengabaikan,,,B,,N",
        GOOD[1],
    ]
    outcome = check(write(tmp_path, changed, name="ubah.csv"))
    assert (outcome.counts.created, outcome.counts.updated, outcome.counts.unchanged) == (0, 1, 1)
    question, options = stored("PB-001")
    assert question.pk == pk
    assert (question.level, question.explanation, question.is_active) == (2, "", False)
    assert options == [("Menghargai", False), ("Mengabaikan", True)]


# --- every problem has its row and column ---------------------------------------------------------

BASE = {
    "kode": "PB-100",
    "kompetensi": "perekat_bangsa",
    "level": "2",
    "pertanyaan": "Apa?",
    "pilihan_a": "Satu",
    "pilihan_b": "Dua",
    "pilihan_c": "",
    "pilihan_d": "",
    "jawaban": "A",
    "pembahasan": "",
    "aktif": "",
}


def line(**changes):
    values = {**BASE, **changes}
    return ",".join(values[column] for column in HEADER.split(","))


ERROR_CASES = {
    "empty kode": ({"kode": ""}, "kode", str(bank.MSG_CODE_REQUIRED)),
    "kode too long": ({"kode": "K" * 41}, "kode", "Kode terlalu panjang"),
    "unknown competency": ({"kompetensi": "kejujuran"}, "kompetensi", "kejujuran tidak ada"),
    "empty competency": ({"kompetensi": ""}, "kompetensi", "Kompetensi kosong"),
    "level 6": ({"level": "6"}, "level", "di luar rentang"),
    "level not a number": ({"level": "dua"}, "level", "bukan angka"),
    "empty question": ({"pertanyaan": ""}, "pertanyaan", str(bank.MSG_TEXT_REQUIRED)),
    "formula": ({"pertanyaan": "=A1"}, "pertanyaan", "rumus"),
    "empty pilihan_a": (
        {"pilihan_a": "", "jawaban": "B", "pilihan_c": "Tiga"},
        "pilihan_a",
        "Pilihan A kosong",
    ),
    "only one option": ({"pilihan_b": ""}, "pilihan_b", "paling sedikit 2"),
    "gap at C": ({"pilihan_d": "Empat"}, "pilihan_c", str(bank.MSG_OPTION_GAP % {"letter": "C"})),
    "option too long": ({"pilihan_b": "x" * 501}, "pilihan_b", "terlalu panjang"),
    "answer G": ({"jawaban": "G"}, "jawaban", "bukan huruf pilihan"),
    "answer AB": ({"jawaban": "AB"}, "jawaban", "bukan huruf pilihan"),
    "empty answer": ({"jawaban": ""}, "jawaban", "Jawaban kosong"),
    "answer on an empty option": (
        {"jawaban": "C"},
        "jawaban",
        str(bank.MSG_CORRECT_EMPTY % {"letter": "C"}),
    ),
    "aktif X": ({"aktif": "X"}, "aktif", "tidak dikenali"),
}


@pytest.mark.parametrize("changes, column, message", list(ERROR_CASES.values()), ids=list(ERROR_CASES))
def test_each_problem_names_its_row_and_column_and_nothing_is_written(tmp_path, changes, column, message):
    good = line(kode="PB-099")
    outcome = check(write(tmp_path, [good, line(**changes)]))
    error = only_error(outcome)
    assert (error.row, error.column, error.severity) == (3, column, ERROR)
    assert message in error.message
    assert error.hint or "." in error.message  # says how to fix
    assert str(error).startswith(f"baris 3, kolom {column}: ")
    assert not outcome.written
    assert not Question.objects.exists()  # not even the good row


def test_the_column_is_named_as_the_file_writes_it(tmp_path):
    header = "Kode,Kompetensi,Pertanyaan,Pilihan A,Pilihan B,Jawaban"
    outcome = check(write(tmp_path, ["PB-1,perekat_bangsa,Apa?,Ya,,A"], header=header))
    assert (only_error(outcome).row, only_error(outcome).column) == (2, "Pilihan B")


def test_a_kode_twice_in_the_file_is_reported_at_the_second_row_naming_the_first(tmp_path):
    outcome = check(write(tmp_path, [line(kode="PB-1"), line(kode="PB-2"), line(kode="PB-1")]))
    error = only_error(outcome)
    assert (error.row, error.column, error.value) == (4, "kode", "PB-1")
    assert "baris 2" in error.message
    assert not Question.objects.exists()


def test_a_missing_required_column_is_reported_at_the_header(tmp_path):
    header = "kode,kompetensi,pertanyaan,pilihan_a,pilihan_b"
    outcome = check(write(tmp_path, ["PB-1,perekat_bangsa,Apa?,Ya,Tidak"], header=header))
    error = only_error(outcome)
    assert (error.row, error.column) == (1, "jawaban")
    assert not Question.objects.exists()


def test_every_error_of_a_file_is_listed_in_row_order(tmp_path):
    outcome = check(
        write(tmp_path, [line(kode="PB-1", level="9", jawaban="Z"), line(kode="PB-2", pertanyaan="")])
    )
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "jawaban"), (2, "level"), (3, "pertanyaan")]


# --- a question in use ----------------------------------------------------------------------------


@pytest.fixture
def in_use(classroom, open_quizzes):
    """A question of the started pre-test, as a file row that changes nothing."""
    pre, _post = open_quizzes
    attempt = quiz_services.attempt_start(quiz=pre, enrolment=classroom.enrolment)
    question = Question.objects.get(pk=attempt.question_order[0])
    return question, {
        "kode": question.code,
        "level": str(question.level),
        "pertanyaan": question.text,
        "pilihan_a": "Pilihan 1",
        "pilihan_b": "Pilihan 2",
        "pilihan_c": "Pilihan 3",
        "pilihan_d": "Pilihan 4",
        "jawaban": "A",
    }


def test_a_question_in_use_may_not_lose_an_option_in_an_import(tmp_path, in_use):
    question, row = in_use
    outcome = check(write(tmp_path, [line(**{**row, "pilihan_d": ""})]))
    error = only_error(outcome)
    assert (error.row, error.column) == (2, "pilihan_d")
    assert "buat soal baru dengan kode lain" in error.message
    assert question.options.count() == 4


def test_a_question_in_use_may_not_change_its_answer_in_an_import(tmp_path, in_use):
    question, row = in_use
    outcome = check(write(tmp_path, [line(**{**row, "jawaban": "B"})]))
    error = only_error(outcome)
    assert (error.row, error.column, error.value) == (2, "jawaban", "B")
    assert question.options.get(is_correct=True).position == 1


def test_a_question_in_use_may_have_its_text_corrected_by_an_import(tmp_path, in_use):
    question, row = in_use
    unchanged = check(write(tmp_path, [line(**row)]))
    assert unchanged.counts.unchanged == 1
    outcome = check(write(tmp_path, [line(**{**row, "pertanyaan": "Diperbaiki?"})], name="b.csv"))
    assert not outcome.errors and outcome.counts.updated == 1
    question.refresh_from_db()
    assert question.text == "Diperbaiki?"


# --- the command ----------------------------------------------------------------------------------


def test_the_command_writes_a_good_file_and_exits_0(tmp_path):
    status, out, _err = command(write(tmp_path, GOOD))
    assert status == 0
    assert "2 baris dibaca" in out and "2 telah dibuat" in out
    assert Question.objects.count() == 2
    run = ImportRun.objects.get()
    assert (run.kind, run.status, run.via_command) == ("questions", ImportRun.Status.DONE, True)


def test_the_command_reports_row_and_column_and_exits_1_writing_nothing(tmp_path):
    status, _out, err = command(write(tmp_path, [GOOD[0], line(jawaban="G")]))
    assert status == 1
    assert "baris 3, kolom jawaban" in err and "tidak ada yang disimpan" in err
    assert not Question.objects.exists()


def test_the_command_dry_run_writes_nothing(tmp_path):
    status, out, _err = command(write(tmp_path, GOOD), dry_run=True)
    assert status == 0 and "uji coba" in out and "2 akan dibuat" in out
    assert not Question.objects.exists()


def test_the_command_exits_2_for_a_missing_or_unreadable_file(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as excinfo:
        command(tmp_path / "tidak-ada.csv")
    assert excinfo.value.returncode == 2
    pdf = tmp_path / "soal.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    with pytest.raises(CommandError) as excinfo:
        command(pdf)
    assert excinfo.value.returncode == 2


# --- HR's upload page -----------------------------------------------------------------------------


def test_the_import_page_offers_the_question_bank(client, agency):
    client.force_login(agency.hr.user)
    page = client.get(reverse("import_list")).content.decode()
    assert 'value="questions"' in page and "Bank soal" in page


def test_hr_uploads_previews_confirms_and_the_questions_are_written(
    client, agency, django_capture_on_commit_callbacks
):
    client.force_login(agency.hr.user)
    upload = SimpleUploadedFile("soal.csv", "\n".join([HEADER, *GOOD]).encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("import_list"), {"kind": "questions", "file": upload})
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("import_detail", args=[run.pk])
    preview = client.get(response["Location"]).content.decode()
    assert "Siap disimpan" in preview and "Simpan ke database" in preview
    run.refresh_from_db()
    assert (run.kind, run.status, run.rows, run.created) == ("questions", ImportRun.Status.READY, 2, 2)
    assert not Question.objects.exists()  # nothing before the confirmation

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE
    assert set(Question.objects.values_list("code", flat=True)) == {"PB-001", "PB-002"}


def test_an_uploaded_file_with_errors_shows_row_and_column(
    client, agency, django_capture_on_commit_callbacks
):
    QuestionFactory(code="PB-900")
    client.force_login(agency.hr.user)
    lines = [HEADER, GOOD[0], "PB-002,perekat_bangsa,,Apa?,Ya,,,,A,,"]
    upload = SimpleUploadedFile("soal.csv", "\n".join(lines).encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_list"), {"kind": "questions", "file": upload})
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.INVALID
    assert [(i["row"], i["column"]) for i in run.issues if i["severity"] == "error"] == [(3, "pilihan_b")]
    page = client.get(reverse("import_detail", args=[run.pk])).content.decode()
    assert "tidak ada yang disimpan" in page
    assert Question.objects.count() == 1
