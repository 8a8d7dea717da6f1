"""Follow-up after a diklat (mission step 5): the leader observes the participant back at work
(supervision, Kirkpatrick level 3) and mentors them. Services (writes) and the reads the
follow-up pages need.

Who may do what:

- a leader of the participant's unit or of any unit above it fills the observation and keeps
  the mentoring plan and its session log; never for themself;
- HR reads everything but fills nothing (an HR staff member who also leads a unit fills as
  that unit's leader): the observation is the leader's own judgement of behaviour at work;
- the participant reads their plan and log and writes only their reflection per session.
"""

import datetime
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import Competency, CompetencyLevel, LevelIndicator
from assessments.selectors import standards_in_force
from employees.models import Employee
from employees.roles import employee_of, is_hr, leads
from employees.selectors import employees_visible_to, nearest_leaders

from .models import (
    MentoringGoal,
    MentoringPlan,
    MentoringSession,
    Nomination,
    NominationStatus,
    Observation,
    ObservationItem,
    ObservationJudgement,
    ObservationRating,
    TrainingClass,
)

REMIND_OBSERVATION_WITHIN_DAYS = 7  # an open observation due within a week (or overdue) is reminded
REMIND_MENTORING_DAYS_BEFORE = 2  # the next mentoring session is reminded two days ahead
NOTE_MAX_LENGTH = 300

MSG_NOT_YOUR_PARTICIPANT = _(
    "Hanya pimpinan unit peserta ini (atau unit di atasnya) yang dapat mengisi observasi dan mentoring."
)
MSG_NOT_COMPLETED = _("Observasi dan mentoring hanya untuk peserta yang lulus diklat.")
MSG_RATING_REQUIRED = _("Pilih penilaian untuk indikator ini.")
MSG_RATINGS_MISSING = _("Setiap indikator perilaku level target wajib dinilai (%(count)s belum dinilai).")
MSG_JUDGEMENT_REQUIRED = _("Pilih penilaian keseluruhan.")
MSG_NOTE_TOO_LONG = _("Catatan paling banyak %(max)s karakter.")
MSG_INDICATOR_NOT_IN_LEVEL = _("Pilih indikator perilaku dari level target (level %(level)s).")
MSG_DESCRIPTION_REQUIRED = _("Tuliskan sasaran mentoring.")
MSG_TARGET_DATE_REQUIRED = _("Isi target tanggal sasaran.")
MSG_TOPIC_REQUIRED = _("Tuliskan topik sesi.")
MSG_HELD_ON_REQUIRED = _("Isi tanggal sesi.")
MSG_SESSION_IN_FUTURE = _(
    "Tanggal sesi tidak boleh setelah hari ini; rencana sesi dicatat di Sesi berikutnya."
)
MSG_NEXT_NOT_AFTER_HELD = _("Tanggal sesi berikutnya harus setelah tanggal sesi ini.")
MSG_NOT_YOUR_SESSION = _("Hanya peserta yang dibimbing yang dapat menulis refleksi sesi ini.")
MSG_REFLECTION_REQUIRED = _("Tuliskan refleksi Anda.")
MSG_REMINDERS_HR_ONLY = _("Hanya bagian kepegawaian yang dapat mengirim pengingat.")

COMPLETED = NominationStatus.COMPLETED


# --- who may -----------------------------------------------------------------------------


def may_follow_up(user, employee: Employee) -> bool:
    """A leader of the employee's unit or of a unit above it; never the employee themself.
    HR as such does not fill (see the module docstring)."""
    return leads(user, employee)


def _require_follow_up(user, nomination: Nomination) -> None:
    if not may_follow_up(user, nomination.employee):
        raise PermissionDenied(MSG_NOT_YOUR_PARTICIPANT)
    if nomination.status != COMPLETED:
        raise ValidationError(MSG_NOT_COMPLETED)


# --- target level and its indicators ------------------------------------------------------


