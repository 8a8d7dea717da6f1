import datetime
import smtplib

from celery import shared_task
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Nomination, PublicationEmail
from .selectors import classes_between


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=8,
)
def send_publication_emails(*, publication_id: int) -> int:
    """Send each leader's calendar e-mail once. A retry (SMTP down) or a second delivery of the
    task skips every row already sent; the row is locked while its message goes out."""
    sent = 0
    pending = PublicationEmail.objects.filter(publication_id=publication_id, sent_at__isnull=True)
    calendar = None  # the year's classes and nominees, read once for every leader
    for row_id in pending.values_list("pk", flat=True):
        with transaction.atomic():
            row = (
                PublicationEmail.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("publication", "leader__user")
                .filter(pk=row_id, sent_at__isnull=True)
                .first()
            )
            if row is None:
                continue  # sent meanwhile, or another worker has it
            calendar = calendar or _year_calendar(row.publication.year)
            _send(row, *calendar)
            row.sent_at, row.last_error = timezone.now(), ""
            row.save(update_fields=["sent_at", "last_error"])
            sent += 1
    return sent


def _year_calendar(year: int) -> tuple[list, list]:
    classes = list(classes_between(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
    nominees = list(
        Nomination.objects.filter(training_class__in=classes).select_related(
            "employee__unit", "training_class"
        )
    )
    return classes, nominees


def _send(row: PublicationEmail, classes: list, nominees: list) -> None:
    year = row.publication.year
    units = list(row.leader.led_units.all())
    mine = [n for n in nominees if any(n.employee.unit.path.startswith(u.path) for u in units)]
    context = {"leader": row.leader, "year": year, "classes": classes, "nominees": mine, "units": units}
    body = render_to_string("trainings/email/calendar_published.txt", context)
    subject = f"Kalender diklat {year}: Sosio Kultural – Perekat Bangsa"
    EmailMessage(subject, body, None, [row.leader.email]).send()


REMIND_DAYS_BEFORE = 7


@shared_task(acks_late=True, reject_on_worker_lost=True)
def remind_pending_approvals() -> int:
    """Daily (Celery beat): each unit leader with nominations still awaiting their decision for
    a class starting within a week gets one reminder e-mail a day. Run twice, sends nothing new."""
    from employees.selectors import nearest_leaders

    from .models import ApprovalReminder

    today = timezone.localdate()
    pending = list(
        Nomination.objects.filter(
            status="nominated",
            training_class__start_date__gte=today,
            training_class__start_date__lte=today + datetime.timedelta(days=REMIND_DAYS_BEFORE),
        ).select_related("employee__unit", "training_class")
    )
    leaders = nearest_leaders([n.employee for n in pending])  # a leader's own goes to the one above
    by_leader: dict[int, tuple] = {}
    for nomination in pending:
        leader = leaders.get(nomination.employee_id)
        if leader is None or not leader.email:
            continue
        by_leader.setdefault(leader.pk, (leader, []))[1].append(nomination)
    sent = 0
    for leader, nominations in by_leader.values():
        _reminder, created = ApprovalReminder.objects.get_or_create(leader=leader, sent_on=today)
        if not created:
            continue
        body = render_to_string(
            "trainings/email/approval_reminder.txt", {"leader": leader, "nominations": nominations}
        )
        EmailMessage(
            "Pengingat: persetujuan diklat menunggu keputusan Anda", body, None, [leader.email]
        ).send()
        sent += 1
    return sent


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=60,
    retry_backoff_max=1800,
    max_retries=5,
)
def schedule_and_remind_observations() -> int:
    """Daily (Celery beat), and on HR's "Kirim pengingat": schedule the leaders' observations of
    every finished class's completed participants, then remind each leader at most once a day
    of the observations due within a week or overdue and of mentoring sessions two days ahead
    (the participant too). Run twice a day, sends nothing new. Returns the e-mails sent."""
    from .followup import followup_reminders_send, observations_schedule_pending

    observations_schedule_pending()
    return followup_reminders_send()
