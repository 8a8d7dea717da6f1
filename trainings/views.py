import calendar
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from employees.access import employee_required, facilitator_required, hr_or_leader_required, hr_required
from employees.importing.writer import write_csv
from employees.models import Employee
from employees.roles import employee_of, is_hr
from employees.selectors import employees_visible_to, units_visible_to

from . import completion, ical, selectors, services
from .forms import DecisionForm, TrainingClassForm
from .models import AttendanceStatus, CalendarFeed, ClassDay, Nomination, NominationStatus, TrainingClass

POOL_SHOWN = 100


def _month(request) -> datetime.date:
    try:
        year, month = (int(part) for part in request.GET.get("bulan", "").split("-"))
        if 2000 <= year <= 2100:  # the calendar's neighbouring months must exist too
            return datetime.date(year, month, 1)
    except ValueError:
        pass
    return timezone.localdate().replace(day=1)


def _feed_url(request):
    feed = services.calendar_feed_for(request.user)
    return request.build_absolute_uri(reverse("calendar_feed", args=[feed.token]))


@hr_or_leader_required
def calendar_view(request):
    first = _month(request)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    classes = list(selectors.classes_between(first, last))
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append([(day, [c for c in classes if c.start_date <= day <= c.end_date]) for day in week])
    previous_month = (first - datetime.timedelta(days=1)).replace(day=1)
    next_month = last + datetime.timedelta(days=1)
    year_classes = selectors.classes_between(
        datetime.date(first.year, 1, 1), datetime.date(first.year, 12, 31)
    )
    return render(
        request,
        "trainings/calendar.html",
        {
            "first": first,
            "weeks": weeks,
            "previous_month": previous_month,
            "next_month": next_month,
            "year_classes": year_classes,
            "today": timezone.localdate(),
            "feed_url": _feed_url(request),
        },
    )


