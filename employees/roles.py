"""Who a user is in the product. Roles are derived, not stored twice:

- HR staff: members of the HR group, which holds employees.view_all_employees and the
  registry, import and planning permissions (superusers count as HR);
- unit leader: the employee named as leader of at least one unit;
- participant: any user linked to an employee record (username = NIP);
- facilitator: members of the facilitator group.
"""

from django.utils.translation import gettext_lazy as _

HR_GROUP = "Kepegawaian"
FACILITATOR_GROUP = "Fasilitator"
VIEW_ALL_EMPLOYEES = "employees.view_all_employees"

ROLE_HR = "hr"
ROLE_LEADER = "leader"
ROLE_PARTICIPANT = "participant"
ROLE_FACILITATOR = "facilitator"

ROLE_LABELS = {
    ROLE_HR: _("Kepegawaian"),
    ROLE_LEADER: _("Pimpinan unit"),
    ROLE_PARTICIPANT: _("Peserta"),
    ROLE_FACILITATOR: _("Fasilitator"),
}


def employee_of(user):
    """The employee record linked to this login, or None."""
    if not user.is_authenticated:
        return None
    try:
        return user.employee
    except AttributeError:  # RelatedObjectDoesNotExist subclasses AttributeError
        return None


def is_hr(user) -> bool:
    return user.is_authenticated and user.has_perm(VIEW_ALL_EMPLOYEES)


def led_units(user) -> list:
    """Units this user leads (usually zero or one), cached on the user for the request."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_led_units_cache"):
        from .models import OrgUnit

        user._led_units_cache = list(OrgUnit.objects.filter(leader__user=user))
    return user._led_units_cache


def leads(user, employee) -> bool:
    """Whether the user leads the employee's unit or a unit above it. Never for oneself: a
    leader's own matters go to the leader above."""
    if not user.is_authenticated or (employee.user_id is not None and employee.user_id == user.pk):
        return False
    return any(employee.unit.path.startswith(unit.path) for unit in led_units(user))


def is_leader(user) -> bool:
    return bool(led_units(user))


def is_facilitator(user) -> bool:
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_group_names_cache"):
        user._group_names_cache = set(user.groups.values_list("name", flat=True))
    return FACILITATOR_GROUP in user._group_names_cache


def roles_of(user) -> list[str]:
    """Every role the user holds, most powerful first (the home page follows the first)."""
    roles = []
    if is_hr(user):
        roles.append(ROLE_HR)
    if is_leader(user):
        roles.append(ROLE_LEADER)
    if employee_of(user) is not None:
        roles.append(ROLE_PARTICIPANT)
    if is_facilitator(user):
        roles.append(ROLE_FACILITATOR)
    return roles
