from django.core.management.base import BaseCommand, CommandError

from assessments.models import Competency
from employees.importing.writer import write_csv, write_xlsx
from employees.models import OrgUnit
from gaps.models import CompetencyGap
from gaps.selectors import EXPORT_COLUMNS, gap_export_rows


class Command(BaseCommand):
    help = "Ekspor gap per pegawai dan kompetensi satu tahun (formats.md: export_gaps), diurutkan NIP lalu kompetensi."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--competency", help="Kode kompetensi, mis. perekat_bangsa.")
        parser.add_argument("--unit", help="Kode unit: unit itu beserta seluruh unit di bawahnya.")
        parser.add_argument(
            "--output", help="File; .xlsx menghasilkan XLSX, selain itu CSV (bawaan: stdout)."
        )

    def handle(self, *args, year, competency, unit, output, **options):
        gaps = CompetencyGap.objects.filter(year=year)
        if competency:
            if not Competency.objects.filter(code=competency).exists():
                raise CommandError(f"Kompetensi tidak dikenal: {competency}", returncode=2)
            gaps = gaps.filter(competency__code=competency)
        if unit:
            root = OrgUnit.objects.filter(code=unit).first()
            if root is None:
                raise CommandError(f"Unit tidak dikenal: {unit}", returncode=2)
            gaps = gaps.filter(unit__path__startswith=root.path)
        rows = gap_export_rows(gaps)
        if not output:
            write_csv(self.stdout, EXPORT_COLUMNS, rows)
        elif output.lower().endswith(".xlsx"):
            write_xlsx(output, EXPORT_COLUMNS, rows, title=f"Gap {year}")
        else:
            with open(output, "w", encoding="utf-8", newline="") as stream:
                write_csv(stream, EXPORT_COLUMNS, rows)
