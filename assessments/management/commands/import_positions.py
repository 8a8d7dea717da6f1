from employees.importing.command import ImportCommand
from employees.models import ImportRun


class Command(ImportCommand):
    help = (
        "Impor jabatan dan standar levelnya dari CSV/XLSX (lihat formats.md): semua atau tidak sama sekali."
    )
    kind = ImportRun.Kind.POSITIONS
    with_from_year = True
