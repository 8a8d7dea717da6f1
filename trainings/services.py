"""HR's diklat planning: classes on working days, nominations within capacity, the leaders'
decisions. Every status change is kept."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elearning.services import spaces as learning
from employees.models import Employee
from employees.roles import is_hr, leads
from gaps.models import TrainingNeed
from gaps.services import training_need_move

from .models import (
    Attendance,
    AttendanceStatus,
    CalendarFeed,
    CalendarPublication,
    ClassDay,
    Holiday,
    JpCredit,
    Nomination,
    NominationChange,
    NominationStatus,
    PublicationEmail,
    TrainingClass,
)

UNIT_SHARE_WARNING = 0.30  # warn when a unit would send more than this share of its people at once

MSG_START_NOT_WORKING_DAY = _("Tanggal mulai %(date)s jatuh pada %(what)s: pilih hari kerja.")
MSG_CAPACITY_POSITIVE = _("Kapasitas harus paling sedikit 1 peserta.")
MSG_FORUM_END = _("Jam selesai forum harus setelah jam mulai.")
MSG_OVER_CAPACITY = _(
    "Kapasitas %(name)s %(capacity)s peserta; sudah terisi %(taken)s, jadi hanya %(free)s lagi yang dapat dinominasikan (bukan %(wanted)s)."
)
MSG_UNIT_SHARE = _(
    "%(unit)s akan mengirim %(count)s dari %(total)s pegawainya (%(share)s%%) pada hari yang sama."
)
MSG_NOT_YOUR_EMPLOYEE = _("Hanya pimpinan unit pegawai ini (atau bagian kepegawaian) yang dapat memutuskan.")
MSG_REASON_REQUIRED = _("Tuliskan alasan penolakan, agar pegawai dan bagian kepegawaian memahaminya.")
MSG_ALREADY_DECIDED = _("Nominasi %(name)s sudah berstatus %(status)s.")


def _non_working_reason(day: datetime.date, holidays: dict[datetime.date, str]) -> str | None:
    if day.weekday() >= 5:
        return _("akhir pekan")
    if day in holidays:
        return _("hari libur (%(name)s)") % {"name": holidays[day]}
    return None


def working_days(start: datetime.date, count: int) -> list[datetime.date]:
    """`count` consecutive working days from `start` (itself a working day), skipping weekends
    and the holidays HR entered."""
    holidays = dict(
        Holiday.objects.filter(
            date__gte=start, date__lte=start + datetime.timedelta(days=count * 3 + 14)
        ).values_list("date", "name")
    )
    reason = _non_working_reason(start, holidays)
    if reason:
        raise ValidationError(
            {"start_date": MSG_START_NOT_WORKING_DAY % {"date": start.strftime("%d-%m-%Y"), "what": reason}}
        )
    days, day = [], start
    while len(days) < count:
        if _non_working_reason(day, holidays) is None:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


@transaction.atomic
def training_class_create(
    *,
    programme,
    name: str,
    start_date: datetime.date,
    capacity: int,
    forum_start: datetime.time,
    forum_end: datetime.time,
    meeting_urls: list[str] | None = None,
    facilitators=(),
    user=None,
) -> TrainingClass:
    errors = {}
    if capacity is None or capacity < 1:
        errors["capacity"] = MSG_CAPACITY_POSITIVE
    if forum_end <= forum_start:
        errors["forum_end"] = MSG_FORUM_END
    try:
        dates = working_days(start_date, programme.days)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        dates = []
    if errors:
        raise ValidationError(errors)
    training_class = TrainingClass(
        programme=programme,
        name=name,
        start_date=dates[0],
        end_date=dates[-1],
        capacity=capacity,
        created_by=user,
    )
    training_class.full_clean()
    training_class.save()
    training_class.facilitators.set(facilitators)
    urls = list(meeting_urls or [])
    first_facilitator = next(iter(facilitators), None)
    for number, day in enumerate(dates, start=1):
        class_day = ClassDay(
            training_class=training_class,
            day_number=number,
            date=day,
            forum_start=forum_start,
            forum_end=forum_end,
            meeting_url=urls[number - 1] if number <= len(urls) else "",
            facilitator=first_facilitator,
        )
        class_day.full_clean()
        class_day.save()
    class_space_sync(training_class=training_class)
    return training_class


def class_space_sync(*, training_class: TrainingClass):
    """Open (or bring up to date) the class's learning space: its dates, its facilitators (the
    class's and each day's), and its learners, the participants the leaders approved."""
    programme = training_class.programme
    course = programme.course
    if course is None:
        course = learning.course_get_or_create(code=programme.code, title=programme.name)
        programme.course = course
        programme.save(update_fields=["course"])
    facilitators = set(training_class.facilitators.all()) | {
        day.facilitator for day in training_class.days.all() if day.facilitator_id
    }
    space = learning.space_save(
        space=training_class.learning_space,
        course=course,
        title=f"{programme.name} – {training_class.name}",
        starts_on=training_class.start_date,
        ends_on=training_class.end_date,
        facilitators=facilitators,
    )
    if training_class.learning_space_id != space.pk:
        training_class.learning_space = space
        training_class.save(update_fields=["learning_space"])
    for nomination in training_class.nominations.select_related("employee"):
        _sync_enrolment(nomination, space)
    return space


def _sync_enrolment(nomination: Nomination, space=None) -> None:
    space = space or nomination.training_class.learning_space
    if space is None:
        return
    if nomination.status in ATTENDING:
        learning.enrolment_grant(space=space, employee=nomination.employee)
    else:
        learning.enrolment_revoke(space=space, employee=nomination.employee)


def _record(nomination, old: str, new: str, user, note: str = "") -> None:
    NominationChange.objects.create(
        nomination=nomination, from_status=old, to_status=new, changed_by=user, note=note
    )


@transaction.atomic
def nominations_add(
    *, training_class: TrainingClass, employees: list[Employee], user
) -> tuple[list, list[str]]:
    """Nominate employees to a class, never beyond its capacity (the class row is locked, so
    two HR staff nominating at once cannot overfill it). Returns (nominations, warnings)."""
    locked = TrainingClass.objects.select_for_update().get(pk=training_class.pk)
    already = set(locked.nominations.values_list("employee_id", flat=True))
    fresh = [e for e in employees if e.pk not in already]
    taken = locked.nominations.filter(status__in=Nomination.HOLDING_A_SEAT).count()
    if taken + len(fresh) > locked.capacity:
        raise ValidationError(
            MSG_OVER_CAPACITY
            % {
                "name": locked.name,
                "capacity": locked.capacity,
                "taken": taken,
                "free": max(locked.capacity - taken, 0),
                "wanted": len(fresh),
            }
        )
    competency = locked.programme.competency
    needs = {
        n.employee_id: n
        for n in TrainingNeed.objects.filter(
            employee__in=fresh, competency=competency, status=TrainingNeed.Status.IDENTIFIED
        ).order_by("year")
    }
    created = []
    for employee in fresh:
        nomination = Nomination.objects.create(
            training_class=locked, employee=employee, need=needs.get(employee.pk)
        )
        _record(nomination, "", NominationStatus.NOMINATED, user)
        training_need_move(
            employee=employee, competency=competency, status=TrainingNeed.Status.NOMINATED, user=user
        )
        created.append(nomination)
    return created, unit_share_warnings(training_class=locked)


def unit_share_warnings(*, training_class: TrainingClass) -> list[str]:
    """Units that would send more than UNIT_SHARE_WARNING of their active people to classes
    overlapping these days."""
    overlapping = Nomination.objects.filter(
        status__in=Nomination.HOLDING_A_SEAT,
        training_class__start_date__lte=training_class.end_date,
        training_class__end_date__gte=training_class.start_date,
    )
    away = overlapping.values("employee__unit_id", "employee__unit__name").annotate(
        away=Count("employee", distinct=True)
    )
    totals = dict(
        Employee.objects.active()
        .filter(unit_id__in=[row["employee__unit_id"] for row in away])
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    warnings = []
    for row in away:
        total = totals.get(row["employee__unit_id"], 0)
        if total and row["away"] / total > UNIT_SHARE_WARNING:
            warnings.append(
                MSG_UNIT_SHARE
                % {
                    "unit": row["employee__unit__name"],
                    "count": row["away"],
                    "total": total,
                    "share": round(100 * row["away"] / total),
                }
            )
    return warnings


def may_decide(user, employee: Employee) -> bool:
    """HR, or a leader of the employee's unit or of any unit above it; never for oneself."""
    if employee.user_id is not None and employee.user_id == user.pk:
        return False
    return is_hr(user) or leads(user, employee)


