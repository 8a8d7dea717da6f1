from django.core.management.base import BaseCommand

from gaps.services import gaps_compute


class Command(BaseCommand):
    help = (
        "Hitung ulang gap, JPM dan kebutuhan diklat satu tahun dari hasil asesmen dan standar yang berlaku."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, year, **options):
        figures = gaps_compute(year=year)
        self.stdout.write(
            f"Tahun {year}: {figures['employees']} pegawai, {figures['gaps']} gap kompetensi; "
            f"kebutuhan diklat baru {figures['needs_created']}, ditutup {figures['needs_closed']}, "
            f"dibuka kembali {figures['needs_reopened']}."
        )
