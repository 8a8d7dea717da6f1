"""Reads for diklat planning pages."""

import datetime

from django.db.models import Count, F, Max, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce

from employees.roles import employee_of, is_hr, led_units
from gaps.models import TrainingNeed

from .models import ClassDay, Nomination, NominationStatus, TrainingClass

ATTENDED_DAYS = Count("attendance", filter=Q(attendance__status__in=["present", "late"]), distinct=True)


def classes_between(start: datetime.date, end: datetime.date):
    """Classes overlapping [start, end], with their seat counts."""
    return (
        TrainingClass.objects.filter(start_date__lte=end, end_date__gte=start)
        .select_related("programme")
        .annotate(
            seats_taken=Count("nominations", filter=Q(nominations__status__in=Nomination.HOLDING_A_SEAT))
        )
        .order_by("start_date", "name")
    )


def class_detail(pk: int):
    return (
        TrainingClass.objects.select_related("programme")
        .prefetch_related(
            Prefetch("days", queryset=ClassDay.objects.select_related("facilitator")),
            Prefetch(
                "nominations",
                queryset=Nomination.objects.select_related("employee__unit", "employee__position", "need")
                .annotate(days_attended=ATTENDED_DAYS)
                .order_by("employee__name"),
            ),
            "facilitators",
        )
        .get(pk=pk)
    )


def nomination_pool(training_class: TrainingClass):
    """The latest year's training needs for the class's competency that can still be
    nominated, prioritised (an older year's need is superseded by the newer assessment)."""
    competency = training_class.programme.competency
    latest = TrainingNeed.objects.filter(competency=competency).aggregate(latest=Max("year"))["latest"]
    return (
        TrainingNeed.objects.filter(
            year=latest,
            competency=competency,
            status=TrainingNeed.Status.IDENTIFIED,
            excluded=False,
            employee__is_active=True,
        )
        .exclude(employee__nominations__training_class=training_class)
        .select_related("employee__unit", "employee__position")
        .order_by("-gap", "jpm_percent", "employee__name")
    )


def nominations_pending_for(user):
    """Nominations waiting for this user's decision (their subtree; HR: all)."""
    pending = Nomination.objects.filter(status=NominationStatus.NOMINATED).select_related(
        "employee__unit", "employee__position", "training_class", "need"
    )
    if is_hr(user):
        return pending.exclude(employee__user=user)  # nobody decides their own nomination
    scope = Q(pk__in=[])
    for unit in led_units(user):
        scope |= Q(employee__unit__path__startswith=unit.path)
    return pending.filter(scope).exclude(employee__user=user)


def approval_status(year: int):
    """Per class and per unit of the year: how many nominations stand at each status."""
    nominations = Nomination.objects.filter(training_class__start_date__year=year)
    columns = {status: Count("pk", filter=Q(status=status)) for status in NominationStatus.values}
    per_class = (
        nominations.values("training_class_id", "training_class__name", "training_class__start_date")
        .annotate(**columns)
        .order_by("training_class__start_date", "training_class__name")
    )
    per_unit = (
        nominations.values("employee__unit_id", "employee__unit__name")
        .annotate(**columns)
        .order_by("employee__unit__name")
    )
    return list(per_class), list(per_unit)


def my_nominations(user):
    employee = employee_of(user)
    if employee is None:
        return Nomination.objects.none()
    return (
        Nomination.objects.filter(employee=employee)
        .annotate(days_attended=ATTENDED_DAYS)
        .select_related("training_class__programme", "feedback", "certificate")
        .prefetch_related(Prefetch("training_class__days", queryset=ClassDay.objects.order_by("day_number")))
        .order_by("-training_class__start_date")
    )


def classes_in_calendar_of(user):
    """The classes a user's calendar holds: HR and unit leaders the whole published calendar;
    a participant the classes they were approved for; a facilitator the classes they lead."""
    classes = TrainingClass.objects.select_related("programme").prefetch_related(
        Prefetch("days", queryset=ClassDay.objects.order_by("day_number"))
    )
    if is_hr(user) or led_units(user):
        return classes
    scope = Q(facilitators=user)
    employee = employee_of(user)
    if employee is not None:
        scope |= Q(
            nominations__employee=employee,
            nominations__status__in=[
                NominationStatus.APPROVED,
                NominationStatus.ATTENDED,
                NominationStatus.COMPLETED,
            ],
        )
    return classes.filter(scope).distinct()


def jp_total(employee, year: int) -> int:
    return employee.jp_credits.filter(year=year).aggregate(total=Coalesce(Sum("jp"), 0))["total"]


def employees_below_jp(employees, *, year: int, right: int, unit=None):
    """Active employees (of a scoped queryset) with fewer JP than their yearly right."""
    if unit is not None:
        employees = employees.in_unit_subtree(unit)
    return (
        employees.active()
        .annotate(jp=Coalesce(Sum("jp_credits__jp", filter=Q(jp_credits__year=year)), 0))
        .filter(jp__lt=right)
        .annotate(short=Value(right) - F("jp"))
        .order_by("unit__name", "name")
    )


def classes_facilitated_by(user):
    return (
        TrainingClass.objects.filter(Q(facilitators=user) | Q(days__facilitator=user))
        .distinct()
        .select_related("programme")
        .prefetch_related(Prefetch("days", queryset=ClassDay.objects.order_by("day_number")))
        .order_by("-start_date")
    )


def attendance_sheet(class_day: ClassDay):
    """The day's participants (approved or further) with their attendance, if any."""
    from .models import Attendance
    from .services import ATTENDING

    marks = {a.nomination_id: a for a in Attendance.objects.filter(class_day=class_day)}
    nominations = (
        class_day.training_class.nominations.filter(status__in=ATTENDING)
        .select_related("employee__unit")
        .order_by("employee__name")
    )
    return [(n, marks.get(n.pk)) for n in nominations]


def attendance_summary(training_class: TrainingClass):
    """Per day: how many present, late, absent, not yet marked."""
    from .models import Attendance
    from .services import ATTENDING

    participants = training_class.nominations.filter(status__in=ATTENDING).count()
    counts = {
        (row["class_day_id"], row["status"]): row["n"]
        for row in Attendance.objects.filter(class_day__training_class=training_class)
        .values("class_day_id", "status")
        .annotate(n=Count("pk"))
    }
    summary = []
    for day in training_class.days.all():
        present, late, absent = (counts.get((day.pk, s), 0) for s in ("present", "late", "absent"))
        summary.append((day, present, late, absent, participants - present - late - absent))
    return summary