@transaction.atomic
def nomination_decide(*, nomination: Nomination, approve: bool, reason: str = "", user) -> Nomination:
    if not may_decide(user, nomination.employee):
        raise PermissionDenied(MSG_NOT_YOUR_EMPLOYEE)
    locked = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("training_class__programme", "employee")
        .get(pk=nomination.pk)
    )
    if locked.status != NominationStatus.NOMINATED:
        raise ValidationError(
            MSG_ALREADY_DECIDED % {"name": locked.employee.name, "status": locked.get_status_display()}
        )
    if not approve and not reason.strip():
        raise ValidationError({"reason": MSG_REASON_REQUIRED})
    new = NominationStatus.APPROVED if approve else NominationStatus.DECLINED
    locked.status, locked.reason = new, reason.strip()
    locked.save(update_fields=["status", "reason", "updated_at"])
    _record(locked, NominationStatus.NOMINATED, new, user, reason.strip())
    _sync_enrolment(locked)
    if not approve:  # back to the pool
        training_need_move(
            employee=locked.employee,
            competency=locked.training_class.programme.competency,
            status=TrainingNeed.Status.IDENTIFIED,
            user=user,
            need=locked.need,
        )
    return locked


def calendar_feed_for(user) -> CalendarFeed:
    """The user's private subscription token, made on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


JP_RIGHT_PER_YEAR = 20  # PP 11/2017 as amended: at least 20 JP of development a year
MSG_NOT_APPROVED = _("%(name)s belum disetujui mengikuti kelas ini, jadi belum dapat dinyatakan lulus.")


@transaction.atomic
def nomination_finish(*, nomination: Nomination, completed: bool, user, note: str = "") -> Nomination:
    """HR closes a participant's class: completed credits the programme's JP for the class's
    year (once) and marks the training need trained; not completed returns them to the pool."""
    locked = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("training_class__programme", "employee")
        .get(pk=nomination.pk)
    )
    finished = (NominationStatus.COMPLETED, NominationStatus.NOT_COMPLETED)
    if locked.status not in (NominationStatus.APPROVED, NominationStatus.ATTENDED, *finished):
        raise ValidationError(MSG_NOT_APPROVED % {"name": locked.employee.name})
    new = NominationStatus.COMPLETED if completed else NominationStatus.NOT_COMPLETED
    if locked.status == new:
        return locked  # done already: finishing twice changes nothing
    old = locked.status
    locked.status = new
    locked.save(update_fields=["status", "updated_at"])
    _record(locked, old, new, user, note)
    programme = locked.training_class.programme
    if completed:
        JpCredit.objects.get_or_create(
            nomination=locked,
            defaults={
                "employee": locked.employee,
                "year": locked.training_class.start_date.year,
                "jp": programme.total_jp,
                "description": f"{programme.name} – {locked.training_class.name}",
            },
        )
        training_need_move(
            employee=locked.employee,
            competency=programme.competency,
            status=TrainingNeed.Status.TRAINED,
            user=user,
            need=locked.need,
        )
    else:
        JpCredit.objects.filter(nomination=locked).delete()
        training_need_move(
            employee=locked.employee,
            competency=programme.competency,
            status=TrainingNeed.Status.IDENTIFIED,
            user=user,
            need=locked.need,
        )
    return locked


@transaction.atomic
def calendar_publish(*, year: int, user) -> CalendarPublication:
    """Publish the year's calendar: every unit leader with an e-mail gets one message with the
    classes and their own unit's nominees, sent by Celery after this commits."""
    from .tasks import send_publication_emails

    publication = CalendarPublication.objects.create(year=year, published_by=user)
    leaders = Employee.objects.filter(led_units__isnull=False, is_active=True).exclude(email="").distinct()
    PublicationEmail.objects.bulk_create(
        [PublicationEmail(publication=publication, leader=leader) for leader in leaders]
    )
    transaction.on_commit(lambda: send_publication_emails.delay(publication_id=publication.pk))
    return publication


