from celery import shared_task

from .runs import import_run_check, import_run_write


@shared_task(acks_late=True, reject_on_worker_lost=True)
def check_import(*, run_id: int) -> str:
    return import_run_check(run_id=run_id).status


@shared_task(acks_late=True, reject_on_worker_lost=True)
def write_import(*, run_id: int) -> str:
    return import_run_write(run_id=run_id).status
