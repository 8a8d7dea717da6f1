from django.core.management.base import BaseCommand, CommandError

from assessments.selectors import assessment_file_columns, assessment_file_rows
from employees.importing.writer import write_csv, write_xlsx


class Command(BaseCommand):
    help = "Ekspor hasil asesmen satu tahun dalam format impornya (CSV ke stdout, atau FILE .csv/.xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--output", help="Nama file; .xlsx menghasilkan XLSX, selain itu CSV.")

    def handle(self, *args, year, output, **options):
        columns, rows = assessment_file_columns(), assessment_file_rows(year)
        if not output:
            write_csv(self.stdout, columns, rows)
            return
        if output.lower().endswith(".xlsx"):
            write_xlsx(output, columns, rows, title=f"Asesmen {year}")
            return
        try:
            with open(output, "w", encoding="utf-8", newline="") as stream:
                write_csv(stream, columns, rows)
        except OSError as exc:
            raise CommandError(f"Tidak dapat menulis {output}: {exc}", returncode=2) from None
