from employees.importing.command import ImportCommand
from employees.models import ImportRun


class Command(ImportCommand):
    help = "Impor hasil asesmen satu tahun dari CSV/XLSX (lihat formats.md): semua atau tidak sama sekali."
    kind = ImportRun.Kind.ASSESSMENTS
    with_year = True