def target_levels(nominations: list[Nomination]) -> dict[int, int]:
    """Per nomination: the level the participant is expected to show at work, which is the
    standard of their position for the programme's competency (Perekat Bangsa) in force in the
    class's year, else the programme's target level. Two queries per (competency, year)."""
    groups: dict[tuple[int, int], list[Nomination]] = defaultdict(list)
    for nomination in nominations:
        training_class = nomination.training_class
        groups[(training_class.programme.competency_id, training_class.end_date.year)].append(nomination)
    levels = {}
    for (competency_id, year), group in groups.items():
        positions = list({n.employee.position_id: n.employee.position for n in group}.values())
        table = standards_in_force(positions, [Competency(pk=competency_id)], year)
        for nomination in group:
            standard = table[nomination.employee.position_id][0].level
            levels[nomination.pk] = standard or nomination.training_class.programme.target_level
    return levels


def target_level_for(nomination: Nomination) -> int:
    """The level the observations of this participant use (fixed when they were scheduled);
    before that, the level they would get."""
    scheduled = nomination.observations.order_by("week").values_list("target_level", flat=True).first()
    return scheduled or target_levels([nomination])[nomination.pk]


def level_indicators(competency_id: int, level: int) -> QuerySet[LevelIndicator]:
    """The behaviour indicators of a level, from the competency dictionary, in order."""
    return LevelIndicator.objects.filter(
        competency_level__competency_id=competency_id, competency_level__level=level
    ).order_by("order", "pk")


def level_title(competency_id: int, level: int) -> str:
    """ "3 – Mempromosikan, mengembangkan sikap toleransi dan persatuan", or "" if not in the
    dictionary."""
    title = (
        CompetencyLevel.objects.filter(competency_id=competency_id, level=level)
        .values_list("title", flat=True)
        .first()
    )
    return f"{level} – {title}" if title else ""


def observation_indicators(observation: Observation) -> QuerySet[LevelIndicator]:
    return level_indicators(
        observation.nomination.training_class.programme.competency_id, observation.target_level
    )


# --- observations ------------------------------------------------------------------------


@transaction.atomic
def observations_schedule(*, training_class: TrainingClass) -> list[Observation]:
    """One observation per week of the programme's observation_weeks ("4,12": data) for each
    participant who completed the class, due that many weeks after its last day, at the
    participant's target level. Idempotent: a participant whose observations exist already is
    left alone, so their weeks are those in force when they were first scheduled (changing a
    programme's weeks applies to the participants scheduled afterwards, never reshuffles old
    ones)."""
    programme = training_class.programme
    weeks = programme.observation_week_list
    if not weeks:
        return []
    nominations = list(
        Nomination.objects.filter(training_class=training_class, status=COMPLETED, observations__isnull=True)
        .select_related("training_class__programme", "employee__position")
        .order_by("pk")
    )
    if not nominations:
        return []
    levels = target_levels(nominations)
    rows = [
        Observation(
            nomination=nomination,
            week=week,
            due_on=training_class.end_date + datetime.timedelta(weeks=week),
            target_level=levels[nomination.pk],
        )
        for nomination in nominations
        for week in weeks
    ]
    # Two runs at once: the (nomination, week) constraint keeps one row each.
    return Observation.objects.bulk_create(rows, ignore_conflicts=True)


def observations_schedule_pending(*, today: datetime.date | None = None) -> int:
    """Schedule the observations of every finished class that has completed participants
    without any yet (the daily task; cheap when there are none)."""
    today = today or timezone.localdate()
    classes = (
        TrainingClass.objects.filter(
            end_date__lte=today, nominations__status=COMPLETED, nominations__observations__isnull=True
        )
        .exclude(programme__observation_weeks="")
        .select_related("programme")
        .distinct()
    )
    return sum(len(observations_schedule(training_class=c)) for c in classes)


