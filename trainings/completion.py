"""Closing a class: the participants' feedback (Kirkpatrick level 1), the completion rules each
programme sets (forums attended, post-test, group task), HR's bulk "Tetapkan kelulusan", and the
STTPP certificates with their numbers, revocation, PDF and public verification.

Completion always goes through services.nomination_finish, which credits the JP once and moves
the training need to trained. Certificate numbers come from CertificateCounter, whose row for the
year is locked while a number is taken, so simultaneous bulk issues never share or skip one."""

import datetime
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from elearning.models import Attempt, Enrolment, Quiz, QuizKind, Submission
from employees.roles import employee_of, is_hr, leads

from . import followup, services
from .models import (
    Attendance,
    AttendanceStatus,
    Certificate,
    CertificateCounter,
    Feedback,
    Nomination,
    NominationStatus,
    TrainingClass,
)

# --- messages (tests assert on these) ---------------------------------------------------------

MSG_HR_ONLY = _("Hanya bagian kepegawaian yang dapat menetapkan kelulusan dan mengelola STTPP.")
MSG_RULE_FORUMS = _("Forum harian: hadir %(attended)s dari %(required)s forum yang disyaratkan.")
MSG_RULE_POST_TEST = _("Post-test: belum dikumpulkan (0 dari 1 yang disyaratkan).")
MSG_RULE_NO_POST_TEST = _("Post-test: kelas ini belum memiliki post-test, padahal disyaratkan.")
MSG_RULE_GROUP_TASK = _(
    "Tugas kelompok: kelompok %(group)s mengumpulkan %(count)s tugas (paling sedikit 1 disyaratkan)."
)
MSG_RULE_NO_GROUP = _("Tugas kelompok: peserta belum masuk kelompok mana pun (0 dari 1 tugas).")
MSG_NOT_COMPLETABLE = _("%(name)s belum memenuhi syarat kelulusan: %(rules)s")
MSG_CLASS_NOT_ENDED = _("Kelulusan dapat ditetapkan mulai hari terakhir kelas (%(date)s).")
MSG_NO_SIGNATORY = _(
    "Isi dulu nama dan jabatan penandatangan STTPP pada program diklat %(programme)s sebelum menerbitkan STTPP."
)
MSG_NOT_COMPLETED = _("STTPP hanya diterbitkan untuk peserta yang lulus (%(name)s: %(status)s).")
MSG_REVOKE_REASON_REQUIRED = _("Tuliskan alasan pencabutan STTPP.")
MSG_ALREADY_REVOKED = _("STTPP %(number)s sudah dicabut pada %(date)s.")
MSG_FEEDBACK_TOO_EARLY = _("Umpan balik dapat diisi mulai hari terakhir kelas (%(date)s).")
MSG_FEEDBACK_ALREADY = _("Anda sudah mengisi umpan balik untuk kelas ini. Terima kasih.")
MSG_FEEDBACK_NOT_PARTICIPANT = _("Umpan balik hanya diisi oleh peserta kelas ini sendiri.")
MSG_FEEDBACK_SCORE = _("Pilih nilai 1 sampai 5 untuk setiap pertanyaan.")

RATING_LABELS = {
    1: _("Sangat kurang"),
    2: pgettext_lazy("rating", "Kurang"),
    3: _("Cukup"),
    4: _("Baik"),
    5: _("Sangat baik"),
}
# The four scored items, labelled as the model names them (the reports use the same words).
FEEDBACK_ITEMS = {key: capfirst(Feedback._meta.get_field(key).verbose_name) for key in Feedback.SCORES}
# Whoever sat in the class gives feedback (also someone HR has already marked not completed).
FEEDBACK_STATUSES = services.ATTENDING
# Who can still be completed by the rules; a "not completed" HR decided stays as it is.
COMPLETABLE = (NominationStatus.APPROVED, NominationStatus.ATTENDED)
DEFAULT_SIGNATORY_TITLE = "Kepala Bagian Kepegawaian dan Organisasi"