CHECK_IN_OPENS_BEFORE = datetime.timedelta(minutes=15)
LATE_AFTER = datetime.timedelta(minutes=15)
ATTENDING = (
    NominationStatus.APPROVED,
    NominationStatus.ATTENDED,
    NominationStatus.COMPLETED,
    NominationStatus.NOT_COMPLETED,
)
MSG_NOT_FACILITATOR = _("Hanya fasilitator kelas ini (atau bagian kepegawaian) yang mengisi presensi.")
MSG_NOT_A_PARTICIPANT = _("%(name)s bukan peserta yang disetujui di kelas ini.")
MSG_FORUM_CLOSED = _(
    "Presensi mandiri hanya dapat dilakukan saat forum berlangsung (%(start)s–%(end)s WIB, %(date)s)."
)


def may_take_attendance(user, training_class: TrainingClass) -> bool:
    if is_hr(user):
        return True
    return (
        training_class.facilitators.filter(pk=user.pk).exists()
        or training_class.days.filter(facilitator=user).exists()
    )


def _attend(
    nomination: Nomination, class_day: ClassDay, status: str, user, *, checked_in: bool
) -> Attendance:
    attendance, _created = Attendance.objects.update_or_create(
        nomination=nomination,
        class_day=class_day,
        defaults={"status": status, "marked_by": user, "checked_in": checked_in},
    )
    if status != AttendanceStatus.ABSENT and nomination.status == NominationStatus.APPROVED:
        nomination.status = NominationStatus.ATTENDED
        nomination.save(update_fields=["status", "updated_at"])
        _record(nomination, NominationStatus.APPROVED, NominationStatus.ATTENDED, user)
    return attendance


