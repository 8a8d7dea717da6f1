from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployeesConfig(AppConfig):
    name = "employees"
    verbose_name = _("Pegawai dan unit kerja")

    def ready(self):
        from .importing import employees, units  # noqa: F401 - registers the importers