def _require_hr(user) -> None:
    if user is None or not is_hr(user):
        raise PermissionDenied(MSG_HR_ONLY)


def _date(day: datetime.date) -> str:
    return day.strftime("%d-%m-%Y")


# --- completion rules -------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleResult:
    """One completion rule for one participant: met or not, with its numbers."""

    code: str  # "forums", "post_test", "group_task"
    label: str
    met: bool
    detail: str  # the numbers, for the completion table
    message: str = ""  # the sentence naming the rule and the numbers, when not met

    def __str__(self):
        return str(self.message or self.detail)


@dataclass
class _Facts:
    forums_attended: int = 0
    post_test_exists: bool = False
    post_test_submitted: bool = False
    group_name: str | None = None
    group_submissions: int = 0


def _facts_for(training_class: TrainingClass, nominations: list[Nomination]) -> dict[int, _Facts]:
    """What the rules need for each nomination, in a fixed number of queries however many
    participants: forum attendance, the space's post-test and its submitted attempts, each
    participant's group and how many tasks that group submitted."""
    facts = {n.pk: _Facts() for n in nominations}
    if not nominations:
        return facts
    attended = (
        Attendance.objects.filter(
            nomination__in=list(facts), status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE]
        )
        .values("nomination_id")
        .annotate(n=Count("class_day", distinct=True))
    )
    for row in attended:
        facts[row["nomination_id"]].forums_attended = row["n"]
    space_id = training_class.learning_space_id
    if space_id is None:
        return facts
    by_employee = {n.employee_id: n.pk for n in nominations}
    enrolments = list(
        Enrolment.objects.filter(space_id=space_id, employee_id__in=list(by_employee)).values(
            "pk", "employee_id", "group_id", "group__name"
        )
    )
    nomination_of_enrolment = {e["pk"]: by_employee[e["employee_id"]] for e in enrolments}
    post_exists = Quiz.objects.filter(space_id=space_id, kind=QuizKind.POST).exists()
    submitted = set(
        Attempt.objects.filter(
            quiz__space_id=space_id,
            quiz__kind=QuizKind.POST,
            enrolment_id__in=list(nomination_of_enrolment),
            submitted_at__isnull=False,
        ).values_list("enrolment_id", flat=True)
    )
    groups = {e["group_id"] for e in enrolments if e["group_id"]}
    per_group = dict(
        Submission.objects.filter(task__space_id=space_id, group_id__in=groups)
        .values("group_id")
        .annotate(n=Count("pk"))
        .values_list("group_id", "n")
    )
    for enrolment in enrolments:
        fact = facts[nomination_of_enrolment[enrolment["pk"]]]
        fact.post_test_submitted = enrolment["pk"] in submitted
        if enrolment["group_id"]:
            fact.group_name = enrolment["group__name"]
            fact.group_submissions = per_group.get(enrolment["group_id"], 0)
    for fact in facts.values():
        fact.post_test_exists = post_exists
    return facts


def _rules(programme, fact: _Facts) -> list[RuleResult]:
    required = programme.min_forums_attended
    rules = [
        RuleResult(
            code="forums",
            label=_("Forum harian"),
            met=fact.forums_attended >= required,
            detail=f"{fact.forums_attended} / {required}",
            message=""
            if fact.forums_attended >= required
            else MSG_RULE_FORUMS % {"attended": fact.forums_attended, "required": required},
        )
    ]
    if programme.requires_post_test:
        if fact.post_test_submitted:
            rules.append(RuleResult("post_test", _("Post-test"), True, _("dikumpulkan")))
        else:
            message = MSG_RULE_POST_TEST if fact.post_test_exists else MSG_RULE_NO_POST_TEST
            detail = _("belum") if fact.post_test_exists else _("belum ada post-test")
            rules.append(RuleResult("post_test", _("Post-test"), False, detail, message))
    if programme.requires_group_task:
        if fact.group_name is None:
            rules.append(
                RuleResult("group_task", _("Tugas kelompok"), False, _("tanpa kelompok"), MSG_RULE_NO_GROUP)
            )
        else:
            met = fact.group_submissions >= 1
            rules.append(
                RuleResult(
                    "group_task",
                    _("Tugas kelompok"),
                    met,
                    f"{fact.group_name}: {fact.group_submissions}",
                    ""
                    if met
                    else MSG_RULE_GROUP_TASK % {"group": fact.group_name, "count": fact.group_submissions},
                )
            )
    return rules


