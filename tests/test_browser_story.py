"""The seed's story end to end, in a real browser on PostgreSQL (issue 7): Andi is assessed 1
against a standard of 3 in 2025 → he appears in the training needs → HR nominates him → his
leader approves → pre-test → three forums attended → his group hands in a film analysis →
post-test → feedback → STTPP, verified through the URL its QR code carries → his leader
observes him at 4 weeks and logs two mentoring sessions → the 2026 results are imported with
his level 2 → the effectiveness report shows his gain and his remaining gap of 1, and his need
is back in the pool.

The class ran in March 2026 (between the two assessments, as in the seed); the facilitator
opens its tests for the test's duration, since a browser test cannot wait for day 1 and day 3."""

import datetime
import re
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from assessments.models import PEREKAT_BANGSA, Competency, Institution
from assessments.selectors import competencies
from assessments.services import position_standards_set
from conftest import skip_or_fail
from elearning.models import Attempt, TaskKind
from elearning.scoring import normalized_gain
from elearning.services import quizzes as quiz_services
from elearning.services import tasks as task_services
from employees.importing.engine import Options, run_import
from employees.models import Employee
from employees.roles import FACILITATOR_GROUP, HR_GROUP
from employees.services import (
    employee_login_ensure,
    employee_upsert,
    position_upsert,
    unit_set_leader,
    unit_upsert,
)
from gaps.models import TrainingNeed
from gaps.services import gaps_compute
from tests.browser_support import log_in
from trainings import completion
from trainings.management.demo_learning import _import_questions
from trainings.models import Certificate, Programme
from trainings.services import training_class_create

try:
    from playwright.sync_api import expect
except ImportError:  # chromium_installed reports it
    expect = None

pytestmark = pytest.mark.browser

PASSWORD = "cerita-andi-2026"
ANDI, HENDRA, SRI, BUDI = (
    "198703122010121002",
    "197408212000031003",
    "198205172006042001",
    "199001012015031001",
)
CLASS_NAME = "Angkatan Cerita 2026"
CLASS_START = datetime.date(2026, 3, 2)  # Mon 2 – Wed 4 March 2026


def _results_file(folder: Path, year: int, andi_level: int) -> Path:
    codes = [c.code for c in competencies()]
    rows = [",".join(["nip", "nama", "tanggal_asesmen", "lembaga", *codes])]
    for nip, name, level in (
        (ANDI, "Andi Pratama", andi_level),
        (BUDI, "Budi Santoso", 3),
        (HENDRA, "Hendra Siregar", 4),
    ):
        levels = [str(level) if code == PEREKAT_BANGSA else "3" for code in codes]
        rows.append(",".join([nip, name, f"{year}-11-20", "LPK-CERITA", *levels]))
    path = folder / f"hasil-{year}.csv"
    path.write_text("\n".join(rows), encoding="utf-8")
    return path


@pytest.fixture
def story(transactional_db, django_db_serialized_rollback):
    if connection.vendor != "postgresql":
        skip_or_fail("the seed's story runs on PostgreSQL (set DATABASE_URL)")
    root = unit_upsert(code="KEMENBUD", name="Kementerian Kebudayaan")
    dit = unit_upsert(code="DIT-KMA", name="Direktorat Kepercayaan dan Masyarakat Adat", parent=root)
    bagian = unit_upsert(code="BAG-KEP", name="Bagian Kepegawaian", parent=root)
    arsiparis = position_upsert(
        code="ARS-PENYELIA", name="Arsiparis Penyelia", jenis="fungsional", jenjang="penyelia"
    )
    direktur = position_upsert(code="DIREKTUR", name="Direktur", jenis="jpt_pratama")
    analis = position_upsert(code="ANALIS-SDM", name="Analis SDM", jenis="pelaksana")
    position_standards_set(position=arsiparis, levels={PEREKAT_BANGSA: 3})
    people = {}
    for nip, name, unit, position in (
        (HENDRA, "Hendra Siregar", dit, direktur),
        (ANDI, "Andi Pratama", dit, arsiparis),
        (BUDI, "Budi Santoso", dit, arsiparis),
        (SRI, "Sri Wahyuni", bagian, analis),
    ):
        people[nip] = employee_upsert(
            nip=nip, name=name, unit=unit, position=position, email=f"{nip}@cerita.go.id"
        )
        employee_login_ensure(employee=people[nip], password=PASSWORD)
    unit_set_leader(unit=dit, employee=people[HENDRA])
    people[SRI].user.groups.add(Group.objects.get(name=HR_GROUP))
    facilitator = get_user_model().objects.create_user(
        username="maria", password=PASSWORD, first_name="Maria", last_name="Lestari"
    )
    facilitator.groups.add(Group.objects.get(name=FACILITATOR_GROUP))
    Institution.objects.create(
        code="LPK-CERITA",
        name="Pusat Asesmen",
        accreditation_number="AKR-1",
        accredited_until=datetime.date(2030, 12, 31),
    )
    with tempfile.TemporaryDirectory() as folder:
        outcome = run_import(
            "assessments", _results_file(Path(folder), 2025, andi_level=1), options=Options(year=2025)
        )
        assert not outcome.errors, outcome.errors
    gaps_compute(year=2025)
    _import_questions()
    programme = Programme.objects.get(code="sosio-kultural-perekat-bangsa")
    programme.signatory_name, programme.signatory_title = "Dr. Ratna Dewi", "Kepala Biro SDM"
    programme.save()
    training_class = training_class_create(
        programme=programme,
        name=CLASS_NAME,
        start_date=CLASS_START,
        capacity=20,
        forum_start=datetime.time(9, 0),
        forum_end=datetime.time(11, 0),
        facilitators=[facilitator],
        user=people[SRI].user,
    )
    space = training_class.learning_space
    pre, post = quiz_services.quizzes_prepare(
        space=space, competency=Competency.objects.get(code=PEREKAT_BANGSA), question_count=5, seed=7
    )
    now = timezone.now()
    for quiz in (pre, post):
        quiz_services.quiz_update(
            quiz=quiz,
            opens_at=now - datetime.timedelta(hours=1),
            closes_at=now + datetime.timedelta(hours=3),
            time_limit_minutes=30,
        )
    task_services.task_save(
        space=space,
        kind=TaskKind.FILM,
        title="Bedah film: keberagaman",
        instructions="Analisis nilai persatuan dalam film.",
        due_at=now + datetime.timedelta(days=2),
        criteria=[("Ketepatan analisis", 50), ("Penyajian", 50)],
        user=people[SRI].user,
    )
    return training_class


