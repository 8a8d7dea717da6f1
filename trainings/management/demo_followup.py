"""The demo's finished class: Angkatan 2026-I (March 2026), trained from the 2025 needs of
Hendra Siregar's and Ni Made Sukerti's units, lived through every step with the real
services: approvals by those leaders, forums attended, pre- and post-test answered, group
tasks handed in and scored, feedback, completion by the rules with STTPP, observations at 4
and 12 weeks and two mentoring sessions each. demo_data builds it between the 2025 and 2026
results, so the 2026 assessment shows the effect. Idempotent: found, it is left alone."""

import datetime
import random

from django.utils import timezone

from assessments.models import PEREKAT_BANGSA, Competency
from elearning.models import Enrolment, TaskKind
from elearning.services import quizzes as quiz_services
from elearning.services import tasks as task_services
from employees.models import Employee, OrgUnit
from employees.services import employee_login_ensure
from gaps.models import TrainingNeed
from trainings import completion, followup, services
from trainings.management.demo_learning import _import_questions, _materials
from trainings.models import (
    AttendanceStatus,
    NominationStatus,
    Observation,
    Programme,
    TrainingClass,
)

FINISHED_CLASS = "Angkatan 2026-I"
FINISHED_START = datetime.date(2026, 3, 2)  # a Monday
PER_LEADER = 4
SIGNATORY = ("Dr. Ratna Dewi Kusumawati, M.Si.", "Kepala Biro Sumber Daya Manusia")


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _pool_of(leader: Employee, year: int) -> list[Employee]:
    unit = OrgUnit.objects.filter(leader=leader).first()
    return list(
        Employee.objects.filter(
            unit__path__startswith=unit.path,
            training_needs__year=year,
            training_needs__competency__code=PEREKAT_BANGSA,
            training_needs__status=TrainingNeed.Status.IDENTIFIED,
            user__isnull=True,
        )
        .exclude(pk=leader.pk)
        .order_by("-training_needs__gap", "nip")
        .distinct()[:PER_LEADER]
    )


def _take(quiz, enrolment, user, moment, skill: float, rng: random.Random) -> None:
    attempt = quiz_services.attempt_start(quiz=quiz, enrolment=enrolment, now=moment)
    for seq, question_id in enumerate(attempt.question_order, start=1):
        options = attempt.option_order[str(question_id)]
        correct = quiz.questions.get(pk=question_id).options.get(is_correct=True).pk
        chosen = correct if rng.random() < skill else rng.choice([o for o in options if o != correct])
        quiz_services.answer_save(
            attempt_id=attempt.pk,
            user=user,
            question_id=question_id,
            option_id=chosen,
            client_seq=seq,
            now=moment + datetime.timedelta(minutes=seq),
        )
    quiz_services.attempt_submit(attempt=attempt, now=moment + datetime.timedelta(minutes=15))