@transaction.atomic
def observation_save(
    *,
    observation: Observation,
    ratings: dict[int, str],
    item_notes: dict[int, str] | None = None,
    judgement: str,
    notes: str = "",
    user,
) -> Observation:
    """The leader fills (or later corrects) an observation: every indicator of the target level
    rated Belum tampak / Kadang-kadang / Konsisten, an optional note per indicator, and an
    overall judgement. Errors are keyed by form field (rating_<id>, note_<id>, judgement)."""
    locked = (
        Observation.objects.select_for_update(of=("self",))
        .select_related("nomination__employee__unit", "nomination__training_class__programme")
        .get(pk=observation.pk)
    )
    _require_follow_up(user, locked.nomination)
    ratings = {int(pk): value for pk, value in ratings.items()}
    item_notes = {int(pk): (value or "").strip() for pk, value in (item_notes or {}).items()}
    indicators = list(observation_indicators(locked))
    errors: dict[str, list] = {}
    missing = [i for i in indicators if ratings.get(i.pk) not in ObservationRating.values]
    for indicator in missing:
        errors[f"rating_{indicator.pk}"] = [MSG_RATING_REQUIRED]
    for indicator in indicators:
        if len(item_notes.get(indicator.pk, "")) > NOTE_MAX_LENGTH:
            errors[f"note_{indicator.pk}"] = [MSG_NOTE_TOO_LONG % {"max": NOTE_MAX_LENGTH}]
    if judgement not in ObservationJudgement.values:
        errors["judgement"] = [MSG_JUDGEMENT_REQUIRED]
    if missing:
        errors.setdefault("__all__", []).append(MSG_RATINGS_MISSING % {"count": len(missing)})
    if errors:
        raise ValidationError(errors)
    for indicator in indicators:
        ObservationItem.objects.update_or_create(
            observation=locked,
            indicator=indicator,
            defaults={"rating": ratings[indicator.pk], "note": item_notes.get(indicator.pk, "")},
        )
    locked.observer = employee_of(user)
    locked.judgement = judgement
    locked.notes = notes.strip()
    locked.completed_at = locked.completed_at or timezone.now()  # the first filling; corrections keep it
    locked.save(update_fields=["observer", "judgement", "notes", "completed_at"])
    return locked


OBSERVATION_DONE, OBSERVATION_OVERDUE, OBSERVATION_DUE, OBSERVATION_SCHEDULED = (
    "done",
    "overdue",
    "due",
    "scheduled",
)


def observation_state(observation: Observation, today: datetime.date) -> str:
    """done; overdue (open past its date); due (open, due within a week); scheduled."""
    if observation.completed_at is not None:
        return OBSERVATION_DONE
    if observation.due_on < today:
        return OBSERVATION_OVERDUE
    if observation.due_on <= today + datetime.timedelta(days=REMIND_OBSERVATION_WITHIN_DAYS):
        return OBSERVATION_DUE
    return OBSERVATION_SCHEDULED


# --- mentoring ---------------------------------------------------------------------------


def _plan_for_writing(nomination: Nomination, user) -> MentoringPlan:
    nomination = Nomination.objects.select_related("employee__unit").get(pk=nomination.pk)
    _require_follow_up(user, nomination)
    plan, _created = MentoringPlan.objects.get_or_create(
        nomination=nomination, defaults={"mentor": employee_of(user)}
    )
    if plan.mentor_id is None:  # the mentor's record was removed: whoever writes now takes over
        plan.mentor = employee_of(user)
        plan.save(update_fields=["mentor", "updated_at"])
    return plan


def _touch(plan: MentoringPlan) -> None:
    plan.save(update_fields=["updated_at"])


