from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

RESET_SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"
RESET_BODY_TEMPLATE = "registration/password_reset_email.html"


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_password_reset_email(
    *, user_id: int, domain: str, protocol: str, language: str = settings.LANGUAGE_CODE
) -> bool:
    """Send the reset link to one user, in the language they asked in. Takes an id; the token
    is made here, so a link that arrives late is still the freshest one. Returns False for a
    vanished user."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": protocol,
    }
    with translation.override(language):
        subject = "".join(loader.render_to_string(RESET_SUBJECT_TEMPLATE, context).splitlines())
        body = loader.render_to_string(RESET_BODY_TEMPLATE, context)
    EmailMultiAlternatives(subject, body, None, [user.email]).send()
    return True


# The import tasks live beside the import code; importing them here registers them with Celery.
from .importing.tasks import check_import, write_import  # noqa: E402, F401
