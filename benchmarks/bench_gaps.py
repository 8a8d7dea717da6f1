#!/usr/bin/env python
"""Benchmark of the gaps app on PostgreSQL: `gaps_compute`, the gap dashboards and lists, and
`manage.py export_gaps`, each against a baseline measured in the same run.

    python benchmarks/bench_gaps.py [--employees 80000] [--units 1000]
                                    [--compute-employees 100000] [--export-employees 100000]
                                    [--requests 20] [--keep-db] [--workdir DIR]

It builds one agency of U units (a tree five levels deep: one root, 10 directorates, the rest
below them; one directorate has exactly 10 child units and one of those exactly 1), positions
of six jenis/jenjang with position standards of several from_years (some in force in 2026,
one from 2027 not yet, some competencies left to the jenis/jenjang defaults), one accredited
institution and the 2026 results of the 9 competencies for every employee (INSERT … SELECT),
then runs `gaps_compute(year=2026)`. The agency only ever grows, so the parts run in order of
their size:

  * dashboards at --employees: Django test Client, DEBUG off, an HR user and the leader of the
    unit with 10 child units; GET /gap/, /gap/?unit=(1 child), /gap/?unit=(10 children),
    /gap/pegawai/ and /kebutuhan-diklat/ --requests times each after a warm-up: median server
    time and the number of queries (which must not depend on the number of child units);
  * gap computation at --compute-employees: `gaps_compute(year=2026)` (median of 3) against one
    hand-written statement, `CREATE TEMP TABLE … AS SELECT` of the same gaps (median of 3); the
    two must give the same rows; then one more run with every statement timed;
  * export at --export-employees: `manage.py export_gaps --year 2026 --output FILE` as a child
    process (wall time, peak RSS) against a raw psycopg `COPY (SELECT …) TO STDOUT` of the same
    rows in the same order into a file; the two files are compared byte for byte.

Database: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/asn_bench). PostgreSQL only,
and its name must contain "bench": it is dropped and recreated at start (unless --keep-db) and
its registry tables are truncated. Helpers come from bench_import_assessments.py.
"""

import argparse
import datetime
import hashlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_import_assessments as base  # noqa: E402

ROOT = base.ROOT
YEAR = base.YEAR  # 2026
SEED = base.SEED

DEFAULT_EMPLOYEES = 80_000
DEFAULT_UNITS = 1_000
DEFAULT_COMPUTE_EMPLOYEES = 100_000
DEFAULT_EXPORT_EMPLOYEES = 100_000
DEFAULT_REQUESTS = 20
COMPUTE_REPEATS = 3
DIRECTORATES = 10

# Targets (the brief).
TARGET_COMPUTE_RATIO = 2.0  # gaps_compute ≤ 2 × one hand-written statement …
TARGET_COMPUTE_AT = 100_000  # … at 100,000 employees
TARGET_PAGE_MS = 150.0  # each page's median server time
TARGET_EXPORT_RSS_MB = 200.0  # export_gaps peak RSS for 100,000 employees × 9

HR_USERNAME = "bench-hr"
LEADER_USERNAME = "bench-leader"

# (code, name, jenis, jenjang, weight in the workforce)
POSITIONS = (
    ("BENCH-PLK", "Pelaksana", "pelaksana", "", 40),
    ("BENCH-PGW", "Pengawas", "pengawas", "", 12),
    ("BENCH-ADM", "Administrator", "administrator", "", 5),
    ("BENCH-JPT", "Kepala Biro", "jpt_pratama", "", 1),
    ("BENCH-FAM", "Analis Ahli Muda", "fungsional", "ahli_muda", 22),
    ("BENCH-FPY", "Pranata Penyelia", "fungsional", "penyelia", 20),
)
# Position standards: (position code, competencies ("all", "perekat" or the first k), from_year,
# level). Rows from 2027 are not in force in 2026; positions or competencies without a row fall
# back to the jenis/jenjang default (BENCH-PLK and BENCH-FPY entirely, BENCH-FAM partly).
STANDARDS = (
    ("BENCH-ADM", "all", 0, 3),
    ("BENCH-ADM", "perekat", 2025, 4),
    ("BENCH-ADM", 2, 2027, 5),
    ("BENCH-PGW", "all", 0, 2),
    ("BENCH-PGW", "perekat", 2026, 3),
    ("BENCH-JPT", "all", 2020, 4),
    ("BENCH-JPT", "perekat", 2024, 5),
    ("BENCH-JPT", "perekat", 2030, 3),
    ("BENCH-FAM", 4, 0, 3),
)


