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
            _send(row)
            row.sent_at, row.last_error = timezone.now(), ""
            row.save(update_fields=["sent_at", "last_error"])
            sent += 1
    return sent


def _send(row: PublicationEmail) -> None:
    year = row.publication.year
    classes = list(classes_between(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
    units = list(row.leader.led_units.all())
    nominees = Nomination.objects.filter(training_class__in=classes).select_related(
        "employee__unit", "training_class"
    )
    mine = [n for n in nominees if any(n.employee.unit.path.startswith(u.path) for u in units)]
    context = {"leader": row.leader, "year": year, "classes": classes, "nominees": mine, "units": units}
    body = render_to_string("trainings/email/calendar_published.txt", context)
    subject = f"Kalender diklat {year}: Sosio Kultural – Perekat Bangsa"
    EmailMessage(subject, body, None, [row.leader.email]).send()
