"""The demo's running class: Angkatan Demo of the Perekat Bangsa programme, started on the
latest working day, with Andi and colleagues approved, its learning space stocked with
materials, a pre- and post-test drawn from the demo bank, groups and the seed's three group
tasks. Idempotent: a second run finds the class and leaves it as it is."""

import csv
import datetime
import io
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import Workbook

from assessments.models import PEREKAT_BANGSA, Competency
from elearning.models import Material, Question, TaskKind
from elearning.services import materials as material_services
from elearning.services import quizzes as quiz_services
from elearning.services import tasks as task_services
from employees.importing.engine import run_import
from employees.models import Employee
from gaps.models import TrainingNeed
from trainings import services
from trainings.models import Nomination, NominationStatus, Programme, TrainingClass

from .demo_questions import PEREKAT_BANGSA_QUESTIONS

DEMO_CLASS = "Angkatan Demo"
DEMO_PROGRAMME = "sosio-kultural-perekat-bangsa"
PARTICIPANTS = 12
LEFT_FOR_THE_LEADER = 2  # nominations in leader A's subtree left for him to decide
RUBRIC = [
    ("Ketepatan analisis", 40),
    ("Kaitan dengan indikator Perekat Bangsa", 30),
    ("Penyajian di kelas", 30),
]
TASKS = [
    (
        TaskKind.FILM,
        "Bedah film: keberagaman di sekitar kita",
        "Tonton film yang dibagikan, lalu analisis nilai persatuan yang tampak dan kaitkan dengan pengalaman kerja kelompok Anda. Presentasi 10 menit di forum hari ke-2.",
    ),
    (
        TaskKind.CASE,
        "Studi kasus: layanan bagi masyarakat adat",
        "Pelajari kasus pada lembar kerja, identifikasi perilaku Perekat Bangsa yang dibutuhkan, dan usulkan langkah layanan. Presentasi di forum hari ke-3.",
    ),
    (
        TaskKind.CULTURE,
        "Berbagi budaya daerah asal",
        "Setiap anggota membagikan satu tradisi daerah asalnya; kelompok merangkum nilai yang mempersatukan. Presentasi di forum hari ke-3.",
    ),
]


def trained_before(year: int) -> set[str]:
    """NIPs of those who completed a class between the previous assessment and this year's
    (the demo assesses on 20 November)."""
    return set(
        Nomination.objects.filter(
            status=NominationStatus.COMPLETED,
            training_class__end_date__gt=datetime.date(year - 1, 11, 20),
            training_class__end_date__lt=datetime.date(year, 11, 20),
        ).values_list("employee__nip", flat=True)
    )


