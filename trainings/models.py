from django.conf import settings
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    URLValidator,
    validate_comma_separated_integer_list,
)
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessments.models import LEVEL_VALIDATORS, Competency, LevelIndicator
from elearning.models import Course, LearningSpace
from employees.models import Employee
from gaps.models import TrainingNeed

JP_MINUTES = 45  # 1 jam pelajaran
http_url = URLValidator(schemes=["http", "https"], message=_("Tautan harus diawali http:// atau https://."))


class Holiday(models.Model):
    """A national holiday or collective leave day HR enters: no class runs on it."""

    date = models.DateField(_("tanggal"), unique=True)
    name = models.CharField(_("nama"), max_length=120)

    class Meta:
        verbose_name = _("hari libur")
        verbose_name_plural = pgettext_lazy("plural", "hari libur")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"


class Programme(models.Model):
    """A diklat programme, e.g. Sosio Kultural – Perekat Bangsa: what it develops, to which
    level, over how many days of how many JP."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="programmes")
    target_level = models.PositiveSmallIntegerField(_("level target"), validators=LEVEL_VALIDATORS)
    days = models.PositiveSmallIntegerField(
        _("jumlah hari"), default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    jp_per_day = models.PositiveSmallIntegerField(
        _("JP per hari"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("1 JP = 45 menit."),
    )
    description = models.TextField(_("deskripsi"), blank=True)
    course = models.OneToOneField(
        Course, null=True, blank=True, on_delete=models.SET_NULL, related_name="programme", editable=False
    )
    # Completion rules (data, per programme): what a participant must have done to pass.
    min_forums_attended = models.PositiveSmallIntegerField(
        _("forum minimal dihadiri"),
        default=3,
        help_text=_("Jumlah forum harian yang harus dihadiri (hadir atau terlambat) agar lulus."),
    )
    requires_post_test = models.BooleanField(_("wajib mengerjakan post-test"), default=True)
    requires_group_task = models.BooleanField(
        _("wajib mengumpulkan tugas kelompok"),
        default=True,
        help_text=_("Kelompok peserta telah mengumpulkan paling sedikit satu tugas."),
    )
    observation_weeks = models.CharField(
        _("minggu observasi"),
        max_length=40,
        default="4,12",
        validators=[validate_comma_separated_integer_list],
        help_text=_("Berapa minggu setelah kelas selesai pimpinan mengobservasi peserta, dipisah koma."),
    )
    signatory_name = models.CharField(_("nama penandatangan STTPP"), max_length=120, blank=True)
    signatory_title = models.CharField(_("jabatan penandatangan STTPP"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("program diklat")
        verbose_name_plural = pgettext_lazy("plural", "program diklat")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(days__gte=1, days__lte=10), name="programme_days_range"
            ),
            models.CheckConstraint(
                condition=models.Q(jp_per_day__gte=1, jp_per_day__lte=12), name="programme_jp_range"
            ),
            models.CheckConstraint(
                condition=models.Q(target_level__gte=1, target_level__lte=5),
                name="programme_target_level_range",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def total_jp(self) -> int:
        return self.days * self.jp_per_day

    @property
    def observation_week_list(self) -> list[int]:
        return sorted({int(week) for week in self.observation_weeks.split(",") if week.strip().isdigit()})


class ProgrammeDay(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="syllabus")
    day_number = models.PositiveSmallIntegerField(_("hari ke"))
    title = models.CharField(_("judul"), max_length=200)
    syllabus = models.TextField(_("silabus"), blank=True)

    class Meta:
        verbose_name = _("silabus harian")
        verbose_name_plural = pgettext_lazy("plural", "silabus harian")
        ordering = ["programme", "day_number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "day_number"], name="programme_day_unique")
        ]

    def __str__(self):
        return f"{self.programme.code} hari {self.day_number}: {self.title}"


class TrainingClass(models.Model):
    """An angkatan: one run of a programme on consecutive working days, online."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="classes")
    name = models.CharField(_("nama angkatan"), max_length=120)
    start_date = models.DateField(_("tanggal mulai"))
    end_date = models.DateField(_("tanggal selesai"))
    capacity = models.PositiveSmallIntegerField(_("kapasitas"))
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="facilitated_classes",
        verbose_name=_("fasilitator"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The class's room on the learning platform (materials, tests, group tasks).
    learning_space = models.OneToOneField(
        LearningSpace,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_class",
        editable=False,
    )
    feedback_anonymous = models.BooleanField(
        _("umpan balik anonim bagi fasilitator"),
        default=False,
        help_text=_("Fasilitator melihat ringkasan dan komentar tanpa nama peserta."),
    )

    class Meta:
        verbose_name = _("kelas diklat")
        verbose_name_plural = pgettext_lazy("plural", "kelas diklat")
        ordering = ["start_date", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="class_capacity_positive"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="class_end_not_before_start"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.start_date:%d-%m-%Y})"


