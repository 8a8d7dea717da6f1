"""The class effectiveness page (Kirkpatrick 1–4 for one class), against a hand-computed class:

| participant | unit | feedback (mean) | pre → post, g | observation wk 4 / wk 12 (K/Kd/B) | mentoring | level 2025 → 2026, std 3 |
| --- | --- | --- | --- | --- | --- | --- |
| Andi | A1 | 4,4,5,3 (4.00) | 40 → 80, 0.667 sedang | 1/1/1 (0.500) / 2/1/0 (0.833) | 2 | 1 → 2, gap 1 |
| Sari | A | 5,5,5,4 (4.75) | 50 → 100, 1.000 tinggi | 2/1/0 (0.833) / – | 0 | 2 → 3, gap 0 |
| Rekan di B | B | – | 60 → –, incomplete | – / – | 0 | 2 → belum ada hasil |

Class: feedback 2 of 3 (0.667), mean of means (4.00 + 4.75) / 2 = 4.375 → 4.38; pre mean 50.00, post
mean 90.00, class g from the matched means (45 → 90) = 45 / 55 = 0.818, mean individual g
(0.667 + 1.000) / 2 = 0.8335 → 0.834; week 4 pooled 3/2/1 of 6: score 8 / 12 = 0.667, week 12 2/1/0:
5 / 6 = 0.833; mentoring 2 sessions, mean 2 / 3 = 0.67, 1 mentored; levels of the two assessed after:
1.50 → 2.50, both rose (1.000), 1 of 2 meets the standard (0.500), remaining gap mean 0.50."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import PEREKAT_BANGSA, AssessmentResult, Competency, Institution, LevelIndicator
from elearning.models import Attempt, Enrolment, Quiz, QuizKind
from employees.models import Jenis, Jenjang
from employees.tests.factories import EmployeeFactory, PositionFactory
from gaps.services import gaps_compute
from trainings import services
from trainings.models import (
    Feedback,
    MentoringPlan,
    MentoringSession,
    Nomination,
    Observation,
    ObservationItem,
    ObservationRating,
)

pytestmark = pytest.mark.django_db

D = Decimal
CLASS_START = datetime.date(2025, 10, 6)  # a Monday: the class runs 6–8 October 2025
K, KD, B = ObservationRating.CONSISTENTLY, ObservationRating.SOMETIMES, ObservationRating.NOT_YET


@pytest.fixture
def penyelia(db):
    return PositionFactory(code="JF-PENYELIA", jenis=Jenis.FUNGSIONAL, jenjang=Jenjang.PENYELIA)  # std 3


@pytest.fixture
def assess(db):
    institution = Institution.objects.create(
        code="LAN", name="LAN", accreditation_number="AK-1", accredited_until=datetime.date(2030, 12, 31)
    )
    competency = Competency.objects.get(code=PEREKAT_BANGSA)

    def create(employee, year, level):
        AssessmentResult.objects.create(
            employee=employee,
            year=year,
            competency=competency,
            level=level,
            assessed_on=datetime.date(year, 3, 3),
            institution=institution,
        )

    return create


def run_class(make_class, agency, people, *, start=CLASS_START, completed=True):
    """A class with `people` nominated, approved and finished by HR; returns (class, nominations)."""
    training_class = make_class(start=start, capacity=40)
    nominations, _warnings = services.nominations_add(
        training_class=training_class, employees=people, user=agency.hr.user
    )
    for nomination in nominations:
        services.nomination_decide(nomination=nomination, approve=True, user=agency.hr.user)
        services.nomination_finish(nomination=nomination, completed=completed, user=agency.hr.user)
    return training_class, {
        n.employee_id: n for n in Nomination.objects.filter(training_class=training_class)
    }


def give_tests(training_class, scores: dict):
    """The class's pre- and post-test, and submitted attempts with the given scores."""
    space = training_class.learning_space
    now = timezone.now()
    quizzes = {
        kind: Quiz.objects.create(
            space=space,
            kind=kind,
            competency=Competency.objects.get(code=PEREKAT_BANGSA),
            opens_at=now - datetime.timedelta(days=2),
            closes_at=now - datetime.timedelta(days=1),
        )
        for kind in (QuizKind.PRE, QuizKind.POST)
    }
    for employee, (pre, post) in scores.items():
        enrolment = Enrolment.objects.get(space=space, employee=employee)
        for kind, score in ((QuizKind.PRE, pre), (QuizKind.POST, post)):
            if score is not None:
                Attempt.objects.create(
                    quiz=quizzes[kind],
                    enrolment=enrolment,
                    started_at=now - datetime.timedelta(days=2),
                    deadline_at=now - datetime.timedelta(days=2) + datetime.timedelta(minutes=30),
                    submitted_at=now - datetime.timedelta(days=2),
                    score=D(score),
                )