def completion_rules(nomination: Nomination) -> list[RuleResult]:
    """Every rule of the nomination's programme, met or not."""
    training_class = nomination.training_class
    fact = _facts_for(training_class, [nomination])[nomination.pk]
    return _rules(training_class.programme, fact)


def completion_check(nomination: Nomination) -> list[RuleResult]:
    """The rules the participant has not met yet (empty: they may complete)."""
    return [rule for rule in completion_rules(nomination) if not rule.met]


@dataclass
class CompletionRow:
    nomination: Nomination
    rules: list[RuleResult]
    certificate: Certificate | None

    @property
    def unmet(self) -> list[RuleResult]:
        return [rule for rule in self.rules if not rule.met]

    @property
    def completable(self) -> bool:
        return self.nomination.status in COMPLETABLE and not self.unmet


def class_completion_rows(training_class: TrainingClass) -> list[CompletionRow]:
    """The class's participants (approved and further) with each rule and their certificate."""
    nominations = list(
        training_class.nominations.filter(status__in=services.ATTENDING)
        .select_related("employee", "certificate")
        .order_by("employee__name", "pk")
    )
    facts = _facts_for(training_class, nominations)
    rows = []
    for nomination in nominations:
        certificate = getattr(nomination, "certificate", None)
        rows.append(
            CompletionRow(nomination, _rules(training_class.programme, facts[nomination.pk]), certificate)
        )
    return rows


@dataclass
class CompletionOutcome:
    passed: list[Nomination] = field(default_factory=list)  # completed now
    already: list[Nomination] = field(default_factory=list)  # completed before
    not_passed: list[tuple[Nomination, list[RuleResult]]] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)  # issued now


def _require_ended(training_class: TrainingClass, today: datetime.date | None) -> None:
    today = today or timezone.localdate()
    if today < training_class.end_date:
        raise ValidationError(MSG_CLASS_NOT_ENDED % {"date": _date(training_class.end_date)})


@transaction.atomic
def nomination_complete(*, nomination: Nomination, user, today: datetime.date | None = None) -> Certificate:
    """Complete one participant by the rules and issue their STTPP; refused, naming each unmet
    rule, when any is not met."""
    _require_hr(user)
    nomination = Nomination.objects.select_related("training_class__programme", "employee").get(
        pk=nomination.pk
    )
    _require_ended(nomination.training_class, today)
    signatory_for(nomination.training_class.programme)
    if nomination.status in COMPLETABLE:
        unmet = completion_check(nomination)
        if unmet:
            raise ValidationError(
                MSG_NOT_COMPLETABLE
                % {"name": nomination.employee.name, "rules": " ".join(str(rule) for rule in unmet)}
            )
        services.nomination_finish(
            nomination=nomination, completed=True, user=user, note=str(_("Memenuhi syarat kelulusan."))
        )
    return certificate_issue(nomination=nomination, user=user)


