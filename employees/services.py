"""Writes to the registry. Keyword-only, atomic, validated: every write goes through here."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Employee, OrgUnit, Position
from .roles import FACILITATOR_GROUP, HR_GROUP

MSG_LEADER_NOT_IN_UNIT = _("{employee} bukan pegawai unit {unit}, jadi tidak dapat memimpinnya.")


def _save_validated(instance):
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def unit_upsert(*, code: str, name: str, parent: OrgUnit | None = None) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code).first() or OrgUnit(code=code)
    unit.name = name
    unit.parent = parent
    return _save_validated(unit)


@transaction.atomic
def position_upsert(*, code: str, name: str, jenis: str, jenjang: str = "") -> Position:
    position = Position.objects.filter(code=code).first() or Position(code=code)
    position.name, position.jenis, position.jenjang = name, jenis, jenjang
    return _save_validated(position)


@transaction.atomic
def employee_upsert(
    *,
    nip: str,
    name: str,
    unit: OrgUnit,
    position: Position,
    email: str = "",
    employee_type: str = "pns",
    is_active: bool = True,
) -> Employee:
    employee = Employee.objects.filter(nip=nip).first() or Employee(nip=nip)
    employee.name, employee.email, employee.unit, employee.position = name, email, unit, position
    employee.employee_type, employee.is_active = employee_type, is_active
    return _save_validated(employee)


@transaction.atomic
def unit_set_leader(*, unit: OrgUnit, employee: Employee | None) -> OrgUnit:
    if employee is not None and employee.unit_id != unit.pk:
        raise ValidationError(MSG_LEADER_NOT_IN_UNIT.format(employee=employee, unit=unit))
    unit.leader = employee
    unit.save(update_fields=["leader"])
    return unit


@transaction.atomic
def employee_login_ensure(*, employee: Employee, password: str | None = None):
    """Give the employee a login whose username is the NIP (created once, then kept)."""
    user_model = get_user_model()
    user = employee.user or user_model.objects.filter(username=employee.nip).first()
    if user is None:
        user = user_model(username=employee.nip)
    user.first_name = employee.name[:150]
    user.email = employee.email
    user.is_active = employee.is_active
    if password is not None:
        user.set_password(password)
    elif user.pk is None:
        user.set_unusable_password()  # they set one through "lupa kata sandi"
    user.save()
    if employee.user_id != user.pk:
        employee.user = user
        employee.save(update_fields=["user"])
    return user


@transaction.atomic
def user_role_groups_set(*, user, hr: bool | None = None, facilitator: bool | None = None):
    """Add or remove the user from the HR and facilitator groups (None leaves it as is)."""
    for group_name, wanted in ((HR_GROUP, hr), (FACILITATOR_GROUP, facilitator)):
        if wanted is None:
            continue
        group = Group.objects.get(name=group_name)
        if wanted:
            user.groups.add(group)
        else:
            user.groups.remove(group)
    return user
