from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from . import roles
from .access import (
    employee_required,
    hr_or_leader_required,
    hr_required,
    leader_required,
)
from .forms import EmployeeFilterForm
from .models import Employee, OrgUnit, Position
from .selectors import (
    employee_search,
    employees_visible_to,
    unit_ancestors,
    unit_choices,
    unit_tree_with_counts,
    units_visible_to,
)

EMPLOYEES_PER_PAGE = 25

ROLE_HOMES = {
    roles.ROLE_HR: "hr_home",
    roles.ROLE_LEADER: "my_unit",
    roles.ROLE_PARTICIPANT: "my_profile",
    roles.ROLE_FACILITATOR: "facilitator_home",
}


@login_required
def home(request):
    user_roles = roles.roles_of(request.user)
    if not user_roles:
        return render(request, "employees/no_role.html")
    return redirect(ROLE_HOMES[user_roles[0]])


@hr_required
def hr_home(request):
    context = {
        "unit_count": OrgUnit.objects.count(),
        "position_count": Position.objects.count(),
        "employee_count": Employee.objects.active().count(),
        "login_count": Employee.objects.active().filter(user__isnull=False).count(),
        "units_without_leader": OrgUnit.objects.filter(leader__isnull=True).count(),
    }
    return render(request, "employees/hr_home.html", context)


@hr_required
def unit_tree(request):
    units = unit_tree_with_counts(units_visible_to(request.user))
    return render(request, "employees/unit_tree.html", {"units": units})


@leader_required
def my_unit(request):
    units = unit_tree_with_counts(units_visible_to(request.user))
    return render(
        request, "employees/my_unit.html", {"units": units, "led_units": roles.led_units(request.user)}
    )


@hr_or_leader_required
def employee_list(request):
    form = EmployeeFilterForm(request.GET or None, units=units_visible_to(request.user).order_by("path"))
    filters = form.cleaned_data if form.is_valid() else {}
    employees = employee_search(
        employees_visible_to(request.user),
        query=filters.get("q", ""),
        unit=filters.get("unit"),
        position=filters.get("position"),
    )
    page = Paginator(employees, EMPLOYEES_PER_PAGE).get_page(request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "employees/employee_list.html",
        {
            "form": form,
            "page": page,
            "query_string": query_string.urlencode(),
            "units": unit_choices(units_visible_to(request.user)),
        },
    )


@login_required
def employee_detail(request, nip):
    # Not visible and not existing look the same (404): an id in a URL reveals nothing.
    employee = get_object_or_404(employees_visible_to(request.user), nip=nip)
    return _render_employee(request, employee, is_own_profile=employee.user_id == request.user.pk)


@employee_required
def my_profile(request):
    employee = get_object_or_404(employees_visible_to(request.user), user=request.user)
    return _render_employee(request, employee, is_own_profile=True)


def _render_employee(request, employee, *, is_own_profile):
    context = {
        "employee": employee,
        "unit_path": unit_ancestors(employee.unit),
        "leader": employee.unit.leader,
        "is_own_profile": is_own_profile,
    }
    return render(request, "employees/employee_detail.html", context)
