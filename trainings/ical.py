"""Calendar files (RFC 5545, through icalendar): one event per daily forum, in WIB."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone

WIB = ZoneInfo(settings.TIME_ZONE)


def calendar_file(classes, *, name: str) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Kompetensi Sosio Kultural ASN//diklat//ID")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    for training_class in classes:
        for day in training_class.days.all():
            event = icalendar.Event()
            event.add("uid", f"diklat-{training_class.pk}-hari-{day.day_number}@kompetensi-asn")
            event.add("dtstamp", stamp)
            event.add("dtstart", datetime.datetime.combine(day.date, day.forum_start, tzinfo=WIB))
            event.add("dtend", datetime.datetime.combine(day.date, day.forum_end, tzinfo=WIB))
            event.add(
                "summary", f"{training_class.programme.name} – {training_class.name} (hari {day.day_number})"
            )
            if day.meeting_url:
                event.add("url", day.meeting_url)
                event.add("location", day.meeting_url)
            event.add("description", f"Forum harian diklat daring. Tautan: {day.meeting_url or '-'}")
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
