"""The follow-up pages: access by role, the observation form's indicators, the mentoring plan
(the leader edits, the participant reflects, HR reads), HR's completion page and its reminder
button, and constant query counts."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import ROLES, user_for
from trainings import followup
from trainings.models import MentoringGoal, MentoringSession, Nomination, Observation, ObservationItem

from .test_followup_observation import fill, finished_class, new_participant

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def andi(agency, make_class, nominate) -> Nomination:
    """Andi (A1, leader A) completed a class five weeks ago; his observations are scheduled."""
    training_class = finished_class(agency, make_class, nominate, agency.participant, weeks_ago=5)
    followup.observations_schedule(training_class=training_class)
    return Nomination.objects.get(employee=agency.participant)


@pytest.fixture
def session(agency, andi) -> MentoringSession:
    followup.mentoring_goal_save(
        nomination=andi, description="Menengahi konflik", target_date=days(30), user=agency.leader_a.user
    )
    return followup.mentoring_session_save(
        nomination=andi, held_on=days(-1), topic="Sesi pertama", next_date=days(14), user=agency.leader_a.user
    )


def client_as(client, role, agency):
    user = user_for(role, agency)
    if user is not None:
        client.force_login(user)
    return client


def observation(andi, week=4) -> Observation:
    return Observation.objects.get(nomination=andi, week=week)


def ratings_post(obs, rating="sometimes", judgement="developing"):
    data = {"judgement": judgement, "notes": "Catatan umum"}
    for indicator in followup.observation_indicators(obs):
        data[f"rating_{indicator.pk}"] = rating
        data[f"note_{indicator.pk}"] = "contoh"
    return data


# --- the access matrix -----------------------------------------------------------------------
# one row per page: the expected status for each of ROLES
# (hr, leader_a, leader_b, participant, facilitator, anonymous: 302 to the login page)
PAGES = {
    "followup_home": [200, 200, 200, 403, 403, 302],
    "observation_form": [200, 200, 404, 403, 403, 302],
    "mentoring_plan": [200, 200, 404, 200, 403, 302],
    "observation_completion": [200, 403, 403, 403, 403, 302],
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, agency, andi, session, page, role):
    args = {"observation_form": [observation(andi).pk], "mentoring_plan": [andi.pk]}.get(page, [])
    response = client_as(client, role, agency).get(reverse(page, args=args))
    assert response.status_code == PAGES[page][ROLES.index(role)]


def test_the_leader_of_another_unit_sees_none_of_andi(client, agency, andi, session):
    client.force_login(agency.leader_b.user)
    page = client.get(reverse("followup_home"))
    assert list(page.context["page"]) == []
    assert (
        client.post(
            reverse("observation_form", args=[observation(andi).pk]), ratings_post(observation(andi))
        ).status_code
        == 404
    )
    assert client.post(reverse("mentoring_goal_add", args=[andi.pk]), {"description": "x"}).status_code == 404
    assert client.post(reverse("mentoring_session_add", args=[andi.pk]), {"topic": "x"}).status_code == 404


def test_the_leaders_home_lists_the_subtrees_participants_with_their_states(client, agency, andi, session):
    fill(observation(andi, 12), agency.leader_a.user)
    client.force_login(agency.leader_a.user)
    response = client.get(reverse("followup_home"))
    (row,) = response.context["page"]
    assert row.employee == agency.participant and row.can_follow_up
    assert [(o.week, o.state) for o in row.observations.all()] == [(4, "overdue"), (12, "done")]
    html = response.content.decode()
    assert "list-group-item-danger" in html and "Terlambat" in html
    assert "1 sasaran" in html and "1 sesi" in html


# --- the observation form --------------------------------------------------------------------


def test_the_form_lists_exactly_the_target_levels_indicators(client, agency, andi):
    client.force_login(agency.leader_a.user)
    obs = observation(andi)
    response = client.get(reverse("observation_form", args=[obs.pk]))
    expected = list(followup.observation_indicators(obs))
    assert [i.pk for i in response.context["form"].indicators] == [i.pk for i in expected]
    assert {i.competency_level.level for i in expected} == {3} and len(expected) == 3
    html = response.content.decode()
    for indicator in expected:
        assert indicator.text in html
    assert "Mempromosikan sikap menghargai perbedaan" in html  # level 3's first indicator
    assert "Mampu memahami, menerima, peka" not in html  # level 1's
    for label in ("Belum tampak", "Kadang-kadang", "Konsisten"):
        assert label in html


def test_the_leader_fills_the_form_and_corrects_it(client, agency, andi):
    client.force_login(agency.leader_a.user)
    obs = observation(andi)
    url = reverse("observation_form", args=[obs.pk])
    assert client.post(url, ratings_post(obs)).status_code == 302
    assert ObservationItem.objects.filter(observation=obs, rating="sometimes").count() == 3
    assert client.get(url).context["form"].initial["judgement"] == "developing"
    assert client.post(url, ratings_post(obs, rating="consistently", judgement="achieved")).status_code == 302
    assert set(ObservationItem.objects.filter(observation=obs).values_list("rating", flat=True)) == {
        "consistently"
    }


def test_a_missing_rating_is_shown_on_the_form(client, agency, andi):
    client.force_login(agency.leader_a.user)
    obs = observation(andi)
    data = ratings_post(obs)
    first = followup.observation_indicators(obs).first()
    del data[f"rating_{first.pk}"]
    response = client.post(reverse("observation_form", args=[obs.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors[f"rating_{first.pk}"] == [str(followup.MSG_RATING_REQUIRED)]
    assert not ObservationItem.objects.exists()


def test_hr_reads_the_observation_but_cannot_fill_it(client, agency, andi):
    client.force_login(agency.hr.user)
    obs = observation(andi)
    url = reverse("observation_form", args=[obs.pk])
    response = client.get(url)
    assert response.status_code == 200 and not response.context["can_fill"]
    assert all(field.disabled for field in response.context["form"].fields.values())
    assert client.post(url, ratings_post(obs)).status_code == 403
    assert not ObservationItem.objects.exists()


# --- mentoring -------------------------------------------------------------------------------


def test_the_leader_edits_the_plan_through_the_pages(client, agency, andi):
    client.force_login(agency.leader_a.user)
    indicator = followup.level_indicators(andi.training_class.programme.competency_id, 3).first()
    response = client.post(
        reverse("mentoring_goal_add", args=[andi.pk]),
        {"indicator": indicator.pk, "description": "Promosikan toleransi di rapat", "target_date": days(30)},
    )
    assert response.status_code == 302
    goal = MentoringGoal.objects.get()
    edit = reverse("mentoring_goal_edit", args=[andi.pk, goal.pk])
    assert client.get(edit).status_code == 200
    client.post(edit, {"indicator": "", "description": "Sasaran diubah", "target_date": days(40)})
    goal.refresh_from_db()
    assert (goal.description, goal.indicator) == ("Sasaran diubah", None)
    response = client.post(
        reverse("mentoring_session_add", args=[andi.pk]),
        {"held_on": days(0), "topic": "Sesi pertama", "next_date": days(14)},
    )
    assert response.status_code == 302 and MentoringSession.objects.get().next_date == days(14)
    session_page = client.get(
        reverse("mentoring_session_edit", args=[andi.pk, MentoringSession.objects.get().pk])
    )
    assert session_page.context["form"].initial["topic"] == "Sesi pertama"
    client.post(reverse("mentoring_goal_delete", args=[andi.pk, goal.pk]))
    assert not MentoringGoal.objects.exists()
    page = client.get(reverse("mentoring_plan", args=[andi.pk]))
    assert page.context["can_edit"] and "Sesi pertama" in page.content.decode()


def test_an_invalid_goal_is_shown_again(client, agency, andi):
    client.force_login(agency.leader_a.user)
    response = client.post(reverse("mentoring_goal_add", args=[andi.pk]), {"description": "Tanpa tanggal"})
    assert response.status_code == 400 and "target_date" in response.context["form"].errors


def test_the_participant_reads_the_plan_and_writes_only_a_reflection(client, agency, andi, session):
    client.force_login(agency.participant.user)
    page = client.get(reverse("mentoring_plan", args=[andi.pk]))
    assert page.status_code == 200 and not page.context["can_edit"] and page.context["is_participant"]
    goal = MentoringGoal.objects.get()
    forbidden = [
        (
            reverse("mentoring_goal_add", args=[andi.pk]),
            {"description": "Saya sendiri", "target_date": days(9)},
        ),
        (
            reverse("mentoring_goal_edit", args=[andi.pk, goal.pk]),
            {"description": "Diubah", "target_date": days(9)},
        ),
        (reverse("mentoring_goal_delete", args=[andi.pk, goal.pk]), {}),
        (reverse("mentoring_session_add", args=[andi.pk]), {"held_on": days(0), "topic": "Sesi saya"}),
        (
            reverse("mentoring_session_edit", args=[andi.pk, session.pk]),
            {"held_on": days(0), "topic": "Diubah"},
        ),
    ]
    for url, data in forbidden:
        assert client.post(url, data).status_code == 403, url
    url = reverse("mentoring_reflection", args=[andi.pk, session.pk])
    assert client.post(url, {f"s{session.pk}-reflection": "Saya lebih sabar mendengar."}).status_code == 302
    session.refresh_from_db()
    assert session.reflection == "Saya lebih sabar mendengar." and session.topic == "Sesi pertama"
    assert MentoringGoal.objects.get().description == "Menengahi konflik"


def test_reflections_only_on_ones_own_plan(client, agency, andi, session, make_class, nominate):
    budi = new_participant(agency)
    finished_class(agency, make_class, nominate, budi)
    url = reverse("mentoring_reflection", args=[andi.pk, session.pk])
    data = {f"s{session.pk}-reflection": "Bukan milik saya"}
    client.force_login(budi.user)
    assert client.get(reverse("mentoring_plan", args=[andi.pk])).status_code == 404
    assert client.post(url, data).status_code == 404
    client.force_login(agency.leader_a.user)
    assert client.post(url, data).status_code == 403  # the leader sees the plan but does not reflect
    session.refresh_from_db()
    assert session.reflection == ""


def test_hr_reads_the_plan_and_changes_nothing(client, agency, andi, session):
    client.force_login(agency.hr.user)
    page = client.get(reverse("mentoring_plan", args=[andi.pk]))
    assert page.status_code == 200 and not page.context["can_edit"]
    assert client.post(reverse("mentoring_goal_add", args=[andi.pk]), {"description": "x"}).status_code == 403
    assert client.post(reverse("mentoring_session_add", args=[andi.pk]), {"topic": "x"}).status_code == 403


def test_a_facilitator_gets_403_everywhere(client, agency, andi, session):
    client.force_login(agency.facilitator_user)
    urls = [
        reverse("mentoring_goal_add", args=[andi.pk]),
        reverse("mentoring_session_add", args=[andi.pk]),
        reverse("mentoring_reflection", args=[andi.pk, session.pk]),
        reverse("observation_form", args=[observation(andi).pk]),
        reverse("followup_remind"),
    ]
    for url in urls:
        assert client.post(url, {}).status_code == 403, url


def test_diklat_saya_links_the_mentoring_plan_of_a_completed_class(client, agency, andi):
    client.force_login(agency.participant.user)
    html = client.get(reverse("my_classes")).content.decode()
    assert reverse("mentoring_plan", args=[andi.pk]) in html and "Rencana mentoring" in html


# --- HR's completion page and reminders ------------------------------------------------------


def test_completion_counts_per_class_and_unit(client, agency, make_class, nominate):
    budi = new_participant(agency)
    early = finished_class(
        agency, make_class, nominate, agency.participant, budi, weeks_ago=6, name="Angkatan I"
    )
    late = finished_class(agency, make_class, nominate, agency.colleague_b, weeks_ago=1, name="Angkatan II")
    for training_class in (early, late):
        followup.observations_schedule(training_class=training_class)
    fill(Observation.objects.get(nomination__employee=agency.participant, week=4), agency.leader_a.user)
    Observation.objects.filter(nomination__employee=agency.colleague_b, week=4).update(due_on=days(3))
    client.force_login(agency.hr.user)
    per_class, per_unit = {}, {}
    for year in {early.end_date.year, late.end_date.year}:  # around New Year they are two years
        response = client.get(reverse("observation_completion"), {"year": year})
        per_class |= {row["nomination__training_class__name"]: row for row in response.context["per_class"]}
        per_unit |= {row["nomination__employee__unit__name"]: row for row in response.context["per_unit"]}
        if year == early.end_date.year:
            assert "table-danger" in response.content.decode()  # the overdue cell is flagged red

    def counts(row):
        return {key: row[key] for key in ("total", "done", "scheduled", "due", "overdue")}

    assert counts(per_class["Angkatan I"]) == {"total": 4, "done": 1, "scheduled": 2, "due": 0, "overdue": 1}
    assert counts(per_class["Angkatan II"]) == {"total": 2, "done": 0, "scheduled": 1, "due": 1, "overdue": 0}
    assert counts(per_unit["Subdirektorat A1"]) == counts(per_class["Angkatan I"])
    assert counts(per_unit["Direktorat B"]) == counts(per_class["Angkatan II"])


def test_the_reminder_button_mails_the_leaders_once_a_day(
    client, agency, andi, django_capture_on_commit_callbacks
):
    agency.leader_a.email = "a@example.go.id"
    agency.leader_a.save()
    client.force_login(agency.hr.user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("followup_remind"))
    assert response.status_code == 302 and len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [["a@example.go.id"]]
    assert "[TERLAMBAT]" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("followup_remind"))
    assert len(mail.outbox) == 1  # once a day per leader


# --- query counts ----------------------------------------------------------------------------


def count_queries(client, url, data=None):
    client.get(url, data)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, data)
    assert response.status_code == 200
    return response, len(context)


def followed_up(agency, make_class, nominate, employees, name):
    """A finished class of these employees, with their observations and a plan holding a goal
    and a session each."""
    training_class = finished_class(agency, make_class, nominate, *employees, name=name)
    followup.observations_schedule(training_class=training_class)
    for nomination in Nomination.objects.filter(training_class=training_class):
        followup.mentoring_goal_save(
            nomination=nomination, description="Sasaran", target_date=days(20), user=agency.leader_a.user
        )
        followup.mentoring_session_save(
            nomination=nomination, held_on=days(0), topic="Sesi", next_date=days(7), user=agency.leader_a.user
        )
    return training_class


@pytest.mark.parametrize("who", ["leader_a", "hr"])
def test_followup_home_query_count_is_constant(client, agency, make_class, nominate, who):
    client.force_login(getattr(agency, who).user)
    followed_up(agency, make_class, nominate, [agency.participant], "Angkatan I")
    url = reverse("followup_home")
    _response, one = count_queries(client, url)
    followed_up(agency, make_class, nominate, [new_participant(agency) for _ in range(9)], "Angkatan II")
    response, ten = count_queries(client, url)
    assert len(response.context["page"]) == 10
    # session; user; the user's permissions and their groups' (is_hr); the led units (scope, and
    # the menu's roles); the user's employee record; the paginator's count; the rows (nomination,
    # employee, unit, class, programme, plan); their observations; the plans' goals; the plans'
    # sessions; the user's groups (the menu's facilitator role)
    assert ten == one == 12


def test_completion_page_query_count_is_constant(client, agency, make_class, nominate):
    client.force_login(agency.hr.user)
    training_class = finished_class(agency, make_class, nominate, agency.participant, name="Angkatan I")
    followup.observations_schedule(training_class=training_class)
    url = reverse("observation_completion")
    data = {"year": training_class.end_date.year}
    _response, one = count_queries(client, url, data)
    for i in range(9):
        employee = new_participant(agency)
        employee.unit = agency.unit_b if i % 2 else agency.unit_a
        employee.save()
        more = finished_class(agency, make_class, nominate, employee, name=f"Angkatan {i + 2}")
        followup.observations_schedule(training_class=more)
    response, ten = count_queries(client, url, data)
    assert len(response.context["per_class"]) == 10
    # session; user; the user's permissions and their groups' (hr_required); the per-class
    # counts; the per-unit counts; then the menu's roles: led units, employee record, groups
    assert ten == one == 9