def observe(nomination, week, ratings, *, completed=True):
    indicators = list(
        LevelIndicator.objects.filter(
            competency_level__competency__code=PEREKAT_BANGSA, competency_level__level=3
        ).order_by("pk")
    )
    observation = Observation.objects.create(
        nomination=nomination,
        week=week,
        due_on=nomination.training_class.end_date + datetime.timedelta(weeks=week),
        target_level=3,
        completed_at=timezone.now() if completed else None,
    )
    for indicator, rating in zip(indicators, ratings, strict=False):
        ObservationItem.objects.create(observation=observation, indicator=indicator, rating=rating)


def feedback(nomination, relevance, facilitator, materials, forum):
    Feedback.objects.create(
        nomination=nomination, relevance=relevance, facilitator=facilitator, materials=materials, forum=forum
    )


def mentor(nomination, sessions: int):
    plan = MentoringPlan.objects.create(nomination=nomination, mentor=None)
    for i in range(sessions):
        MentoringSession.objects.create(
            plan=plan, held_on=datetime.date(2025, 11, 3) + datetime.timedelta(weeks=i), topic=f"Sesi {i + 1}"
        )


@pytest.fixture
def hand_class(agency, make_class, penyelia, assess):
    andi = agency.participant
    andi.position = penyelia
    andi.save()
    sari = EmployeeFactory(name="Sari", unit=agency.unit_a, position=penyelia)
    rekan = agency.colleague_b
    rekan.position = penyelia
    rekan.save()
    for person, (before, after) in ((andi, (1, 2)), (sari, (2, 3)), (rekan, (2, None))):
        assess(person, 2025, before)
        if after is not None:
            assess(person, 2026, after)
    gaps_compute(year=2025)
    gaps_compute(year=2026)
    training_class, by_employee = run_class(make_class, agency, [andi, sari, rekan])
    declined = EmployeeFactory(name="Ditolak", unit=agency.unit_a, position=penyelia)
    services.nominations_add(training_class=training_class, employees=[declined], user=agency.hr.user)
    services.nomination_decide(
        nomination=Nomination.objects.get(employee=declined),
        approve=False,
        reason="Tugas kantor",
        user=agency.hr.user,
    )
    give_tests(training_class, {andi: (40, 80), sari: (50, 100), rekan: (60, None)})
    feedback(by_employee[andi.pk], 4, 4, 5, 3)
    feedback(by_employee[sari.pk], 5, 5, 5, 4)
    observe(by_employee[andi.pk], 4, [K, KD, B])
    observe(by_employee[andi.pk], 12, [K, K, KD])
    observe(by_employee[sari.pk], 4, [K, K, KD])
    observe(by_employee[sari.pk], 12, [], completed=False)  # due, not filled in yet
    mentor(by_employee[andi.pk], 2)
    mentor(by_employee[sari.pk], 0)
    return training_class, andi, sari, rekan


def page(client, user, training_class):
    client.force_login(user)
    return client.get(reverse("class_effectiveness", args=[training_class.pk]))