@transaction.atomic
def mentoring_goal_save(
    *,
    nomination: Nomination,
    goal: MentoringGoal | None = None,
    indicator: LevelIndicator | None = None,
    description: str,
    target_date: datetime.date | None,
    user,
) -> MentoringGoal:
    """Add (goal=None) or edit a goal of the participant's plan: a free-text aim, optionally
    tied to a behaviour indicator of the target level, with a target date."""
    plan = _plan_for_writing(nomination, user)
    if goal is not None and goal.plan_id != plan.pk:
        raise PermissionDenied(MSG_NOT_YOUR_PARTICIPANT)
    errors = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = MSG_DESCRIPTION_REQUIRED
    elif len(description) > NOTE_MAX_LENGTH:
        errors["description"] = MSG_NOTE_TOO_LONG % {"max": NOTE_MAX_LENGTH}
    if target_date is None:
        errors["target_date"] = MSG_TARGET_DATE_REQUIRED
    if indicator is not None:
        level = target_level_for(plan.nomination)
        competency_id = plan.nomination.training_class.programme.competency_id
        if not level_indicators(competency_id, level).filter(pk=indicator.pk).exists():
            errors["indicator"] = MSG_INDICATOR_NOT_IN_LEVEL % {"level": level}
    if errors:
        raise ValidationError(errors)
    goal = goal or MentoringGoal(plan=plan)
    goal.indicator, goal.description, goal.target_date = indicator, description, target_date
    goal.save()
    _touch(plan)
    return goal


@transaction.atomic
def mentoring_goal_delete(*, goal: MentoringGoal, user) -> None:
    plan = _plan_for_writing(goal.plan.nomination, user)
    goal.delete()
    _touch(plan)


@transaction.atomic
def mentoring_session_save(
    *,
    nomination: Nomination,
    session: MentoringSession | None = None,
    held_on: datetime.date | None,
    topic: str,
    notes: str = "",
    agreed_actions: str = "",
    next_date: datetime.date | None = None,
    user,
) -> MentoringSession:
    """Log (session=None) or correct a mentoring session: what was discussed, the actions
    agreed, and the date of the next one (reminded two days ahead)."""
    plan = _plan_for_writing(nomination, user)
    if session is not None and session.plan_id != plan.pk:
        raise PermissionDenied(MSG_NOT_YOUR_PARTICIPANT)
    errors = {}
    topic = (topic or "").strip()
    if not topic:
        errors["topic"] = MSG_TOPIC_REQUIRED
    if held_on is None:
        errors["held_on"] = MSG_HELD_ON_REQUIRED
    elif held_on > timezone.localdate():
        errors["held_on"] = MSG_SESSION_IN_FUTURE
    elif next_date is not None and next_date <= held_on:
        errors["next_date"] = MSG_NEXT_NOT_AFTER_HELD
    if errors:
        raise ValidationError(errors)
    session = session or MentoringSession(plan=plan, logged_by=user)
    if session.next_date != next_date:
        session.reminded_on = None  # a new date is reminded anew
    session.held_on, session.topic, session.next_date = held_on, topic, next_date
    session.notes, session.agreed_actions = notes.strip(), agreed_actions.strip()
    session.save()
    _touch(plan)
    return session


@transaction.atomic
def mentoring_reflection_save(*, session: MentoringSession, reflection: str, user) -> MentoringSession:
    """The participant's own reflection on a session: the only part of the log they write."""
    locked = (
        MentoringSession.objects.select_for_update(of=("self",))
        .select_related("plan__nomination__employee")
        .get(pk=session.pk)
    )
    employee = locked.plan.nomination.employee
    if employee.user_id is None or employee.user_id != user.pk:
        raise PermissionDenied(MSG_NOT_YOUR_SESSION)
    reflection = (reflection or "").strip()
    if not reflection:
        raise ValidationError({"reflection": MSG_REFLECTION_REQUIRED})
    locked.reflection, locked.reflected_at = reflection, timezone.now()
    locked.save(update_fields=["reflection", "reflected_at"])
    return locked


# --- reads -------------------------------------------------------------------------------


