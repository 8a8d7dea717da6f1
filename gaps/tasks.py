from celery import shared_task

from .services import gaps_compute


@shared_task(acks_late=True, reject_on_worker_lost=True)
def compute_gaps(*, year: int) -> dict:
    """Idempotent: recomputing a year from the same results gives the same rows."""
    return gaps_compute(year=year)