def test_each_participant_against_hand_computed_figures(client, agency, hand_class):
    training_class, andi, sari, rekan = hand_class
    response = page(client, agency.hr.user, training_class)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.weeks == [4, 12]
    rows = {row.employee.name: row for row in report.rows}
    assert list(rows) == ["Andi Peserta", "Rekan di B", "Sari"]  # the declined nominee is not one

    a, s, r = rows["Andi Peserta"], rows["Sari"], rows["Rekan di B"]
    assert (a.feedback_mean, s.feedback_mean, r.feedback_mean) == (D("4.00"), D("4.75"), None)
    assert (a.test.pre, a.test.post, a.test.gain, a.test.category) == (
        D("40.00"),
        D("80.00"),
        D("0.667"),
        "medium",
    )
    assert (s.test.gain, s.test.category) == (D("1.000"), "high")
    assert (r.test.pre, r.test.post, r.test.gain, r.test.category) == (D("60.00"), None, None, None)

    week4, week12 = a.observations
    assert (week4.consistently, week4.sometimes, week4.not_yet, week4.score) == (1, 1, 1, D("0.500"))
    assert (week4.share_consistently, week4.share_sometimes, week4.share_not_yet) == (
        D("0.333"),
        D("0.333"),
        D("0.333"),
    )
    assert (week12.consistently, week12.sometimes, week12.score) == (2, 1, D("0.833"))
    assert s.observations[0].score == D("0.833")
    assert (s.observations[1].scheduled, s.observations[1].completed, s.observations[1].score) == (
        True,
        False,
        None,
    )
    assert [(c.scheduled, c.rated) for c in r.observations] == [(False, 0), (False, 0)]

    assert (a.mentoring_sessions, s.mentoring_sessions, r.mentoring_sessions) == (2, 0, 0)

    assert (a.before.year, a.before.level, a.after.year, a.after.level) == (2025, 1, 2026, 2)
    assert (a.standard, a.remaining_gap, a.rose, a.meets_standard) == (3, 1, True, False)
    assert (s.before.level, s.after.level, s.remaining_gap, s.rose, s.meets_standard) == (2, 3, 0, True, True)
    assert (r.before.level, r.after, r.standard, r.remaining_gap, r.rose) == (2, None, 3, None, None)


def test_class_averages_against_hand_computed_figures(client, agency, hand_class):
    training_class, *_people = hand_class
    avg = page(client, agency.hr.user, training_class).context["report"].averages

    assert (avg.participants, avg.feedback_given, avg.feedback_share, avg.feedback_mean) == (
        3,
        2,
        D("0.667"),
        D("4.38"),
    )
    assert {str(label): value for label, value in avg.feedback_aspects} == {
        "relevansi dengan pekerjaan": D("4.50"),
        "fasilitator/narasumber": D("4.50"),
        "materi": D("5.00"),
        "forum diskusi": D("3.50"),
    }
    tests = avg.tests
    assert (tests.n, tests.n_pre, tests.n_post, tests.n_both) == (3, 3, 2, 2)
    assert (tests.mean_pre, tests.mean_post, tests.class_gain, tests.mean_gain) == (
        D("50.00"),
        D("90.00"),
        D("0.818"),
        D("0.834"),
    )
    week4, week12 = avg.observations
    assert (week4.consistently, week4.sometimes, week4.not_yet, week4.score) == (3, 2, 1, D("0.667"))
    assert (week4.share_consistently, week4.share_sometimes, week4.share_not_yet) == (
        D("0.500"),
        D("0.333"),
        D("0.167"),
    )
    assert (week12.rated, week12.score) == (3, D("0.833"))
    assert avg.observed == [2, 1]
    assert (avg.mentoring_sessions, avg.mentoring_mean, avg.mentored) == (2, D("0.67"), 1)
    assert (avg.assessed_after, avg.assessed_both, avg.level_before_mean, avg.level_after_mean) == (
        2,
        2,
        D("1.50"),
        D("2.50"),
    )
    assert (avg.rose, avg.rose_share, avg.meeting, avg.meeting_share, avg.remaining_gap_mean) == (
        2,
        D("1.000"),
        1,
        D("0.500"),
        D("0.50"),
    )


def test_the_page_shows_andis_levels_and_a_missing_result(client, agency, hand_class):
    training_class, *_people = hand_class
    html = page(client, agency.hr.user, training_class).content.decode()
    assert "belum ada hasil" in html
    assert "belum diisi" in html  # Sari's week-12 observation is due
    assert "Cetak" in html and 'onclick="window.print()"' in html
    assert "@media print" in html and "nav.navbar" in html