def followup_nominations(user, *, include_own: bool = False) -> QuerySet[Nomination]:
    """Completed nominations whose follow-up this user may see, through employees_visible_to:
    HR every participant; a leader the participants of their subtree, not themselves; with
    include_own also the user's own (a participant reads their plan)."""
    nominations = Nomination.objects.filter(
        status=COMPLETED, employee__in=employees_visible_to(user).values("pk")
    )
    me = employee_of(user)
    if me is not None and not include_own:
        nominations = nominations.exclude(employee=me)
    return nominations


def followup_rows(user) -> QuerySet[Nomination]:
    """The leader's (or HR's) follow-up list: each participant who completed a class, their
    observations and their mentoring plan with its goals and sessions. Five queries whatever
    the number of rows (rows, observations, goals, sessions; the count when paginated)."""
    return (
        followup_nominations(user)
        .select_related("employee__unit", "training_class__programme", "mentoring_plan")
        .prefetch_related(
            Prefetch("observations", queryset=Observation.objects.order_by("week")),
            Prefetch("mentoring_plan__goals", queryset=MentoringGoal.objects.order_by("target_date", "pk")),
            Prefetch("mentoring_plan__sessions", queryset=MentoringSession.objects.order_by("held_on", "pk")),
        )
        .order_by("-training_class__end_date", "employee__name", "pk")
    )


def observations_visible_to(user) -> QuerySet[Observation]:
    return Observation.objects.filter(nomination__in=followup_nominations(user).values("pk")).select_related(
        "nomination__employee__unit",
        "nomination__employee__position",
        "nomination__training_class__programme",
        "observer",
    )


def mentoring_nominations(user) -> QuerySet[Nomination]:
    """Nominations whose mentoring plan this user may open: their subtree's (leader), all (HR),
    their own (participant)."""
    return followup_nominations(user, include_own=True).select_related(
        "employee__unit", "employee__position", "training_class__programme", "mentoring_plan__mentor"
    )