@transaction.atomic
def class_completion_apply(
    *, training_class: TrainingClass, user, today: datetime.date | None = None
) -> CompletionOutcome:
    """HR's "Tetapkan kelulusan": everyone approved or attending who meets every rule is completed
    (through services.nomination_finish: JP credited once, need trained) and gets their STTPP.
    The others stay as they are and are returned with the rules they miss."""
    _require_hr(user)
    locked = (
        TrainingClass.objects.select_for_update(of=("self",))
        .select_related("programme")
        .get(pk=training_class.pk)
    )
    _require_ended(locked, today)
    signatory_for(locked.programme)
    outcome = CompletionOutcome()
    note = str(_("Memenuhi syarat kelulusan."))
    for row in class_completion_rows(locked):
        nomination = row.nomination
        if nomination.status == NominationStatus.COMPLETED:
            outcome.already.append(nomination)
        elif nomination.status in COMPLETABLE:
            if row.unmet:
                outcome.not_passed.append((nomination, row.unmet))
            else:
                outcome.passed.append(
                    services.nomination_finish(nomination=nomination, completed=True, user=user, note=note)
                )
    for nomination in outcome.passed:
        outcome.certificates.append(certificate_issue(nomination=nomination, user=user))
    followup.observations_schedule(training_class=locked)  # leaders see the observations at once
    return outcome


# --- certificates (STTPP) ---------------------------------------------------------------------


def signatory_for(programme) -> tuple[str, str]:
    name = programme.signatory_name.strip() or getattr(settings, "STTPP_SIGNATORY_NAME", "").strip()
    title = (
        programme.signatory_title.strip()
        or getattr(settings, "STTPP_SIGNATORY_TITLE", "").strip()
        or DEFAULT_SIGNATORY_TITLE
    )
    if not name:
        raise ValidationError(MSG_NO_SIGNATORY % {"programme": programme.name})
    return name, title


def _next_sequence(year: int) -> int:
    """Take the year's next number. The counter row is made if missing (INSERT … ON CONFLICT DO
    NOTHING, so two first issues of a year do not collide) and then locked until commit."""
    CertificateCounter.objects.bulk_create([CertificateCounter(year=year)], ignore_conflicts=True)
    counter = CertificateCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def certificate_number(programme, year: int, sequence: int) -> str:
    return f"STTPP/{programme.code.upper()}/{year}/{sequence:05d}"


@transaction.atomic
def certificate_issue(*, nomination: Nomination, user) -> Certificate:
    """The participant's STTPP: issued once, for a completed nomination. Issuing again returns
    the existing certificate unchanged (a revoked one stays revoked): a number is never reused
    and never doubled."""
    _require_hr(user)
    locked = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("training_class__programme", "employee")
        .get(pk=nomination.pk)
    )
    existing = Certificate.objects.filter(nomination=locked).first()
    if existing is not None:
        return existing
    if locked.status != NominationStatus.COMPLETED:
        raise ValidationError(
            MSG_NOT_COMPLETED % {"name": locked.employee.name, "status": locked.get_status_display()}
        )
    programme = locked.training_class.programme
    name, title = signatory_for(programme)
    now = timezone.now()
    year = timezone.localtime(now).year
    sequence = _next_sequence(year)
    return Certificate.objects.create(
        nomination=locked,
        number=certificate_number(programme, year, sequence),
        year=year,
        sequence=sequence,
        signatory_name=name,
        signatory_title=title,
        issued_at=now,
        issued_by=user,
    )


