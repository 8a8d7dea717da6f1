"""Writing tables for exports and reports, CSV or XLSX, the same columns either way. Every cell
that a spreadsheet would run as a formula is escaped with a leading apostrophe."""

import csv
from collections.abc import Iterable, Sequence

from .cells import is_formula


def escape_cell(value):
    if isinstance(value, str) and is_formula(value):
        return "'" + value
    return value


def write_csv(stream, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([escape_cell(value) for value in row])


def write_xlsx(
    path_or_stream, columns: Sequence[str], rows: Iterable[Sequence], *, title: str = "Data"
) -> None:
    """Streamed (write-only) so memory stays flat however many rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(columns))
    for row in rows:
        cells = []
        for value in row:
            value = escape_cell(value)
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # text, never a formula or a number (NIPs stay 18 digits)
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    workbook.save(path_or_stream)
