"""Typed cell parsing for imports. Each parser takes a raw cell (str from CSV, or the typed
value from XLSX) and returns the value or raises CellError with a message and how to fix it."""

import datetime
import re

from django.utils.translation import gettext as _

from employees.nip import NIP_LENGTH

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
FORMULA_START = ("=", "+", "-", "@")
PLAIN_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")
MANGLED_NIP = re.compile(r"^\d([.,]\d+)?[eE]\+?\d+$|^\d+[.,]0+$")  # decimal point or comma


class CellError(Exception):
    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_formula(value) -> bool:
    return (
        isinstance(value, str)
        and value.strip().startswith(FORMULA_START)
        and not PLAIN_NUMBER.match(value.strip())
    )


def text(value, *, max_length: int | None = None) -> str:
    if is_empty(value):
        return ""
    if is_formula(value):
        raise CellError(
            _("Sel berisi rumus, bukan nilai."),
            _("Salin sel lalu tempel sebagai nilai (Paste Special → Values)."),
        )
    result = str(value).strip() if not isinstance(value, float) or not value.is_integer() else str(int(value))
    if max_length and len(result) > max_length:
        raise CellError(
            _("Terlalu panjang (%(length)s karakter, maksimal %(max)s).")
            % {"length": len(result), "max": max_length}
        )
    return result


def nip(value) -> str:
    """18 digits kept as text. A NIP a spreadsheet turned into a number has lost digits."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellError(
            _("NIP tersimpan sebagai angka (%(value)s), sehingga digit terakhirnya hilang.")
            % {"value": value},
            _("Format kolom NIP sebagai Teks di Excel, lalu ketik ulang atau salin NIP dari sumber aslinya."),
        )
    raw = text(value)
    if not raw:
        raise CellError(_("NIP kosong."), _("Isi NIP 18 digit."))
    compact = raw.replace(" ", "")
    if MANGLED_NIP.match(compact):
        raise CellError(
            _("NIP %(value)s sudah diubah spreadsheet menjadi angka, sehingga digitnya hilang.")
            % {"value": raw},
            _("Format kolom NIP sebagai Teks di Excel, lalu ketik ulang atau salin NIP dari sumber aslinya."),
        )
    if len(compact) != NIP_LENGTH or not compact.isdigit():
        raise CellError(
            _("NIP harus 18 digit angka (tertulis %(value)s).") % {"value": raw},
            _("Periksa NIP di data kepegawaian."),
        )
    return compact


def date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = text(value)
    if not raw:
        raise CellError(_("Tanggal kosong."), _("Isi tanggal seperti 2026-11-30 atau 30/11/2026."))
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise CellError(
        _("Tanggal %(value)s tidak dikenali atau tidak ada.") % {"value": raw},
        _("Tulis seperti 2026-11-30, 30/11/2026 atau 30-11-2026."),
    )


def level(value) -> int | None:
    """A competency level 1–5; an empty cell is None (not assessed)."""
    if is_empty(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = text(value)
    if not re.fullmatch(r"\d+", raw):
        raise CellError(_("Level %(value)s bukan angka.") % {"value": raw}, _("Isi angka 1 sampai 5."))
    number = int(raw)
    if not 1 <= number <= 5:
        raise CellError(_("Level %(value)s di luar rentang.") % {"value": raw}, _("Isi angka 1 sampai 5."))
    return number


def yes_no(value) -> bool:
    raw = text(value).upper()
    if raw in ("", "N", "TIDAK", "T"):
        return False
    if raw in ("Y", "YA"):
        return True
    raise CellError(_("Nilai %(value)s tidak dikenali.") % {"value": raw}, _("Isi Y atau kosongkan."))


def year(value) -> int:
    raw = text(value)
    if not re.fullmatch(r"\d{4}", raw):
        raise CellError(_("Tahun %(value)s tidak valid.") % {"value": raw}, _("Isi tahun empat digit."))
    return int(raw)
