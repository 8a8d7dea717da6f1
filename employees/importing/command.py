"""The shared shape of every import_* management command (formats.md): FILE, --dry-run,
--sheet; exit 0 written (or clean dry run), 1 the file has errors (nothing written), 2 usage."""

import sys
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from employees.models import ImportRun

from .engine import Counts, Options, run_import
from .reader import UnreadableFile
from .runs import import_run_create, import_run_write

EXIT_FILE_ERRORS = 1
EXIT_USAGE = 2


class ImportCommand(BaseCommand):
    kind: str = ""
    with_year = False
    with_from_year = False

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV atau XLSX")
        parser.add_argument("--dry-run", action="store_true", help="Periksa dan laporkan, tanpa menyimpan.")
        parser.add_argument("--sheet", help="Nama sheet XLSX (bawaan: sheet pertama).")
        if self.with_year:
            parser.add_argument("--year", type=int, required=True, help="Tahun asesmen, mis. 2026.")
        if self.with_from_year:
            parser.add_argument("--from-year", type=int, help="Standar berlaku mulai tahun ini.")

    def handle(self, *args, file, dry_run, sheet, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"File tidak ditemukan: {file}", returncode=EXIT_USAGE)
        year, from_year = options.get("year"), options.get("from_year")
        if year is not None and not 1990 <= year <= 2100:
            raise CommandError(f"Tahun tidak masuk akal: {year}", returncode=EXIT_USAGE)
        try:
            if dry_run:
                outcome = run_import(
                    self.kind,
                    path,
                    options=Options(year=year, from_year=from_year, sheet=sheet),
                    dry_run=True,
                )
                self._report(
                    outcome.issues,
                    outcome.rows,
                    outcome.counts,
                    len(outcome.errors),
                    len(outcome.warnings),
                    dry_run=True,
                )
                errors = len(outcome.errors)
            else:
                with open(path, "rb") as handle:
                    run = import_run_create(
                        kind=self.kind,
                        content=File(handle),
                        filename=path.name,
                        year=year,
                        from_year=from_year,
                        via_command=True,
                    )
                run = import_run_write(run_id=run.pk)
                if run.status == ImportRun.Status.INVALID and run.message:
                    raise UnreadableFile(run.message)
                self._report_run(run)
                errors = run.error_count
        except UnreadableFile as exc:
            raise CommandError(str(exc), returncode=EXIT_USAGE) from None
        if errors:
            self.stderr.write(self.style.ERROR(f"{errors} kesalahan: tidak ada yang disimpan."))
            sys.exit(EXIT_FILE_ERRORS)

    def _report_run(self, run):
        from .reader import Issue

        issues = [Issue(**issue) for issue in run.issues]
        counts = Counts(created=run.created, updated=run.updated, unchanged=run.unchanged)
        self._report(issues, run.rows, counts, run.error_count, run.warning_count, dry_run=False)

    def _report(self, issues, rows, counts, errors, warnings, *, dry_run):
        for issue in issues:
            stream = self.stderr if issue.severity == "error" else self.stdout
            label = "KESALAHAN" if issue.severity == "error" else "PERINGATAN"
            stream.write(f"{label} {issue}")
        verb = "akan" if dry_run else "telah"
        if errors:
            self.stdout.write(f"{rows} baris dibaca; {errors} kesalahan, {warnings} peringatan.")
            return
        self.stdout.write(
            f"{rows} baris dibaca{' (uji coba, tidak ada yang disimpan)' if dry_run else ''}: "
            f"{counts.created} {verb} dibuat, {counts.updated} {verb} diubah, {counts.unchanged} tetap; "
            f"{warnings} peringatan."
        )
