from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessments.models import Competency
from employees.models import Employee, OrgUnit, Position


class JpmCategory(models.Model):
    """A band of the Job Person Match scale. Agencies use other cut-offs, so the scale is data:
    a JPM belongs to the band with the highest `min_percent` not above it."""

    name = models.CharField(_("kategori"), max_length=60, unique=True)
    min_percent = models.DecimalField(
        _("JPM minimal (%)"),
        max_digits=5,
        decimal_places=2,
        unique=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    color = models.CharField(
        _("warna"),
        max_length=20,
        default="secondary",
        help_text=_("Warna Bootstrap: success, warning, danger, ..."),
    )

    class Meta:
        verbose_name = _("kategori JPM")
        verbose_name_plural = pgettext_lazy("plural", "kategori JPM")
        ordering = ["-min_percent"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_percent__gte=0, min_percent__lte=100),
                name="jpm_category_percent_range",
            )
        ]

    def __str__(self):
        return f"{self.name} (≥ {self.min_percent:g} %)"


class CompetencyGap(models.Model):
    """Gap of one employee in one competency in one year, computed from the assessed level and
    the standard in force that year. Unit and position are those of the computation, so a past
    year keeps its picture when people move.

    This table and the two below are derived: rebuilt for a year from rows joined with the
    tables they point to, in one transaction. Their foreign keys are therefore not checked by
    the database (db_constraint=False), which would otherwise re-check 900,000 rows one by one
    at every recomputation; Django still deletes them with the employee or unit. Single-column
    indexes are left out too: the composite indexes below lead with the columns queries use."""

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="gaps", db_constraint=False, db_index=False
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="gaps", db_constraint=False, db_index=False
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    position = models.ForeignKey(
        Position, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    standard = models.PositiveSmallIntegerField(_("standar"))
    assessed = models.PositiveSmallIntegerField(_("hasil"))
    gap = models.PositiveSmallIntegerField(_("gap"))

    class Meta:
        verbose_name = _("gap kompetensi")
        verbose_name_plural = pgettext_lazy("plural", "gap kompetensi")
        constraints = [
            models.UniqueConstraint(fields=["employee", "year", "competency"], name="competency_gap_unique"),
            models.CheckConstraint(condition=models.Q(gap__lte=4), name="competency_gap_range"),
        ]
        indexes = [
            models.Index(fields=["year", "competency", "gap"], name="gap_year_competency_gap"),
            models.Index(fields=["year", "unit"], name="gap_year_unit"),
        ]

    def __str__(self):
        return (
            f"{self.employee_id} {self.year} {self.competency_id}: {self.standard}-{self.assessed}={self.gap}"
        )


class JobPersonMatch(models.Model):
    """JPM of one employee in one year: Σ assessed ÷ Σ standard × 100 over the competencies
    assessed that year."""

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="jpms", db_constraint=False, db_index=False
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    position = models.ForeignKey(
        Position, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    assessed_total = models.PositiveSmallIntegerField(_("jumlah hasil"))
    standard_total = models.PositiveSmallIntegerField(_("jumlah standar"))
    percent = models.DecimalField(_("JPM (%)"), max_digits=6, decimal_places=2)
    competencies_with_gap = models.PositiveSmallIntegerField(_("kompetensi bergap"))
    perekat_bangsa_gap = models.PositiveSmallIntegerField(_("gap Perekat Bangsa"), null=True, blank=True)

    class Meta:
        verbose_name = _("job person match")
        verbose_name_plural = pgettext_lazy("plural", "job person match")
        constraints = [
            models.UniqueConstraint(fields=["employee", "year"], name="jpm_unique"),
        ]
        indexes = [models.Index(fields=["year", "unit"], name="jpm_year_unit")]

    def __str__(self):
        return f"{self.employee_id} {self.year}: {self.percent} %"


class TrainingNeed(models.Model):
    """An employee who needs the Sosio Kultural – Perekat Bangsa module, found from a year's
    gaps (or added by HR). Planning moves it on: identified → nominated → trained → closed."""

    class Status(models.TextChoices):
        IDENTIFIED = "identified", _("Teridentifikasi")
        NOMINATED = "nominated", _("Dinominasikan")
        TRAINED = "trained", _("Sudah dilatih")
        CLOSED = "closed", _("Ditutup")

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="training_needs")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="training_needs")
    year = models.PositiveSmallIntegerField(_("tahun asesmen"))
    gap = models.PositiveSmallIntegerField(_("gap"))
    jpm_percent = models.DecimalField(_("JPM (%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IDENTIFIED)
    added_by_hr = models.BooleanField(_("ditambahkan HR"), default=False)
    excluded = models.BooleanField(_("dikecualikan"), default=False)
    note = models.CharField(_("alasan"), max_length=300, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    changed_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("kebutuhan diklat")
        verbose_name_plural = pgettext_lazy("plural", "kebutuhan diklat")
        constraints = [
            models.UniqueConstraint(fields=["employee", "competency", "year"], name="training_need_unique"),
            models.CheckConstraint(condition=models.Q(gap__lte=4), name="training_need_gap_range"),
        ]
        indexes = [models.Index(fields=["year", "status", "excluded"], name="need_year_status")]

    def __str__(self):
        return f"{self.employee_id} {self.competency_id} {self.year}: {self.status}"


class UnitCompetencyStat(models.Model):
    """Per year, unit (its own employees, not its subtree) and competency: how many were
    assessed, how many are below standard, the sum of gaps and how many have each gap size.
    Computed with the gaps; dashboards add these up over a subtree instead of scanning every
    employee's gaps."""

    year = models.PositiveSmallIntegerField(_("tahun"))
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    assessed = models.PositiveIntegerField(_("dinilai"))
    below = models.PositiveIntegerField(_("di bawah standar"))
    gap_sum = models.PositiveIntegerField(_("jumlah gap"))
    gap_1 = models.PositiveIntegerField(default=0)
    gap_2 = models.PositiveIntegerField(default=0)
    gap_3 = models.PositiveIntegerField(default=0)
    gap_4 = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("statistik unit")
        verbose_name_plural = pgettext_lazy("plural", "statistik unit")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit", "competency"], name="unit_competency_stat_unique"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.unit_id} {self.competency_id}: {self.below}/{self.assessed}"
