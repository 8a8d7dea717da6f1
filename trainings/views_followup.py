"""Follow-up pages: the leader's "Observasi & mentoring", the observation form, the mentoring
plan and log (also read by the participant and HR), and HR's observation completion page."""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from employees.access import hr_or_leader_required, hr_required
from employees.roles import employee_of, is_hr

from . import followup
from .models import MentoringGoal, MentoringSession, ObservationJudgement, ObservationRating

PER_PAGE = 25
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def hr_or_employee_required(view):
    """HR, or anyone with an employee record (leaders and participants); others get 403."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (is_hr(request.user) or employee_of(request.user) is not None):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _add_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# --- forms -------------------------------------------------------------------------------


class ObservationForm(forms.Form):
    """One rating (and an optional note) per behaviour indicator of the target level."""

    judgement = forms.ChoiceField(
        label=gettext_lazy("Penilaian keseluruhan"),
        choices=ObservationJudgement.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": followup.MSG_JUDGEMENT_REQUIRED},
    )
    notes = forms.CharField(
        label=gettext_lazy("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            self.fields[f"rating_{indicator.pk}"] = forms.ChoiceField(
                label=indicator.text,
                choices=ObservationRating.choices,
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                error_messages={"required": followup.MSG_RATING_REQUIRED},
            )
            self.fields[f"note_{indicator.pk}"] = forms.CharField(
                label=gettext_lazy("Catatan"), required=False, max_length=followup.NOTE_MAX_LENGTH
            )

    @property
    def indicator_rows(self):
        return [(i, self[f"rating_{i.pk}"], self[f"note_{i.pk}"]) for i in self.indicators]

    def ratings(self) -> dict[int, str]:
        return {i.pk: self.cleaned_data[f"rating_{i.pk}"] for i in self.indicators}

    def item_notes(self) -> dict[int, str]:
        return {i.pk: self.cleaned_data[f"note_{i.pk}"] for i in self.indicators}


class GoalForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=gettext_lazy("Indikator perilaku"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("— tanpa indikator (sasaran bebas) —"),
    )
    description = forms.CharField(label=gettext_lazy("Sasaran"), max_length=followup.NOTE_MAX_LENGTH)
    target_date = forms.DateField(label=gettext_lazy("Target tanggal"), widget=DATE_INPUT)

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators
        self.fields["indicator"].widget.attrs["class"] = "form-select"


class SessionForm(forms.Form):
    held_on = forms.DateField(label=gettext_lazy("Tanggal sesi"), widget=DATE_INPUT)
    topic = forms.CharField(label=gettext_lazy("Topik"), max_length=200)
    notes = forms.CharField(
        label=gettext_lazy("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    agreed_actions = forms.CharField(
        label=gettext_lazy("Tindak lanjut yang disepakati"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    next_date = forms.DateField(label=gettext_lazy("Sesi berikutnya"), required=False, widget=DATE_INPUT)


class ReflectionForm(forms.Form):
    reflection = forms.CharField(
        label=gettext_lazy("Refleksi saya"), widget=forms.Textarea(attrs={"rows": 3})
    )


# --- leader and HR -----------------------------------------------------------------------


@hr_or_leader_required
def followup_home(request):
    """ "Observasi & mentoring": the participants who completed a class, with their observations
    and mentoring plan (a leader: their subtree; HR: everyone, read-only)."""
    page = Paginator(followup.followup_rows(request.user), PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for nomination in page:
        nomination.can_follow_up = followup.may_follow_up(request.user, nomination.employee)
        for observation in nomination.observations.all():
            observation.state = followup.observation_state(observation, today)
        plan = getattr(nomination, "mentoring_plan", None)  # select_related: no query, None if none
        sessions = list(plan.sessions.all()) if plan else []
        nomination.goal_count = len(plan.goals.all()) if plan else 0
        nomination.session_count = len(sessions)
        nomination.next_session = sessions[-1].next_date if sessions else None
    return render(request, "trainings/followup/home.html", {"page": page, "today": today})


@hr_or_leader_required
def observation_form(request, pk):
    observation = get_object_or_404(followup.observations_visible_to(request.user), pk=pk)
    nomination = observation.nomination
    can_fill = followup.may_follow_up(request.user, nomination.employee)
    indicators = followup.observation_indicators(observation)
    if request.method == "POST":
        if not can_fill:
            raise PermissionDenied
        form = ObservationForm(request.POST, indicators=indicators)
        if form.is_valid():
            try:
                followup.observation_save(
                    observation=observation,
                    ratings=form.ratings(),
                    item_notes=form.item_notes(),
                    judgement=form.cleaned_data["judgement"],
                    notes=form.cleaned_data["notes"],
                    user=request.user,
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Observasi %(name)s minggu ke-%(week)s tersimpan.")
                    % {"name": nomination.employee.name, "week": observation.week},
                )
                return redirect("followup_home")
    else:
        items = {item.indicator_id: item for item in observation.items.all()}
        initial = {"judgement": observation.judgement, "notes": observation.notes}
        for indicator_id, item in items.items():
            initial[f"rating_{indicator_id}"] = item.rating
            initial[f"note_{indicator_id}"] = item.note
        form = ObservationForm(initial=initial, indicators=indicators)
    if not can_fill:
        for field in form.fields.values():
            field.disabled = True
    observation.state = followup.observation_state(observation, timezone.localdate())
    level = (
        followup.level_title(nomination.training_class.programme.competency_id, observation.target_level)
        or observation.target_level
    )
    return render(
        request,
        "trainings/followup/observation_form.html",
        {
            "observation": observation,
            "nomination": nomination,
            "form": form,
            "can_fill": can_fill,
            "level": level,
        },
        status=400 if form.errors else 200,
    )


@hr_required
def observation_completion(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = today.year
    per_class, per_unit = followup.observation_completion(year=year, today=today)
    return render(
        request,
        "trainings/followup/completion.html",
        {"year": year, "per_class": per_class, "per_unit": per_unit},
    )


@hr_required
@require_POST
def followup_remind(request):
    followup.followup_reminders_request(user=request.user)
    messages.success(
        request,
        _(
            "Pengingat sedang dikirim ke pimpinan yang observasinya jatuh tempo atau terlambat "
            "(paling banyak satu e-mail sehari per pimpinan)."
        ),
    )
    return redirect("observation_completion")


# --- mentoring ---------------------------------------------------------------------------


def _plan_context(request, nomination, *, goal_form=None, session_form=None):
    plan = getattr(nomination, "mentoring_plan", None)
    level = followup.target_level_for(nomination)
    competency_id = nomination.training_class.programme.competency_id
    indicators = followup.level_indicators(competency_id, level)
    can_edit = followup.may_follow_up(request.user, nomination.employee)
    is_participant = nomination.employee.user_id == request.user.pk
    sessions = list(plan.sessions.order_by("held_on", "pk")) if plan else []
    if is_participant:
        for session in sessions:
            session.reflection_form = ReflectionForm(
                initial={"reflection": session.reflection}, prefix=f"s{session.pk}"
            )
    return {
        "nomination": nomination,
        "plan": plan,
        "goals": list(plan.goals.select_related("indicator").order_by("target_date", "pk")) if plan else [],
        "sessions": sessions,
        "level": level,
        "level_title": followup.level_title(competency_id, level),
        "indicators": indicators,
        "can_edit": can_edit,
        "is_participant": is_participant,
        "goal_form": goal_form or GoalForm(indicators=indicators),
        "session_form": session_form or SessionForm(initial={"held_on": timezone.localdate()}),
    }


@hr_or_employee_required
def mentoring_plan(request, pk):
    """The plan and the log of one participant: the leader edits, HR and the participant read,
    the participant writes a reflection per session."""
    nomination = get_object_or_404(followup.mentoring_nominations(request.user), pk=pk)
    return render(request, "trainings/followup/mentoring_plan.html", _plan_context(request, nomination))


def _goal_form_page(request, nomination, form, goal=None):
    return render(
        request,
        "trainings/followup/goal_form.html",
        {"nomination": nomination, "form": form, "goal": goal},
        status=400 if form.errors else 200,
    )


def _indicators_for(nomination):
    return followup.level_indicators(
        nomination.training_class.programme.competency_id, followup.target_level_for(nomination)
    )


def _check_may_edit(request, nomination) -> None:
    if not followup.may_follow_up(request.user, nomination.employee):
        raise PermissionDenied(followup.MSG_NOT_YOUR_PARTICIPANT)


@hr_or_employee_required
def mentoring_goal_edit(request, pk, goal=None):
    """Add (no goal) or edit a goal; POST saves. The participant and HR get 403."""
    nomination = get_object_or_404(followup.mentoring_nominations(request.user), pk=pk)
    _check_may_edit(request, nomination)
    instance = get_object_or_404(MentoringGoal, pk=goal, plan__nomination=nomination) if goal else None
    indicators = _indicators_for(nomination)
    if request.method != "POST":
        initial = {}
        if instance is not None:
            initial = {
                "indicator": instance.indicator_id,
                "description": instance.description,
                "target_date": instance.target_date,
            }
        return _goal_form_page(
            request, nomination, GoalForm(initial=initial, indicators=indicators), instance
        )
    form = GoalForm(request.POST, indicators=indicators)
    if form.is_valid():
        try:
            followup.mentoring_goal_save(
                nomination=nomination, goal=instance, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Sasaran mentoring tersimpan."))
            return redirect("mentoring_plan", pk=nomination.pk)
    return _goal_form_page(request, nomination, form, instance)


@hr_or_employee_required
@require_POST
def mentoring_goal_delete(request, pk, goal):
    nomination = get_object_or_404(followup.mentoring_nominations(request.user), pk=pk)
    _check_may_edit(request, nomination)
    instance = get_object_or_404(MentoringGoal, pk=goal, plan__nomination=nomination)
    followup.mentoring_goal_delete(goal=instance, user=request.user)
    messages.success(request, _("Sasaran mentoring dihapus."))
    return redirect("mentoring_plan", pk=nomination.pk)


@hr_or_employee_required
def mentoring_session_edit(request, pk, session=None):
    """Log (no session) or correct a session; POST saves. The participant and HR get 403."""
    nomination = get_object_or_404(followup.mentoring_nominations(request.user), pk=pk)
    _check_may_edit(request, nomination)
    instance = (
        get_object_or_404(MentoringSession, pk=session, plan__nomination=nomination) if session else None
    )
    if request.method != "POST":
        initial = {"held_on": timezone.localdate()}
        if instance is not None:
            initial = {
                field: getattr(instance, field)
                for field in ("held_on", "topic", "notes", "agreed_actions", "next_date")
            }
        form = SessionForm(initial=initial)
    else:
        form = SessionForm(request.POST)
        if form.is_valid():
            try:
                followup.mentoring_session_save(
                    nomination=nomination, session=instance, user=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Sesi mentoring tersimpan."))
                return redirect("mentoring_plan", pk=nomination.pk)
    return render(
        request,
        "trainings/followup/session_form.html",
        {"nomination": nomination, "form": form, "session": instance},
        status=400 if form.errors else 200,
    )


@hr_or_employee_required
@require_POST
def mentoring_reflection(request, pk, session):
    """The participant's reflection on a session of their own plan; anyone else gets 403."""
    nomination = get_object_or_404(followup.mentoring_nominations(request.user), pk=pk)
    instance = get_object_or_404(MentoringSession, pk=session, plan__nomination=nomination)
    form = ReflectionForm(request.POST, prefix=f"s{instance.pk}")
    if not form.is_valid():
        if nomination.employee.user_id != request.user.pk:
            raise PermissionDenied(followup.MSG_NOT_YOUR_SESSION)
        messages.error(request, followup.MSG_REFLECTION_REQUIRED)
        return redirect("mentoring_plan", pk=nomination.pk)
    try:
        followup.mentoring_reflection_save(
            session=instance, reflection=form.cleaned_data["reflection"], user=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Refleksi tersimpan."))
    return redirect("mentoring_plan", pk=nomination.pk)
