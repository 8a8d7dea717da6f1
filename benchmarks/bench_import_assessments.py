#!/usr/bin/env python
"""Benchmark of `manage.py import_assessments` (assessment-centre results, formats.md) on
PostgreSQL, against a naive per-row ORM loop and against a raw COPY of the same rows.

    python benchmarks/bench_import_assessments.py [--employees N] [--sizes 10000,50000,100000]
                                                  [--keep-db] [--workdir DIR]

For each size N it builds an agency (≈N/100 units, a few positions, N employees with valid,
unique PNS NIPs, one accredited institution), writes a results file for 2026 (one row per
employee, 9 competency columns: 9×N result rows) as CSV and as XLSX, and measures:

  * `import_assessments FILE.csv --year 2026 --dry-run`          (subprocess: wall s, peak RSS)
  * `import_assessments FILE.csv --year 2026` into an empty table (subprocess: wall s, peak RSS)
  * `import_assessments FILE.xlsx --year 2026` into an empty table (subprocess: wall s, peak RSS)
  * the "quick implementation": AssessmentResult.objects.update_or_create per row, in one
    transaction, on a 5,000-row sample, scaled linearly to 9×N rows (in-process, rolled back)
  * the limit: a raw psycopg COPY of the same 9×N rows into an empty copy of the results table

Figures of one run are printed together, so the ratios compare like with like on a noisy
machine. Peak RSS of a child is its own ru_maxrss, read with os.wait4() on its pid.

Database: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/asn_bench). It must be
PostgreSQL, and its name must contain "bench": the script drops and recreates it at start
(unless --keep-db) and truncates the registry tables for every size.
"""

import argparse
import csv
import datetime
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/asn_bench"
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql", "postgis")
DEFAULT_SIZES = (10_000, 50_000, 100_000)
YEAR = 2026
SAMPLE_ROWS = 5_000
INSTITUTION_CODE = "LAN-BENCH"
SEED = 20260101

# Targets (the brief): ratios, not absolute seconds, because machines differ.
TARGET_IMPORT_OVER_COPY = 3.0  # CSV import ≤ 3 × raw COPY
TARGET_LOOP_OVER_IMPORT = 20.0  # per-row loop ≥ 20 × CSV import
TARGET_XLSX_RSS_MB = 400.0  # XLSX import peak RSS ≤ 400 MB …
TARGET_XLSX_RSS_AT = 100_000  # … at 100,000 employees

FIRST_NAMES = [
    "Agus",
    "Budi",
    "Citra",
    "Dewi",
    "Eko",
    "Fitri",
    "Gilang",
    "Hendra",
    "Indah",
    "Joko",
    "Kartika",
    "Lestari",
    "Made",
    "Nur",
    "Putu",
    "Rahmat",
    "Sari",
    "Taufik",
    "Utami",
    "Wahyu",
    "Yuni",
    "Zainal",
    "Siti",
    "Bambang",
    "Ratna",
    "Ketut",
    "Ayu",
    "Dimas",
    "Fajar",
    "Rina",
]
LAST_NAMES = [
    "Santoso",
    "Wibowo",
    "Saputra",
    "Lestari",
    "Pratama",
    "Hidayat",
    "Kusuma",
    "Nugroho",
    "Wijaya",
    "Setiawan",
    "Siregar",
    "Nasution",
    "Harahap",
    "Purnomo",
    "Rahayu",
    "Susanto",
    "Gunawan",
    "Hasibuan",
    "Simanjuntak",
    "Wulandari",
    "Sembiring",
    "Permana",
    "Suryadi",
    "Halim",
    "Putri",
    "Utomo",
    "Manurung",
    "Sitompul",
    "Ginting",
    "Lubis",
]
POSITIONS = (
    ("BENCH-PLK", "Pelaksana", "pelaksana", ""),
    ("BENCH-PGW", "Pengawas", "pengawas", ""),
    ("BENCH-ADM", "Administrator", "administrator", ""),
    ("BENCH-FAM", "Analis Ahli Muda", "fungsional", "ahli_muda"),
    ("BENCH-FPY", "Pranata Penyelia", "fungsional", "penyelia"),
)