@transaction.atomic
def certificates_issue_for_class(*, training_class: TrainingClass, user) -> list[Certificate]:
    """An STTPP for every completed participant of the class who has none yet (in name order)."""
    _require_hr(user)
    signatory_for(training_class.programme)
    pending = (
        training_class.nominations.filter(status=NominationStatus.COMPLETED, certificate__isnull=True)
        .select_related("employee")
        .order_by("employee__name", "pk")
    )
    return [certificate_issue(nomination=nomination, user=user) for nomination in pending]


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str, user) -> Certificate:
    """Revoke an STTPP with a reason; its number stays taken and the verification page shows it
    revoked from now on."""
    _require_hr(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": MSG_REVOKE_REASON_REQUIRED})
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is not None:
        raise ValidationError(
            MSG_ALREADY_REVOKED
            % {"number": locked.number, "date": _date(timezone.localdate(locked.revoked_at))}
        )
    locked.revoked_at, locked.revoked_by, locked.revoke_reason = timezone.now(), user, reason[:300]
    locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    return locked


def certificate_for_download(user, pk: int) -> Certificate | None:
    """The certificate if this user may download it: HR any (a revoked one too, marked revoked);
    the participant themself and the leaders of their unit (or above) a valid one."""
    certificate = (
        Certificate.objects.select_related(
            "nomination__employee__unit", "nomination__training_class__programme"
        )
        .filter(pk=pk)
        .first()
    )
    if certificate is None or not user.is_authenticated:
        return None
    if is_hr(user):
        return certificate
    if not certificate.is_valid:
        return None
    employee = certificate.nomination.employee
    own = employee_of(user)
    if own is not None and own.pk == employee.pk:
        return certificate
    return certificate if leads(user, employee) else None


def masked_nip(nip: str) -> str:
    """198703152010011002 -> 198703********1002: enough to tell two people of one name apart on
    the public page, not enough to be the NIP."""
    if len(nip) <= 10:
        return "*" * len(nip)
    return nip[:6] + "*" * (len(nip) - 10) + nip[-4:]


def certificate_by_code(code: str) -> Certificate | None:
    return (
        Certificate.objects.select_related("nomination__employee", "nomination__training_class__programme")
        .filter(verification_code=code)
        .first()
    )


def certificate_lookup(*, number: str, nip: str) -> Certificate | None:
    """Exact number and the holder's full NIP, both as printed on the STTPP: numbers run in
    sequence, so a number alone would let anyone list every holder."""
    number, nip = (number or "").strip().upper(), "".join((nip or "").split())
    if not number or not nip:
        return None
    return Certificate.objects.filter(number=number, nomination__employee__nip=nip).first()


def verification_path(certificate: Certificate) -> str:
    from django.urls import reverse

    return reverse("certificate_verify", args=[certificate.verification_code])


def verification_url(certificate: Certificate, request=None) -> str:
    """The absolute public URL the QR code carries: settings.STTPP_VERIFY_BASE_URL (the public
    address, e.g. https://diklat.example.go.id) when set, otherwise the request's own host."""
    base = getattr(settings, "STTPP_VERIFY_BASE_URL", "").rstrip("/")
    path = verification_path(certificate)
    if base:
        return base + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


# --- the PDF ----------------------------------------------------------------------------------

MONTHS_ID = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def tanggal(day: datetime.date) -> str:
    """4 Desember 2026 (the PDF is Indonesian whatever the reader's UI language)."""
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def qr_drawing(url: str, size: float):
    """The QR code carrying the verification URL, as a reportlab drawing of `size` points."""
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def qr_payload(drawing) -> str:
    """What a QR drawing made by qr_drawing encodes (for tests and checks)."""
    return drawing.contents[0].value


def _centred(pdf, x: float, y: float, text: str, font: str, size: float, max_width: float) -> None:
    """Draw centred text, shrinking the font until a long name or programme fits the page."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    while size > 7 and stringWidth(text, font, size) > max_width:
        size -= 0.5
    pdf.setFont(font, size)
    pdf.drawCentredString(x, y, text)


def certificate_pdf(certificate: Certificate, *, verify_url: str, compress: bool = True) -> bytes:
    """The STTPP as an A4 landscape PDF: number, name, NIP, programme, class dates, JP,
    signatory, issue date and a QR code to the public verification page."""
    from reportlab.graphics import renderPDF
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import cm
    from reportlab.pdfgen import canvas

    nomination = certificate.nomination
    employee, training_class = nomination.employee, nomination.training_class
    programme = training_class.programme
    width, height = landscape(A4)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=1 if compress else 0)
    pdf.setTitle(f"STTPP {certificate.number}")
    pdf.setAuthor(certificate.signatory_title)
    pdf.setSubject(f"{programme.name} – {employee.name}")

    navy = colors.HexColor("#1f3a5f")
    pdf.setStrokeColor(navy)
    pdf.setLineWidth(3)
    pdf.rect(1 * cm, 1 * cm, width - 2 * cm, height - 2 * cm)
    pdf.setLineWidth(0.8)
    pdf.rect(1.3 * cm, 1.3 * cm, width - 2.6 * cm, height - 2.6 * cm)

    middle, text_width = width / 2, width - 5 * cm
    pdf.setFillColor(navy)
    pdf.setFont("Helvetica-Bold", 26)
    pdf.drawCentredString(middle, height - 3.6 * cm, "SURAT TANDA TAMAT")
    pdf.drawCentredString(middle, height - 4.7 * cm, "PENDIDIKAN DAN PELATIHAN")
    pdf.setFillColor(colors.black)
    pdf.setFont("Helvetica", 12)
    pdf.drawCentredString(middle, height - 5.6 * cm, f"Nomor: {certificate.number}")

    pdf.setFont("Helvetica", 13)
    pdf.drawCentredString(middle, height - 7.0 * cm, "diberikan kepada")
    _centred(pdf, middle, height - 8.2 * cm, employee.name, "Helvetica-Bold", 22, text_width)
    pdf.setFont("Helvetica", 13)
    pdf.drawCentredString(middle, height - 9.0 * cm, f"NIP {employee.nip}")

    pdf.drawCentredString(middle, height - 10.3 * cm, "yang telah mengikuti dan dinyatakan LULUS")
    _centred(pdf, middle, height - 11.3 * cm, programme.name, "Helvetica-Bold", 15, text_width)
    when = f"{tanggal(training_class.start_date)} – {tanggal(training_class.end_date)}"
    line = f"{training_class.name}, {when}, secara daring, sebanyak {programme.total_jp} JP"
    _centred(pdf, middle, height - 12.2 * cm, line, "Helvetica", 13, text_width)

    issued_on = timezone.localdate(certificate.issued_at)
    right = width - 3 * cm
    pdf.setFont("Helvetica", 12)
    pdf.drawRightString(right, 6.2 * cm, f"Diterbitkan tanggal {tanggal(issued_on)}")
    pdf.drawRightString(right, 5.6 * cm, certificate.signatory_title)
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawRightString(right, 3.4 * cm, certificate.signatory_name)

    qr_size = 3.6 * cm
    renderPDF.draw(qr_drawing(verify_url, qr_size), pdf, 2.5 * cm, 2.6 * cm)
    pdf.setFont("Helvetica", 7)
    pdf.drawString(2.5 * cm, 2.2 * cm, "Periksa keaslian STTPP ini:")
    pdf.drawString(2.5 * cm, 1.85 * cm, verify_url)

    if certificate.revoked_at is not None:
        pdf.saveState()
        pdf.setFillColor(colors.red)
        pdf.setFont("Helvetica-Bold", 64)
        pdf.translate(middle, height / 2)
        pdf.rotate(20)
        pdf.drawCentredString(0, 0, "DICABUT")
        pdf.setFont("Helvetica-Bold", 16)
        pdf.drawCentredString(0, -1 * cm, tanggal(timezone.localdate(certificate.revoked_at)))
        pdf.restoreState()

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# --- feedback (Kirkpatrick level 1) -----------------------------------------------------------


def feedback_open(nomination: Nomination, today: datetime.date | None = None) -> bool:
    return (today or timezone.localdate()) >= nomination.training_class.end_date


@transaction.atomic
def feedback_submit(
    *,
    nomination: Nomination,
    user,
    relevance: int,
    facilitator: int,
    materials: int,
    forum: int,
    comments: str = "",
    today: datetime.date | None = None,
) -> Feedback:
    """The participant's own reaction to the class, once, from its last day on."""
    locked = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("employee", "training_class")
        .get(pk=nomination.pk)
    )
    if locked.employee.user_id is None or locked.employee.user_id != user.pk:
        raise PermissionDenied(MSG_FEEDBACK_NOT_PARTICIPANT)
    if locked.status not in FEEDBACK_STATUSES:
        raise PermissionDenied(MSG_FEEDBACK_NOT_PARTICIPANT)
    if not feedback_open(locked, today):
        raise ValidationError(MSG_FEEDBACK_TOO_EARLY % {"date": _date(locked.training_class.end_date)})
    if Feedback.objects.filter(nomination=locked).exists():
        raise ValidationError(MSG_FEEDBACK_ALREADY)
    scores = {"relevance": relevance, "facilitator": facilitator, "materials": materials, "forum": forum}
    if any(not isinstance(value, int) or not 1 <= value <= 5 for value in scores.values()):
        raise ValidationError(MSG_FEEDBACK_SCORE)
    return Feedback.objects.create(nomination=locked, comments=(comments or "").strip(), **scores)


