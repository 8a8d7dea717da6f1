from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElearningConfig(AppConfig):
    name = "elearning"
    verbose_name = _("E-learning")

    def ready(self):
        from . import importing  # noqa: F401 - registers the question bank's importer
