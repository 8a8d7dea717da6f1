from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import OrgUnit, Position
from .tasks import send_password_reset_email


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("NIP atau nama pengguna"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "inputmode": "text"}),
    )


class QueuedPasswordResetForm(PasswordResetForm):
    """Sends the reset e-mail through Celery, after the request's transaction commits.

    Unlike Django's form it also serves logins that have no password yet: a new employee's
    account is created without one, and this link is how they set their first."""

    def get_users(self, email):
        user_model = get_user_model()
        email_field = user_model.get_email_field_name()
        matches = user_model._default_manager.filter(**{f"{email_field}__iexact": email, "is_active": True})
        return (user for user in matches if getattr(user, email_field).casefold() == email.casefold())

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        kwargs = {
            "user_id": context["user"].pk,
            "domain": context["domain"],
            "protocol": context["protocol"],
            "language": translation.get_language(),  # the mail speaks the language they chose
        }
        transaction.on_commit(lambda: send_password_reset_email.delay(**kwargs))


class EmployeeFilterForm(forms.Form):
    q = forms.CharField(label=_("Cari nama atau NIP"), required=False, max_length=100)
    unit = forms.ModelChoiceField(
        label=_("Unit (termasuk unit di bawahnya)"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("Semua unit"),
    )
    position = forms.ModelChoiceField(
        label=_("Jabatan"), queryset=Position.objects.all(), required=False, empty_label=_("Semua jabatan")
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        # Only units the viewer may see can be chosen: a filter never widens the scope.
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda u: f"{'— ' * u.depth}{u.name}"