def build_finished_class_demo(*, hr_user, facilitator, leaders: list[Employee], password: str) -> str:
    programme = Programme.objects.get(code="sosio-kultural-perekat-bangsa")
    if not programme.signatory_name:
        programme.signatory_name, programme.signatory_title = SIGNATORY
        programme.save(update_fields=["signatory_name", "signatory_title"])
    found = TrainingClass.objects.filter(programme=programme, name=FINISHED_CLASS).first()
    if found is not None:
        return _summary(found)
    rng = random.Random(20260302)
    _import_questions()
    training_class = services.training_class_create(
        programme=programme,
        name=FINISHED_CLASS,
        start_date=FINISHED_START,
        capacity=25,
        forum_start=datetime.time(9, 0),
        forum_end=datetime.time(11, 0),
        meeting_urls=[f"https://meet.example.go.id/perekat-bangsa/2026-1/hari-{n}" for n in (1, 2, 3)],
        facilitators=[facilitator],
        user=hr_user,
    )
    by_leader = {leader: _pool_of(leader, 2025) for leader in leaders}
    people = [employee for group in by_leader.values() for employee in group]
    users = {employee.pk: employee_login_ensure(employee=employee, password=password) for employee in people}
    services.nominations_add(training_class=training_class, employees=people, user=hr_user)
    for leader, group in by_leader.items():
        for nomination in training_class.nominations.filter(employee__in=group):
            services.nomination_decide(nomination=nomination, approve=True, user=leader.user)
    space = services.class_space_sync(training_class=training_class)
    _materials(space, space.course, hr_user)

    nominations = list(training_class.nominations.select_related("employee").order_by("employee__nip"))
    skipped_last_forum = nominations[-1]  # the one who will not complete: missed day 3
    for day in training_class.days.order_by("day_number"):
        marks = {}
        for nomination in nominations:
            if day.day_number == 3 and nomination is skipped_last_forum:
                marks[nomination.pk] = AttendanceStatus.ABSENT
            elif day.day_number == 2 and nomination.pk % 3 == 0:
                marks[nomination.pk] = AttendanceStatus.LATE
            else:
                marks[nomination.pk] = AttendanceStatus.PRESENT
        services.attendance_mark(class_day=day, marks=marks, user=facilitator)

    pre, post = quiz_services.quizzes_prepare(
        space=space,
        competency=Competency.objects.get(code=PEREKAT_BANGSA),
        question_count=10,
        parallel=True,
        time_limit_minutes=20,
        seed=2026,
    )
    first, last = training_class.start_date, training_class.end_date
    enrolments = {e.employee_id: e for e in Enrolment.objects.filter(space=space)}
    for nomination in nominations:
        user, enrolment = users[nomination.employee_id], enrolments[nomination.employee_id]
        _take(pre, enrolment, user, _at(first, 8), skill=rng.uniform(0.3, 0.6), rng=rng)
        _take(post, enrolment, user, _at(last, 13), skill=rng.uniform(0.6, 0.95), rng=rng)

    groups = task_services.groups_form_automatically(space=space, group_count=2, user=hr_user)
    rubric = [("Ketepatan analisis", 40), ("Kaitan dengan indikator Perekat Bangsa", 30), ("Penyajian", 30)]
    task = task_services.task_save(
        space=space,
        kind=TaskKind.FILM,
        title="Bedah film: keberagaman di sekitar kita",
        instructions="Analisis nilai persatuan dalam film dan kaitkan dengan pekerjaan kelompok.",
        due_at=_at(training_class.days.get(day_number=2).date, 23, 59),
        criteria=rubric,
        user=hr_user,
    )
    for group in groups:
        member = Enrolment.objects.filter(group=group).order_by("employee__nip").first()
        task_services.submission_save(
            task=task,
            enrolment=member,
            text=f"Analisis {group.name}: film menunjukkan gotong royong lintas suku dan agama.",
            now=_at(training_class.days.get(day_number=2).date, 20),
        )
        criteria = list(task.criteria.all())
        task_services.evaluation_save(
            task=task,
            group=group,
            points={c.pk: round(c.max_points * rng.uniform(0.7, 0.95)) for c in criteria},
            feedback="Analisis tajam; kaitkan lebih jauh dengan layanan di unit masing-masing.",
            user=facilitator,
        )

    for nomination in nominations:
        completion.feedback_submit(
            nomination=nomination,
            user=users[nomination.employee_id],
            relevance=rng.choice((4, 5, 5)),
            facilitator=rng.choice((4, 4, 5)),
            materials=rng.choice((3, 4, 5)),
            forum=rng.choice((4, 5)),
            comments=rng.choice(("Sangat bermanfaat untuk layanan.", "Forum kurang lama.", "")),
            today=last,
        )
    completion.class_completion_apply(training_class=training_class, user=hr_user, today=last)

    followup.observations_schedule(training_class=training_class)
    leader_of = {employee.pk: leader for leader, group in by_leader.items() for employee in group}
    late_observers = {group[0].nip for group in by_leader.values() if group}  # one per leader
    for observation in (
        Observation.objects.filter(nomination__training_class=training_class)
        .select_related("nomination__employee")
        .order_by("week", "nomination__employee__nip")
    ):
        nomination = observation.nomination
        if observation.week > 4 and nomination.employee.nip in late_observers:
            continue  # left open: overdue, the leader is reminded
        indicators = list(followup.observation_indicators(observation))
        settle = "consistently" if observation.week > 4 else "sometimes"
        followup.observation_save(
            observation=observation,
            ratings={i.pk: (settle if rng.random() < 0.7 else "not_yet") for i in indicators},
            judgement="achieved" if observation.week > 4 else "developing",
            notes="Mulai aktif mengajak rekan dari unit lain dalam rapat koordinasi.",
            user=leader_of[nomination.employee_id].user,
        )
    for nomination in training_class.nominations.filter(status=NominationStatus.COMPLETED).select_related(
        "employee"
    ):
        leader_user = leader_of[nomination.employee_id].user
        indicator = followup.level_indicators(
            programme.competency_id, followup.target_level_for(nomination)
        ).first()
        followup.mentoring_goal_save(
            nomination=nomination,
            indicator=indicator,
            description="Memimpin satu kegiatan lintas budaya di unit.",
            target_date=datetime.date(2026, 6, 30),
            user=leader_user,
        )
        first_session = followup.mentoring_session_save(
            nomination=nomination,
            held_on=datetime.date(2026, 3, 20),
            topic="Menyusun rencana penerapan hasil diklat",
            notes="Membahas peluang kolaborasi lintas unit.",
            agreed_actions="Menyiapkan forum berbagi budaya di rapat bulanan.",
            next_date=datetime.date(2026, 4, 17),
            user=leader_user,
        )
        followup.mentoring_session_save(
            nomination=nomination,
            held_on=datetime.date(2026, 4, 17),
            topic="Evaluasi forum berbagi budaya",
            notes="Forum berjalan; peserta dari tiga unit hadir.",
            agreed_actions="Melibatkan tokoh masyarakat adat pada forum berikutnya.",
            user=leader_user,
        )
        followup.mentoring_reflection_save(
            session=first_session,
            reflection="Saya lebih percaya diri memfasilitasi rekan yang berbeda latar belakang.",
            user=users[nomination.employee_id],
        )
    return _summary(training_class)


def _summary(training_class: TrainingClass) -> str:
    done = training_class.nominations.filter(status=NominationStatus.COMPLETED).count()
    return f"kelas selesai {training_class.name} ({done} lulus dengan STTPP)"