def observation_completion(*, year: int, today: datetime.date | None = None) -> tuple[list, list]:
    """Per class and per unit (the participant's own unit) of the classes that ended in `year`:
    how many observations are done, scheduled, due within a week, and overdue. Two queries."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=REMIND_OBSERVATION_WITHIN_DAYS)
    observations = Observation.objects.filter(
        nomination__status=COMPLETED, nomination__training_class__end_date__year=year
    )
    open_ = Q(completed_at__isnull=True)
    columns = {
        "total": Count("pk"),
        "done": Count("pk", filter=Q(completed_at__isnull=False)),
        "scheduled": Count("pk", filter=open_ & Q(due_on__gt=soon)),
        "due": Count("pk", filter=open_ & Q(due_on__gte=today, due_on__lte=soon)),
        "overdue": Count("pk", filter=open_ & Q(due_on__lt=today)),
    }
    per_class = (
        observations.values(
            "nomination__training_class_id",
            "nomination__training_class__name",
            "nomination__training_class__end_date",
        )
        .annotate(**columns)
        .order_by("nomination__training_class__end_date", "nomination__training_class__name")
    )
    per_unit = (
        observations.values("nomination__employee__unit_id", "nomination__employee__unit__name")
        .annotate(**columns)
        .order_by("nomination__employee__unit__name")
    )
    return list(per_class), list(per_unit)


# --- reminders ---------------------------------------------------------------------------


@transaction.atomic
def followup_reminders_request(*, user) -> None:
    """HR's "Kirim pengingat": the same run as the daily task, by Celery after this commits;
    a leader already reminded today gets nothing more."""
    if not is_hr(user):
        raise PermissionDenied(MSG_REMINDERS_HR_ONLY)
    from .tasks import schedule_and_remind_observations

    transaction.on_commit(lambda: schedule_and_remind_observations.delay())


def followup_reminders_send(*, today: datetime.date | None = None) -> int:
    """E-mail each participant's nearest leader (with an e-mail) at most once a day about the
    open observations due within a week or overdue (flagged), and the mentoring sessions
    planned within two days; the participant gets their own reminder of the session. A
    leader whose observations or sessions carry today's reminder date is skipped (run twice
    a day, sends nothing new). Returns the number of e-mails sent."""
    today = today or timezone.localdate()
    observations = list(
        Observation.objects.filter(
            completed_at__isnull=True,
            due_on__lte=today + datetime.timedelta(days=REMIND_OBSERVATION_WITHIN_DAYS),
            nomination__status=COMPLETED,
            nomination__employee__is_active=True,
        )
        .select_related("nomination__employee__unit", "nomination__training_class__programme")
        .order_by("due_on", "pk")
    )
    latest = (
        MentoringSession.objects.filter(plan=OuterRef("plan")).order_by("-held_on", "-pk").values("pk")[:1]
    )
    sessions = list(
        MentoringSession.objects.filter(
            Q(reminded_on__isnull=True) | Q(reminded_on=today),
            next_date__gte=today,
            next_date__lte=today + datetime.timedelta(days=REMIND_MENTORING_DAYS_BEFORE),
            plan__nomination__status=COMPLETED,
            plan__nomination__employee__is_active=True,
            pk=Subquery(latest),  # only the plan's latest session says when the next one is
        )
        .select_related("plan__nomination__employee__unit", "plan__nomination__training_class")
        .order_by("next_date", "pk")
    )
    employees = [o.nomination.employee for o in observations] + [s.plan.nomination.employee for s in sessions]
    leaders = nearest_leaders(employees)
    batches: dict[int | None, tuple[Employee | None, list, list]] = {}
    for observation in observations:
        leader = leaders.get(observation.nomination.employee_id)
        if leader is not None and leader.email:
            batches.setdefault(leader.pk, (leader, [], []))[1].append(observation)
    for session in sessions:
        leader = leaders.get(session.plan.nomination.employee_id)
        if leader is None or not leader.email:
            leader = None  # the participant is still reminded
        batches.setdefault(leader.pk if leader else None, (leader, [], []))[2].append(session)
    return sum(
        _remind(leader, observations, sessions, today) for leader, observations, sessions in batches.values()
    )


@transaction.atomic
def _remind(leader: Employee | None, observations: list, sessions: list, today: datetime.date) -> int:
    """One leader's reminder (and their participants' session reminders), with the rows locked
    so two runs at once cannot both send."""
    obs_locked = list(Observation.objects.select_for_update().filter(pk__in=[o.pk for o in observations]))
    sess_locked = {
        s.pk: s for s in MentoringSession.objects.select_for_update().filter(pk__in=[s.pk for s in sessions])
    }
    if leader is not None and (
        any(o.last_reminded_on == today for o in obs_locked)
        or any(s.reminded_on == today for s in sess_locked.values())
    ):
        return 0  # this leader was reminded today already
    fresh = [s for s in sessions if sess_locked.get(s.pk) and sess_locked[s.pk].reminded_on is None]
    if not observations and not fresh:
        return 0
    sent = 0
    if leader is not None:
        context = {"leader": leader, "observations": observations, "sessions": fresh, "today": today}
        body = render_to_string("trainings/email/followup_reminder.txt", context)
        subject = "Pengingat: observasi dan mentoring peserta diklat"
        EmailMessage(subject, body, None, [leader.email]).send()
        sent += 1
        Observation.objects.filter(pk__in=[o.pk for o in observations]).update(last_reminded_on=today)
    by_participant: dict[int, list] = defaultdict(list)
    for session in fresh:
        by_participant[session.plan.nomination.employee_id].append(session)
    for participant_sessions in by_participant.values():
        participant = participant_sessions[0].plan.nomination.employee
        if participant.email:
            body = render_to_string(
                "trainings/email/mentoring_reminder.txt",
                {"participant": participant, "sessions": participant_sessions, "leader": leader},
            )
            EmailMessage("Pengingat: sesi mentoring", body, None, [participant.email]).send()
            sent += 1
    MentoringSession.objects.filter(pk__in=[s.pk for s in fresh]).update(reminded_on=today)
    return sent
