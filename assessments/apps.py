from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Kompetensi, standar dan asesmen")

    def ready(self):
        from . import importing  # noqa: F401 - registers the importers
