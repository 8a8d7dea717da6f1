"""Pages for closing a class: the participant's feedback form, the feedback summary (HR and the
class's facilitators), HR's completion page with the STTPP actions, the STTPP PDF, and the public
verification page that the certificate's QR code opens."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from employees.access import employee_required, hr_required
from employees.roles import is_hr

from . import completion, selectors
from .models import Certificate, Feedback, TrainingClass

# --- forms ------------------------------------------------------------------------------------

SCORE_CHOICES = [(score, f"{score} – {label}") for score, label in completion.RATING_LABELS.items()]


def _score_field(key: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=completion.FEEDBACK_ITEMS[key], choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )


class FeedbackForm(forms.Form):
    relevance = _score_field("relevance")
    facilitator = _score_field("facilitator")
    materials = _score_field("materials")
    forum = _score_field("forum")
    comments = forms.CharField(
        label=gettext_lazy("Komentar dan saran"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class LookupForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Nomor STTPP"), max_length=60)
    nip = forms.CharField(
        label=gettext_lazy("NIP pemegang"),
        max_length=30,
        help_text=gettext_lazy("18 digit, seperti tertulis pada STTPP."),
    )


# --- feedback ---------------------------------------------------------------------------------


@employee_required
def feedback_form(request, pk):
    """The participant's own feedback form: someone else's nomination is simply not found."""
    nomination = get_object_or_404(
        selectors.my_nominations(request.user).filter(status__in=completion.FEEDBACK_STATUSES), pk=pk
    )
    given = Feedback.objects.filter(nomination=nomination).first()
    is_open = completion.feedback_open(nomination)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                completion.feedback_submit(nomination=nomination, user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("my_classes")
            messages.success(request, _("Terima kasih, umpan balik Anda tercatat."))
            return redirect("my_classes")
        if given is not None or not is_open:
            messages.error(
                request,
                completion.MSG_FEEDBACK_ALREADY
                if given is not None
                else completion.MSG_FEEDBACK_TOO_EARLY
                % {"date": nomination.training_class.end_date.strftime("%d-%m-%Y")},
            )
            return redirect("my_classes")
    return render(
        request,
        "trainings/completion/feedback_form.html",
        {
            "nomination": nomination,
            "training_class": nomination.training_class,
            "form": form,
            "given": given,
            "is_open": is_open,
        },
        status=400 if form.errors else 200,
    )


def _class_or_404(pk) -> TrainingClass:
    return get_object_or_404(TrainingClass.objects.select_related("programme"), pk=pk)


@login_required
def feedback_summary(request, pk):
    training_class = _class_or_404(pk)
    if not completion.may_view_feedback(request.user, training_class):
        raise PermissionDenied
    with_names = completion.feedback_shows_names(request.user, training_class)
    return render(
        request,
        "trainings/completion/feedback_summary.html",
        {
            "training_class": training_class,
            "summary": completion.feedback_summary(training_class, with_names=with_names),
            "with_names": with_names,
            "as_hr": is_hr(request.user),
        },
    )


@hr_required
@require_POST
def feedback_anonymity(request, pk):
    training_class = _class_or_404(pk)
    anonymous = request.POST.get("anonymous") == "1"
    completion.feedback_anonymity_set(training_class=training_class, anonymous=anonymous, user=request.user)
    messages.success(
        request,
        _("Fasilitator kini melihat komentar tanpa nama peserta.")
        if anonymous
        else _("Fasilitator kini melihat komentar beserta nama peserta."),
    )
    return redirect("feedback_summary", pk=pk)


# --- completion and STTPP (HR) ----------------------------------------------------------------


@hr_required
def class_completion(request, pk):
    training_class = _class_or_404(pk)
    rows = completion.class_completion_rows(training_class)
    try:
        completion.signatory_for(training_class.programme)
        signatory_missing = False
    except ValidationError:
        signatory_missing = True
    return render(
        request,
        "trainings/completion/class_completion.html",
        {
            "training_class": training_class,
            "programme": training_class.programme,
            "rows": rows,
            "completable": sum(1 for row in rows if row.completable),
            "without_certificate": sum(
                1 for row in rows if row.nomination.status == "completed" and row.certificate is None
            ),
            "ended": timezone.localdate() >= training_class.end_date,
            "signatory_missing": signatory_missing,
        },
    )


@hr_required
@require_POST
def class_completion_apply(request, pk):
    training_class = _class_or_404(pk)
    try:
        outcome = completion.class_completion_apply(training_class=training_class, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("class_completion", pk=pk)
    messages.success(
        request,
        _("%(passed)s peserta dinyatakan lulus dan menerima STTPP; %(failed)s belum memenuhi syarat.")
        % {"passed": len(outcome.passed), "failed": len(outcome.not_passed)},
    )
    for nomination, unmet in outcome.not_passed:
        messages.warning(
            request,
            completion.MSG_NOT_COMPLETABLE
            % {"name": nomination.employee.name, "rules": " ".join(str(rule) for rule in unmet)},
        )
    return redirect("class_completion", pk=pk)


@hr_required
@require_POST
def class_certificates_issue(request, pk):
    training_class = _class_or_404(pk)
    try:
        issued = completion.certificates_issue_for_class(training_class=training_class, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(count)s STTPP diterbitkan.") % {"count": len(issued)})
    return redirect("class_completion", pk=pk)


@hr_required
@require_POST
def certificate_revoke(request, pk):
    certificate = get_object_or_404(Certificate.objects.select_related("nomination"), pk=pk)
    try:
        completion.certificate_revoke(
            certificate=certificate, reason=request.POST.get("reason", ""), user=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("STTPP %(number)s dicabut.") % {"number": certificate.number})
    return redirect("class_completion", pk=certificate.nomination.training_class_id)


@login_required
def certificate_pdf(request, pk):
    """HR any STTPP; the participant and the leaders of their unit a valid one; others 404."""
    certificate = completion.certificate_for_download(request.user, pk)
    if certificate is None:
        raise Http404
    content = completion.certificate_pdf(
        certificate, verify_url=completion.verification_url(certificate, request)
    )
    response = HttpResponse(content, content_type="application/pdf")
    filename = "STTPP-" + certificate.number.replace("/", "-") + ".pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- public verification ----------------------------------------------------------------------


def _public(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def certificate_verify(request, code):
    """Anyone (no login): valid or revoked, and only the minimum to match a paper copy."""
    certificate = completion.certificate_by_code(code)
    if certificate is None:
        return _public(render(request, "trainings/completion/verify_not_found.html", status=404))
    nomination = certificate.nomination
    return _public(
        render(
            request,
            "trainings/completion/verify.html",
            {
                "certificate": certificate,
                "name": nomination.employee.name,
                "nip": completion.masked_nip(nomination.employee.nip),
                "programme": nomination.training_class.programme.name,
                "start_date": nomination.training_class.start_date,
                "end_date": nomination.training_class.end_date,
                "issued_on": timezone.localdate(certificate.issued_at),
                "revoked_on": timezone.localdate(certificate.revoked_at) if certificate.revoked_at else None,
            },
        )
    )


def certificate_verify_lookup(request):
    """Find an STTPP by its exact number and its holder's NIP, then show its verification page.
    A wrong pair and an unknown number get the same answer."""
    form = LookupForm(request.POST or None)
    not_found = False
    if request.method == "POST" and form.is_valid():
        certificate = completion.certificate_lookup(
            number=form.cleaned_data["number"], nip=form.cleaned_data["nip"]
        )
        if certificate is not None:
            return redirect("certificate_verify", code=certificate.verification_code)
        not_found = True
    return _public(
        render(request, "trainings/completion/verify_lookup.html", {"form": form, "not_found": not_found})
    )
