from employees.importing.command import ImportCommand
from employees.models import ImportRun


class Command(ImportCommand):
    help = (
        "Impor bank soal dari CSV/XLSX (kolom kode, kompetensi, level, pertanyaan, pilihan_a–pilihan_f, "
        "jawaban, pembahasan, aktif): semua atau tidak sama sekali."
    )
    kind = ImportRun.Kind.QUESTIONS
