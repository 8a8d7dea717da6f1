"""Import runs: the record of each import (file kept, checksum, who, counts, every issue) and the
two steps the browser flow runs as Celery tasks: check (a dry run) and write."""

import hashlib
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from employees.models import ImportRun

from .engine import Options, Outcome, run_import
from .reader import UnreadableFile

MAX_STORED_ISSUES = 50_000


def file_checksum(content: File) -> str:
    digest = hashlib.sha256()
    content.seek(0)
    for chunk in content.chunks():
        digest.update(chunk)
    content.seek(0)
    return digest.hexdigest()


def import_run_create(
    *, kind: str, content: File, filename: str, user=None, year=None, from_year=None, via_command=False
) -> ImportRun:
    """Keep a copy of the file (through STORAGES, so any backend works) and open a run."""
    run = ImportRun(
        kind=kind,
        original_name=Path(filename).name,
        checksum=file_checksum(content),
        year=year,
        from_year=from_year,
        created_by=user,
        via_command=via_command,
    )
    run.file.save(Path(filename).name, content, save=False)
    run.save()
    return run


def import_run_start(
    *, kind: str, content: File, filename: str, user, year=None, from_year=None
) -> ImportRun:
    """The browser's upload: keep the file, then check it in the background after commit."""
    from .tasks import check_import

    run = import_run_create(
        kind=kind, content=content, filename=filename, user=user, year=year, from_year=from_year
    )
    transaction.on_commit(lambda: check_import.delay(run_id=run.pk))
    return run


@contextmanager
def local_copy(run: ImportRun):
    """The run's file as a local path (the storage may be remote)."""
    suffix = Path(run.original_name).suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        with run.file.open("rb") as stored:
            shutil.copyfileobj(stored, handle)
        handle.flush()
        yield Path(handle.name)


def _progress_saver(run_id: int):
    def save(percent: int, message: str) -> None:
        ImportRun.objects.filter(pk=run_id).update(progress=min(percent, 100), message=message[:500])

    return save


def _record(run: ImportRun, outcome: Outcome, status: str) -> ImportRun:
    run.status = status
    run.rows = outcome.rows
    run.created, run.updated, run.unchanged = (
        outcome.counts.created,
        outcome.counts.updated,
        outcome.counts.unchanged,
    )
    run.error_count, run.warning_count = len(outcome.errors), len(outcome.warnings)
    run.issues = [
        {
            "row": i.row,
            "column": i.column,
            "value": i.value,
            "message": i.message,
            "hint": i.hint,
            "severity": i.severity,
        }
        for i in outcome.issues[:MAX_STORED_ISSUES]
    ]
    run.progress = 100
    run.message = ""  # the message field is only for a file that could not be read at all
    run.finished_at = timezone.now()
    run.save()
    return run


def _execute(run: ImportRun, *, dry_run: bool) -> ImportRun:
    options = Options(year=run.year, from_year=run.from_year, user=run.created_by, run=run)
    try:
        with local_copy(run) as path:
            outcome = run_import(
                run.kind,
                path,
                filename=run.original_name,
                options=options,
                dry_run=dry_run,
                progress=_progress_saver(run.pk),
            )
    except UnreadableFile as exc:
        run.status, run.message, run.progress = ImportRun.Status.INVALID, str(exc)[:500], 100
        run.error_count = 1
        run.issues = [
            {"row": None, "column": "", "value": "", "message": str(exc), "hint": "", "severity": "error"}
        ]
        run.finished_at = timezone.now()
        run.save()
        return run
    if outcome.errors:
        return _record(run, outcome, ImportRun.Status.INVALID)
    return _record(run, outcome, ImportRun.Status.READY if dry_run else ImportRun.Status.DONE)


def import_run_check(*, run_id: int) -> ImportRun:
    """Step 1 (browser): read and check the whole file, count what would change, write nothing."""
    run = ImportRun.objects.get(pk=run_id)
    if run.status != ImportRun.Status.VALIDATING:
        return run  # already checked: running the task again changes nothing
    return _execute(run, dry_run=True)


def import_run_write(*, run_id: int) -> ImportRun:
    """Step 2 (browser, after confirming) or the command line: write the file for real. Safe to
    run again after a crash: the write is one transaction and importing twice changes nothing."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run_id)
        if run.status not in (ImportRun.Status.READY, ImportRun.Status.WRITING, ImportRun.Status.VALIDATING):
            return run
        run.status, run.progress, run.message = ImportRun.Status.WRITING, 0, _("Menyimpan…")
        run.save(update_fields=["status", "progress", "message"])
    return _execute(run, dry_run=False)


def import_run_confirm(*, run: ImportRun) -> ImportRun:
    """HR confirms a checked run; the write is queued after this commits."""
    from .tasks import write_import

    if run.status != ImportRun.Status.READY:
        raise ValueError("only a checked run without errors can be written")
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.WRITING, progress=0)
    transaction.on_commit(lambda: write_import.delay(run_id=run.pk))
    run.status = ImportRun.Status.WRITING
    return run