class ClassDay(models.Model):
    """One day of a class and its live forum (Zoom or any meeting link), in WIB."""

    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="days")
    day_number = models.PositiveSmallIntegerField(_("hari ke"))
    date = models.DateField(_("tanggal"))
    forum_start = models.TimeField(_("forum mulai (WIB)"))
    forum_end = models.TimeField(_("forum selesai (WIB)"))
    meeting_url = models.URLField(_("tautan forum"), max_length=500, blank=True, validators=[http_url])
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forum_days",
        verbose_name=_("fasilitator/mediator"),
    )

    class Meta:
        verbose_name = _("hari kelas")
        verbose_name_plural = pgettext_lazy("plural", "hari kelas")
        ordering = ["training_class", "day_number"]
        constraints = [
            models.UniqueConstraint(fields=["training_class", "day_number"], name="class_day_number_unique"),
            models.UniqueConstraint(fields=["training_class", "date"], name="class_day_date_unique"),
            models.CheckConstraint(
                condition=models.Q(forum_end__gt=models.F("forum_start")), name="forum_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.training_class.name} hari {self.day_number} ({self.date:%d-%m-%Y})"


class NominationStatus(models.TextChoices):
    NOMINATED = "nominated", _("Dinominasikan")
    APPROVED = "approved", _("Disetujui pimpinan")
    DECLINED = "declined", _("Ditolak pimpinan")
    ATTENDED = "attended", _("Hadir")
    COMPLETED = "completed", _("Lulus")
    NOT_COMPLETED = "not_completed", _("Tidak lulus")


class Nomination(models.Model):
    """An employee put forward for a class, and where that stands."""

    Status = NominationStatus

    HOLDING_A_SEAT = (Status.NOMINATED, Status.APPROVED, Status.ATTENDED, Status.COMPLETED)

    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="nominations")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="nominations")
    need = models.ForeignKey(
        TrainingNeed, null=True, blank=True, on_delete=models.SET_NULL, related_name="nominations"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOMINATED)
    reason = models.CharField(_("alasan"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("nominasi")
        verbose_name_plural = pgettext_lazy("plural", "nominasi")
        ordering = ["training_class", "employee__name"]
        constraints = [
            models.UniqueConstraint(fields=["training_class", "employee"], name="nomination_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=NominationStatus.values), name="nomination_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.employee} → {self.training_class}: {self.status}"


class NominationChange(models.Model):
    """Every change of a nomination's status: who, when, from, to, why."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(_("dari"), max_length=20, blank=True)
    to_status = models.CharField(_("menjadi"), max_length=20)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    changed_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("catatan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("riwayat nominasi")
        verbose_name_plural = pgettext_lazy("plural", "riwayat nominasi")
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.nomination_id}: {self.from_status} → {self.to_status}"


def new_feed_token() -> str:
    import secrets

    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A private subscription URL for a user's diklat calendar (calendar apps cannot log in)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("langganan kalender")
        verbose_name_plural = pgettext_lazy("plural", "langganan kalender")

    def __str__(self):
        return f"{self.user}"


class JpCredit(models.Model):
    """JP (jam pelajaran) credited to an employee for a year: every ASN has the right to at
    least 20 JP of competency development a year. A completed class credits its JP once."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="jp_credits")
    year = models.PositiveSmallIntegerField(_("tahun"))
    jp = models.PositiveSmallIntegerField(_("JP"))
    nomination = models.OneToOneField(
        Nomination, null=True, blank=True, on_delete=models.CASCADE, related_name="jp_credit"
    )
    description = models.CharField(_("keterangan"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kredit JP")
        verbose_name_plural = pgettext_lazy("plural", "kredit JP")
        ordering = ["-year", "employee"]
        indexes = [models.Index(fields=["year", "employee"], name="jp_credit_year_employee")]
        constraints = [models.CheckConstraint(condition=models.Q(jp__gte=1), name="jp_credit_positive")]

    def __str__(self):
        return f"{self.employee_id} {self.year}: {self.jp} JP"


class CalendarPublication(models.Model):
    """HR published a year's diklat calendar to the unit leaders."""

    year = models.PositiveSmallIntegerField(_("tahun"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("publikasi kalender")
        verbose_name_plural = pgettext_lazy("plural", "publikasi kalender")
        ordering = ["-published_at"]

    def __str__(self):
        return f"{self.year} ({self.published_at:%Y-%m-%d %H:%M})"


class PublicationEmail(models.Model):
    """One leader's e-mail for one publication: sent at most once (sent_at is set right after
    the send, and a retry skips the rows that have it)."""

    publication = models.ForeignKey(CalendarPublication, on_delete=models.CASCADE, related_name="emails")
    leader = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("e-mail publikasi")
        verbose_name_plural = pgettext_lazy("plural", "e-mail publikasi")
        constraints = [
            models.UniqueConstraint(fields=["publication", "leader"], name="publication_email_unique")
        ]

    def __str__(self):
        return f"{self.publication_id} → {self.leader_id}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Hadir")
    LATE = "late", _("Terlambat")
    ABSENT = "absent", _("Tidak hadir")


class Attendance(models.Model):
    """A participant's presence at one day's live forum, marked by the facilitator or checked
    in by the participant through the forum link while the session is open."""

    Status = AttendanceStatus

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="attendance")
    class_day = models.ForeignKey(ClassDay, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(_("kehadiran"), max_length=10, choices=AttendanceStatus.choices)
    checked_in = models.BooleanField(_("presensi mandiri"), default=False)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("presensi forum")
        verbose_name_plural = pgettext_lazy("plural", "presensi forum")
        constraints = [
            models.UniqueConstraint(fields=["nomination", "class_day"], name="attendance_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=AttendanceStatus.values), name="attendance_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.nomination_id} hari {self.class_day_id}: {self.status}"


class ApprovalReminder(models.Model):
    """A leader was reminded on this day of nominations awaiting their decision (at most once a day)."""

    leader = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField(_("tanggal"))

    class Meta:
        verbose_name = _("pengingat persetujuan")
        verbose_name_plural = pgettext_lazy("plural", "pengingat persetujuan")
        constraints = [models.UniqueConstraint(fields=["leader", "sent_on"], name="approval_reminder_daily")]

    def __str__(self):
        return f"{self.leader_id} {self.sent_on}"


RATING_SCALE = [MinValueValidator(1), MaxValueValidator(5)]


def _in_scale(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__gte": 1, f"{field}__lte": 5}), name=f"feedback_{field}_range"
    )


class Feedback(models.Model):
    """A participant's reaction to the class (Kirkpatrick level 1), given once at its end."""

    nomination = models.OneToOneField(Nomination, on_delete=models.CASCADE, related_name="feedback")
    relevance = models.PositiveSmallIntegerField(_("relevansi dengan pekerjaan"), validators=RATING_SCALE)
    facilitator = models.PositiveSmallIntegerField(_("fasilitator/narasumber"), validators=RATING_SCALE)
    materials = models.PositiveSmallIntegerField(_("materi"), validators=RATING_SCALE)
    forum = models.PositiveSmallIntegerField(_("forum diskusi"), validators=RATING_SCALE)
    comments = models.TextField(_("komentar dan saran"), blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    SCORES = ("relevance", "facilitator", "materials", "forum")

    class Meta:
        verbose_name = _("umpan balik peserta")
        verbose_name_plural = pgettext_lazy("plural", "umpan balik peserta")
        constraints = [_in_scale(field) for field in ("relevance", "facilitator", "materials", "forum")]

    def __str__(self):
        return f"{self.nomination_id}"


class CertificateCounter(models.Model):
    """The last certificate number used in a year; its row is locked while a number is taken,
    so simultaneous bulk issues never share or skip a number."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


def new_verification_code() -> str:
    import secrets

    return secrets.token_urlsafe(12)


class Certificate(models.Model):
    """An STTPP (Surat Tanda Tamat Pendidikan dan Pelatihan): one per completed nomination, its
    number never reused; revocable with a reason; verifiable by anyone through its QR code."""

    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(_("nomor"), max_length=60, unique=True)
    year = models.PositiveSmallIntegerField(_("tahun"))
    sequence = models.PositiveIntegerField(_("urut"))
    verification_code = models.CharField(max_length=40, unique=True, default=new_verification_code)
    signatory_name = models.CharField(_("penandatangan"), max_length=120)
    signatory_title = models.CharField(_("jabatan penandatangan"), max_length=200)
    issued_at = models.DateTimeField(_("diterbitkan"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField(_("alasan pencabutan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("STTPP")
        verbose_name_plural = pgettext_lazy("plural", "STTPP")
        ordering = ["year", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="certificate_sequence_unique")
        ]

    def __str__(self):
        return self.number

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class ObservationRating(models.TextChoices):
    NOT_YET = "not_yet", _("Belum tampak")
    SOMETIMES = "sometimes", _("Kadang-kadang")
    CONSISTENTLY = "consistently", _("Konsisten")


class ObservationJudgement(models.TextChoices):
    NO_CHANGE = "no_change", _("Belum ada perubahan perilaku")
    DEVELOPING = "developing", _("Perilaku mulai berubah")
    ACHIEVED = "achieved", _("Perilaku level target sudah konsisten")


class Observation(models.Model):
    """The leader observes the participant at work a set number of weeks after the class
    (supervision, Kirkpatrick level 3)."""

    Rating = ObservationRating
    Judgement = ObservationJudgement

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="observations")
    week = models.PositiveSmallIntegerField(_("minggu ke"))
    due_on = models.DateField(_("jatuh tempo"))
    target_level = models.PositiveSmallIntegerField(_("level target"), validators=LEVEL_VALIDATORS)
    observer = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="observations_made"
    )
    completed_at = models.DateTimeField(_("diisi"), null=True, blank=True)
    judgement = models.CharField(
        _("penilaian keseluruhan"), max_length=20, choices=ObservationJudgement.choices, blank=True
    )
    notes = models.TextField(_("catatan"), blank=True)
    last_reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("observasi pimpinan")
        verbose_name_plural = pgettext_lazy("plural", "observasi pimpinan")
        ordering = ["due_on", "nomination"]
        constraints = [models.UniqueConstraint(fields=["nomination", "week"], name="observation_week_unique")]
        indexes = [models.Index(fields=["completed_at", "due_on"], name="observation_open_due")]

    def __str__(self):
        return f"{self.nomination_id} minggu {self.week}"


class ObservationItem(models.Model):
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(LevelIndicator, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("penilaian"), max_length=20, choices=ObservationRating.choices)
    note = models.CharField(_("catatan"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["observation", "indicator"], name="observation_item_unique"),
            models.CheckConstraint(
                condition=models.Q(rating__in=ObservationRating.values), name="observation_rating_valid"
            ),
        ]

    def __str__(self):
        return f"{self.observation_id}: {self.indicator_id} {self.rating}"


class MentoringPlan(models.Model):
    """The leader's mentoring plan for a participant after the class."""

    nomination = models.OneToOneField(Nomination, on_delete=models.CASCADE, related_name="mentoring_plan")
    mentor = models.ForeignKey(Employee, null=True, on_delete=models.SET_NULL, related_name="mentoring_plans")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rencana mentoring")
        verbose_name_plural = pgettext_lazy("plural", "rencana mentoring")

    def __str__(self):
        return f"{self.nomination_id}"


class MentoringGoal(models.Model):
    plan = models.ForeignKey(MentoringPlan, on_delete=models.CASCADE, related_name="goals")
    indicator = models.ForeignKey(
        LevelIndicator,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("indikator perilaku"),
    )
    description = models.CharField(_("sasaran"), max_length=300)
    target_date = models.DateField(_("target tanggal"))

    class Meta:
        verbose_name = _("sasaran mentoring")
        verbose_name_plural = pgettext_lazy("plural", "sasaran mentoring")
        ordering = ["plan", "target_date", "pk"]

    def __str__(self):
        return self.description


class MentoringSession(models.Model):
    """One mentoring conversation, logged by the leader; the participant adds a reflection."""

    plan = models.ForeignKey(MentoringPlan, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("tanggal"))
    topic = models.CharField(_("topik"), max_length=200)
    notes = models.TextField(_("catatan"), blank=True)
    agreed_actions = models.TextField(_("tindak lanjut yang disepakati"), blank=True)
    next_date = models.DateField(_("sesi berikutnya"), null=True, blank=True)
    reflection = models.TextField(_("refleksi peserta"), blank=True)
    reflected_at = models.DateTimeField(null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("sesi mentoring")
        verbose_name_plural = pgettext_lazy("plural", "sesi mentoring")
        ordering = ["plan", "held_on", "pk"]

    def __str__(self):
        return f"{self.plan_id} {self.held_on}: {self.topic}"
