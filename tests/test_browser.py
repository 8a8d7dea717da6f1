"""What a user notices in a real browser: each demo role lands on its own home page, the phone
layout's collapsed menu still leads to the employee list, and "Keluar" logs out.

Playwright drives Debian's Chromium (/usr/bin/chromium); it never downloads a browser. CI sets
REQUIRE_SERVICES=1, so a missing Chromium fails there instead of skipping."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.browser_support import log_in as browser_log_in
from trainings.management.commands.demo_data import (
    ANDI,
    DEMO_PASSWORD,
    FACILITATOR_USERNAME,
    HR_STAFF,
    LEADER_A,
    LEADER_B,
)

try:
    from playwright.sync_api import expect
except ImportError:  # chromium_installed reports it: skip, or fail under REQUIRE_SERVICES=1
    expect = None

pytestmark = pytest.mark.browser

HOME_HEADINGS = {
    "hr": "Beranda Kepegawaian",
    "leader": "Unit saya",
    "participant": "Profil saya",
    "facilitator": "Beranda Fasilitator",
}
UNIT_UNDER_A = "Subdirektorat Masyarakat Adat"  # child of LEADER_A's Direktorat KMA
UNIT_UNDER_B = "Bidang Pelestarian Budaya Kanwil Bali"  # child of LEADER_B's Kanwil Bali


@pytest.fixture
def demo(transactional_db, django_db_serialized_rollback):
    """The demo agency and its logins. The live server sees only committed rows, hence
    transactional_db; its flush also drops what data migrations made (role groups, competency
    dictionary), which serialized rollback puts back before each test."""
    call_command("demo_data", stdout=io.StringIO())


@pytest.fixture
def browser_data(demo):
    """What the browser fixture (tests/conftest.py) waits for: the demo data, committed."""


def log_in(page, username):
    browser_log_in(page, username, DEMO_PASSWORD)


ROLES = {  # id -> (username, home role, display name)
    "hr": (HR_STAFF.nip, "hr", HR_STAFF.name),
    "leader_a": (LEADER_A.nip, "leader", LEADER_A.name),
    "leader_b": (LEADER_B.nip, "leader", LEADER_B.name),
    "participant_andi": (ANDI.nip, "participant", ANDI.name),
    "facilitator": (FACILITATOR_USERNAME, "facilitator", "Maria Lestari"),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_lands_on_its_own_home(new_page, role):
    username, home, name = ROLES[role]
    page = new_page()
    log_in(page, username)
    expect(page.get_by_role("button", name=name)).to_be_visible()  # the user menu

    expect(page.get_by_role("heading", level=1)).to_have_text(HOME_HEADINGS[home])
    for other, heading in HOME_HEADINGS.items():
        if other != home:
            expect(page.get_by_role("heading", name=heading, exact=True)).to_have_count(0)

    if role == "leader_a":
        expect(page.get_by_role("link", name=UNIT_UNDER_A, exact=True)).to_be_visible()
        expect(page.get_by_text(UNIT_UNDER_B)).to_have_count(0)
    if role == "leader_b":
        expect(page.get_by_role("link", name=UNIT_UNDER_B, exact=True)).to_be_visible()
        expect(page.get_by_text(UNIT_UNDER_A)).to_have_count(0)

    if home != "hr":
        response = page.goto("/unit/")
        assert response is not None
        assert response.status == 403, f"{role} opened the HR-only unit tree"


def test_phone_menu_collapses_and_finds_andi(new_page):
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    log_in(page, HR_STAFF.nip)
    expect(page.get_by_role("heading", level=1)).to_have_text(HOME_HEADINGS["hr"])

    employees_link = page.get_by_role("link", name="Pegawai", exact=True)
    expect(employees_link).to_be_hidden()  # folded away behind the toggler on a phone
    toggler = page.get_by_role("button", name="Menu")
    expect(toggler).to_be_visible()
    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(employees_link).to_be_visible()
    employees_link.click()

    page.wait_for_url(re.compile(r"/pegawai/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pegawai")
    expect(page.get_by_role("table")).to_be_visible()
    page.get_by_label("Cari nama atau NIP").fill(ANDI.name)
    page.get_by_role("button", name="Cari", exact=True).click()

    page.wait_for_url(re.compile(r"[?&]q=Andi\+Pratama"))
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("link", name=ANDI.name, exact=True)).to_be_visible()
    expect(rows.first).to_contain_text(ANDI.nip)


def test_keluar_in_user_menu_logs_out(new_page):
    page = new_page()
    log_in(page, ANDI.nip)
    expect(page.get_by_role("heading", level=1)).to_have_text(HOME_HEADINGS["participant"])

    logout = page.get_by_role("button", name="Keluar", exact=True)
    expect(logout).to_be_hidden()  # inside the closed dropdown
    page.get_by_role("button", name=ANDI.name).click()
    expect(logout).to_be_visible()
    logout.click()

    page.wait_for_url(re.compile(r"/akun/masuk/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk")
    expect(page.get_by_role("button", name=ANDI.name)).to_have_count(0)
    # The session is really gone: the profile now asks to log in again.
    page.goto("/profil-saya/")
    expect(page).to_have_url(re.compile(r"/akun/masuk/\?next=/profil-saya/$"))


def test_hr_finds_andis_gap_from_the_heatmap_down_to_his_profile(new_page):
    page = new_page()
    log_in(page, HR_STAFF.nip)
    page.get_by_role("link", name="Gap", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Gap kompetensi 2026"))
    heatmap = page.locator("table.heatmap")
    expect(heatmap).to_be_visible()
    heatmap.get_by_role("link", name="Direktorat Jenderal Kebudayaan", exact=True).click()
    page.get_by_role("table").get_by_role("link", name="Direktorat Kepercayaan dan Masyarakat Adat").click()
    expect(page.locator("ol.breadcrumb")).to_contain_text("Direktorat Kepercayaan dan Masyarakat Adat")

    page.get_by_role("link", name="Daftar pegawai bergap").click()
    row = page.get_by_role("row").filter(has_text=ANDI.nip)
    expect(row).to_contain_text("Perekat Bangsa")
    row.get_by_role("link", name=ANDI.name).click()
    expect(page.get_by_role("heading", name=re.compile("Target: level 3 \\(gap 2\\)"))).to_be_visible()
    expect(page.get_by_text("Mempromosikan, mengembangkan sikap toleransi dan persatuan")).to_be_visible()


def test_andi_sees_his_own_competency_profile_and_not_the_dashboard(new_page):
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    log_in(page, ANDI.nip)
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Kompetensi saya").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Profil kompetensi")
    expect(page.get_by_text("Peka memahami dan menerima kemajemukan")).to_be_visible()  # his level 1
    response = page.goto("/gap/")
    assert response is not None and response.status == 403


def test_hr_schedules_a_class_leader_approves_a_nominee_and_andi_finds_his_forum(new_page):
    """Andi already sits in the demo's running class, so HR nominates someone else from the
    pool of LEADER_A's subtree; Andi then finds the demo class's forum."""
    import datetime

    from django.db.models import Count
    from django.utils import timezone

    from employees.models import Employee, OrgUnit
    from gaps.models import TrainingNeed
    from trainings.models import Holiday

    today = timezone.localdate()
    start = today + datetime.timedelta(days=7 - today.weekday())  # next Monday, always ahead
    while Holiday.objects.filter(date=start).exists():
        start += datetime.timedelta(days=7)
    class_name = "Angkatan Uji Peramban"
    subtree = OrgUnit.objects.get(leader__nip=LEADER_A.nip).path
    # someone whose name no one else in the agency bears, so the checkbox's label is unique
    unique_names = Employee.objects.values("name").annotate(n=Count("pk")).filter(n=1).values("name")
    nominee = (
        Employee.objects.filter(
            unit__path__startswith=subtree,
            training_needs__status=TrainingNeed.Status.IDENTIFIED,
            user__isnull=True,
            name__in=unique_names,
        )
        .order_by("nip")
        .first()
    )
    forum_url = "https://zoom.us/j/9876543210"

    hr = new_page()
    log_in(hr, HR_STAFF.nip)
    hr.get_by_role("button", name="Diklat", exact=True).click()  # HR's "Diklat" menu
    hr.get_by_role("link", name="Kalender diklat", exact=True).click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("Kalender diklat")
    hr.get_by_role("link", name="Jadwalkan kelas", exact=True).click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("Jadwalkan kelas diklat")
    hr.get_by_label("Program").select_option(label="Sosio Kultural – Perekat Bangsa")
    hr.get_by_label("Nama angkatan").fill(class_name)
    hr.get_by_label("Tanggal mulai").fill(start.isoformat())
    hr.get_by_label("Kapasitas").fill("25")
    hr.get_by_label("Forum mulai (WIB)").fill("09:00")
    hr.get_by_label("Forum selesai (WIB)").fill("11:30")
    hr.get_by_label("Tautan forum hari 1").fill(forum_url)
    hr.get_by_role("button", name="Simpan jadwal").click()

    hr.wait_for_url(re.compile(r"/diklat/kelas/\d+/$"))
    expect(hr.get_by_role("heading", level=1)).to_have_text(class_name)
    expect(hr.get_by_role("link", name=forum_url)).to_be_visible()
    hr.get_by_label(nominee.name, exact=True).check()
    hr.get_by_role("button", name="Nominasikan yang dipilih").click()
    expect(hr.get_by_text("1 pegawai dinominasikan; menunggu persetujuan pimpinan.")).to_be_visible()
    expect(hr.get_by_role("row").filter(has_text=nominee.nip)).to_contain_text("Dinominasikan")

    leader = new_page()
    log_in(leader, LEADER_A.nip)
    leader.get_by_role("link", name="Persetujuan diklat", exact=True).click()
    expect(leader.get_by_role("heading", level=1)).to_have_text("Persetujuan diklat")
    expect(leader.get_by_role("row").filter(has_text=nominee.name)).to_contain_text(class_name)
    leader.get_by_label(nominee.name, exact=True).check()
    leader.get_by_role("button", name="Setujui yang dipilih").click()
    expect(leader.get_by_text("1 nominasi disetujui.")).to_be_visible()
    expect(leader.get_by_role("row").filter(has_text=nominee.name)).to_have_count(0)

    andi = new_page()
    log_in(andi, ANDI.nip)
    andi.get_by_role("link", name="Diklat saya", exact=True).first.click()
    expect(andi.get_by_role("heading", level=1)).to_have_text("Diklat saya")
    card = andi.locator(".card").filter(has_text="Angkatan Demo")
    expect(card).to_contain_text("Disetujui pimpinan")
    forum = card.get_by_role("link", name="Buka forum")
    expect(forum).to_have_count(3)
    expect(forum.first).to_have_attribute("href", "https://meet.example.go.id/perekat-bangsa/hari-1")
    expect(card.get_by_role("link", name=re.compile("Buka ruang belajar"))).to_be_visible()
    expect(andi.locator(".card").filter(has_text=class_name)).to_have_count(0)  # not his class


def _answer_all_open_questions(page):
    """Choose the first option of every question still without a saved answer, waiting for
    each to be acknowledged."""
    for question in page.locator("section.question").all():
        if question.get_attribute("data-answered"):
            continue
        question.locator("input[type=radio]").first.check()
        expect(question.locator(".save-state")).to_have_text(re.compile("Tersimpan"))


def test_andi_takes_his_tests_on_a_phone_loses_nothing_offline_and_sees_his_gain(new_page, tmp_path):
    """Issue 6's journey: pre-test with the connection dropping mid-test, materials, his
    group's film analysis, post-test, and his normalized gain once the tests close."""
    from elearning.models import Answer, Attempt, MaterialDownload, Submission
    from elearning.scoring import normalized_gain

    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    andi = new_page(**phone)
    andi.on("dialog", lambda dialog: dialog.accept())
    log_in(andi, ANDI.nip)
    andi.get_by_role("button", name="Menu").click()
    andi.get_by_role("link", name="Ruang belajar", exact=True).first.click()
    andi.get_by_role("link", name=re.compile("Angkatan Demo")).click()
    expect(andi.get_by_role("heading", level=1)).to_contain_text("Angkatan Demo")
    andi.get_by_role("button", name="Mulai Pre-test").click()
    andi.wait_for_url(re.compile(r"/belajar/pengerjaan/\d+/$"))
    attempt_url = andi.url
    questions = andi.locator("section.question")
    expect(questions).to_have_count(10)

    # Two answers online, acknowledged by the server.
    for index in (0, 1):
        questions.nth(index).locator("input[type=radio]").nth(1).check()
        expect(questions.nth(index).locator(".save-state")).to_have_text(re.compile("Tersimpan"))

    # The connection drops: the third answer waits on the phone and says so...
    andi.context.set_offline(True)
    questions.nth(2).locator("input[type=radio]").nth(2).check()
    expect(questions.nth(2).locator(".save-state")).to_have_text(re.compile("Belum tersimpan, mencoba lagi"))
    # ...and is sent by itself when the connection returns.
    andi.context.set_offline(False)
    expect(questions.nth(2).locator(".save-state")).to_have_text(re.compile("Tersimpan"), timeout=20_000)

    # Offline again, a fourth answer, and he closes the page before the connection returns.
    andi.context.set_offline(True)
    questions.nth(3).locator("input[type=radio]").first.check()
    expect(questions.nth(3).locator(".save-state")).to_have_text(re.compile("Belum tersimpan"))
    chosen = questions.nth(3).locator("input[type=radio]").first.get_attribute("value")
    andi.close()
    attempt = Attempt.objects.get(enrolment__employee__nip=ANDI.nip, quiz__kind="pre")
    assert Answer.objects.filter(attempt=attempt).count() == 3

    # He comes back: all four answers are there, the unsent one delivered from the phone.
    andi = andi.context.new_page()
    andi.on("dialog", lambda dialog: dialog.accept())
    andi.context.set_offline(False)
    andi.goto(attempt_url)
    questions = andi.locator("section.question")
    expect(questions.nth(3).locator(".save-state")).to_have_text(re.compile("Tersimpan"), timeout=20_000)
    for index in range(4):
        expect(questions.nth(index).locator("input[type=radio]:checked")).to_have_count(1)
    assert Answer.objects.filter(attempt=attempt).count() == 4
    assert Answer.objects.get(
        attempt=attempt, question_id=questions.nth(3).get_attribute("data-question")
    ).option_id == int(chosen)
    expect(andi.locator("#answered-count")).to_have_text("4")

    _answer_all_open_questions(andi)
    andi.get_by_role("button", name="Kumpulkan jawaban").click()
    andi.wait_for_url(re.compile(r"/hasil/$"))
    expect(andi.get_by_text("Jawaban Anda sudah dikumpulkan")).to_be_visible()
    expect(andi.get_by_text("10 dari 10 soal terjawab.")).to_be_visible()

    # A material: downloaded as an attachment, logged.
    andi.get_by_role("link", name="Kembali ke ruang belajar").click()
    with andi.expect_download() as download:
        andi.get_by_role("link", name="Modul Perekat Bangsa").click()
    assert download.value.suggested_filename == "modul-perekat-bangsa.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    assert MaterialDownload.objects.filter(user__username=ANDI.nip).count() == 1

    # His group hands in the film analysis.
    andi.get_by_role("link", name="Tugas kelompok").click()
    andi.get_by_role("link", name=re.compile("Bedah film")).first.click()
    report = tmp_path / "analisis film.pdf"
    report.write_bytes(b"%PDF-1.4\n% analisis film kelompok\n%%EOF\n")
    andi.get_by_label("Jawaban / tautan").fill("Film memperlihatkan gotong royong lintas suku.")
    andi.get_by_label("Berkas").set_input_files(str(report))
    andi.get_by_role("button", name="Kumpulkan", exact=True).click()
    expect(andi.get_by_text("Sudah dikumpulkan").first).to_be_visible()
    assert Submission.objects.filter(
        task__title__startswith="Bedah film", original_name="analisis film.pdf"
    ).exists()

    # Post-test, all answered.
    andi.goto("/belajar/")
    andi.get_by_role("link", name=re.compile("Angkatan Demo")).click()
    andi.get_by_role("button", name="Mulai Post-test").click()
    andi.wait_for_url(re.compile(r"/belajar/pengerjaan/\d+/$"))
    _answer_all_open_questions(andi)
    andi.get_by_role("button", name="Kumpulkan jawaban").click()
    andi.wait_for_url(re.compile(r"/hasil/$"))
    expect(andi.get_by_text("Nilai dan pembahasan dapat dilihat setelah tes ditutup")).to_be_visible()

    # The facilitator closes both tests; Andi sees his scores and gain.
    facilitator = new_page()
    facilitator.on("dialog", lambda dialog: dialog.accept())
    log_in(facilitator, FACILITATOR_USERNAME)
    facilitator.goto("/belajar/")
    facilitator.get_by_role("link", name=re.compile("Angkatan Demo")).click()
    facilitator.get_by_role("button", name="Tutup Pre-test sekarang").click()
    expect(facilitator.get_by_text("Pre-test ditutup")).to_be_visible()
    facilitator.get_by_role("button", name="Tutup Post-test sekarang").click()
    expect(facilitator.get_by_text("Post-test ditutup")).to_be_visible()

    andi.goto("/belajar/")
    andi.get_by_role("link", name=re.compile("Angkatan Demo")).click()
    scores = {
        a.quiz.kind: a.score
        for a in Attempt.objects.filter(enrolment__employee__nip=ANDI.nip).select_related("quiz")
    }
    gain = normalized_gain(scores["pre"], scores["post"])
    card = andi.locator("#my-gain")
    expect(card).to_contain_text("Hasil belajar Anda")
    shown = "—" if gain is None else f"{gain:.2f}".replace(".", ",")  # Indonesian decimal comma
    expect(card.get_by_test_id("gain")).to_have_text(shown)