def say(message: str = "") -> None:
    print(message, flush=True)


def fail(message: str) -> None:
    print(f"bench_gaps: {message}", file=sys.stderr)
    sys.exit(2)


def median_ms(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1000


def mark(ok: bool | None) -> str:
    return "" if ok is None else ("✓" if ok else "✗")


# --------------------------------------------------------------------------- the agency


def plan_tree(count: int) -> list[tuple[int | None, int]]:
    """(parent index, depth) for every unit, parents before children. Index 0 is the root,
    1..10 the directorates; directorate 1 ("D0") gets exactly 10 child units, the first of
    which ("C0") gets exactly 1; the rest spread over three more levels."""
    rest = count - 1 - DIRECTORATES
    level2 = max(rest // 10, 10 + (DIRECTORATES - 1))
    level3 = (rest - level2) * 7 // 10
    level4 = rest - level2 - level3
    if level3 < 1:
        fail(f"--units {count} is too small for the tree (at least {1 + DIRECTORATES + level2 + 1})")
    plan: list[tuple[int | None, int]] = [(None, 0)]
    directorates = list(range(1, 1 + DIRECTORATES))
    plan += [(0, 1)] * DIRECTORATES
    d0 = directorates[0]
    others = directorates[1:]
    level2_parents = [d0] * 10 + [others[i % len(others)] for i in range(level2 - 10)]
    first2 = len(plan)
    plan += [(parent, 2) for parent in level2_parents]
    c0 = first2  # the first child of D0
    level2_ids = list(range(first2, first2 + level2))
    spread = [u for u in level2_ids if u != c0]
    level3_parents = [c0] + [spread[i % len(spread)] for i in range(level3 - 1)]
    first3 = len(plan)
    plan += [(parent, 3) for parent in level3_parents]
    level3_ids = list(range(first3, first3 + level3))
    plan += [(level3_ids[i % len(level3_ids)], 4) for i in range(level4)]
    return plan


def build_units(count: int) -> dict:
    """The tree of plan_tree, bulk-created level by level (placeholder paths), then every
    materialized path "/id/id/" computed here and written with one bulk_update."""
    from employees.models import OrgUnit

    plan = plan_tree(count)
    units: list = [None] * len(plan)
    for depth in range(5):
        level = [
            (i, OrgUnit(code=f"U{i:05d}", name=f"Unit {depth}-{i:05d}", path=f"/new-{i}/", depth=depth))
            for i, (parent, d) in enumerate(plan)
            if d == depth
        ]
        for i, unit in level:
            parent = plan[i][0]
            unit.parent_id = units[parent].pk if parent is not None else None
        OrgUnit.objects.bulk_create([unit for _i, unit in level], batch_size=2000)
        for i, unit in level:
            units[i] = unit
    for i, unit in enumerate(units):  # parents come first
        parent = plan[i][0]
        unit.path = f"{units[parent].path if parent is not None else '/'}{unit.pk}/"
    OrgUnit.objects.bulk_update(units, ["path", "depth"], batch_size=1000)
    units[0].name, units[1].name, units[1 + DIRECTORATES].name = (
        "Instansi Benchmark",
        "Direktorat D0 (10 unit anak)",
        "Biro C0 (1 unit anak)",
    )
    OrgUnit.objects.bulk_update([units[0], units[1], units[1 + DIRECTORATES]], ["name"])
    ten, one = units[1], units[1 + DIRECTORATES]
    if OrgUnit.objects.filter(parent=ten).count() != 10 or OrgUnit.objects.filter(parent=one).count() != 1:
        raise AssertionError("the tree lacks its units with 10 and 1 child units")
    for unit in OrgUnit.objects.filter(pk__in=[u.pk for u in units[:: max(1, count // 50)]]):
        saved_path = unit.path
        unit.save()  # the model's own path computation must agree with ours
        if unit.path != saved_path:
            raise AssertionError(f"unit {unit.pk}: path {saved_path} but the model computes {unit.path}")
    return {
        "ids": [u.pk for u in units],
        "ten": ten.pk,
        "one": one.pk,
        "root": units[0].pk,
        "depth": max(d for _p, d in plan),
    }


def build_positions() -> dict[str, int]:
    from assessments.models import Competency, PositionStandard
    from employees.services import position_upsert

    ids = {
        code: position_upsert(code=code, name=name, jenis=jenis, jenjang=jenjang).pk
        for code, name, jenis, jenjang, _weight in POSITIONS
    }
    competencies = list(Competency.objects.order_by("order", "code"))
    if len(competencies) != 9:
        raise AssertionError(f"expected the 9 competencies of the dictionary, found {len(competencies)}")
    rows = []
    for code, which, from_year, level in STANDARDS:
        if which == "all":
            chosen = competencies
        elif which == "perekat":
            chosen = [c for c in competencies if c.code == "perekat_bangsa"]
        else:
            chosen = competencies[:which]
        rows += [
            PositionStandard(position_id=ids[code], competency=c, from_year=from_year, level=level)
            for c in chosen
        ]
    PositionStandard.objects.bulk_create(rows)
    return ids


def build_agency(units: int, rng: random.Random) -> dict:
    from django.contrib.auth.models import Group, User

    from assessments.models import Institution
    from employees.roles import HR_GROUP

    base.reset_registry()
    User.objects.filter(username__in=[HR_USERNAME, LEADER_USERNAME]).delete()
    tree = build_units(units)
    positions = build_positions()
    institution = Institution.objects.create(
        code=base.INSTITUTION_CODE,
        name="Pusat Asesmen Benchmark",
        accreditation_number="BKN/AKR/2025/001",
        accredited_until=datetime.date(2099, 12, 31),
    )
    hr = User.objects.create_user(HR_USERNAME, password=None)
    hr.groups.add(Group.objects.get(name=HR_GROUP))
    return {**tree, "positions": positions, "institution": institution.pk, "hr": hr, "employees": 0}


def grow_agency(agency: dict, total: int, rng: random.Random) -> float:
    """Add employees up to `total` (random units and positions), their 2026 results for the 9
    competencies (one INSERT … SELECT), and, the first time, the leader of the unit with 10
    child units. Returns the seconds it took."""
    from django.contrib.auth.models import User
    from django.db import connection

    from employees.models import Employee, OrgUnit

    have = agency["employees"]
    if total <= have:
        return 0.0
    started = time.perf_counter()
    nips = base.make_nips(total, random.Random(SEED))[have:]
    codes = list(agency["positions"])
    weights = [w for *_rest, w in POSITIONS]
    position_ids = [agency["positions"][c] for c in rng.choices(codes, weights, k=len(nips))]
    unit_ids = agency["ids"]
    Employee.objects.bulk_create(
        (
            Employee(
                nip=nip,
                name=f"{rng.choice(base.FIRST_NAMES)} {rng.choice(base.LAST_NAMES)}",
                unit_id=rng.choice(unit_ids),
                position_id=position_id,
            )
            for nip, position_id in zip(nips, position_ids, strict=True)
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [(SEED % 1000) / 1000])
        cursor.execute(
            """
            INSERT INTO assessments_assessmentresult
                   (employee_id, year, competency_id, level, assessed_on, institution_id)
            SELECT e.id, %(year)s, c.id, (ARRAY[1, 2, 2, 3, 3, 3, 4, 4, 5])[1 + floor(random() * 9)::int],
                   make_date(%(year)s, 1, 1) + floor(random() * 330)::int, %(institution)s
            FROM employees_employee e CROSS JOIN assessments_competency c
            WHERE NOT EXISTS (SELECT 1 FROM assessments_assessmentresult r
                              WHERE r.employee_id = e.id AND r.year = %(year)s)
            """,
            {"year": YEAR, "institution": agency["institution"]},
        )
        for table in ("employees_employee", "employees_orgunit", "assessments_assessmentresult"):
            cursor.execute(f"ANALYZE {table}")
    if "leader" not in agency:
        unit = OrgUnit.objects.get(pk=agency["ten"])
        employee = Employee.objects.filter(unit=unit).order_by("pk").first()
        if employee is None:
            fail("the unit with 10 child units has no employee to lead it; use more --employees")
        employee.user = User.objects.create_user(LEADER_USERNAME, password=None)
        employee.save(update_fields=["user"])
        unit.leader = employee
        unit.save()
        agency["leader"] = employee.user
    agency["employees"] = total
    return time.perf_counter() - started


def compute(year: int = YEAR) -> tuple[float, dict]:
    from gaps.services import gaps_compute

    started = time.perf_counter()
    outcome = gaps_compute(year=year)
    return time.perf_counter() - started, outcome


def vacuum_gaps() -> None:
    """VACUUM ANALYZE the tables gaps_compute rewrites: the steady state of a server where a
    recomputation is minutes or days after the last one, not a back-to-back loop (each run
    deletes and re-inserts the year's 9×N rows), and no autovacuum running during a timing."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in (
            "gaps_competencygap",
            "gaps_jobpersonmatch",
            "gaps_unitcompetencystat",
            "gaps_trainingneed",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")


def prepare(agency: dict, total: int, rng: random.Random) -> None:
    """Grow to `total` employees and recompute the year's gaps (once, untimed)."""
    if total <= agency["employees"]:
        return
    grown = grow_agency(agency, total, rng)
    seconds, outcome = compute()
    vacuum_gaps()
    say(
        f"  agency at {total:,} employees: grown in {grown:.1f} s; gaps_compute {seconds:.1f} s "
        f"({outcome['gaps']:,} gaps, {outcome['employees']:,} JPM, {outcome['needs_created']:,} new needs)"
    )


# --------------------------------------------------------------------------- 2. gap computation

# Written independently of gaps/services.py: the standard in force is the position's row with
# the latest from_year ≤ the year (DISTINCT ON, hash-joined), else the jenis/jenjang default;
# unit and position are those the year was computed with before (its JPM row), else the current
# ones (nobody moves in this benchmark, so both are the same here).
HAND_SELECT = """
WITH in_force AS (
    SELECT DISTINCT ON (position_id, competency_id) position_id, competency_id, level
    FROM assessments_positionstandard
    WHERE from_year <= %(year)s
    ORDER BY position_id, competency_id, from_year DESC
)
SELECT r.employee_id, r.competency_id,
       COALESCE(j.unit_id, e.unit_id) AS unit_id, p.id AS position_id,
       COALESCE(f.level, d.level) AS standard, r.level AS assessed,
       GREATEST(COALESCE(f.level, d.level) - r.level, 0) AS gap
FROM assessments_assessmentresult r
JOIN employees_employee e ON e.id = r.employee_id
LEFT JOIN gaps_jobpersonmatch j ON j.employee_id = r.employee_id AND j.year = r.year
JOIN employees_position p ON p.id = COALESCE(j.position_id, e.position_id)
LEFT JOIN in_force f ON f.position_id = p.id AND f.competency_id = r.competency_id
LEFT JOIN assessments_defaultstandardlevel d ON d.jenis = p.jenis AND d.jenjang = p.jenjang
WHERE r.year = %(year)s AND COALESCE(f.level, d.level) IS NOT NULL
"""


def hand_written(year: int = YEAR) -> float:
    """One statement: the year's gaps into a temporary table. Returns its seconds."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_hand_gap")
        started = time.perf_counter()
        cursor.execute(f"CREATE TEMP TABLE bench_hand_gap AS {HAND_SELECT}", {"year": year})
        return time.perf_counter() - started


def hand_aggregate(year: int = YEAR) -> float:
    """(info) The same SELECT, only counted: no rows written anywhere."""
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(f"SELECT count(*), sum(gap) FROM ({HAND_SELECT}) AS g", {"year": year})
        cursor.fetchone()
        return time.perf_counter() - started


def compare_gaps(year: int = YEAR) -> dict:
    """Totals of both, and how many rows differ either way (must be 0)."""
    from django.db import connection

    columns = "employee_id, competency_id, unit_id, position_id, standard, assessed, gap"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), coalesce(sum(gap), 0), coalesce(sum(standard), 0), count(*) FILTER (WHERE gap > 0) "
            "FROM gaps_competencygap WHERE year = %s",
            [year],
        )
        app = cursor.fetchone()
        cursor.execute(
            "SELECT count(*), coalesce(sum(gap), 0), coalesce(sum(standard), 0), count(*) FILTER (WHERE gap > 0) "
            "FROM bench_hand_gap"
        )
        hand = cursor.fetchone()
        cursor.execute(
            f"SELECT count(*) FROM (SELECT {columns} FROM gaps_competencygap WHERE year = %s "
            f"EXCEPT ALL SELECT {columns} FROM bench_hand_gap) AS only_app",
            [year],
        )
        only_app = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT count(*) FROM (SELECT {columns} FROM bench_hand_gap "
            f"EXCEPT ALL SELECT {columns} FROM gaps_competencygap WHERE year = %s) AS only_hand",
            [year],
        )
        only_hand = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_hand_gap")
    return {"app": app, "hand": hand, "only_app": only_app, "only_hand": only_hand}


def compute_breakdown(year: int = YEAR) -> tuple[float, list[tuple[float, str]]]:
    """One more gaps_compute with every SQL statement timed, the COMMIT included."""
    from django.db import connection, transaction

    timings: list[tuple[float, str]] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - started, " ".join(sql.split())))

    with connection.execute_wrapper(timed):
        started = time.perf_counter()
        with transaction.atomic():
            compute(year)
            before_commit = time.perf_counter()
        ended = time.perf_counter()
    timings.append((ended - before_commit, "COMMIT (deferred foreign-key checks)"))
    return ended - started, timings


def gap_table_facts() -> str:
    """What every inserted gap row costs besides its heap tuple: indexes and foreign keys."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM pg_index WHERE indrelid = 'gaps_competencygap'::regclass), "
            "(SELECT count(*) FROM pg_constraint WHERE conrelid = 'gaps_competencygap'::regclass AND contype = 'f'), "
            "pg_relation_size('gaps_competencygap') / 1048576, pg_indexes_size('gaps_competencygap') / 1048576"
        )
        indexes, fks, heap_mb, index_mb = cursor.fetchone()
    return (
        f"gaps_competencygap: {indexes} indexes, {fks} foreign keys (deferred: checked row by row at COMMIT); "
        f"heap {heap_mb} MB, indexes {index_mb} MB"
    )


def bench_compute(size: int) -> dict:
    say(f"\n=== 2. gap computation at {size:,} employees ===")
    app_runs = []
    for i in range(COMPUTE_REPEATS):
        vacuum_gaps()
        seconds, outcome = compute()
        app_runs.append(seconds)
        say(f"  gaps_compute run {i + 1}: {seconds:.2f} s ({outcome['gaps']:,} gaps)")
    hand_runs = []
    for i in range(COMPUTE_REPEATS):
        hand_runs.append(hand_written())
        say(f"  hand-written CREATE TEMP TABLE … AS SELECT run {i + 1}: {hand_runs[-1]:.2f} s")
    aggregate = statistics.median(hand_aggregate() for _ in range(COMPUTE_REPEATS))
    say(f"  (info) the same SELECT, only counted (median of {COMPUTE_REPEATS}): {aggregate:.2f} s")
    check = compare_gaps()
    say(
        f"  app:  {check['app'][0]:,} gaps, Σgap {check['app'][1]:,}, Σstandard {check['app'][2]:,}, "
        f"{check['app'][3]:,} with gap > 0"
    )
    say(
        f"  hand: {check['hand'][0]:,} gaps, Σgap {check['hand'][1]:,}, Σstandard {check['hand'][2]:,}, "
        f"{check['hand'][3]:,} with gap > 0; rows only in app {check['only_app']}, only in hand {check['only_hand']}"
    )
    if check["app"] != check["hand"] or check["only_app"] or check["only_hand"]:
        raise AssertionError("gaps_compute and the hand-written statement disagree")
    vacuum_gaps()
    total, timings = compute_breakdown()
    say(f"  breakdown of one more gaps_compute ({total:.2f} s, {len(timings)} statements):")
    for seconds, sql in sorted(timings, reverse=True)[:8]:
        say(f"    {seconds:7.2f} s  {sql[:95]}")
    say(f"  {gap_table_facts()}")
    vacuum_gaps()
    return {
        "size": size,
        "app": statistics.median(app_runs),
        "hand": statistics.median(hand_runs),
        "aggregate": aggregate,
        "gaps": check["app"][0],
        "gap_sum": check["app"][1],
        "breakdown_total": total,
        "breakdown": sorted(timings, reverse=True),
    }


# --------------------------------------------------------------------------- 3. dashboards


def bench_pages(agency: dict, requests: int) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.DEBUG = False
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    say(f"\n=== 3. dashboards at {agency['employees']:,} employees, {len(agency['ids']):,} units ===")
    clients = {}
    for role, user in (("HR", agency["hr"]), ("leader", agency["leader"])):
        clients[role] = Client()
        clients[role].force_login(user)
    one, ten = agency["one"], agency["ten"]
    pages = [
        ("HR", "/gap/", "HR /gap/ (root)"),
        ("HR", f"/gap/?unit={one}", "HR /gap/?unit=(1 child)"),
        ("HR", f"/gap/?unit={ten}", "HR /gap/?unit=(10 children)"),
        ("HR", "/gap/pegawai/", "HR /gap/pegawai/"),
        ("HR", "/kebutuhan-diklat/", "HR /kebutuhan-diklat/"),
        ("leader", "/gap/", "leader /gap/ (own unit, 10 children)"),
        ("leader", f"/gap/?unit={one}", "leader /gap/?unit=(1 child)"),
        ("leader", f"/gap/?unit={ten}", "leader /gap/?unit=(10 children)"),
        ("leader", "/gap/pegawai/", "leader /gap/pegawai/"),
    ]
    results = {}
    for role, url, label in pages:
        client = clients[role]
        response = client.get(url)  # warm-up
        if response.status_code != 200:
            fail(f"{label}: GET {url} answered {response.status_code}")
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        # Read now: the log is cleared at the start of every later request.
        captured_queries = list(captured.captured_queries)
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        queries = sorted(captured_queries, key=lambda q: float(q["time"]), reverse=True)
        results[label] = {
            "url": url,
            "median_ms": median_ms(times),
            "max_ms": max(times) * 1000,
            "queries": len(captured_queries),
            "sql_ms": sum(float(q["time"]) for q in captured_queries) * 1000,
            "slowest": [(float(q["time"]) * 1000, " ".join(q["sql"].split())) for q in queries[:3]],
            "bytes": len(response.content),
        }
        r = results[label]
        say(
            f"  {label:<40} median {r['median_ms']:7.1f} ms  (max {r['max_ms']:6.1f})  "
            f"{r['queries']:2d} queries ({r['sql_ms']:5.1f} ms SQL)  {r['bytes'] / 1024:5.0f} KB"
        )
    for label, r in results.items():
        if r["median_ms"] > TARGET_PAGE_MS:
            say(
                f"  over {TARGET_PAGE_MS:g} ms: {label}: SQL {r['sql_ms']:.0f} ms of {r['median_ms']:.0f} ms "
                "(the rest is Python: view, forms, templates); its slowest queries (one captured request):"
            )
            for ms, sql in r["slowest"]:
                say(f"    {ms:8.1f} ms  {sql[:150]}")
    return results


# --------------------------------------------------------------------------- 4. export


EXPORT_COPY = """
COPY (
    SELECT e.nip AS nip, e.name AS nama, u.code AS unit_kode, p.code AS jabatan_kode,
           c.code AS kompetensi, g.standard AS standar, g.assessed AS hasil, g.gap AS gap
    FROM gaps_competencygap g
    JOIN employees_employee e ON e.id = g.employee_id
    JOIN employees_orgunit u ON u.id = g.unit_id
    JOIN employees_position p ON p.id = g.position_id
    JOIN assessments_competency c ON c.id = g.competency_id
    WHERE g.year = {year}
    ORDER BY e.nip, c.code
) TO STDOUT (FORMAT csv, HEADER)
"""


# A child's ru_maxrss starts from its parent's peak RSS: fork/vfork + exec keep the parent's
# high-water mark (Linux copies it into the child's maxrss at exec). This process holds the
# agency and is far bigger than a fresh `manage.py`, so the child is started through a small
# Python launcher and its peak RSS is the one the launcher reads with wait4.
LAUNCHER = (
    "import os, subprocess, sys\n"
    "proc = subprocess.Popen(sys.argv[2:])\n"
    "_pid, status, usage = os.wait4(proc.pid, 0)\n"
    "with open(sys.argv[1], 'w') as out:\n"
    "    out.write(f'{usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}')\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def run_manage(args: list[str], log: Path) -> dict:
    """`python manage.py ARGS` (through LAUNCHER), stdout to /dev/null, stderr to `log`: wall s,
    peak RSS and CPU s of the manage.py process itself, exit status."""
    usage_file = log.with_suffix(".usage")
    with open(log, "w") as err:
        started = time.perf_counter()
        code = subprocess.call(
            [sys.executable, "-c", LAUNCHER, str(usage_file), sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        wall = time.perf_counter() - started
    if code != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
        fail(f"manage.py {' '.join(args)} exited {code}:\n{tail}")
    maxrss_kib, cpu = usage_file.read_text().split()
    return {"wall": wall, "rss_mb": int(maxrss_kib) / 1024, "cpu": float(cpu)}


def own_peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def raw_copy_export(url: str, path: Path) -> float:
    import psycopg

    with psycopg.connect(base.libpq_url(url)) as conn, conn.cursor() as cursor, open(path, "wb") as out:
        started = time.perf_counter()
        with cursor.copy(EXPORT_COPY.format(year=int(YEAR))) as copy:
            for chunk in copy:
                out.write(chunk)
        return time.perf_counter() - started


def digest(path: Path) -> tuple[str, int]:
    sha, lines = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
            lines += block.count(b"\n")
    return sha.hexdigest(), lines


def bench_export(size: int, url: str, workdir: Path) -> dict:
    say(f"\n=== 4. export_gaps at {size:,} employees ===")
    startup = run_manage(["export_gaps", "--help"], workdir / "startup.log")
    output = workdir / "export_gaps.csv"
    child = run_manage(["export_gaps", "--year", str(YEAR), "--output", str(output)], workdir / "export.log")
    baseline_path = workdir / "copy.csv"
    copy_seconds = raw_copy_export(url, baseline_path)
    (app_sha, app_lines), (copy_sha, copy_lines) = digest(output), digest(baseline_path)
    same = app_sha == copy_sha
    say(
        f"  export_gaps: {child['wall']:.2f} s wall, {child['cpu']:.2f} s CPU, {child['rss_mb']:.0f} MB peak RSS, "
        f"{app_lines - 1:,} rows, {output.stat().st_size / 2**20:.1f} MB "
        f"(python + Django start-up {startup['wall']:.2f} s, {startup['rss_mb']:.0f} MB; "
        f"this benchmark's own process: {own_peak_rss_mb():.0f} MB)"
    )
    say(
        f"  raw COPY (SELECT …) TO STDOUT: {copy_seconds:.2f} s, {copy_lines - 1:,} rows; "
        f"files {'identical' if same else 'DIFFER'}"
    )
    if app_lines != copy_lines:
        raise AssertionError(f"export_gaps wrote {app_lines} lines, the COPY {copy_lines}")
    return {
        "size": size,
        "rows": app_lines - 1,
        "wall": child["wall"],
        "cpu": child["cpu"],
        "rss_mb": child["rss_mb"],
        "startup": startup["wall"],
        "startup_rss": startup["rss_mb"],
        "copy": copy_seconds,
        "identical": same,
    }


# --------------------------------------------------------------------------- report


def print_report(args, agency: dict, pages: dict, comp: dict, export: dict, built: float) -> None:
    say("\n================ results (one run) ================")
    say(f"date: {datetime.datetime.now():%Y-%m-%d %H:%M}; command: python {' '.join(sys.argv)}")
    say(
        f"agency: {len(agency['ids']):,} units ({agency['depth'] + 1} levels), {len(agency['positions'])} positions, "
        f"1 institution, 9 competencies, year {YEAR}; built (with the untimed gaps_compute) in {built:.0f} s"
    )
    rows: list[tuple[str, str, str, str]] = []
    ratio = comp["app"] / comp["hand"]
    at_target = comp["size"] >= TARGET_COMPUTE_AT
    rows.append((f"gaps_compute, {comp['size']:,} employees (median of 3)", f"{comp['app']:.2f} s", "", ""))
    rows.append(("hand-written CREATE TEMP TABLE … AS SELECT (median of 3)", f"{comp['hand']:.2f} s", "", ""))
    rows.append(
        (
            "gaps_compute ÷ hand-written",
            f"{ratio:.2f}",
            f"≤ {TARGET_COMPUTE_RATIO:g}" + ("" if at_target else f" (at {TARGET_COMPUTE_AT:,})"),
            mark(ratio <= TARGET_COMPUTE_RATIO),
        )
    )
    rows.append(("(info) same SELECT, counted only", f"{comp['aggregate']:.2f} s", "", ""))
    for label, r in pages.items():
        rows.append(
            (
                f"{label}, median of {args.requests}",
                f"{r['median_ms']:.1f} ms",
                f"≤ {TARGET_PAGE_MS:g} ms",
                mark(r["median_ms"] <= TARGET_PAGE_MS),
            )
        )
    for role in ("HR", "leader"):
        q1 = pages[f"{role} /gap/?unit=(1 child)"]["queries"]
        q10 = pages[f"{role} /gap/?unit=(10 children)"]["queries"]
        rows.append(
            (f"{role}: queries, unit with 1 vs 10 child units", f"{q1} vs {q10}", "equal", mark(q1 == q10))
        )
    rows.append(
        (
            "queries: HR /gap/pegawai/, /kebutuhan-diklat/; leader /gap/pegawai/",
            f"{pages['HR /gap/pegawai/']['queries']}, {pages['HR /kebutuhan-diklat/']['queries']}; "
            f"{pages['leader /gap/pegawai/']['queries']}",
            "",
            "",
        )
    )
    rows.append(
        (
            f"export_gaps, {export['rows']:,} rows: wall",
            f"{export['wall']:.2f} s",
            "",
            "",
        )
    )
    big = export["rows"] >= 900_000
    rows.append(
        (
            "export_gaps peak RSS",
            f"{export['rss_mb']:.0f} MB",
            f"≤ {TARGET_EXPORT_RSS_MB:g} MB" + ("" if big else " (at 900,000 rows)"),
            mark(export["rss_mb"] <= TARGET_EXPORT_RSS_MB),
        )
    )
    rows.append(("raw COPY (SELECT …) TO STDOUT of the same rows", f"{export['copy']:.2f} s", "", ""))
    rows.append(("export_gaps ÷ raw COPY", f"{export['wall'] / export['copy']:.1f}", "", ""))
    rows.append(
        (
            "  … start-up excluded",
            f"{(export['wall'] - export['startup']) / export['copy']:.1f}",
            "",
            "",
        )
    )
    rows.append(
        ("export_gaps file = COPY file, byte for byte", "yes" if export["identical"] else "no", "", "")
    )
    width = max(len(r[0]) for r in rows) + 2
    say(f"{'measure':<{width}}{'figure':>16}  {'target':<28}")
    for label, figure, target, ok in rows:
        say(f"{label:<{width}}{figure:>16}  {target:<28}{ok}")


# --------------------------------------------------------------------------- main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=DEFAULT_EMPLOYEES, help="for the dashboards")
    parser.add_argument("--units", type=int, default=DEFAULT_UNITS)
    parser.add_argument("--compute-employees", type=int, default=DEFAULT_COMPUTE_EMPLOYEES)
    parser.add_argument("--export-employees", type=int, default=DEFAULT_EXPORT_EMPLOYEES)
    parser.add_argument("--requests", type=int, default=DEFAULT_REQUESTS, help="timed requests per page")
    parser.add_argument("--keep-db", action="store_true", help="do not drop and recreate the database")
    parser.add_argument("--workdir", type=Path, help="keep the export files and logs here")
    args = parser.parse_args(argv)
    for name in ("employees", "units", "compute_employees", "export_employees", "requests"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL") or base.DEFAULT_DATABASE_URL
    dbname = base.check_database_url(url)
    keep_files = args.workdir is not None
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="asn_bench_gaps_"))
    workdir.mkdir(parents=True, exist_ok=True)
    media_root = Path(tempfile.mkdtemp(prefix="asn_bench_media_"))
    try:
        base.prepare_database(url, dbname, args.keep_db)
        base.setup_django(url, media_root)
        parts = urlsplit(url)
        say(
            f"python {sys.version.split()[0]}, PostgreSQL at {parts.hostname}:{parts.port or 5432}/{dbname}, "
            f"{os.cpu_count()} CPUs; dashboards at {args.employees:,}, computation at "
            f"{args.compute_employees:,}, export at {args.export_employees:,} employees; {args.units:,} units"
        )
        rng = random.Random(SEED)
        started = time.perf_counter()
        agency = build_agency(args.units, rng)
        built = time.perf_counter() - started
        say(f"  units, positions, standards, institution, HR user: {built:.1f} s")
        # The agency only grows: run the parts from the smallest size up.
        parts_by_size = sorted(
            [
                (args.employees, 0, "pages"),
                (args.compute_employees, 1, "compute"),
                (args.export_employees, 2, "export"),
            ]
        )
        pages = comp = export = None
        for size, _order, part in parts_by_size:
            grow_started = time.perf_counter()
            prepare(agency, size, rng)
            built += time.perf_counter() - grow_started
            if part == "pages":
                pages = bench_pages(agency, args.requests)
            elif part == "compute":
                comp = bench_compute(size)
            else:
                export = bench_export(size, url, workdir)
        print_report(args, agency, pages, comp, export, built)
    finally:
        shutil.rmtree(media_root, ignore_errors=True)
        if keep_files:
            say(f"\nfiles and logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
