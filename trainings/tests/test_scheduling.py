"""Classes run on working days only: weekends and HR's holidays are skipped, a start on a
non-working day is refused naming the date, and bad input to the schedule form is explained
without creating anything."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from trainings import services
from trainings.models import ClassDay, Holiday, TrainingClass

from .conftest import FRIDAY, MONDAY, NEXT_MONDAY, SATURDAY

pytestmark = pytest.mark.django_db

D = datetime.date


def test_three_days_from_monday_are_monday_to_wednesday():
    assert services.working_days(MONDAY, 3) == [D(2027, 3, 1), D(2027, 3, 2), D(2027, 3, 3)]


def test_start_on_friday_spans_friday_monday_tuesday():
    assert services.working_days(FRIDAY, 3) == [FRIDAY, NEXT_MONDAY, D(2027, 3, 9)]


def test_holiday_on_monday_pushes_the_class_to_wednesday():
    Holiday.objects.create(date=NEXT_MONDAY, name="Hari Suci Nyepi")
    assert services.working_days(FRIDAY, 3) == [FRIDAY, D(2027, 3, 9), D(2027, 3, 10)]


def test_a_week_of_collective_leave_is_skipped_whole():
    for offset in range(5):
        Holiday.objects.create(
            date=NEXT_MONDAY + datetime.timedelta(days=offset), name=f"Cuti bersama {offset}"
        )
    assert services.working_days(FRIDAY, 3) == [FRIDAY, D(2027, 3, 15), D(2027, 3, 16)]


@pytest.mark.parametrize("start", [SATURDAY, SATURDAY + datetime.timedelta(days=1)], ids=["sat", "sun"])
def test_start_on_a_weekend_is_refused_naming_the_date(start):
    with pytest.raises(ValidationError) as caught:
        services.working_days(start, 3)
    (message,) = caught.value.message_dict["start_date"]
    assert start.strftime("%d-%m-%Y") in message
    assert "akhir pekan" in message


def test_start_on_a_holiday_is_refused_naming_the_date_and_the_holiday():
    Holiday.objects.create(date=NEXT_MONDAY, name="Hari Suci Nyepi")
    with pytest.raises(ValidationError) as caught:
        services.working_days(NEXT_MONDAY, 3)
    (message,) = caught.value.message_dict["start_date"]
    assert "08-03-2027" in message
    assert "Hari Suci Nyepi" in message


def test_class_gets_one_forum_day_per_working_day_with_its_own_link(make_class):
    Holiday.objects.create(date=NEXT_MONDAY, name="Hari Suci Nyepi")
    training_class = make_class(start=FRIDAY, urls=["https://zoom.us/j/1", "http://meet.example/2"])
    assert (training_class.start_date, training_class.end_date) == (FRIDAY, D(2027, 3, 10))
    days = list(training_class.days.values_list("day_number", "date", "meeting_url"))
    assert days == [
        (1, FRIDAY, "https://zoom.us/j/1"),
        (2, D(2027, 3, 9), "http://meet.example/2"),
        (3, D(2027, 3, 10), ""),
    ]


def test_service_reports_every_bad_input_at_once_and_creates_nothing(programme, agency):
    with pytest.raises(ValidationError) as caught:
        services.training_class_create(
            programme=programme,
            name="Angkatan X",
            start_date=SATURDAY,
            capacity=0,
            forum_start=datetime.time(11, 0),
            forum_end=datetime.time(9, 0),
            user=agency.hr.user,
        )
    errors = caught.value.message_dict
    assert errors["capacity"] == ["Kapasitas harus paling sedikit 1 peserta."]
    assert errors["forum_end"] == ["Jam selesai forum harus setelah jam mulai."]
    assert "06-03-2027" in errors["start_date"][0]
    assert not TrainingClass.objects.exists()


def test_service_refuses_a_non_http_meeting_link_and_keeps_nothing(programme, agency):
    with pytest.raises(ValidationError) as caught:
        services.training_class_create(
            programme=programme,
            name="Angkatan X",
            start_date=MONDAY,
            capacity=10,
            forum_start=datetime.time(9, 0),
            forum_end=datetime.time(11, 0),
            meeting_urls=["ftp://files.example/forum"],
            user=agency.hr.user,
        )
    assert "Tautan harus diawali http:// atau https://." in caught.value.messages
    assert not TrainingClass.objects.exists()  # the class row went with the atomic block
    assert not ClassDay.objects.exists()


# --- through the schedule form, as HR ---------------------------------------------------------


@pytest.fixture
def hr_client(client, agency):
    client.force_login(agency.hr.user)
    return client


def form_data(programme, **changes):
    data = {
        "programme": programme.pk,
        "name": "Angkatan I",
        "start_date": MONDAY.isoformat(),
        "capacity": "30",
        "forum_start": "09:00",
        "forum_end": "11:00",
        "meeting_url_1": "https://zoom.us/j/123",
        "meeting_url_2": "",
        "meeting_url_3": "",
    }
    data.update(changes)
    return data


def test_hr_schedules_a_class_and_lands_on_its_page(hr_client, programme):
    response = hr_client.post(reverse("class_create"), form_data(programme))
    training_class = TrainingClass.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("class_detail", args=[training_class.pk])
    assert training_class.days.count() == 3
    assert training_class.days.get(day_number=1).meeting_url == "https://zoom.us/j/123"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"capacity": "0"}, "capacity", None),
        ({"capacity": "-5"}, "capacity", None),
        ({"forum_start": "11:00", "forum_end": "09:00"}, "forum_end", "Jam selesai forum harus setelah jam mulai."),
        ({"forum_end": "09:00"}, "forum_end", "Jam selesai forum harus setelah jam mulai."),
        ({"meeting_url_1": "ftp://files.example/forum"}, "meeting_url_1", "Tautan harus diawali http:// atau https://."),
        ({"meeting_url_2": "javascript:alert(1)"}, "meeting_url_2", "Tautan harus diawali http:// atau https://."),
        ({"meeting_url_3": "zoom.us/j/123"}, "meeting_url_3", "Tautan harus diawali http:// atau https://."),
        ({"start_date": SATURDAY.isoformat()}, "start_date", "Tanggal mulai 06-03-2027 jatuh pada akhir pekan"),
    ],
    ids=["capacity-0", "capacity-negative", "forum-end-before-start", "forum-end-equals-start",
         "ftp-link", "javascript-link", "link-without-scheme", "saturday"],
)  # fmt: skip
def test_bad_input_is_explained_with_400_and_nothing_is_created(
    hr_client, programme, changes, field, message
):
    response = hr_client.post(reverse("class_create"), form_data(programme, **changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    if message:
        assert any(message in error for error in errors[field])
        assert message in response.content.decode()
    else:  # Django's own min-value message: still shown next to the field
        assert errors[field][0] in response.content.decode()
    assert not TrainingClass.objects.exists()
    assert not ClassDay.objects.exists()


def test_start_on_a_holiday_is_explained_on_the_form(hr_client, programme):
    Holiday.objects.create(date=NEXT_MONDAY, name="Hari Suci Nyepi")
    response = hr_client.post(
        reverse("class_create"), form_data(programme, start_date=NEXT_MONDAY.isoformat())
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "08-03-2027" in content and "Hari Suci Nyepi" in content
    assert not TrainingClass.objects.exists()
