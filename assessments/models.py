from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from employees.models import Employee, ImportRun, Jenis, Jenjang, Position

MIN_LEVEL, MAX_LEVEL = 1, 5
LEVEL_VALIDATORS = [MinValueValidator(MIN_LEVEL), MaxValueValidator(MAX_LEVEL)]
LEVEL_IN_RANGE = models.Q(level__gte=MIN_LEVEL, level__lte=MAX_LEVEL)

# A standard whose from_year is ALL_YEARS applies to every year until a later one replaces it.
ALL_YEARS = 0

PEREKAT_BANGSA = "perekat_bangsa"


class CompetencyKind(models.TextChoices):
    TEKNIS = "teknis", _("Teknis")
    MANAJERIAL = "manajerial", _("Manajerial")
    SOSIAL_KULTURAL = "sosial_kultural", _("Sosial kultural")


class Competency(models.Model):
    """An entry of the competency dictionary (PermenPANRB 38/2017)."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    kind = models.CharField(_("jenis"), max_length=20, choices=CompetencyKind.choices)
    description = models.TextField(_("definisi"), blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("kompetensi")
        verbose_name_plural = pgettext_lazy("plural", "kamus kompetensi")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CompetencyKind.values), name="competency_kind_valid"
            )
        ]

    def __str__(self):
        return self.name


class CompetencyLevel(models.Model):
    """A level (1–5) of a competency with its title, e.g. Perekat Bangsa 3: "Mempromosikan…"."""

    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(_("level"), validators=LEVEL_VALIDATORS)
    title = models.CharField(_("judul level"), max_length=255)

    class Meta:
        verbose_name = _("level kompetensi")
        verbose_name_plural = pgettext_lazy("plural", "level kompetensi")
        ordering = ["competency", "level"]
        constraints = [
            models.UniqueConstraint(fields=["competency", "level"], name="competency_level_unique"),
            models.CheckConstraint(condition=LEVEL_IN_RANGE, name="competency_level_in_range"),
        ]

    def __str__(self):
        return f"{self.competency.name} {self.level}: {self.title}"


class LevelIndicator(models.Model):
    """An observable behaviour at a level: what a leader looks for after training."""

    competency_level = models.ForeignKey(CompetencyLevel, on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    text = models.TextField(_("indikator perilaku"))

    class Meta:
        verbose_name = _("indikator perilaku")
        verbose_name_plural = pgettext_lazy("plural", "indikator perilaku")
        ordering = ["competency_level", "order", "pk"]

    def __str__(self):
        return self.text


class DefaultStandardLevel(models.Model):
    """The standard level that a position of this jenis/jenjang gets when none is given.
    domain.md marks these as unconfirmed, so they are data HR can edit, not constants."""

    jenis = models.CharField(_("jenis jabatan"), max_length=20, choices=Jenis.choices)
    jenjang = models.CharField(_("jenjang"), max_length=20, choices=Jenjang.choices, blank=True)
    level = models.PositiveSmallIntegerField(_("level standar"), validators=LEVEL_VALIDATORS)

    class Meta:
        verbose_name = _("standar default")
        verbose_name_plural = pgettext_lazy("plural", "standar default per jenis/jenjang")
        ordering = ["-level", "jenis", "jenjang"]
        constraints = [
            models.UniqueConstraint(fields=["jenis", "jenjang"], name="default_standard_unique"),
            models.CheckConstraint(condition=LEVEL_IN_RANGE, name="default_standard_in_range"),
        ]

    def __str__(self):
        label = self.get_jenis_display()
        if self.jenjang:
            label = f"{label} {self.get_jenjang_display()}"
        return f"{label}: {self.level}"


class PositionStandard(models.Model):
    """The level a position requires for a competency, in force from `from_year` until a later
    row for the same position and competency. The gap of year Y uses the row in force in Y."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="standards")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="standards")
    from_year = models.PositiveSmallIntegerField(
        _("berlaku mulai tahun"), default=ALL_YEARS, help_text=_("0 = berlaku untuk semua tahun.")
    )
    level = models.PositiveSmallIntegerField(_("level standar"), validators=LEVEL_VALIDATORS)

    class Meta:
        verbose_name = _("standar kompetensi jabatan")
        verbose_name_plural = pgettext_lazy("plural", "standar kompetensi jabatan")
        ordering = ["position", "competency", "from_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["position", "competency", "from_year"], name="position_standard_unique"
            ),
            models.CheckConstraint(condition=LEVEL_IN_RANGE, name="position_standard_in_range"),
        ]

    def __str__(self):
        return f"{self.position.code} / {self.competency.code} ≥ {self.from_year}: {self.level}"


class Institution(models.Model):
    """An assessment centre (lembaga asesmen) and its BKN accreditation. A result is valid only
    if the accreditation was in force on the assessment date."""

    code = models.CharField(_("kode"), max_length=30, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    accreditation_number = models.CharField(_("nomor akreditasi"), max_length=100)
    accredited_until = models.DateField(_("akreditasi berlaku sampai"))

    class Meta:
        verbose_name = _("lembaga asesmen")
        verbose_name_plural = pgettext_lazy("plural", "lembaga asesmen")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.name}"

    def accredited_on(self, day) -> bool:
        return day <= self.accredited_until


class AssessmentResult(models.Model):
    """The level an accredited institution assessed for one employee, competency and year."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="assessment_results")
    year = models.PositiveSmallIntegerField(_("tahun"))
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="results")
    level = models.PositiveSmallIntegerField(_("level"), validators=LEVEL_VALIDATORS)
    assessed_on = models.DateField(_("tanggal asesmen"))
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="results")
    import_run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="assessment_results"
    )

    class Meta:
        verbose_name = _("hasil asesmen")
        verbose_name_plural = pgettext_lazy("plural", "hasil asesmen")
        ordering = ["employee", "year", "competency"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "year", "competency"], name="assessment_result_unique"
            ),
            models.CheckConstraint(condition=LEVEL_IN_RANGE, name="assessment_result_in_range"),
        ]
        indexes = [models.Index(fields=["year", "competency"], name="assessment_year_competency")]

    def __str__(self):
        return f"{self.employee_id} {self.year} {self.competency_id}: {self.level}"


class AssessmentResultChange(models.Model):
    """History of a corrected result: who re-imported, when, from which import, old → new."""

    result = models.ForeignKey(AssessmentResult, on_delete=models.CASCADE, related_name="changes")
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    changed_at = models.DateTimeField(_("waktu"), auto_now_add=True)
    old_level = models.PositiveSmallIntegerField(_("level lama"))
    new_level = models.PositiveSmallIntegerField(_("level baru"))
    old_assessed_on = models.DateField(_("tanggal lama"))
    new_assessed_on = models.DateField(_("tanggal baru"))
    old_institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    new_institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("riwayat perubahan hasil")
        verbose_name_plural = pgettext_lazy("plural", "riwayat perubahan hasil")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.result_id}: {self.old_level} → {self.new_level}"