@pytest.fixture
def browser_data(story):
    """The browser (tests/conftest.py) starts once the story's beginning is committed."""


def _answer_everything(page):
    for question in page.locator("section.question").all():
        question.locator("input[type=radio]").first.check()
        expect(question.locator(".save-state")).to_have_text(re.compile("Tersimpan"))
    page.get_by_role("button", name="Kumpulkan jawaban").click()
    page.wait_for_url(re.compile(r"/hasil/$"))


def test_the_seed_story_from_andis_gap_to_his_next_assessment(new_page, story, tmp_path):
    training_class = story
    space_url = f"/belajar/ruang/{training_class.learning_space_id}/"

    # HR finds Andi in the 2025 needs (gap 2) and nominates him to the class.
    hr = new_page()
    hr.on("dialog", lambda dialog: dialog.accept())
    log_in(hr, SRI, PASSWORD)
    hr.goto("/kebutuhan-diklat/")
    expect(hr.get_by_role("row").filter(has_text="Andi Pratama")).to_contain_text("2")
    hr.goto(f"/diklat/kelas/{training_class.pk}/")
    hr.get_by_label("Andi Pratama", exact=True).check()
    hr.get_by_role("button", name="Nominasikan yang dipilih").click()
    expect(hr.get_by_text("1 pegawai dinominasikan")).to_be_visible()

    # His leader approves.
    hendra = new_page()
    hendra.on("dialog", lambda dialog: dialog.accept())
    log_in(hendra, HENDRA, PASSWORD)
    hendra.goto("/diklat/persetujuan/")
    hendra.get_by_label("Andi Pratama", exact=True).check()
    hendra.get_by_role("button", name="Setujui yang dipilih").click()
    expect(hendra.get_by_text("1 nominasi disetujui.")).to_be_visible()

    # The facilitator forms the group and marks the three forums.
    maria = new_page()
    maria.on("dialog", lambda dialog: dialog.accept())
    log_in(maria, "maria", PASSWORD)
    maria.goto(f"/belajar/ruang/{training_class.learning_space_id}/kelompok/")
    maria.get_by_label("Jumlah kelompok").fill("1")  # one participant in this story
    maria.get_by_role("button", name="Bentuk kelompok").click()
    expect(maria.locator("main")).to_contain_text("Andi Pratama")
    for day in (1, 2, 3):
        maria.goto(f"/diklat/kelas/{training_class.pk}/presensi/{day}/")
        maria.get_by_label("Andi Pratama: Hadir", exact=True).check()
        maria.get_by_role("button", name="Simpan presensi").click()
        expect(maria.get_by_label("Andi Pratama: Hadir", exact=True)).to_be_checked()

    # Andi: pre-test, his group's film analysis, post-test, feedback.
    andi = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    andi.on("dialog", lambda dialog: dialog.accept())
    log_in(andi, ANDI, PASSWORD)
    andi.goto(space_url)
    andi.get_by_role("button", name="Mulai Pre-test").click()
    _answer_everything(andi)
    andi.goto(space_url)
    andi.get_by_role("link", name="Tugas kelompok").click()
    andi.get_by_role("link", name=re.compile("Bedah film")).first.click()
    report = tmp_path / "analisis.pdf"
    report.write_bytes(b"%PDF-1.4\n% analisis film\n%%EOF\n")
    andi.get_by_label("Jawaban / tautan").fill("Gotong royong lintas suku dalam film.")
    andi.get_by_label("Berkas").set_input_files(str(report))
    andi.get_by_role("button", name="Kumpulkan", exact=True).click()
    expect(andi.get_by_text("Sudah dikumpulkan").first).to_be_visible()
    andi.goto(space_url)
    andi.get_by_role("button", name="Mulai Post-test").click()
    _answer_everything(andi)
    andi.goto("/diklat/saya/")
    andi.get_by_role("link", name="Isi umpan balik").click()
    for fieldset in andi.locator("fieldset").all()[:4]:
        fieldset.locator("label", has_text="5 –").click()
    andi.get_by_role("button", name="Kirim umpan balik").click()
    expect(andi.get_by_text("Terima kasih").first).to_be_visible()

    # The tests close; HR completes the class by its rules: Andi gets his STTPP.
    maria.goto(space_url)
    maria.get_by_role("button", name="Tutup Pre-test sekarang").click()
    maria.get_by_role("button", name="Tutup Post-test sekarang").click()
    hr.goto(f"/diklat/kelas/{training_class.pk}/")
    hr.get_by_role("link", name="Kelulusan dan STTPP").click()
    hr.get_by_role("button", name=re.compile("Tetapkan kelulusan")).click()
    certificate = Certificate.objects.get(nomination__employee__nip=ANDI)
    expect(hr.get_by_role("row").filter(has_text="Andi Pratama")).to_contain_text(certificate.number)

    andi.goto("/diklat/saya/")
    with andi.expect_download() as download:
        andi.get_by_role("link", name="Unduh STTPP").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")

    # Anyone can check it through the URL its QR code carries; nothing more than the minimum shows.
    qr_url = completion.verification_url(certificate)
    public = new_page()
    public.goto(qr_url)
    expect(public.get_by_text(certificate.number)).to_be_visible()
    expect(public.get_by_text("Andi Pratama")).to_be_visible()
    expect(public.locator("body")).not_to_contain_text(ANDI)  # NIP masked
    expect(public.locator("body")).not_to_contain_text("Direktorat Kepercayaan")

    # His leader observes him at 4 weeks and logs two mentoring sessions.
    hendra.goto("/diklat/tindak-lanjut/")
    hendra.get_by_role("link", name="Isi observasi").first.click()
    expect(hendra.get_by_role("heading", level=1)).to_contain_text("minggu ke-4")
    for fieldset in hendra.locator("fieldset").all()[:-1]:
        fieldset.get_by_text("Kadang-kadang", exact=True).click()
    hendra.get_by_label("Perilaku mulai berubah").check()
    hendra.get_by_role("button", name="Simpan observasi").click()
    expect(hendra.get_by_text(re.compile("[Oo]bservasi.*(disimpan|tersimpan)")).first).to_be_visible()
    for held_on, topic in (("2026-03-20", "Rencana penerapan"), ("2026-04-17", "Evaluasi forum budaya")):
        hendra.goto("/diklat/tindak-lanjut/")
        hendra.get_by_role("link", name=re.compile("Rencana mentoring|Lihat rencana")).first.click()
        hendra.get_by_text("Catat sesi", exact=True).click()  # opens the folded form
        hendra.get_by_label("Tanggal sesi").fill(held_on)
        hendra.get_by_label("Topik").fill(topic)
        hendra.get_by_role("button", name="Simpan sesi").click()
        expect(hendra.get_by_text(topic)).to_be_visible()

    # HR imports the 2026 results, Andi now at level 2.
    hr.goto("/impor/")
    hr.get_by_label("Jenis data").select_option("assessments")
    hr.get_by_label("Tahun asesmen").fill("2026")
    hr.get_by_label("File CSV atau XLSX").set_input_files(str(_results_file(tmp_path, 2026, andi_level=2)))
    hr.get_by_role("button", name="Unggah dan periksa").click()
    hr.get_by_role("button", name="Simpan ke database").click()
    expect(hr.get_by_text("Tersimpan.")).to_be_visible(timeout=20_000)

    # The effectiveness report: his gain, 1 → 2 against standard 3, remaining gap 1.
    hr.goto(f"/diklat/kelas/{training_class.pk}/efektivitas/")
    row = hr.get_by_role("row").filter(has_text="Andi Pratama")
    expect(row).to_contain_text("1 → 2")
    expect(row).to_contain_text("3")
    scores = {
        a.quiz.kind: a.score
        for a in Attempt.objects.filter(enrolment__employee__nip=ANDI).select_related("quiz")
    }
    gain = normalized_gain(scores["pre"], scores["post"])
    expect(row).to_contain_text("—" if gain is None else f"{gain:.2f}".replace(".", ","))
    andi_need = TrainingNeed.objects.get(employee__nip=ANDI, year=2026)
    assert andi_need.status == TrainingNeed.Status.IDENTIFIED and andi_need.gap == 1
    # ...and he is back in the pool, the 2026 one, with his remaining gap.
    hr.goto("/kebutuhan-diklat/?year=2026")
    expect(hr.get_by_role("row").filter(has_text="Andi Pratama")).to_be_visible()
    assert Employee.objects.get(nip=ANDI).jp_credits.get().jp == 24