@hr_required
def class_create(request):
    form = TrainingClassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            training_class = services.training_class_create(
                programme=data["programme"],
                name=data["name"],
                start_date=data["start_date"],
                capacity=data["capacity"],
                forum_start=data["forum_start"],
                forum_end=data["forum_end"],
                meeting_urls=form.meeting_urls,
                facilitators=list(data["facilitators"]),
                user=request.user,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Kelas %(name)s dijadwalkan.") % {"name": training_class.name})
            return redirect("class_detail", pk=training_class.pk)
    return render(request, "trainings/class_form.html", {"form": form}, status=400 if form.errors else 200)


@hr_required
def class_detail(request, pk):
    try:
        training_class = selectors.class_detail(pk)
    except TrainingClass.DoesNotExist:
        raise Http404 from None
    pool = selectors.nomination_pool(training_class)[:POOL_SHOWN]
    nominations = list(training_class.nominations.all())
    seats = sum(1 for n in nominations if n.status in Nomination.HOLDING_A_SEAT)
    return render(
        request,
        "trainings/class_detail.html",
        {
            "training_class": training_class,
            "pool": pool,
            "nominations": nominations,
            "seats_taken": seats,
            "seats_free": max(training_class.capacity - seats, 0),
        },
    )


@hr_required
@require_POST
def class_nominate(request, pk):
    training_class = get_object_or_404(TrainingClass, pk=pk)
    ids = _ids(request.POST.getlist("employee"))
    employees = list(Employee.objects.filter(pk__in=ids, is_active=True).select_related("unit"))
    if not employees:
        messages.error(request, _("Pilih minimal satu pegawai dari daftar kebutuhan diklat."))
        return redirect("class_detail", pk=pk)
    try:
        created, warnings = services.nominations_add(
            training_class=training_class, employees=employees, user=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(count)s pegawai dinominasikan; menunggu persetujuan pimpinan.") % {"count": len(created)},
        )
        for warning in warnings:
            messages.warning(request, warning)
    return redirect("class_detail", pk=pk)


@hr_or_leader_required
def approvals(request):
    pending = list(selectors.nominations_pending_for(request.user))
    return render(
        request,
        "trainings/approvals.html",
        {"pending": pending, "form": DecisionForm(), "as_hr": is_hr(request.user)},
    )


@hr_or_leader_required
@require_POST
def approvals_decide(request):
    form = DecisionForm(request.POST)
    ids = _ids(request.POST.getlist("nomination"))
    if not form.is_valid() or not ids:
        messages.error(request, _("Pilih nominasi dan keputusannya."))
        return redirect("approvals")
    approve = form.cleaned_data["decision"] == "approve"
    # Only nominations this user may decide are even looked up: another unit's id finds nothing.
    chosen = selectors.nominations_pending_for(request.user).filter(pk__in=ids)
    done = 0
    for nomination in chosen:
        try:
            services.nomination_decide(
                nomination=nomination, approve=approve, reason=form.cleaned_data["reason"], user=request.user
            )
            done += 1
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            break
    if done:
        verb = _("disetujui") if approve else _("ditolak")
        messages.success(request, _("%(count)s nominasi %(verb)s.") % {"count": done, "verb": verb})
    return redirect("approvals")


@employee_required
def my_classes(request):
    nominations = list(selectors.my_nominations(request.user))
    today = timezone.localdate()
    return render(
        request,
        "trainings/my_classes.html",
        {
            "nominations": nominations,
            "today": today,
            "feed_url": _feed_url(request),
            "jp": selectors.jp_total(employee_of(request.user), today.year),
            "jp_right": services.JP_RIGHT_PER_YEAR,
        },
    )


@login_required
def class_ics(request, pk):
    """One class's forums as a calendar file, for whoever has it in their calendar."""
    training_class = get_object_or_404(selectors.classes_in_calendar_of(request.user), pk=pk)
    return _ics_response(ical.calendar_file([training_class], name=training_class.name), f"diklat-{pk}.ics")


def calendar_feed(request, token):
    """The private subscription: the token stands in for a login (calendar apps have none)."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token, user__is_active=True)
    classes = selectors.classes_in_calendar_of(feed.user)
    return _ics_response(ical.calendar_file(classes, name=_("Kalender diklat")), "diklat.ics")


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@hr_required
@require_POST
def nomination_finish(request, pk):
    nomination = get_object_or_404(Nomination.objects.select_related("employee"), pk=pk)
    completed = request.POST.get("completed") == "1"
    try:
        if completed:  # by the programme's completion rules, with the STTPP
            completion.nomination_complete(nomination=nomination, user=request.user)
        else:
            services.nomination_finish(nomination=nomination, completed=False, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s: %(status)s.")
            % {
                "name": nomination.employee.name,
                "status": _("lulus, JP dikreditkan")
                if completed
                else _("tidak lulus, kembali ke daftar kebutuhan"),
            },
        )
    return redirect("class_detail", pk=nomination.training_class_id)


@hr_required
def jp_report(request):
    year = _int(request.GET.get("year")) or timezone.localdate().year
    units = units_visible_to(request.user).order_by("path")
    unit = units.filter(pk=_int(request.GET.get("unit")) or 0).first()
    below = selectors.employees_below_jp(
        employees_visible_to(request.user), year=year, right=services.JP_RIGHT_PER_YEAR, unit=unit
    )
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="jp-kurang-{year}.csv"'
        write_csv(
            response,
            ["nip", "nama", "unit_kode", "jp", "kurang"],
            ([e.nip, e.name, e.unit.code, e.jp, services.JP_RIGHT_PER_YEAR - e.jp] for e in below.iterator()),
        )
        return response
    page = Paginator(below, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "trainings/jp_report.html",
        {
            "year": year,
            "units": units,
            "unit": unit,
            "page": page,
            "right": services.JP_RIGHT_PER_YEAR,
            "query_string": query.urlencode(),
        },
    )


def _ids(values) -> list[int]:
    return [number for number in map(_int, values) if number is not None]


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@hr_required
@require_POST
def calendar_publish(request):
    year = _int(request.POST.get("year")) or timezone.localdate().year
    publication = services.calendar_publish(year=year, user=request.user)
    messages.success(
        request,
        _("Kalender %(year)s diterbitkan; e-mail dikirim ke %(count)s pimpinan unit.")
        % {"year": year, "count": publication.emails.count()},
    )
    return redirect(f"{reverse('training_calendar')}?bulan={year}-01")


@facilitator_required
def facilitator_home(request):
    return render(
        request,
        "trainings/facilitator_home.html",
        {"classes": selectors.classes_facilitated_by(request.user), "today": timezone.localdate()},
    )


@login_required
def attendance_sheet(request, pk, day):
    class_day = get_object_or_404(
        ClassDay.objects.select_related("training_class__programme"), training_class_id=pk, day_number=day
    )
    if not services.may_take_attendance(request.user, class_day.training_class):
        raise PermissionDenied
    if request.method == "POST":
        marks = {
            number: request.POST.get(f"status-{number}", "")
            for number in _ids(request.POST.getlist("nomination"))
        }
        saved = services.attendance_mark(class_day=class_day, marks=marks, user=request.user)
        messages.success(
            request,
            _("Presensi hari %(day)s tersimpan untuk %(count)s peserta.") % {"day": day, "count": saved},
        )
        return redirect("attendance_sheet", pk=pk, day=day)
    return render(
        request,
        "trainings/attendance_sheet.html",
        {
            "class_day": class_day,
            "training_class": class_day.training_class,
            "rows": selectors.attendance_sheet(class_day),
            "summary": selectors.attendance_summary(class_day.training_class),
            "statuses": AttendanceStatus.choices,
        },
    )


@employee_required
@require_POST
def attendance_check_in(request, pk):
    nomination = get_object_or_404(selectors.my_nominations(request.user), pk=pk)
    try:
        attendance = services.attendance_check_in(nomination=nomination, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Presensi tercatat: %(status)s.") % {"status": attendance.get_status_display()}
        )
    return redirect("my_classes")


@hr_required
def approval_status(request):
    year = _int(request.GET.get("year")) or timezone.localdate().year
    per_class, per_unit = selectors.approval_status(year)
    return render(
        request,
        "trainings/approval_status.html",
        {"year": year, "per_class": per_class, "per_unit": per_unit, "statuses": NominationStatus.choices},
    )