# --------------------------------------------------------------------------- database setup


def fail(message: str) -> None:
    print(f"bench_import_assessments: {message}", file=sys.stderr)
    sys.exit(2)


def libpq_url(url: str, dbname: str | None = None) -> str:
    """The URL as libpq accepts it (postgresql://), optionally for another database."""
    parts = urlsplit(url)
    path = f"/{dbname}" if dbname is not None else parts.path
    return urlunsplit(("postgresql", parts.netloc, path, parts.query, ""))


def check_database_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in POSTGRES_SCHEMES:
        fail(
            f"this benchmark runs on PostgreSQL only, but DATABASE_URL is {parts.scheme or url!r}.\n"
            f"Set DATABASE_URL=postgres://USER@HOST:PORT/asn_bench (default {DEFAULT_DATABASE_URL})."
        )
    dbname = parts.path.lstrip("/")
    if not dbname or "bench" not in dbname:
        fail(
            f"refusing to use database {dbname!r}: the benchmark drops and truncates its database, "
            "so its name must contain 'bench' (e.g. asn_bench)."
        )
    return dbname


def prepare_database(url: str, dbname: str, keep: bool) -> None:
    """Drop and recreate the dedicated database (or only create it if missing with --keep-db),
    connecting to the `postgres` maintenance database."""
    import psycopg
    from psycopg import sql

    try:
        conn = psycopg.connect(libpq_url(url, "postgres"), autocommit=True)
    except psycopg.OperationalError as exc:
        fail(f"cannot connect to PostgreSQL ({libpq_url(url, 'postgres')}): {exc}")
    with conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if exists and not keep:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(dbname)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    print(f"database {dbname}: {'kept' if keep and exists else 'created fresh'}", flush=True)


def setup_django(url: str, media_root: Path) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "False")  # no query log: what production runs
    os.environ["MEDIA_ROOT"] = str(media_root)  # import runs keep a copy of the file there
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        fail(
            f"settings {os.environ['DJANGO_SETTINGS_MODULE']} use {connection.vendor}, not PostgreSQL; "
            "this benchmark measures the PostgreSQL path (COPY + INSERT … ON CONFLICT)."
        )
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrate: {time.perf_counter() - started:.1f} s", flush=True)


# --------------------------------------------------------------------------- data generation


def reset_registry() -> None:
    """Empty everything this benchmark writes (and whatever references it)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE assessments_assessmentresultchange, assessments_assessmentresult, "
            "employees_importrun, employees_employee, employees_orgunit, employees_position, "
            "assessments_institution CASCADE"
        )


def clear_results() -> None:
    """Delete every AssessmentResult (with its history) and ImportRun row."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE assessments_assessmentresultchange, assessments_assessmentresult, employees_importrun"
        )


