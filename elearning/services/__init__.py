"""Every write of the learning platform, by area: spaces and enrolment, materials, the question
bank, quizzes and attempts, group tasks."""

import datetime

from django.utils import timezone


def format_wib(moment: datetime.datetime) -> str:
    """A moment as the messages show it: Jakarta time, day first."""
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M")
