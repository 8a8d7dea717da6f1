"""Participant feedback (Kirkpatrick level 1): given once, from the class's last day on, by the
participant themself; summarised for HR and the class's facilitators, who see the comments
without names when HR made the class anonymous (HR always sees names)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from employees.roles import FACILITATOR_GROUP
from employees.tests.factories import EmployeeFactory, UserFactory
from trainings import completion
from trainings.models import Feedback

from .test_completion_rules import FUTURE_MONDAY, class_with

pytestmark = pytest.mark.django_db

ANSWERS = {
    "relevance": "5",
    "facilitator": "4",
    "materials": "4",
    "forum": "3",
    "comments": "Forumnya hidup.",
}


@pytest.fixture
def ended(agency):
    """A class that ended weeks ago, with Andi approved."""
    training_class, (nomination,) = class_with(agency, [agency.participant])
    return training_class, nomination


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def give(nomination, user, **scores):
    values = {"relevance": 5, "facilitator": 4, "materials": 4, "forum": 3, "comments": ""} | scores
    return completion.feedback_submit(nomination=nomination, user=user, **values)


def test_the_participant_gives_feedback_once(client, agency, ended):
    training_class, nomination = ended
    client.force_login(agency.participant.user)
    url = reverse("feedback_form", args=[nomination.pk])
    page = client.get(url).content.decode()
    assert "Sangat kurang" in page and "Sangat baik" in page and 'type="radio"' in page

    response = client.post(url, ANSWERS)
    assert response.status_code == 302 and response["Location"] == reverse("my_classes")
    assert messages_of(response) == ["Terima kasih, umpan balik Anda tercatat."]
    feedback = Feedback.objects.get()
    assert (feedback.relevance, feedback.facilitator, feedback.materials, feedback.forum) == (5, 4, 4, 3)
    assert feedback.comments == "Forumnya hidup."
    client.get(reverse("my_classes"))  # the thank-you message is shown (and used up) there

    second = client.post(url, ANSWERS | {"relevance": "1"})
    assert messages_of(second) == ["Anda sudah mengisi umpan balik untuk kelas ini. Terima kasih."]
    assert Feedback.objects.get().relevance == 5
    assert "sudah tercatat" in client.get(url).content.decode()
    with pytest.raises(ValidationError) as exc:
        give(nomination, agency.participant.user)
    assert exc.value.messages == ["Anda sudah mengisi umpan balik untuk kelas ini. Terima kasih."]


def test_my_classes_offers_the_form_then_thanks(client, agency, ended):
    _training_class, nomination = ended
    client.force_login(agency.participant.user)
    body = client.get(reverse("my_classes")).content.decode()
    assert reverse("feedback_form", args=[nomination.pk]) in body and "Isi umpan balik" in body
    give(nomination, agency.participant.user)
    body = client.get(reverse("my_classes")).content.decode()
    assert "Isi umpan balik" not in body and "umpan balik Anda sudah tercatat" in body


def test_feedback_before_the_last_day_is_refused_with_its_date(client, agency):
    training_class, (nomination,) = class_with(agency, [agency.participant], start=FUTURE_MONDAY)
    last_day = training_class.end_date
    client.force_login(agency.participant.user)
    url = reverse("feedback_form", args=[nomination.pk])
    page = client.get(url).content.decode()
    assert "mulai hari terakhir kelas" in page and 'type="radio"' not in page
    response = client.post(url, ANSWERS)
    assert messages_of(response) == [
        f"Umpan balik dapat diisi mulai hari terakhir kelas ({last_day:%d-%m-%Y})."
    ]
    assert not Feedback.objects.exists()
    with pytest.raises(ValidationError):
        give(nomination, agency.participant.user, today=last_day - datetime.timedelta(days=1))
    assert give(nomination, agency.participant.user, today=last_day).pk  # the last day itself is fine
    assert "Isi umpan balik" not in client.get(reverse("my_classes")).content.decode()


def test_nobody_gives_feedback_for_someone_else(client, agency, ended):
    _training_class, nomination = ended
    for user in (agency.colleague_b.user, agency.leader_a.user, agency.hr.user):
        client.force_login(user)
        url = reverse("feedback_form", args=[nomination.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, ANSWERS).status_code == 404
        with pytest.raises(PermissionDenied):
            give(nomination, user)
    assert not Feedback.objects.exists()


def test_a_score_outside_one_to_five_is_refused(client, agency, ended):
    _training_class, nomination = ended
    client.force_login(agency.participant.user)
    response = client.post(reverse("feedback_form", args=[nomination.pk]), ANSWERS | {"forum": "6"})
    assert response.status_code == 400 and not Feedback.objects.exists()
    with pytest.raises(ValidationError):
        give(nomination, agency.participant.user, forum=0)


@pytest.fixture
def three_feedbacks(agency):
    """Andi, Rekan di B and Citra in one ended class; all three gave feedback (Citra no comment)."""
    citra = EmployeeFactory(name="Citra Lestari", unit=agency.unit_b, with_login=True)
    training_class, nominations = class_with(agency, [agency.participant, agency.colleague_b, citra])
    answers = [
        {
            "relevance": 5,
            "facilitator": 4,
            "materials": 3,
            "forum": 5,
            "comments": "Materinya relevan sekali.",
        },
        {
            "relevance": 4,
            "facilitator": 4,
            "materials": 2,
            "forum": 5,
            "comments": "Waktu forum terlalu singkat.",
        },
        {"relevance": 3, "facilitator": 5, "materials": 1, "forum": 5, "comments": ""},
    ]
    for nomination, answer in zip(nominations, answers, strict=True):
        give(nomination, nomination.employee.user, **answer)
    # a fourth participant who has not answered yet
    late = EmployeeFactory(name="Dodi Belum Mengisi", unit=agency.unit_b, with_login=True)
    _more, _warnings = completion.services.nominations_add(
        training_class=training_class, employees=[late], user=agency.hr.user
    )
    completion.services.nomination_decide(nomination=_more[0], approve=True, user=agency.hr.user)
    return training_class


def test_the_summary_counts_means_distribution_and_comments(client, agency, three_feedbacks):
    training_class = three_feedbacks
    summary = completion.feedback_summary(training_class, with_names=True)
    assert (summary.given, summary.participants) == (3, 4)
    items = {item.key: item for item in summary.items}
    assert items["relevance"].mean == 4.0 and items["materials"].mean == 2.0 and items["forum"].mean == 5.0
    assert [count for _score, _label, count, _pct in items["materials"].distribution] == [1, 1, 1, 0, 0]
    assert [pct for _score, _label, _count, pct in items["forum"].distribution] == [0, 0, 0, 0, 100]
    assert summary.comments == [
        ("Andi Peserta", "Materinya relevan sekali."),
        ("Rekan di B", "Waktu forum terlalu singkat."),
    ]

    client.force_login(agency.hr.user)
    body = client.get(reverse("feedback_summary", args=[training_class.pk])).content.decode()
    assert "3 dari 4 peserta sudah mengisi." in body
    assert "Andi Peserta" in body and "Materinya relevan sekali." in body


def test_anonymous_feedback_hides_names_from_the_facilitator_but_not_from_hr(client, agency, three_feedbacks):
    training_class = three_feedbacks
    url = reverse("feedback_summary", args=[training_class.pk])
    client.force_login(agency.facilitator_user)
    body = client.get(url).content.decode()
    assert "Andi Peserta" in body and "Materinya relevan sekali." in body  # not anonymous yet

    client.force_login(agency.hr.user)
    response = client.post(reverse("feedback_anonymity", args=[training_class.pk]), {"anonymous": "1"})
    assert response.status_code == 302
    training_class.refresh_from_db()
    assert training_class.feedback_anonymous
    assert "Andi Peserta" in client.get(url).content.decode()  # HR always sees names

    client.force_login(agency.facilitator_user)
    body = client.get(url).content.decode()
    assert "Materinya relevan sekali." in body and "Waktu forum terlalu singkat." in body
    for name in ("Andi Peserta", "Rekan di B", "Citra Lestari"):
        assert name not in body
    assert (
        client.post(reverse("feedback_anonymity", args=[training_class.pk]), {"anonymous": "0"}).status_code
        == 403
    )
    training_class.refresh_from_db()
    assert training_class.feedback_anonymous


def test_only_hr_and_the_class_facilitators_see_the_summary(client, agency, three_feedbacks):
    url = reverse("feedback_summary", args=[three_feedbacks.pk])
    other = UserFactory(username="fasilitator-lain")
    other.groups.add(Group.objects.get(name=FACILITATOR_GROUP))
    for user in (other, agency.leader_a.user, agency.participant.user):
        client.force_login(user)
        assert client.get(url).status_code == 403


def count_queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


@pytest.mark.parametrize("who", ["hr", "facilitator"])
def test_summary_query_count_is_constant(client, agency, who):
    # session, user, (facilitator: groups and class facilitators), class + programme,
    # participants, the aggregate, the comments
    user = agency.hr.user if who == "hr" else agency.facilitator_user
    people = [EmployeeFactory(unit=agency.unit_b, with_login=True) for _ in range(10)]
    training_class, nominations = class_with(agency, people[:1])
    give(nominations[0], people[0].user, comments="Satu")
    client.force_login(user)
    url = reverse("feedback_summary", args=[training_class.pk])
    one = count_queries(client, url)
    more, _warnings = completion.services.nominations_add(
        training_class=training_class, employees=people[1:], user=agency.hr.user
    )
    for nomination in more:
        completion.services.nomination_decide(nomination=nomination, approve=True, user=agency.hr.user)
        give(nomination, nomination.employee.user, comments=f"Komentar {nomination.pk}")
    assert completion.feedback_summary(training_class, with_names=True).given == 10
    assert count_queries(client, url) == one
