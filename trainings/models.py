from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessments.models import LEVEL_VALIDATORS, Competency
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