def make_nips(count: int, rng: random.Random) -> list[str]:
    """Valid, unique PNS NIPs: birth date + TMT CPNS (year, month) + sex + sequence 001-999.
    Uniqueness comes from (birth date, sequence): 999 employees per birth date."""
    from employees.nip import validate_nip

    first_birth = datetime.date(1965, 1, 1)
    nips = []
    for i in range(count):
        birth = first_birth + datetime.timedelta(days=(i // 999) * 7)
        appointed_year = birth.year + rng.randint(20, 30)
        nip = (
            f"{birth:%Y%m%d}{appointed_year:04d}{rng.randint(1, 12):02d}{rng.randint(1, 2)}{i % 999 + 1:03d}"
        )
        nips.append(nip)
    for nip in nips[:: max(1, count // 2000)]:  # spot-check against the app's own rules
        validate_nip(nip)
    if len(set(nips)) != count:
        raise AssertionError("generated NIPs are not unique")
    return nips


def build_units(count: int) -> list[int]:
    """A root and a two-level tree below it (≈√count biro, the rest bagian), bulk-created:
    placeholder paths first, then one UPDATE per level computes path/depth from the parent."""
    from django.db import connection

    from employees.models import OrgUnit

    root = OrgUnit(code="BENCH-ROOT", name="Instansi Benchmark")
    root.save()  # the model computes the materialized path
    rest = max(0, count - 1)
    level1 = max(1, int(rest**0.5)) if rest else 0
    level2 = rest - level1
    biro = OrgUnit.objects.bulk_create(
        OrgUnit(code=f"B{i:05d}", name=f"Biro {i}", parent=root, path=f"/new-B{i:05d}/")
        for i in range(1, level1 + 1)
    )
    bagian = [
        OrgUnit(code=f"G{i:06d}", name=f"Bagian {i}", parent=biro[i % level1], path=f"/new-G{i:06d}/")
        for i in range(1, level2 + 1)
    ]
    OrgUnit.objects.bulk_create(bagian, batch_size=2000)
    with connection.cursor() as cursor:
        for _ in range(2):  # level 1, then level 2
            cursor.execute(
                "UPDATE employees_orgunit u SET path = p.path || u.id || '/', depth = p.depth + 1 "
                "FROM employees_orgunit p WHERE u.parent_id = p.id AND u.path LIKE '/new-%' "
                "AND p.path NOT LIKE '/new-%'"
            )
    if OrgUnit.objects.filter(path__startswith="/new-").exists():
        raise AssertionError("unit paths were not all computed")
    return list(OrgUnit.objects.values_list("pk", flat=True))


def build_agency(n: int, rng: random.Random):
    """Units, positions, N employees and one accredited institution. Returns the employees as
    [(id, nip, name)] in NIP order, and the institution."""
    from django.db import connection

    from assessments.models import Institution
    from employees.models import Employee
    from employees.services import position_upsert

    unit_ids = build_units(max(1, n // 100))
    position_ids = [
        position_upsert(code=code, name=name, jenis=jenis, jenjang=jenjang).pk
        for code, name, jenis, jenjang in POSITIONS
    ]
    institution = Institution.objects.create(
        code=INSTITUTION_CODE,
        name="Pusat Asesmen Benchmark",
        accreditation_number="BKN/AKR/2025/001",
        accredited_until=datetime.date(2099, 12, 31),
    )
    nips = make_nips(n, rng)
    Employee.objects.bulk_create(
        (
            Employee(
                nip=nip,
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                unit_id=rng.choice(unit_ids),
                position_id=rng.choice(position_ids),
            )
            for nip in nips
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE employees_employee")
        cursor.execute("ANALYZE employees_orgunit")
    employees = list(Employee.objects.order_by("nip").values_list("pk", "nip", "name"))
    return employees, institution, len(unit_ids), len(position_ids)


def make_results(employees, rng: random.Random):
    """One file row per employee: (nip, name, date, [level per competency])."""
    rows = []
    for _pk, nip, name in employees:
        day = datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(0, 330))
        rows.append((nip, name, day, [rng.randint(1, 5) for _ in range(9)]))
    return rows


def write_csv(path: Path, codes: list[str], rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["nip", "nama", "tanggal_asesmen", "lembaga", *codes])
        for nip, name, day, levels in rows:
            writer.writerow([nip, name, day.isoformat(), INSTITUTION_CODE, *levels])


def write_xlsx(path: Path, codes: list[str], rows) -> None:
    """The same data as the CSV; NIP as text, the date as a real date cell (as Excel has it)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Hasil Asesmen")
    sheet.append(["nip", "nama", "tanggal_asesmen", "lembaga", *codes])
    for nip, name, day, levels in rows:
        sheet.append([nip, name, day, INSTITUTION_CODE, *levels])
    workbook.save(path)


# --------------------------------------------------------------------------- measurements


def run_child(args: list[str], log: Path) -> dict:
    """Run `python manage.py ARGS` as a subprocess; wall seconds, peak RSS (its own
    ru_maxrss via wait4 on its pid), CPU seconds, exit status and its last output line."""
    with open(log, "w") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=os.environ.copy(), stdout=out, stderr=out
        )
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    return {
        "wall": wall,
        "rss_mb": usage.ru_maxrss / 1024,  # KiB on Linux
        "cpu": usage.ru_utime + usage.ru_stime,
        "status": proc.returncode,
        "output": lines[-1] if lines else "",
        "log": log,
    }


def run_import(path: Path, workdir: Path, *, dry_run: bool) -> dict:
    args = ["import_assessments", str(path), "--year", str(YEAR)] + (["--dry-run"] if dry_run else [])
    label = f"{path.stem}{'-dry' if dry_run else ''}{path.suffix}"
    result = run_child(args, workdir / f"{label}.log")
    if result["status"] != 0:
        tail = "\n".join(result["log"].read_text(errors="replace").splitlines()[-20:])
        fail(f"import_assessments {' '.join(args[1:])} exited {result['status']}:\n{tail}")
    return result


def result_count() -> int:
    from assessments.models import AssessmentResult

    return AssessmentResult.objects.count()


def per_row_loop(staged) -> float:
    """The quick implementation: update_or_create per result row, in one transaction, on an
    empty table; rolled back afterwards. Only the write is timed (no file parsing)."""
    from django.db import transaction

    from assessments.models import AssessmentResult

    with transaction.atomic():
        started = time.perf_counter()
        for employee_id, year, competency_id, level, assessed_on, institution_id in staged:
            AssessmentResult.objects.update_or_create(
                employee_id=employee_id,
                year=year,
                competency_id=competency_id,
                defaults={"level": level, "assessed_on": assessed_on, "institution_id": institution_id},
            )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


RESULT_FOREIGN_KEYS = (
    ("employee_id", "employees_employee"),
    ("competency_id", "assessments_competency"),
    ("institution_id", "assessments_institution"),
    ("import_run_id", "employees_importrun"),
)


def raw_copy(url: str, staged, *, foreign_keys: bool = False) -> tuple[float, float]:
    """The limit: COPY the same rows into an empty copy of the results table (same columns,
    indexes, unique and check constraints; `LIKE … INCLUDING ALL` copies no foreign key),
    committed. Returns (COPY seconds, COMMIT seconds).

    With foreign_keys=True (informational) the copy also gets the four foreign keys the real
    table has, declared as Django declares them (DEFERRABLE INITIALLY DEFERRED, so PostgreSQL
    checks them row by row at COMMIT), and every row references an ImportRun as the real
    import's rows do."""
    import psycopg

    columns = "employee_id, year, competency_id, level, assessed_on, institution_id"
    with psycopg.connect(libpq_url(url)) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_copy")
        conn.execute("CREATE TABLE bench_copy (LIKE assessments_assessmentresult INCLUDING ALL)")
        run_id = None
        if foreign_keys:
            for column, table in RESULT_FOREIGN_KEYS:
                conn.execute(
                    f"ALTER TABLE bench_copy ADD FOREIGN KEY ({column}) REFERENCES {table} (id) "
                    "DEFERRABLE INITIALLY DEFERRED"
                )
            run_id = conn.execute(
                "INSERT INTO employees_importrun (kind, status, file, original_name, checksum, created_at, "
                "via_command, dry_run, rows, created, updated, unchanged, error_count, warning_count, issues, "
                "progress, message) VALUES ('assessments', 'done', 'bench', 'bench', '', now(), true, false, "
                "0, 0, 0, 0, 0, 0, '[]', 100, '') RETURNING id"
            ).fetchone()[0]
            columns += ", import_run_id"
        conn.commit()
        with conn.cursor() as cursor:
            started = time.perf_counter()
            with cursor.copy(f"COPY bench_copy ({columns}) FROM STDIN") as copy:
                if run_id is None:
                    for record in staged:
                        copy.write_row(record)
                else:
                    for record in staged:
                        copy.write_row((*record, run_id))
            copied_at = time.perf_counter()
            conn.commit()
            committed_at = time.perf_counter()
            copied = conn.execute("SELECT count(*) FROM bench_copy").fetchone()[0]
        conn.execute("DROP TABLE bench_copy")
        if run_id is not None:
            conn.execute("DELETE FROM employees_importrun WHERE id = %s", [run_id])
        conn.commit()
    if copied != len(staged):
        raise AssertionError(f"raw COPY wrote {copied} rows, expected {len(staged)}")
    return copied_at - started, committed_at - copied_at


# --------------------------------------------------------------------------- one size


def bench_size(n: int, url: str, workdir: Path, startup: float) -> dict:
    from assessments.models import Competency

    rng = random.Random(SEED + n)
    print(f"\n=== {n:,} employees ===", flush=True)
    started = time.perf_counter()
    reset_registry()
    employees, institution, units, positions = build_agency(n, rng)
    print(
        f"  agency: {units:,} units, {positions} positions, {len(employees):,} employees "
        f"({time.perf_counter() - started:.1f} s)",
        flush=True,
    )

    competencies = list(Competency.objects.order_by("order", "code").values_list("code", "pk"))
    codes = [code for code, _ in competencies]
    if len(codes) != 9:
        raise AssertionError(f"expected the 9 competencies of the dictionary, found {codes}")
    rows = make_results(employees, rng)
    csv_path, xlsx_path = workdir / f"hasil_{n}.csv", workdir / f"hasil_{n}.xlsx"
    started = time.perf_counter()
    write_csv(csv_path, codes, rows)
    csv_written = time.perf_counter() - started
    started = time.perf_counter()
    write_xlsx(xlsx_path, codes, rows)
    xlsx_written = time.perf_counter() - started
    print(
        f"  files: {csv_path.name} {csv_path.stat().st_size / 2**20:.1f} MB ({csv_written:.1f} s), "
        f"{xlsx_path.name} {xlsx_path.stat().st_size / 2**20:.1f} MB ({xlsx_written:.1f} s)",
        flush=True,
    )
    ids = {nip: pk for pk, nip, _name in employees}
    staged = [
        (ids[nip], YEAR, competency_id, level, day, institution.pk)
        for nip, _name, day, levels in rows
        for (_code, competency_id), level in zip(competencies, levels, strict=True)
    ]
    total = len(staged)
    del rows, employees, ids

    clear_results()
    dry = run_import(csv_path, workdir, dry_run=True)
    if result_count() != 0:
        raise AssertionError("the dry run wrote results")
    print(f"  csv dry-run: {dry['wall']:.2f} s, {dry['rss_mb']:.0f} MB  | {dry['output']}", flush=True)

    real_csv = run_import(csv_path, workdir, dry_run=False)
    if (count := result_count()) != total:
        raise AssertionError(f"CSV import stored {count} results, expected {total}")
    print(
        f"  csv import:  {real_csv['wall']:.2f} s, {real_csv['rss_mb']:.0f} MB  | {real_csv['output']}",
        flush=True,
    )

    clear_results()
    real_xlsx = run_import(xlsx_path, workdir, dry_run=False)
    if (count := result_count()) != total:
        raise AssertionError(f"XLSX import stored {count} results, expected {total}")
    print(
        f"  xlsx import: {real_xlsx['wall']:.2f} s, {real_xlsx['rss_mb']:.0f} MB  | {real_xlsx['output']}",
        flush=True,
    )
    clear_results()

    sample = staged[:SAMPLE_ROWS]
    loop_sample = per_row_loop(sample)
    loop_scaled = loop_sample * total / len(sample)
    if result_count() != 0:
        raise AssertionError("the per-row loop was not rolled back")
    print(
        f"  per-row update_or_create: {len(sample):,} rows in {loop_sample:.2f} s "
        f"-> {loop_scaled:.1f} s scaled to {total:,}",
        flush=True,
    )
    copy_seconds = sum(raw_copy(url, staged))
    print(f"  raw COPY of {total:,} rows: {copy_seconds:.2f} s", flush=True)
    fk_copy, fk_commit = raw_copy(url, staged, foreign_keys=True)
    print(
        f"  raw COPY with the 4 deferred foreign keys: {fk_copy + fk_commit:.2f} s "
        f"(COPY {fk_copy:.2f} s + COMMIT {fk_commit:.2f} s)",
        flush=True,
    )

    return {
        "n": n,
        "rows": total,
        "units": units,
        "positions": positions,
        "dry": dry,
        "csv": real_csv,
        "xlsx": real_xlsx,
        "loop_sample_rows": len(sample),
        "loop_sample": loop_sample,
        "loop": loop_scaled,
        "copy": copy_seconds,
        "fk_copy": fk_copy + fk_commit,
        "fk_commit": fk_commit,
        "startup": startup,
        "csv_mb": csv_path.stat().st_size / 2**20,
        "xlsx_mb": xlsx_path.stat().st_size / 2**20,
    }


# --------------------------------------------------------------------------- report


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def print_size_table(r: dict) -> None:
    n, total = r["n"], r["rows"]
    print()
    print(
        f"--- {n:,} employees: {total:,} result rows, {r['units']:,} units, {r['positions']} positions; "
        f"CSV {r['csv_mb']:.1f} MB, XLSX {r['xlsx_mb']:.1f} MB ---"
    )
    print(f"{'step':<58}{'wall s':>9}{'CPU s':>8}{'peak RSS MB':>13}")
    for label, key in (
        ("import_assessments CSV --dry-run", "dry"),
        ("import_assessments CSV (empty results table)", "csv"),
        ("import_assessments XLSX (empty results table)", "xlsx"),
    ):
        m = r[key]
        print(f"{label:<58}{m['wall']:>9.2f}{m['cpu']:>8.2f}{m['rss_mb']:>13.0f}")
    loop_label = f"per-row update_or_create ({r['loop_sample_rows']:,} rows, scaled x{total / r['loop_sample_rows']:.0f})"
    print(f"{loop_label:<58}{r['loop']:>9.2f}")
    print(f"{'raw psycopg COPY (limit)':<58}{r['copy']:>9.2f}")
    fk_label = f"(info) raw COPY + 4 deferred FKs (of which COMMIT {r['fk_commit']:.2f} s)"
    print(f"{fk_label:<58}{r['fk_copy']:>9.2f}")
    print(
        f"(python + Django start-up of a manage.py child: {r['startup']:.2f} s, included in the wall times)"
    )

    over_copy = r["csv"]["wall"] / r["copy"]
    loop_over = r["loop"] / r["csv"]["wall"]
    rss = r["xlsx"]["rss_mb"]
    print(
        f"ratio CSV import / raw COPY      = {over_copy:6.2f}   target <= {TARGET_IMPORT_OVER_COPY:g}   "
        f"{verdict(over_copy <= TARGET_IMPORT_OVER_COPY)}"
    )
    print(
        f"ratio per-row loop / CSV import  = {loop_over:6.1f}   target >= {TARGET_LOOP_OVER_IMPORT:g}  "
        f"{verdict(loop_over >= TARGET_LOOP_OVER_IMPORT)}"
    )
    if n == TARGET_XLSX_RSS_AT:
        note = verdict(rss <= TARGET_XLSX_RSS_MB)
    else:
        note = f"(target applies at {TARGET_XLSX_RSS_AT:,} employees)"
    print(f"XLSX import peak RSS            = {rss:6.0f} MB  target <= {TARGET_XLSX_RSS_MB:g} MB  {note}")
    net = (r["csv"]["wall"] - r["startup"]) / r["copy"]
    print(f"  (CSV import / raw COPY with the child's start-up excluded = {net:.2f})")
    print(
        f"  (CSV import / raw COPY with the real table's 4 deferred FKs = {r['csv']['wall'] / r['fk_copy']:.2f})"
    )
    print(f"CSV dry-run / CSV import       = {r['dry']['wall'] / r['csv']['wall']:6.2f}", flush=True)


def print_growth(results: list[dict]) -> None:
    print()
    print("--- growth with N: seconds per 1,000 employees (9,000 result rows) ---")
    print(
        f"{'employees':>10}{'CSV import':>12}{'excl. start-up':>16}{'XLSX import':>13}"
        f"{'raw COPY':>10}{'CSV RSS MB':>12}{'XLSX RSS MB':>13}"
    )
    base = None
    for r in results:
        k = r["n"] / 1000
        csv_per_k = r["csv"]["wall"] / k
        net_per_k = (r["csv"]["wall"] - r["startup"]) / k
        base = base or net_per_k
        print(
            f"{r['n']:>10,}{csv_per_k:>12.3f}{net_per_k:>16.3f}{r['xlsx']['wall'] / k:>13.3f}"
            f"{r['copy'] / k:>10.3f}{r['csv']['rss_mb']:>12.0f}{r['xlsx']['rss_mb']:>13.0f}"
        )
    if len(results) > 1:
        first, last = results[0], results[-1]
        growth = ((last["csv"]["wall"] - last["startup"]) / last["n"]) / (
            (first["csv"]["wall"] - first["startup"]) / first["n"]
        )
        print(
            f"CSV import cost per employee at {last['n']:,} vs {first['n']:,}: x{growth:.2f} "
            "(1.00 = linear; start-up excluded)"
        )


# --------------------------------------------------------------------------- main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--employees", type=int, help="a single size (shortcut for --sizes N)")
    group.add_argument(
        "--sizes",
        default=",".join(str(s) for s in DEFAULT_SIZES),
        help="comma-separated numbers of employees (default %(default)s)",
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="do not drop and recreate the database at start"
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        help="keep the generated files and command logs here (default: a temp dir, removed)",
    )
    args = parser.parse_args(argv)
    try:
        sizes = (
            [args.employees]
            if args.employees
            else [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
        )
    except ValueError:
        parser.error(f"--sizes must be numbers separated by commas, not {args.sizes!r}")
    if not sizes or any(s < 1 for s in sizes):
        parser.error("sizes must be positive")
    args.size_list = sizes
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    dbname = check_database_url(url)
    if not Path("/proc/self/status").exists():
        print("note: not Linux; ru_maxrss units may differ", file=sys.stderr)

    keep_files = args.workdir is not None
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="asn_bench_"))
    workdir.mkdir(parents=True, exist_ok=True)
    media_root = Path(tempfile.mkdtemp(prefix="asn_bench_media_"))
    try:
        prepare_database(url, dbname, args.keep_db)
        setup_django(url, media_root)
        # What every subprocess pays before it reads a byte: interpreter + django.setup().
        startup = run_child(["import_assessments", "--help"], workdir / "startup.log")["wall"]
        print(
            f"python {sys.version.split()[0]}, PostgreSQL at {urlsplit(url).hostname}:{urlsplit(url).port or 5432}/"
            f"{dbname}, {os.cpu_count()} CPUs, sizes {', '.join(f'{s:,}' for s in args.size_list)}",
            flush=True,
        )
        results = [bench_size(n, url, workdir, startup) for n in args.size_list]
        print("\n================ results (one run) ================")
        print(f"date: {datetime.datetime.now():%Y-%m-%d %H:%M}; command: python {' '.join(sys.argv)}")
        for r in results:
            print_size_table(r)
        print_growth(results)
    finally:
        shutil.rmtree(media_root, ignore_errors=True)
        if not keep_files:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"\nfiles and logs kept in {workdir}")


if __name__ == "__main__":
    main()
