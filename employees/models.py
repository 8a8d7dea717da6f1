import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .nip import NIP_LENGTH, PNS, PPPK, validate_nip

PATH_SEPARATOR = "/"

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    _("Kode hanya boleh berisi huruf, angka, titik, tanda hubung dan garis bawah."),
)


class OrgUnitQuerySet(models.QuerySet):
    def in_subtree(self, unit: "OrgUnit"):
        """The unit and every unit below it, at any depth, in one query."""
        return self.filter(path__startswith=unit.path)


class OrgUnit(models.Model):
    """A unit kerja. The tree is stored twice: `parent` for integrity and a materialized
    `path` of ids ("/1/5/12/") so a whole subtree is one indexed prefix query."""

    code = models.CharField(_("kode"), max_length=30, unique=True, validators=[code_validator])
    name = models.CharField(_("nama"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("unit induk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    leader = models.ForeignKey(
        "Employee",
        verbose_name=_("pimpinan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_units",
    )

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit kerja")
        verbose_name_plural = pgettext_lazy("plural", "unit kerja")
        ordering = ["path"]
        indexes = [
            # LIKE 'prefix%' can use this index on PostgreSQL whatever the collation.
            models.Index(fields=["path"], name="orgunit_path_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return f"{self.code} – {self.name}"

    def save(self, *args, **kwargs):
        # The path is built from the row's own id, so a new unit is first written with a
        # placeholder path; moving a unit rewrites its whole subtree's paths in one UPDATE.
        with transaction.atomic():
            is_new, old_path = self.pk is None, self.path
            if is_new:
                self.path = f"{PATH_SEPARATOR}new-{uuid.uuid4().hex}{PATH_SEPARATOR}"
                super().save(*args, **kwargs)
                kwargs = {}
            parent_path = self.parent.path if self.parent_id else PATH_SEPARATOR
            self.path = f"{parent_path}{self.pk}{PATH_SEPARATOR}"
            self.depth = len(self.ancestor_ids) - 1
            super().save(*args, **kwargs)
            if not is_new and old_path and old_path != self.path:
                self._move_descendants(old_path)

    def clean(self):
        if self.parent_id and self.pk and (self.parent_id == self.pk or self.pk in self.parent.ancestor_ids):
            raise ValidationError(
                {"parent": _("Unit induk tidak boleh unit ini sendiri atau salah satu bawahannya.")}
            )
        if self.leader_id and self.pk and self.leader.unit_id != self.pk:
            raise ValidationError({"leader": _("Pimpinan harus pegawai yang terdaftar di unit ini.")})

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR) if part]

    def _move_descendants(self, old_path: str) -> None:
        shift = self.depth - (len(old_path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR)) - 1)
        OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
            path=Concat(Value(self.path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + shift,
        )


class Jenis(models.TextChoices):
    JPT_UTAMA = "jpt_utama", _("JPT Utama")
    JPT_MADYA = "jpt_madya", _("JPT Madya")
    JPT_PRATAMA = "jpt_pratama", _("JPT Pratama")
    ADMINISTRATOR = "administrator", _("Administrator")
    PENGAWAS = "pengawas", _("Pengawas")
    PELAKSANA = "pelaksana", _("Pelaksana")
    FUNGSIONAL = "fungsional", _("Fungsional")


class Jenjang(models.TextChoices):
    AHLI_UTAMA = "ahli_utama", _("Ahli Utama")
    AHLI_MADYA = "ahli_madya", _("Ahli Madya")
    AHLI_MUDA = "ahli_muda", _("Ahli Muda")
    AHLI_PERTAMA = "ahli_pertama", _("Ahli Pertama")
    PENYELIA = "penyelia", _("Penyelia")
    MAHIR = "mahir", _("Mahir")
    TERAMPIL = "terampil", _("Terampil")
    PEMULA = "pemula", _("Pemula")


class Position(models.Model):
    """A jabatan. Its standard competency levels live in assessments (PositionStandard)."""

    code = models.CharField(_("kode"), max_length=30, unique=True, validators=[code_validator])
    name = models.CharField(_("nama"), max_length=200)
    jenis = models.CharField(_("jenis jabatan"), max_length=20, choices=Jenis.choices)
    jenjang = models.CharField(
        _("jenjang"),
        max_length=20,
        choices=Jenjang.choices,
        blank=True,
        help_text=_("Hanya untuk jabatan fungsional."),
    )

    class Meta:
        verbose_name = _("jabatan")
        verbose_name_plural = pgettext_lazy("plural", "jabatan")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(jenis__in=Jenis.values), name="position_jenis_valid"),
            models.CheckConstraint(
                condition=(
                    models.Q(jenis=Jenis.FUNGSIONAL, jenjang__in=Jenjang.values)
                    | (~models.Q(jenis=Jenis.FUNGSIONAL) & models.Q(jenjang=""))
                ),
                name="position_jenjang_only_for_fungsional",
            ),
        ]

    def __str__(self):
        return f"{self.code} – {self.name}"

    @property
    def grade_label(self) -> str:
        """ "Fungsional Penyelia", "Administrator", ... as HR says it."""
        if self.jenjang:
            return f"{self.get_jenis_display()} {self.get_jenjang_display()}"
        return str(self.get_jenis_display())

    def clean(self):
        if self.jenis == Jenis.FUNGSIONAL and not self.jenjang:
            raise ValidationError({"jenjang": _("Jabatan fungsional wajib punya jenjang.")})
        if self.jenis != Jenis.FUNGSIONAL and self.jenjang:
            raise ValidationError({"jenjang": _("Jenjang hanya diisi untuk jabatan fungsional.")})


class EmployeeType(models.TextChoices):
    PNS = PNS, _("PNS")
    PPPK = PPPK, _("PPPK")


class EmployeeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_unit_subtree(self, unit: OrgUnit):
        return self.filter(unit__path__startswith=unit.path)


class Employee(models.Model):
    nip = models.CharField(_("NIP"), max_length=NIP_LENGTH, unique=True)
    employee_type = models.CharField(
        _("status kepegawaian"), max_length=4, choices=EmployeeType.choices, default=EmployeeType.PNS
    )
    name = models.CharField(_("nama"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit kerja"), on_delete=models.PROTECT, related_name="employees"
    )
    position = models.ForeignKey(
        Position, verbose_name=_("jabatan"), on_delete=models.PROTECT, related_name="employees"
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("akun login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employee",
    )

    objects = EmployeeQuerySet.as_manager()

    class Meta:
        verbose_name = _("pegawai")
        verbose_name_plural = pgettext_lazy("plural", "pegawai")
        ordering = ["name", "nip"]
        permissions = [
            ("view_all_employees", _("Dapat melihat seluruh pegawai instansi")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("nip"), NIP_LENGTH), name="employee_nip_18_characters"
            ),
            models.CheckConstraint(
                condition=models.Q(employee_type__in=EmployeeType.values),
                name="employee_type_valid",
            ),
        ]
        indexes = [models.Index(fields=["unit", "name"], name="employee_unit_name")]

    def __str__(self):
        return f"{self.name} ({self.nip})"

    def clean(self):
        try:
            validate_nip(self.nip, self.employee_type)
        except ValidationError as exc:
            raise ValidationError({"nip": exc.messages}) from None


class ImportRun(models.Model):
    """One import of one file, from the command line or the browser: what was read, what it
    found (counts and every issue), and what it wrote. The file itself is kept for audit."""

    class Kind(models.TextChoices):
        UNITS = "units", _("Unit kerja")
        POSITIONS = "positions", _("Jabatan dan standar")
        INSTITUTIONS = "institutions", _("Lembaga asesmen")
        EMPLOYEES = "employees", _("Pegawai")
        ASSESSMENTS = "assessments", _("Hasil asesmen")
        QUESTIONS = "questions", _("Bank soal")

    class Status(models.TextChoices):
        VALIDATING = "validating", _("Sedang diperiksa")
        INVALID = "invalid", _("Ada kesalahan")
        READY = "ready", _("Siap disimpan")
        WRITING = "writing", _("Sedang disimpan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    kind = models.CharField(_("jenis impor"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.VALIDATING)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=255)
    original_name = models.CharField(_("nama file"), max_length=255)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    year = models.PositiveSmallIntegerField(_("tahun"), null=True, blank=True)
    from_year = models.PositiveSmallIntegerField(_("berlaku mulai tahun"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oleh"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("waktu unggah"), auto_now_add=True)
    finished_at = models.DateTimeField(_("waktu selesai"), null=True, blank=True)
    via_command = models.BooleanField(_("lewat perintah"), default=False)
    dry_run = models.BooleanField(_("uji coba"), default=False)
    rows = models.PositiveIntegerField(_("baris"), default=0)
    created = models.PositiveIntegerField(_("baru"), default=0)
    updated = models.PositiveIntegerField(_("diubah"), default=0)
    unchanged = models.PositiveIntegerField(_("tetap"), default=0)
    error_count = models.PositiveIntegerField(_("kesalahan"), default=0)
    warning_count = models.PositiveIntegerField(_("peringatan"), default=0)
    issues = models.JSONField(_("temuan"), default=list, blank=True)
    progress = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    message = models.CharField(_("pesan"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("impor file")
        verbose_name_plural = pgettext_lazy("plural", "impor file")
        ordering = ["-created_at", "-pk"]
        permissions = [("run_imports", _("Dapat mengimpor data kepegawaian dan asesmen"))]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="import_progress_percent"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.original_name} ({self.created_at:%Y-%m-%d %H:%M})"
