from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GapsConfig(AppConfig):
    name = "gaps"
    verbose_name = _("Gap kompetensi")

    def ready(self):
        from . import receivers  # noqa: F401 - connects the recompute triggers