def test_a_leader_sees_only_their_own_people_and_their_averages(client, agency, hand_class):
    training_class, *_people = hand_class
    report = page(client, agency.leader_a.user, training_class).context["report"]
    assert [row.employee.name for row in report.rows] == ["Andi Peserta", "Sari"]
    assert report.averages.participants == 2
    assert report.averages.tests.mean_pre == D("45.00")  # Rekan di B's 60 is not theirs
    assert report.averages.feedback_share == D("1.000")

    other = page(client, agency.leader_b.user, training_class).context["report"]
    assert [row.employee.name for row in other.rows] == ["Rekan di B"]


def test_a_leader_with_nobody_in_the_class_gets_404(client, agency, make_class, penyelia):
    training_class, _ = run_class(make_class, agency, [agency.participant])
    assert page(client, agency.leader_b.user, training_class).status_code == 404
    assert page(client, agency.leader_a.user, training_class).status_code == 200


def test_a_class_without_participants_or_tests_renders_for_hr(client, agency, make_class):
    training_class = make_class(start=CLASS_START)
    response = page(client, agency.hr.user, training_class)
    assert response.status_code == 200
    assert response.context["report"].rows == []
    assert response.context["report"].averages.feedback_mean is None


@pytest.mark.parametrize(
    "role, expected",
    [
        ("hr", 200),
        ("leader_a", 200),
        ("leader_b", 200),
        ("participant", 403),
        ("facilitator", 403),
        ("anonymous", 302),
    ],
)
def test_access_matrix(client, agency, hand_class, role, expected):
    from conftest import user_for

    training_class, *_people = hand_class
    user = user_for(role, agency)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("class_effectiveness", args=[training_class.pk]))
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


def test_an_unknown_class_is_404(client, agency):
    client.force_login(agency.hr.user)
    assert client.get(reverse("class_effectiveness", args=[987654])).status_code == 404


# --- query count ---------------------------------------------------------------------------------------


def count_queries(client, url):
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context), response


def full_participant(training_class, nomination, i):
    feedback(nomination, 4, 4, 4, 4)
    observe(nomination, 4, [K, KD, B])
    mentor(nomination, 1 + i % 2)


@pytest.mark.parametrize("who", ["hr", "leader_a"])
def test_query_count_is_the_same_for_1_and_10_participants(client, agency, make_class, penyelia, assess, who):
    """Queries, 15 either way: the session, the user, the user's and their groups' permissions
    (is_hr); a leader: the units they lead and their employee record (the scope); the class with
    its programme and learning space; the participants with their feedback and mentoring-session
    count; their observations with the ratings counted; their results with each year's standard and
    gap; the space's quizzes, its rows with the scores, the answers counted per question, the
    quizzes' questions (elearning's space_results); base.html: HR the led units and the employee
    record (a leader's are cached), both the group names (the facilitator role)."""
    people = [EmployeeFactory(unit=agency.unit_a_child, position=penyelia) for _ in range(10)]
    for person in people:
        assess(person, 2025, 1)
        assess(person, 2026, 2)
    gaps_compute(year=2025)
    gaps_compute(year=2026)
    one_class, one = run_class(make_class, agency, people[:1])
    ten_class, ten = run_class(make_class, agency, people, start=datetime.date(2025, 10, 13))
    for training_class, nominations in ((one_class, one), (ten_class, ten)):
        give_tests(training_class, {n.employee: (40, 70) for n in nominations.values()})
        for i, nomination in enumerate(nominations.values()):
            full_participant(training_class, nomination, i)
    client.force_login(getattr(agency, who).user)

    small, response = count_queries(client, reverse("class_effectiveness", args=[one_class.pk]))
    assert len(response.context["report"].rows) == 1
    large, response = count_queries(client, reverse("class_effectiveness", args=[ten_class.pk]))
    assert len(response.context["report"].rows) == 10
    assert large == small == 15
