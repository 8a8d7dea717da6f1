"""Keep gaps current: assessments announces (after commit) that a year's results or the
standards changed, and the affected years are recomputed in the background."""

from django.dispatch import receiver

from assessments.models import AssessmentResult
from assessments.signals import results_changed, standards_changed

from .tasks import compute_gaps


@receiver(results_changed)
def recompute_after_results(sender, *, year, **kwargs):
    compute_gaps.delay(year=year)


@receiver(standards_changed)
def recompute_after_standards(sender, *, from_year, **kwargs):
    # Only years the change is in force for: a standard from 2027 on never touches 2026.
    years = AssessmentResult.objects.filter(year__gte=from_year).values_list("year", flat=True).distinct()
    for year in sorted(set(years)):
        compute_gaps.delay(year=year)