def _questions_csv() -> str:
    """The demo bank as an import file (the same path HR uses); the correct option is rotated
    so it is not always the same letter in the bank."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "kode",
            "kompetensi",
            "level",
            "pertanyaan",
            "pilihan_a",
            "pilihan_b",
            "pilihan_c",
            "pilihan_d",
            "jawaban",
            "pembahasan",
        ]
    )
    for number, (code, level, text, options, correct, explanation) in enumerate(PEREKAT_BANGSA_QUESTIONS):
        shift = number % len(options)
        rotated = options[shift:] + options[:shift]
        answer = "ABCDEF"[(correct - shift) % len(options)]
        writer.writerow([code, PEREKAT_BANGSA, level, text, *rotated, answer, explanation])
    return out.getvalue()


def _import_questions() -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bank-soal-perekat-bangsa.csv"
        path.write_text(_questions_csv(), encoding="utf-8")
        outcome = run_import("questions", path)
    if outcome.errors:
        raise CommandError("; ".join(str(e) for e in outcome.errors[:5]))
    return Question.objects.filter(competency__code=PEREKAT_BANGSA).count()


def _latest_working_day(today: datetime.date) -> datetime.date:
    day = today
    for _ in range(30):
        try:
            services.working_days(day, 1)
            return day
        except ValidationError:
            day -= datetime.timedelta(days=1)
    return today


def _pdf(lines: list[str]) -> bytes:
    """A small valid one-page PDF with a few lines of text (no PDF library needed)."""
    text = (
        "BT /F1 14 Tf 60 760 Td 18 TL "
        + " ".join(
            "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '" for line in lines
        )
        + " ET"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text.encode("latin-1")) + text.encode("latin-1") + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return body


def _worksheet() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Studi kasus"
    sheet.append(["Pertanyaan", "Jawaban kelompok"])
    for question in (
        "Perilaku Perekat Bangsa apa yang dibutuhkan petugas?",
        "Apa hambatan layanan bagi masyarakat adat dalam kasus ini?",
        "Langkah layanan apa yang kelompok usulkan?",
    ):
        sheet.append([question, ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _materials(space, course, user) -> None:
    if not Material.objects.filter(course=course).exists():
        _course_module(course, user)
    if Material.objects.filter(space=space).exists():
        return
    material_services.material_create(
        space=space,
        title="Lembar kerja studi kasus",
        upload=SimpleUploadedFile("Lembar kerja studi kasus.xlsx", _worksheet()),
        user=user,
    )
    material_services.material_create(
        space=space,
        title="Film untuk bedah film (tautan video)",
        url="https://video.example.go.id/perekat-bangsa/bedah-film",
        user=user,
    )


def _course_module(course, user) -> None:
    material_services.material_create(
        course=course,
        title="Modul Perekat Bangsa",
        description="Modul inti untuk semua angkatan: pengertian, level dan indikator perilaku.",
        upload=SimpleUploadedFile(
            "Modul Perekat Bangsa.pdf",
            _pdf(
                ["Modul Perekat Bangsa", "Kompetensi sosio kultural ASN", "Level 1-5 dan indikator perilaku"]
            ),
        ),
        user=user,
    )


def _nominate(training_class, hr_user, andi: Employee, leader_a: Employee) -> None:
    if training_class.nominations.exists():
        return
    competency = training_class.programme.competency
    pool = list(
        Employee.objects.filter(
            training_needs__competency=competency, training_needs__status=TrainingNeed.Status.IDENTIFIED
        )
        .exclude(pk=andi.pk)
        .exclude(user__isnull=False)
        .order_by("-training_needs__gap", "nip")
        .distinct()[: PARTICIPANTS - 1]
    )
    services.nominations_add(training_class=training_class, employees=[andi, *pool], user=hr_user)
    subtree = leader_a.led_units.first()
    left = 0
    for nomination in training_class.nominations.select_related("employee__unit").order_by("employee__nip"):
        in_leader_a_subtree = subtree is not None and nomination.employee.unit.path.startswith(subtree.path)
        if nomination.employee_id != andi.pk and in_leader_a_subtree and left < LEFT_FOR_THE_LEADER:
            left += 1
            continue
        deciding_user = leader_a.user if nomination.employee_id == andi.pk else hr_user
        services.nomination_decide(nomination=nomination, approve=True, user=deciding_user)


def build_learning_demo(*, hr_user, facilitator, andi: Employee, leader_a: Employee) -> str:
    bank_size = _import_questions()
    programme = Programme.objects.get(code=DEMO_PROGRAMME)
    training_class = TrainingClass.objects.filter(programme=programme, name=DEMO_CLASS).first()
    if training_class is None:
        start = _latest_working_day(timezone.localdate())
        training_class = services.training_class_create(
            programme=programme,
            name=DEMO_CLASS,
            start_date=start,
            capacity=30,
            forum_start=datetime.time(9, 0),
            forum_end=datetime.time(11, 0),
            meeting_urls=[f"https://meet.example.go.id/perekat-bangsa/hari-{n}" for n in (1, 2, 3)],
            facilitators=[facilitator],
            user=hr_user,
        )
    _nominate(training_class, hr_user, andi, leader_a)
    space = services.class_space_sync(training_class=training_class)
    _materials(space, space.course, hr_user)
    if not space.quizzes.exists():
        pre, post = quiz_services.quizzes_prepare(
            space=space,
            competency=Competency.objects.get(code=PEREKAT_BANGSA),
            question_count=10,
            parallel=True,
            time_limit_minutes=20,
        )
        # Demo: both tests open from the first day for 60 days, so they can be tried at once.
        opens = min(pre.opens_at, timezone.now() - datetime.timedelta(hours=1))
        for quiz in (pre, post):
            quiz_services.quiz_update(
                quiz=quiz,
                opens_at=opens,
                closes_at=opens + datetime.timedelta(days=60),
                time_limit_minutes=quiz.time_limit_minutes,
            )
    if not space.groups.exists():
        task_services.groups_form_automatically(space=space, group_count=3, user=hr_user)
    if not space.tasks.exists():
        due = timezone.make_aware(datetime.datetime.combine(space.ends_on, datetime.time(23, 59)))
        due = max(due, timezone.now() + datetime.timedelta(days=14))
        for kind, title, instructions in TASKS:
            task_services.task_save(
                space=space,
                kind=kind,
                title=title,
                instructions=instructions,
                due_at=due,
                criteria=RUBRIC,
                user=hr_user,
            )
    approved = training_class.nominations.filter(status=NominationStatus.APPROVED).count()
    pending = training_class.nominations.filter(status=Nomination.Status.NOMINATED).count()
    return (
        f"kelas {DEMO_CLASS} mulai {training_class.start_date:%d-%m-%Y} ({approved} peserta disetujui, "
        f"{pending} menunggu pimpinan), bank soal {bank_size} soal"
    )