@transaction.atomic
def attendance_mark(*, class_day: ClassDay, marks: dict[int, str], user) -> int:
    """The facilitator's sheet for one day: nomination id → present / late / absent."""
    training_class = class_day.training_class
    if not may_take_attendance(user, training_class):
        raise PermissionDenied(MSG_NOT_FACILITATOR)
    nominations = {n.pk: n for n in training_class.nominations.filter(pk__in=marks, status__in=ATTENDING)}
    for nomination_id, status in marks.items():
        if nomination_id in nominations and status in AttendanceStatus.values:
            _attend(nominations[nomination_id], class_day, status, user, checked_in=False)
    return len(nominations)


@transaction.atomic
def attendance_check_in(*, nomination: Nomination, user, now: datetime.datetime | None = None) -> Attendance:
    """The participant checks in through the forum while today's session is open (from 15
    minutes before it starts to its end; late after its first 15 minutes). Idempotent."""
    nomination = Nomination.objects.select_related("employee", "training_class").get(pk=nomination.pk)
    if nomination.employee.user_id != user.pk or nomination.status not in ATTENDING:
        raise PermissionDenied(MSG_NOT_A_PARTICIPANT % {"name": nomination.employee.name})
    now = timezone.localtime(now or timezone.now())
    day = nomination.training_class.days.filter(date=now.date()).first()
    if day is None:
        first = nomination.training_class.days.order_by("day_number").first()
        raise ValidationError(
            MSG_FORUM_CLOSED
            % {
                "start": first.forum_start.strftime("%H:%M"),
                "end": first.forum_end.strftime("%H:%M"),
                "date": first.date.strftime("%d-%m-%Y"),
            }
        )
    start = timezone.make_aware(datetime.datetime.combine(day.date, day.forum_start))
    end = timezone.make_aware(datetime.datetime.combine(day.date, day.forum_end))
    if not start - CHECK_IN_OPENS_BEFORE <= now <= end:
        raise ValidationError(
            MSG_FORUM_CLOSED
            % {
                "start": day.forum_start.strftime("%H:%M"),
                "end": day.forum_end.strftime("%H:%M"),
                "date": day.date.strftime("%d-%m-%Y"),
            }
        )
    existing = Attendance.objects.filter(nomination=nomination, class_day=day).first()
    if existing is not None and existing.status != AttendanceStatus.ABSENT:
        return existing  # checked in already (or marked by the facilitator)
    status = AttendanceStatus.LATE if now > start + LATE_AFTER else AttendanceStatus.PRESENT
    return _attend(nomination, day, status, user, checked_in=True)