def may_view_feedback(user, training_class: TrainingClass) -> bool:
    """HR and the class's facilitators (of the class or of one of its days)."""
    return user.is_authenticated and services.may_take_attendance(user, training_class)


def feedback_shows_names(user, training_class: TrainingClass) -> bool:
    """HR always sees who wrote what; a facilitator only while the class is not anonymous."""
    return is_hr(user) or not training_class.feedback_anonymous


@transaction.atomic
def feedback_anonymity_set(*, training_class: TrainingClass, anonymous: bool, user) -> TrainingClass:
    _require_hr(user)
    locked = TrainingClass.objects.select_for_update().get(pk=training_class.pk)
    locked.feedback_anonymous = bool(anonymous)
    locked.save(update_fields=["feedback_anonymous"])
    return locked


@dataclass
class FeedbackItem:
    key: str
    label: str
    mean: float | None
    distribution: list[tuple[int, str, int, int]]  # (score, label, count, percent)


@dataclass
class FeedbackSummary:
    given: int
    participants: int
    items: list[FeedbackItem]
    comments: list[tuple[str | None, str]]  # (name or None, comment)


def feedback_summary(training_class: TrainingClass, *, with_names: bool) -> FeedbackSummary:
    """The class's feedback: how many gave it out of its participants, the mean and the 1–5
    distribution per item, and the comments (names only when with_names). Three queries."""
    feedback = Feedback.objects.filter(nomination__training_class=training_class)
    participants = (
        training_class.nominations.filter(Q(status__in=FEEDBACK_STATUSES) | Q(feedback__isnull=False))
        .distinct()
        .count()
    )
    aggregates = {"given": Count("pk")}
    for key in FEEDBACK_ITEMS:
        aggregates[f"{key}_mean"] = Avg(key)
        for score in RATING_LABELS:
            aggregates[f"{key}_{score}"] = Count("pk", filter=Q(**{key: score}))
    totals = feedback.aggregate(**aggregates)
    given = totals["given"]
    items = []
    for key, label in FEEDBACK_ITEMS.items():
        distribution = []
        for score, score_label in RATING_LABELS.items():
            count = totals[f"{key}_{score}"]
            distribution.append((score, score_label, count, round(100 * count / given) if given else 0))
        mean = totals[f"{key}_mean"]
        items.append(
            FeedbackItem(key, label, round(float(mean), 2) if mean is not None else None, distribution)
        )
    commented = feedback.exclude(comments="")
    if with_names:
        comments = [
            (name, text)
            for name, text in commented.order_by("submitted_at", "pk").values_list(
                "nomination__employee__name", "comments"
            )
        ]
    else:  # no names, and not in the order they came in (that order could point at someone)
        comments = [
            (None, text) for text in commented.order_by("comments").values_list("comments", flat=True)
        ]
    return FeedbackSummary(given, participants, items, comments)
