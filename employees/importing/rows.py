"""Helpers for importers: read one typed cell of a row, turning a CellError into an Issue."""

from collections.abc import Callable

from django.utils.translation import gettext as _

from .cells import CellError, is_empty
from .reader import ERROR, WARNING, Issue, Row, Table

MISSING = object()


class RowChecker:
    """Reads cells of one row, collecting every problem into the table's issues."""

    def __init__(self, table: Table, row: Row):
        self.table, self.row, self.ok = table, row, True

    def get(self, column: str, parse: Callable, *, required: bool = True, default=None):
        value = self.row.cells.get(column)
        if is_empty(value) and not required:
            return default
        try:
            return parse(value)
        except CellError as error:
            self.error(column, error.message, error.hint, value=value)
            return MISSING

    def first_time(self, column: str, key, seen: dict, hint: str) -> bool:
        """A key (code, NIP) may stand on one row only: a repeat is an error naming the row it
        first stood on. Returns whether this is its first row."""
        if key in seen:
            self.error(
                column, _("%(value)s sudah ada di baris %(row)s.") % {"value": key, "row": seen[key]}, hint
            )
            return False
        seen[key] = self.row.number
        return True

    def error(self, column: str, message: str, hint: str = "", *, value=MISSING):
        self._add(column, message, hint, value, ERROR)
        self.ok = False

    def warn(self, column: str, message: str, hint: str = "", *, value=MISSING):
        self._add(column, message, hint, value, WARNING)

    def _add(self, column, message, hint, value, severity):
        if value is MISSING:
            value = self.row.cells.get(column)
        shown = "" if value is None else str(value)
        self.table.issues.append(
            Issue(self.row.number, self.table.label(column), shown, str(message), str(hint), severity)
        )
