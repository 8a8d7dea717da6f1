"""Runs an import: read the whole file, check every row, and only if nothing is wrong write it
all in one transaction (or roll it back for a dry run). Importers plug in through `register`;
apps to the right (assessments) register theirs, so this module imports none of them."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.db import transaction

from .reader import ERROR, WARNING, Issue, Table, open_table

Progress = Callable[[int, str], None]  # (percent, message)


def no_progress(percent: int, message: str) -> None:
    return None


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class Outcome:
    rows: int
    issues: list[Issue]
    counts: Counts = field(default_factory=Counts)
    written: bool = False

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]


@dataclass
class Options:
    year: int | None = None
    from_year: int | None = None
    sheet: str | None = None
    user: Any = None
    run: Any = None  # the ImportRun being executed, if any


class Importer(Protocol):
    kind: str
    needs_year: bool

    def columns(self) -> tuple[set[str], set[str]]:
        """(required, optional) canonical column names."""

    def check(self, table: Table, options: Options, progress: Progress) -> tuple[int, Any]:
        """Parse and check every row, appending to table.issues; return (rows, plan)."""

    def apply(self, plan: Any, options: Options) -> Counts:
        """Write the plan (called inside a transaction); return what changed."""


_IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    _IMPORTERS[importer.kind] = importer
    return importer


def importer_for(kind: str) -> Importer:
    return _IMPORTERS[kind]


def run_import(
    kind: str,
    path: Path | str,
    *,
    filename: str | None = None,
    options: Options | None = None,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> Outcome:
    """Check the file whole; write it only if it has no error. Raises UnreadableFile when the
    file cannot be read as a table at all."""
    options = options or Options()
    importer = importer_for(kind)
    required, optional = importer.columns()
    table = open_table(path, filename=filename, required=required, optional=optional, sheet=options.sheet)
    if table.has_errors:  # a missing required column: no row can be read meaningfully
        return Outcome(rows=0, issues=table.issues)
    rows, plan = importer.check(table, options, progress)
    outcome = Outcome(rows=rows, issues=sorted(table.issues, key=_issue_order))
    if outcome.errors:
        return outcome
    progress(90, "")
    with transaction.atomic():
        outcome.counts = importer.apply(plan, options)
        if dry_run:
            transaction.set_rollback(True)
    outcome.written = not dry_run
    progress(100, "")
    return outcome


def _issue_order(issue: Issue):
    return (issue.row or 0, issue.severity != ERROR, issue.column)
