import pytest
from django.core.exceptions import ValidationError

from employees.nip import PNS, PPPK, validate_nip


def codes_of(nip, employee_type=PNS):
    with pytest.raises(ValidationError) as exc:
        validate_nip(nip, employee_type)
    return {error.code for error in exc.value.error_list}


def test_valid_pns_nip_passes():
    validate_nip("198501012010121001", PNS)  # born 1985-01-01, TMT 2010-12, male, #001


def test_valid_pppk_nip_passes_although_its_month_digits_would_fail_the_pns_check():
    # born 1990-07-15, appointed 2022, code 61 (not a month), female, #015
    nip = "199007152022612015"
    validate_nip(nip, PPPK)
    assert "nip_appointment" in codes_of(nip, PNS)


def test_seventeen_digits_are_rejected():
    assert codes_of("19850101201012100") == {"nip_length"}


def test_letters_are_rejected():
    assert codes_of("19850101201012100A") == {"nip_length"}


def test_impossible_birth_date_is_rejected():
    assert "nip_birth_date" in codes_of("198502302010121001")  # 30 February


def test_month_thirteen_is_rejected():
    assert codes_of("198501012010131001") == {"nip_appointment"}


def test_appointment_before_birth_is_rejected():
    assert codes_of("198501011984121001") == {"nip_appointment"}


def test_sex_digit_three_is_rejected():
    assert codes_of("198501012010123001") == {"nip_sex"}


def test_sequence_000_is_rejected():
    assert codes_of("198501012010121000") == {"nip_sequence"}


def test_every_problem_is_reported_at_once():
    assert codes_of("198501012010133000") == {"nip_appointment", "nip_sex", "nip_sequence"}


def test_pppk_with_bad_sex_digit_is_rejected():
    assert codes_of("199007152022613015", PPPK) == {"nip_sex"}
