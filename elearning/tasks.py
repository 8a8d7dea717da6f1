from celery import shared_task

from .services.quizzes import attempts_finalize_overdue


@shared_task(acks_late=True, reject_on_worker_lost=True)
def finalize_overdue_attempts() -> int:
    """Beat, every minute: submit the attempts whose time ran out (idempotent)."""
    return attempts_finalize_overdue()
