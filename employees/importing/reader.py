"""The one spreadsheet-reading layer every import uses (command line and browser alike).

It turns a CSV or XLSX file into numbered rows of raw cells keyed by canonical column names,
following the reading rules of formats.md: header matching that ignores case, spaces, hyphens
and underscores; title rows above the header skipped; CSV dialect detection (comma or
semicolon; UTF-8 with or without BOM, else Windows-1252); XLSX streamed read-only with caps.
It never decides what a value means: the cell parsers in `cells.py` do, and every problem is
collected as an Issue with the row number the spreadsheet shows."""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

ERROR = "error"
WARNING = "warning"

MAX_ROWS = 1_000_000
MAX_XLSX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024  # 1 GiB of XML inside the zip
HEADER_MARKERS = ("nip", "kode")
HEADER_SEARCH_ROWS = 20
CSV_SAMPLE_BYTES = 64 * 1024


@dataclass(frozen=True)
class Issue:
    """One problem found in a file: where (row as the spreadsheet shows it, column as the
    file names it), what was there, what is wrong and how to fix it."""

    row: int | None
    column: str
    value: str
    message: str
    hint: str = ""
    severity: str = ERROR

    def __str__(self):
        where = []
        if self.row is not None:
            where.append(_("baris %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("kolom %(column)s") % {"column": self.column})
        text = f"{', '.join(where)}: {self.message}" if where else self.message
        return f"{text} {self.hint}".strip()


class UnreadableFile(Exception):  # noqa: N818 - a user-facing condition, not a bug
    """The file cannot be read as a table at all (usage error, exit status 2)."""


@dataclass
class Row:
    number: int  # as the spreadsheet shows it: the header row counts, the first row is 1
    cells: dict[str, object]  # canonical column -> raw value (str for CSV; typed for XLSX)


@dataclass
class Table:
    header_row: int
    columns: dict[str, str]  # canonical name -> the header as written in the file
    rows: Iterator[Row]
    issues: list[Issue] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(issue.severity == ERROR for issue in self.issues)

    def label(self, canonical: str) -> str:
        return self.columns.get(canonical, canonical)


def canonical_header(text: object) -> str:
    """`Tanggal Asesmen`, `tanggal-asesmen` and `TANGGAL_ASESMEN` are all `tanggal_asesmen`."""
    return re.sub(r"[\s_\-]+", "_", str(text or "").strip().lower()).strip("_")


def open_table(
    path: Path | str,
    *,
    filename: str | None = None,
    required: Iterable[str],
    optional: Iterable[str] = (),
    sheet: str | None = None,
    max_rows: int = MAX_ROWS,
    max_uncompressed_bytes: int = MAX_XLSX_UNCOMPRESSED_BYTES,
) -> Table:
    """Open a CSV or XLSX file and find its header. Rows are read lazily, so a big XLSX is
    streamed; call `list(table.rows)` or iterate once."""
    path = Path(path)
    name = (filename or path.name).lower()
    if not path.exists():
        raise UnreadableFile(_("File %(name)s tidak ditemukan.") % {"name": filename or path})
    if name.endswith(".xlsx") or name.endswith(".xlsm"):
        raw_rows = _xlsx_rows(path, sheet, max_uncompressed_bytes)
    elif name.endswith(".csv") or name.endswith(".txt"):
        raw_rows = _csv_rows(path)
    else:
        raise UnreadableFile(
            _("Format file %(name)s tidak dikenal: gunakan .csv atau .xlsx.")
            % {"name": filename or path.name}
        )
    return _table_from_rows(raw_rows, set(required), set(optional), max_rows)


def _table_from_rows(raw_rows: Iterator[list], required: set, optional: set, max_rows: int) -> Table:
    known = required | optional
    header, header_row = None, 0
    for number, values in raw_rows:
        if number > HEADER_SEARCH_ROWS:
            break
        names = [canonical_header(v) for v in values]
        if any(marker in names and marker in known for marker in HEADER_MARKERS) or (
            required and required <= set(names)
        ):
            header, header_row = values, number
            break
    if header is None:
        markers = " / ".join(m for m in HEADER_MARKERS if m in known) or ", ".join(sorted(required))
        raise UnreadableFile(
            _("Baris judul kolom tidak ditemukan: tidak ada sel %(markers)s di %(rows)s baris pertama.")
            % {"markers": markers, "rows": HEADER_SEARCH_ROWS}
        )

    columns: dict[str, str] = {}
    positions: dict[str, int] = {}
    issues: list[Issue] = []
    for index, text in enumerate(header):
        name = canonical_header(text)
        if not name:
            continue
        if name in positions:
            issues.append(
                Issue(
                    header_row,
                    str(text),
                    str(text),
                    _("Kolom ini muncul dua kali."),
                    _("Hapus salah satunya."),
                )
            )
            continue
        if name not in known:
            issues.append(
                Issue(
                    header_row, str(text), str(text), _("Kolom tidak dikenal, diabaikan."), severity=WARNING
                )
            )
            continue
        columns[name], positions[name] = str(text).strip(), index
    for name in sorted(required - set(columns)):
        issues.append(
            Issue(
                header_row,
                name,
                "",
                _("Kolom wajib %(column)s tidak ada.") % {"column": name},
                _("Tambahkan kolom dengan judul %(column)s.") % {"column": name},
            )
        )

    def rows() -> Iterator[Row]:
        count = 0
        for number, values in raw_rows:
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue  # blank lines are not rows
            count += 1
            if count > max_rows:
                raise UnreadableFile(
                    _("File berisi lebih dari %(max)s baris data: pecah menjadi beberapa file.")
                    % {"max": max_rows}
                )
            cells = {name: (values[i] if i < len(values) else None) for name, i in positions.items()}
            yield Row(number, cells)

    return Table(header_row=header_row, columns=columns, rows=rows(), issues=issues)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows


def _csv_rows(path: Path) -> Iterator[tuple[int, list]]:
    text = _decode(path.read_bytes())
    sample = text[:CSV_SAMPLE_BYTES]
    first_lines = sample.splitlines()[:HEADER_SEARCH_ROWS]
    semicolons = sum(line.count(";") for line in first_lines)
    commas = sum(line.count(",") for line in first_lines)
    delimiter = ";" if semicolons > commas else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    yield from enumerate(reader, start=1)


def _xlsx_rows(path: Path, sheet: str | None, max_uncompressed_bytes: int) -> Iterator[tuple[int, list]]:
    try:
        with zipfile.ZipFile(path) as archive:
            uncompressed = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise UnreadableFile(
            _("File XLSX rusak atau bukan XLSX: simpan ulang dari Excel sebagai .xlsx.")
        ) from None
    if uncompressed > max_uncompressed_bytes:
        raise UnreadableFile(
            _(
                "Isi file XLSX terlalu besar (%(size)s MB setelah diekstrak, batas %(max)s MB): pecah menjadi beberapa file."
            )
            % {"size": uncompressed // 2**20, "max": max_uncompressed_bytes // 2**20}
        )
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise UnreadableFile(_("File XLSX tidak dapat dibaca: %(error)s") % {"error": exc}) from None
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise UnreadableFile(
                _("Sheet %(sheet)s tidak ada; yang ada: %(names)s.")
                % {"sheet": sheet, "names": ", ".join(workbook.sheetnames)}
            )
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        # Some writers store a wrong used range; read-only mode would stop there silently.
        worksheet.reset_dimensions()
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            yield number, list(values)
    finally:
        workbook.close()
