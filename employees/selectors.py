"""Reads of the registry. `employees_visible_to` is the one place that decides who may see
which employees: every page, export or API that lists or shows people goes through it."""

from functools import reduce
from operator import or_

from django.db.models import Count, Q, QuerySet

from .models import Employee, OrgUnit, Position
from .roles import employee_of, is_hr, led_units


def employees_visible_to(user) -> QuerySet[Employee]:
    """HR: the whole agency; a leader: the subtrees of the units they lead, and themselves;
    anyone else with an employee record: only themselves; anyone else: nobody."""
    base = Employee.objects.select_related("unit", "position")
    if not user.is_authenticated:
        return base.none()
    if is_hr(user):
        return base
    scope = [Q(unit__path__startswith=unit.path) for unit in led_units(user)]
    me = employee_of(user)
    if me is not None:
        scope.append(Q(pk=me.pk))
    if not scope:
        return base.none()
    return base.filter(reduce(or_, scope))


def units_visible_to(user) -> QuerySet[OrgUnit]:
    """HR: every unit; a leader: their subtrees; others: none (they see no unit pages)."""
    if is_hr(user):
        return OrgUnit.objects.all()
    scope = [Q(path__startswith=unit.path) for unit in led_units(user)]
    if not scope:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(reduce(or_, scope))


def unit_tree_with_counts(units: QuerySet[OrgUnit]) -> list[OrgUnit]:
    """Units in tree order, each with `direct_count` (its own active employees),
    `subtree_count` (its whole subtree) and `indent` (depth below the shallowest unit shown),
    from one query."""
    rows = list(
        units.select_related("leader")
        .annotate(direct_count=Count("employees", filter=Q(employees__is_active=True)))
        .order_by("path")
    )
    totals: dict[int, int] = {}
    for unit in rows:
        for ancestor_id in unit.ancestor_ids:
            totals[ancestor_id] = totals.get(ancestor_id, 0) + unit.direct_count
    top_depth = min((unit.depth for unit in rows), default=0)
    for unit in rows:
        unit.subtree_count = totals.get(unit.pk, 0)
        unit.indent = unit.depth - top_depth  # a leader's tree starts at their own unit
    return rows


def unit_choices(units: QuerySet[OrgUnit]) -> list[OrgUnit]:
    """Units in tree order, each with a `tree_label` indented by depth, for a filter list."""
    rows = list(units.order_by("path").only("pk", "name", "depth", "path"))
    top = min((u.depth for u in rows), default=0)
    for unit in rows:
        unit.tree_label = f"{'— ' * (unit.depth - top)}{unit.name}"
    return rows


def unit_ancestors(unit: OrgUnit) -> list[OrgUnit]:
    """The unit's ancestors from the root down, including the unit itself, in one query."""
    by_id = OrgUnit.objects.in_bulk(unit.ancestor_ids)
    return [by_id[pk] for pk in unit.ancestor_ids if pk in by_id]


def employee_search(
    employees: QuerySet[Employee],
    *,
    query: str = "",
    unit: OrgUnit | None = None,
    position: Position | None = None,
    active_only: bool = True,
) -> QuerySet[Employee]:
    """Filters for the employee list; `employees` is already scoped to the viewer."""
    if active_only:
        employees = employees.active()
    if query:
        query = query.strip()
        employees = employees.filter(Q(name__icontains=query) | Q(nip__startswith=query))
    if unit is not None:
        employees = employees.in_unit_subtree(unit)
    if position is not None:
        employees = employees.filter(position=position)
    return employees.order_by("name", "nip")


def nearest_leaders(employees: list[Employee]) -> dict[int, Employee]:
    """Employee id → who supervises them: the leader of their unit, or of the nearest unit above
    with a leader; never the employee themselves (a unit's leader answers to the unit above).
    One query for any number of employees (their `unit` must be loaded)."""
    ancestor_ids = {pk for employee in employees for pk in employee.unit.ancestor_ids}
    led = {
        unit.pk: unit
        for unit in OrgUnit.objects.filter(pk__in=ancestor_ids, leader__isnull=False).select_related("leader")
    }
    leaders = {}
    for employee in employees:
        for unit_id in reversed(employee.unit.ancestor_ids):
            unit = led.get(unit_id)
            if unit is not None and unit.leader_id != employee.pk:
                leaders[employee.pk] = unit.leader
                break
    return leaders
