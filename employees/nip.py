"""NIP (Nomor Induk Pegawai) validation, as domain.md describes it.

PNS:  YYYYMMDD (birth) + YYYYMM (TMT CPNS) + sex (1/2) + sequence (001-999)
PPPK: YYYYMMDD (birth) + YYYY (year of appointment) + 2-digit code + sex + sequence
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NIP_LENGTH = 18

MSG_NOT_18_DIGITS = _("NIP harus 18 digit angka (tertulis {length} karakter).")
MSG_BAD_BIRTH_DATE = _("Digit 1–8 NIP bukan tanggal lahir yang ada ({value}).")
MSG_BAD_APPOINTMENT_MONTH = _("Digit 9–14 NIP bukan tahun dan bulan TMT CPNS yang ada ({value}).")
MSG_APPOINTMENT_BEFORE_BIRTH = _("TMT pengangkatan pada NIP ({value}) tidak boleh sebelum lahir.")
MSG_BAD_APPOINTMENT_YEAR = _("Digit 9–12 NIP PPPK bukan tahun pengangkatan yang masuk akal ({value}).")
MSG_BAD_SEX = _("Digit 15 NIP (jenis kelamin) harus 1 (laki-laki) atau 2 (perempuan), bukan {value}.")
MSG_BAD_SEQUENCE = _("Digit 16–18 NIP (nomor urut) harus 001 sampai 999, bukan {value}.")

PNS = "pns"
PPPK = "pppk"


def _birth_date(nip: str) -> datetime.date:
    try:
        return datetime.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise ValidationError(MSG_BAD_BIRTH_DATE.format(value=nip[0:8]), code="nip_birth_date") from None


def validate_nip(nip: str, employee_type: str = PNS) -> None:
    """Raise ValidationError with every problem found in `nip` for this employee type."""
    nip = nip or ""
    if len(nip) != NIP_LENGTH or not nip.isascii() or not nip.isdigit():
        raise ValidationError(MSG_NOT_18_DIGITS.format(length=len(nip)), code="nip_length")

    errors = []
    birth = None
    try:
        birth = _birth_date(nip)
    except ValidationError as exc:
        errors.append(exc)

    if employee_type == PPPK:
        year = int(nip[8:12])
        if year < 1900 or (birth and year <= birth.year):
            errors.append(ValidationError(MSG_BAD_APPOINTMENT_YEAR.format(value=nip[8:12]), code="nip_year"))
    else:
        year, month = int(nip[8:12]), int(nip[12:14])
        if year < 1900 or not 1 <= month <= 12:
            errors.append(
                ValidationError(MSG_BAD_APPOINTMENT_MONTH.format(value=nip[8:14]), code="nip_appointment")
            )
        elif birth and (year, month) <= (birth.year, birth.month):
            errors.append(
                ValidationError(MSG_APPOINTMENT_BEFORE_BIRTH.format(value=nip[8:14]), code="nip_appointment")
            )

    # Sex and sequence sit at the same places in both shapes.
    sex, sequence = nip[14], nip[15:18]
    if sex not in "12":
        errors.append(ValidationError(MSG_BAD_SEX.format(value=sex), code="nip_sex"))
    if sequence == "000":
        errors.append(ValidationError(MSG_BAD_SEQUENCE.format(value=sequence), code="nip_sequence"))
    if errors:
        raise ValidationError(errors)
