from employees.importing.command import ImportCommand
from employees.models import ImportRun


class Command(ImportCommand):
    help = "Impor unit kerja dari CSV/XLSX (lihat formats.md): semua atau tidak sama sekali."
    kind = ImportRun.Kind.UNITS
