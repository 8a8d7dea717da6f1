#!/usr/bin/env python
"""Load benchmark of taking a test: many participants saving answers at once, on PostgreSQL
behind gunicorn, the load coming from locust (headless) in a second process, all in one run.

    python benchmarks/bench_answer_load.py [--users 500] [--questions 30] [--spawn-seconds 10]
                                           [--wait 2,6] [--workers 3] [--threads 4] [--keep-alive 75]
                                           [--sat-users 50] [--sat-seconds 20] [--sat-rounds 2]
                                           [--skip throughput,restart,profile] [--quiet-wait 120]
                                           [--quick] [--workdir DIR]

  1. database: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/asn_load_bench); PostgreSQL
     only, its name must contain "bench": it is dropped, recreated and migrated;
  2. seed: U employees with logins (one password hash, made once), a learning space, a Perekat
     Bangsa bank of 2×N questions (4 options each), its pre- and post-test of N questions (parallel
     forms, `quizzes_prepare`) open now, all U enrolled; one logged-in session per participant
     written straight to the session store with a CSRF secret (no password hashing, no login
     requests in the figures), into participants.json for the load process;
  3. gunicorn on 127.0.0.1 with the production settings (benchmarks/answer_load_settings.py:
     production's, static files collected into a temporary folder), gthread workers, a keep-alive
     longer than a participant's pause (as behind a proxy);
  4. human pace: locust, U users spawned within --spawn-seconds; each starts the pre-test (POST),
     opens the attempt page, answers its N questions in their stored order, waiting --wait s
     (uniform) before each answer, and stops. Every acknowledged save is written down by the
     load process;
  5. acknowledged vs stored: the acknowledged (attempt, question, option) set must equal
     elearning_answer's rows for the pre-test's attempts; answer-save p50/p95/p99 (client side,
     and server side from gunicorn's access log), errors by kind;
  6. throughput: closed loop (no wait) at --sat-users concurrency for --sat-seconds each, GET
     /healthz (no database) then re-saving answers of the pre-test's attempts (one attempt per
     user, seq increasing), --sat-rounds times alternately: req/s of each and the ratio;
  7. restart: the human-pace run again on the post-test (fresh attempts); when half the answers
     are acknowledged, SIGTERM to gunicorn's master, and as soon as it has exited a new one is
     started. Clients retry like the page's JS (same seq, backoff 1 s … 15 s, until 200 or 409).
     Every acknowledged answer must be stored;
  8. where the time goes: the same requests in this process (Django test Client, same
     settings): wall, Python CPU and the PostgreSQL backend's CPU per request, every answer-save
     statement and COMMIT timed, a cProfile breakdown.

Each part first waits (--quiet-wait) for the machine to be idle; the CPU used by gunicorn, locust,
PostgreSQL and anything else is printed for every load run (other work on a shared machine
disturbs every figure).

Over plain http a client keeps no Secure cookie and production redirects to https: the load
process plays the TLS proxy and browser (X-Forwarded-Proto: https, its own Cookie header,
X-CSRFToken and Origin), so the server runs production's settings unchanged.
"""

import argparse
import datetime
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_import_assessments as base  # noqa: E402

ROOT = base.ROOT
HERE = Path(__file__).resolve().parent
LOCUSTFILE = HERE / "locustfile_answers.py"
SETTINGS_MODULE = "benchmarks.answer_load_settings"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/asn_load_bench"
SEED = 20260101

DEFAULT_USERS = 500
DEFAULT_QUESTIONS = 30
DEFAULT_SPAWN_SECONDS = 10.0
DEFAULT_WAIT = (2.0, 6.0)
DEFAULT_WORKERS = 3
DEFAULT_THREADS = 4
# Above the longest pause between two requests of a participant, as behind a proxy (gunicorn's
# advice); with gunicorn's default of 2 s, a client reusing a connection the server is closing
# at that moment gets it closed under its request (HTTPConnectionClosed): see the README.
DEFAULT_KEEP_ALIVE = 75.0
DEFAULT_SAT_USERS = 50
DEFAULT_SAT_SECONDS = 20.0
DEFAULT_SAT_ROUNDS = 2
SAT_WARMUP_S = 3.0  # requests finishing in the first seconds of a closed-loop run are not counted
GIVE_UP_S = 240.0  # a client stops retrying one save after this long (a bound for the benchmark)
PASSWORD = "bench-load-2026"  # noqa: S105 (every participant's; hashed once)

# Targets (the issue).
TARGET_P95_MS = 150.0
TARGET_RATIO = 0.5

SUCCESS = {"start": "302", "page": "200", "answer": "200", "healthz": "200"}


def say(message: str = "") -> None:
    print(message, flush=True)


def fail(message: str) -> None:
    print(f"bench_answer_load: {message}", file=sys.stderr)
    sys.exit(2)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil
    return ordered[int(rank) - 1]


def mark(ok: bool | None) -> str:
    return "" if ok is None else ("PASS" if ok else "FAIL")


# --------------------------------------------------------------------------- 1. database


def check_database_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in base.POSTGRES_SCHEMES:
        fail(
            f"this benchmark runs on PostgreSQL only, but DATABASE_URL is {parts.scheme or url!r}.\n"
            f"Set DATABASE_URL=postgres://USER@HOST:PORT/asn_load_bench (default {DEFAULT_DATABASE_URL})."
        )
    dbname = parts.path.lstrip("/")
    if not dbname or "bench" not in dbname:
        fail(
            f"refusing to use database {dbname!r}: the benchmark drops and recreates its database, "
            "so its name must contain 'bench' (e.g. asn_load_bench)."
        )
    return dbname


def server_environment(url: str, static_root: Path, media_root: Path, secret_key: str) -> dict:
    """The environment of gunicorn and of this process's Django: production settings."""
    env = os.environ.copy()
    for name in ("DJANGO_DEBUG", "SECURE_SSL_REDIRECT", "CONN_MAX_AGE"):
        env.pop(name, None)  # production's own defaults
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
            "SECRET_KEY": secret_key,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "BENCH_STATIC_ROOT": str(static_root),
            "MEDIA_ROOT": str(media_root),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def setup(url: str, dbname: str, env: dict) -> None:
    base.prepare_database(url, dbname, keep=False)
    os.environ.update(
        {
            k: env[k]
            for k in (
                "DJANGO_SETTINGS_MODULE",
                "SECRET_KEY",
                "ALLOWED_HOSTS",
                "BENCH_STATIC_ROOT",
                "LOG_LEVEL",
            )
        }
    )
    for name in ("DJANGO_DEBUG", "SECURE_SSL_REDIRECT", "CONN_MAX_AGE"):
        os.environ.pop(name, None)
    base.setup_django(url, Path(env["MEDIA_ROOT"]))  # django.setup() and migrate
    from django.conf import settings
    from django.core.management import call_command

    if settings.DEBUG:
        fail("the production settings should have DEBUG off")
    started = time.perf_counter()
    call_command("collectstatic", interactive=False, verbosity=0)
    say(f"collectstatic (into {settings.STATIC_ROOT}): {time.perf_counter() - started:.1f} s")


# --------------------------------------------------------------------------- 2. seed


def seed(users: int, questions: int) -> dict:
    """Participants with logins, one space, a 2×N bank, pre- and post-test open now, sessions."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import connection, transaction
    from django.middleware.csrf import _get_new_csrf_string
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from assessments.models import PEREKAT_BANGSA, Competency
    from elearning.models import Course, Enrolment, LearningSpace, Option, Question
    from elearning.services.quizzes import quizzes_prepare
    from employees.models import Employee, Jenis, OrgUnit
    from employees.services import position_upsert

    started = time.perf_counter()
    competency = Competency.objects.get(code=PEREKAT_BANGSA)
    with transaction.atomic():
        unit = OrgUnit.objects.create(code="BENCH-LOAD", name="Unit Benchmark Beban")
        position = position_upsert(
            code="BENCH-LOAD", name="Pelaksana Benchmark", jenis=Jenis.PELAKSANA, jenjang=""
        )
        hashed = make_password(PASSWORD)  # once: every participant has the same password
        nips = base.make_nips(users, __import__("random").Random(SEED))
        accounts = User.objects.bulk_create([User(username=nip, password=hashed) for nip in nips])
        employees = Employee.objects.bulk_create(
            [
                Employee(nip=nip, name=f"Peserta {n:04d}", unit=unit, position=position, user=account)
                for n, (nip, account) in enumerate(zip(nips, accounts, strict=True), start=1)
            ]
        )
        bank = Question.objects.bulk_create(
            [
                Question(
                    competency=competency,
                    level=n % 5 + 1,
                    code=f"LOAD-{n:04d}",
                    text=f"Soal beban nomor {n}: manakah sikap yang paling mencerminkan perekat bangsa?",
                )
                for n in range(1, 2 * questions + 1)
            ]
        )
        Option.objects.bulk_create(
            [
                Option(question=q, position=p, text=f"Pilihan {p} untuk soal {q.code}", is_correct=p == 1)
                for q in bank
                for p in range(1, 5)
            ]
        )
        today = timezone.localdate()
        course = Course.objects.create(code="bench-load", title="Kursus Benchmark Beban")
        space = LearningSpace.objects.create(
            course=course,
            title="Kelas Benchmark Beban",
            starts_on=today,
            ends_on=today + datetime.timedelta(days=2),
        )
        Enrolment.objects.bulk_create([Enrolment(space=space, employee=e) for e in employees])
        pre, post = quizzes_prepare(
            space=space,
            competency=competency,
            question_count=questions,
            parallel=True,
            time_limit_minutes=120,
            seed=SEED,
        )
        now = timezone.now()
        for quiz in (pre, post):
            quiz.opens_at, quiz.closes_at = (
                now - datetime.timedelta(hours=1),
                now + datetime.timedelta(hours=8),
            )
            quiz.save(update_fields=["opens_at", "closes_at"])
        # One logged-in session per participant, as django.contrib.auth.login() leaves it.
        store = SessionStore()
        expires = now + datetime.timedelta(days=1)
        participants, sessions = [], []
        for account in accounts:
            key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
            data = {
                SESSION_KEY: str(account.pk),
                BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                HASH_SESSION_KEY: account.get_session_auth_hash(),
            }
            sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
            participants.append({"user": account.username, "session": key, "csrf": _get_new_csrf_string()})
        Session.objects.bulk_create(sessions)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    say(
        f"seeded {users:,} participants (logins + sessions), a bank of {len(bank)} questions, pre-test "
        f"#{pre.pk} and post-test #{post.pk} of {questions} questions each, all enrolled: "
        f"{time.perf_counter() - started:.1f} s"
    )
    return {"pre": pre.pk, "post": post.pk, "participants": participants, "space": space.pk}


# --------------------------------------------------------------------------- 3. gunicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """One gunicorn master at a time on a fixed port; logs appended to the workdir."""

    ACCESS_FORMAT = "%(U)s %(s)s %(D)s %(p)s"  # path, status, microseconds, worker

    def __init__(self, args, env: dict, workdir: Path, port: int):
        self.args, self.env, self.workdir, self.port = args, env, workdir, port
        self.proc: subprocess.Popen | None = None
        self.access_log = workdir / "gunicorn-access.log"
        self.error_log = workdir / "gunicorn-error.log"
        self.starts = 0

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}",
            "--worker-class", self.args.worker_class,
            "--workers", str(self.args.workers),
            "--threads", str(self.args.threads),
            "--backlog", "2048",
            "--keep-alive", f"{self.args.keep_alive:g}",
            "--access-logfile", str(self.access_log),
            "--access-logformat", self.ACCESS_FORMAT,
            "--error-logfile", str(self.error_log),
            "--chdir", str(ROOT),
        ]  # fmt: skip

    def describe(self) -> str:
        return (
            f"gunicorn {self.args.workers} × {self.args.worker_class}"
            + (f" ({self.args.threads} threads each)" if self.args.worker_class == "gthread" else "")
            + f", keep-alive {self.args.keep_alive:g} s, on 127.0.0.1:{self.port}; settings {SETTINGS_MODULE}"
            " (production), CONN_MAX_AGE 60"
        )

    def start(self) -> float:
        """Start a master and wait until /healthz answers; the seconds it took."""
        started = time.time()
        self.starts += 1
        with open(self.error_log, "a") as err:
            err.write(f"\n=== start {self.starts} at {started:.3f} ===\n")
        self.proc = subprocess.Popen(
            self.command(),
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while time.time() - started < 60:
            if self.proc.poll() is not None:
                fail(f"gunicorn exited with {self.proc.returncode}; see {self.error_log}")
            if healthz(self.port):
                # every worker booted: warm each one (imports, connection) with a few requests
                for _ in range(4 * self.args.workers):
                    healthz(self.port)
                return time.time() - started
            time.sleep(0.05)
        fail("gunicorn did not answer /healthz within 60 s")
        return 0.0

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60.0) -> float:
        """Signal the master and wait for it to exit; the seconds it took."""
        if self.proc is None or self.proc.poll() is not None:
            return 0.0
        started = time.time()
        self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return time.time() - started

    def pids(self) -> list[int]:
        import psutil

        if self.proc is None or self.proc.poll() is not None:
            return []
        master = psutil.Process(self.proc.pid)
        return [master.pid] + [c.pid for c in master.children(recursive=True)]


def healthz(port: int) -> bool:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 (loopback)
            return response.status == 200
    except OSError:
        return False


def access_log_slice(log: Path, start: int) -> dict[str, list[tuple[int, float]]]:
    """{name: [(status, ms)]} for the access-log lines written from byte `start` on."""
    rows: dict[str, list[tuple[int, float]]] = defaultdict(list)
    if not log.exists():
        return rows
    with open(log, "rb") as handle:
        handle.seek(start)
        for line in handle.read().decode(errors="replace").splitlines():
            parts = line.split()
            if len(parts) != 4 or not parts[1].isdigit():
                continue
            path, status, micros, worker = parts[0], int(parts[1]), int(parts[2]), parts[3]
            if path.endswith("/jawab/"):
                name = "answer"
            elif path.endswith("/mulai/"):
                name = "start"
            elif path == "/healthz":
                name = "healthz"
            elif path.startswith("/belajar/pengerjaan/"):
                name = "page"
            else:
                name = path
            rows[name].append((status, micros / 1000))
            rows[f"worker:{name}"].append((worker, 0.0))
    return rows


def log_size(log: Path) -> int:
    return log.stat().st_size if log.exists() else 0


# --------------------------------------------------------------------------- CPU accounting


class CpuMeter:
    """CPU seconds used during a load run by gunicorn (master + workers, across a restart), the
    load process, PostgreSQL (the backends connected to the benchmark's database; WAL writer and
    checkpointer not included) and the whole machine (busy time, /proc/stat). Processes are
    sampled about once a second: one that starts and ends between two samples is missed, and
    one that ends counts up to its last sample."""

    def __init__(self, dbname: str):
        import psutil

        self.psutil, self.dbname = psutil, dbname

    def _machine_busy(self) -> float:
        t = self.psutil.cpu_times()
        return t.user + t.system + t.nice + getattr(t, "irq", 0) + getattr(t, "softirq", 0)

    def _groups(self, gunicorn: "Gunicorn", locust_pid: int) -> dict[str, dict[int, float]]:
        psutil = self.psutil
        found: dict[str, dict[int, float]] = {"gunicorn": {}, "load": {}, "postgres": {}, "bench": {}}
        groups = (("gunicorn", gunicorn.pids()), ("load", self._tree(locust_pid)), ("bench", [os.getpid()]))
        for key, pids in groups:
            for pid in pids:
                try:
                    t = psutil.Process(pid).cpu_times()
                    found[key][pid] = t.user + t.system
                except psutil.Error:
                    pass
        for proc in psutil.process_iter(["name", "cmdline", "cpu_times"]):
            # a backend's title: "postgres: [VERSION/CLUSTER: ]USER DBNAME HOST(PORT) STATE"
            title = " ".join(proc.info["cmdline"] or [])
            if proc.info["name"] == "postgres" and f" {self.dbname} " in title and proc.info["cpu_times"]:
                t = proc.info["cpu_times"]
                found["postgres"][proc.pid] = t.user + t.system
        return found

    def _tree(self, pid: int) -> list[int]:
        try:
            return [pid] + [c.pid for c in self.psutil.Process(pid).children(recursive=True)]
        except self.psutil.Error:
            return []

    def start(self, gunicorn: "Gunicorn", locust_pid: int) -> None:
        self.gunicorn, self.locust_pid = gunicorn, locust_pid
        self.t0, self.busy0 = time.time(), self._machine_busy()
        self.first = self._groups(gunicorn, locust_pid)
        self.last = {key: dict(values) for key, values in self.first.items()}
        self.sampled = time.time()

    def sample(self, force: bool = False) -> None:
        if not force and time.time() - self.sampled < 1.0:
            return
        for key, values in self._groups(self.gunicorn, self.locust_pid).items():
            self.last[key].update(values)
        self.t1, self.busy1, self.sampled = time.time(), self._machine_busy(), time.time()

    def result(self) -> dict | None:
        if not hasattr(self, "t1") or self.t1 <= self.t0:
            return None
        wall = self.t1 - self.t0
        d = {"wall": wall, "machine": (self.busy1 - self.busy0) / wall}
        for key, values in self.last.items():
            d[key] = sum(v - self.first[key].get(pid, 0.0) for pid, v in values.items()) / wall
        d["others"] = max(d["machine"] - d["gunicorn"] - d["load"] - d["postgres"] - d["bench"], 0.0)
        return d


def cores_text(d: dict) -> str:
    return (
        f"CPU (cores busy): gunicorn {d['gunicorn']:.2f}, locust {d['load']:.2f}, "
        f"PostgreSQL {d['postgres']:.2f}, this script {d['bench']:.2f}, anything else {d['others']:.2f}; "
        f"whole machine {d['machine']:.2f} "
        f"of {os.cpu_count()}"
        + ("  ← other work on the machine: figures disturbed" if d["others"] > 0.25 else "")
    )


def machine_quiet(max_busy: float = 0.25, settle_s: float = 2.0, patience_s: float = 0.0) -> float:
    """Wait (up to patience_s) until the machine's busy cores over settle_s stay under max_busy;
    returns the last measure. Other people's work on a shared machine disturbs every figure."""
    import psutil

    deadline = time.time() + patience_s
    while True:
        busy = psutil.cpu_percent(interval=settle_s) / 100 * (os.cpu_count() or 1)
        if busy < max_busy or time.time() >= deadline:
            return busy


# --------------------------------------------------------------------------- the load process


def run_locust(
    args,
    workdir: Path,
    name: str,
    config: dict,
    *,
    user_class: str,
    users: int,
    rate: float,
    run_time: float,
    gunicorn: Gunicorn,
    meter: CpuMeter,
    during=None,
) -> dict:
    """Start locust headless with `config` and wait for it; `during(proc)` is polled meanwhile."""
    out = workdir / name
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    config = {
        **config,
        "out": str(out),
        "origin": f"https://127.0.0.1:{gunicorn.port}",
    }
    config_path = out / "config.json"
    config_path.write_text(json.dumps(config))
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
        "-u", str(users), "-r", f"{rate:g}", "-t", f"{int(run_time)}s", "--stop-timeout", "5",
        "--host", f"http://127.0.0.1:{gunicorn.port}", "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    command.append(user_class)
    env = {**os.environ, "BENCH_LOAD_CONFIG": str(config_path)}
    log_offset = log_size(gunicorn.access_log)
    log = open(out / "locust.log", "w")  # noqa: SIM115
    started = time.time()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    meter.start(gunicorn, proc.pid)
    extra = {}
    while proc.poll() is None:
        if during is not None:
            extra.update(during(proc, out) or {})
        time.sleep(0.2)
        if proc.poll() is None:
            meter.sample()  # about once a second, while locust lives
    log.close()
    wall = time.time() - started
    if "Traceback" in (out / "locust.log").read_text():
        say(f"  ! the load process logged a traceback: see {out / 'locust.log'}")
    cpu = meter.result()
    return {
        "out": out,
        "wall": wall,
        "started": started,
        "returncode": proc.returncode,
        "cpu": cpu,
        "server": access_log_slice(gunicorn.access_log, log_offset),
        **extra,
    }


def read_requests(out: Path) -> list[tuple[float, str, str, float, int]]:
    rows = []
    for path in sorted(out.glob("requests-*.tsv")):
        for line in path.read_text().splitlines():
            t, name, status, ms, try_no = line.split("\t")
            rows.append((float(t), name, status, float(ms), int(try_no)))
    rows.sort()
    return rows


def read_acks(out: Path) -> dict[tuple[int, int], tuple[int, int]]:
    """{(attempt, question): (option, seq)}: the latest acknowledged save of each question."""
    acks: dict[tuple[int, int], tuple[int, int]] = {}
    for path in sorted(out.glob("acks-*.tsv")):
        for line in path.read_text().splitlines():
            attempt, question, option, seq = (int(x) for x in line.split("\t"))
            known = acks.get((attempt, question))
            if known is None or seq >= known[1]:
                acks[(attempt, question)] = (option, seq)
    return acks


def count_acks(out: Path) -> int:
    return sum(sum(1 for _ in open(p)) for p in out.glob("acks-*.tsv"))


# --------------------------------------------------------------------------- 4/5/7. human pace


def stored_answers(quiz_pk: int) -> tuple[set[tuple[int, int, int]], int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attempt_id, a.question_id, a.option_id FROM elearning_answer a "
            "JOIN elearning_attempt t ON t.id = a.attempt_id WHERE t.quiz_id = %s",
            [quiz_pk],
        )
        rows = set(cursor.fetchall())
        cursor.execute("SELECT count(*) FROM elearning_attempt WHERE quiz_id = %s", [quiz_pk])
        attempts = cursor.fetchone()[0]
    connection.close()
    return rows, attempts


def human_run(args, workdir, label, quiz_pk, seeded, gunicorn, meter, *, restart: bool) -> dict:
    users, questions = args.users, args.questions
    expected = users * questions
    config = {
        "mode": "human",
        "quiz": quiz_pk,
        "wait": list(args.wait),
        "questions": questions,
        "users": users,
        "give_up_s": GIVE_UP_S,
        "participants": seeded["participants"][:users],
    }
    rate = users / args.spawn_seconds
    run_time = args.spawn_seconds + questions * args.wait[1] + GIVE_UP_S + 60  # a bound only
    events: dict = {}

    def during(proc, out):
        if not restart or "sigterm_at" in events:
            return None
        acked = count_acks(out)
        if acked < expected / 2:
            return None
        events["acked_at_restart"] = acked
        events["sigterm_at"] = time.time()
        events["stop_s"] = gunicorn.stop(signal.SIGTERM)
        events["exited_at"] = time.time()
        events["boot_s"] = gunicorn.start()
        events["ready_at"] = time.time()
        say(
            f"  restart: SIGTERM at {events['acked_at_restart']:,} of {expected:,} answers acknowledged; "
            f"old master gone after {events['stop_s']:.2f} s, new one serving after {events['boot_s']:.2f} s "
            f"(no server for {events['ready_at'] - events['sigterm_at']:.2f} s in all)"
        )
        return None

    say(
        f"  {users:,} users spawned at {rate:g}/s (within {args.spawn_seconds:g} s), {questions} answers each, "
        f"waiting {args.wait[0]:g}–{args.wait[1]:g} s (uniform) before each answer"
    )
    result = run_locust(
        args,
        workdir,
        label,
        config,
        user_class="Participant",
        users=users,
        rate=rate,
        run_time=run_time,
        gunicorn=gunicorn,
        meter=meter,
        during=during,
    )
    result.update(events)
    rows = read_requests(result["out"])
    acks = read_acks(result["out"])
    stored, attempts = stored_answers(quiz_pk)
    acked = {(a, q, o) for (a, q), (o, _seq) in acks.items()}
    first = rows[0][0] if rows else result["started"]
    answer_ok = [ms for t, name, status, ms, _ in rows if name == "answer" and status == "200"]
    errors = Counter(
        f"{name} {status}"
        for _t, name, status, _ms, _try in rows
        if name in SUCCESS and status != SUCCESS[name]
    )
    gave_up = sum(1 for r in rows if r[1] == "gave-up")
    other_option = sum(1 for r in rows if r[1] == "ack-other-option")
    retries = Counter(name for _t, name, _s, _ms, try_no in rows if name in SUCCESS and try_no > 1)
    server_answer = [ms for status, ms in result["server"].get("answer", []) if status == 200]
    wave_s = args.spawn_seconds + 10  # the start-up wave: every participant starts and opens the page
    in_wave = [
        ms for t, name, status, ms, _ in rows if name == "answer" and status == "200" and t - first < wave_s
    ]
    after_wave = [
        ms for t, name, status, ms, _ in rows if name == "answer" and status == "200" and t - first >= wave_s
    ]
    windows = defaultdict(list)
    for t, name, status, ms, _ in rows:
        if name == "answer" and status == "200":
            windows[int((t - first) // 10)].append(ms)
    result.update(
        {
            "rows": rows,
            "answers_sent": sum(1 for r in rows if r[1] == "answer" and r[4] == 1),
            "answer_requests": sum(1 for r in rows if r[1] == "answer"),
            "answer_ok_ms": answer_ok,
            "server_answer_ms": server_answer,
            "errors": errors,
            "retries": retries,
            "gave_up": gave_up,
            "other_option": other_option,
            "acked": acked,
            "stored": stored,
            "attempts": attempts,
            "expected": expected,
            "lost": acked - stored,
            "unacked_stored": stored - acked,
            "windows": windows,
            "wave_s": wave_s,
            "in_wave_ms": in_wave,
            "after_wave_ms": after_wave,
            "span": (rows[-1][0] - first) if rows else 0.0,
            "start_ms": [ms for _t, n, s, ms, _ in rows if n == "start" and s == "302"],
            "page_ms": [ms for _t, n, s, ms, _ in rows if n == "page" and s == "200"],
        }
    )
    print_human(result)
    return result


def print_human(r: dict) -> None:
    ok = r["answer_ok_ms"]
    say(
        f"  done in {r['wall']:.0f} s: {r['attempts']:,} attempts, {r['answers_sent']:,} answers sent "
        f"({r['answer_requests']:,} answer requests with retries), {len(r['acked']):,} acknowledged, "
        f"{len(r['stored']):,} stored (expected {r['expected']:,})"
    )
    say(
        f"  answer-save (client, the {len(ok):,} acknowledged requests): p50 {percentile(ok, 50):.1f} ms, "
        f"p95 {percentile(ok, 95):.1f} ms, p99 {percentile(ok, 99):.1f} ms, max {max(ok, default=0):.0f} ms"
    )
    say(
        f"  of which in the first {r['wave_s']:g} s (everyone starting and opening the page): {len(r['in_wave_ms']):,} "
        f"saves, p95 {percentile(r['in_wave_ms'], 95):.0f} ms; after: {len(r['after_wave_ms']):,}, "
        f"p95 {percentile(r['after_wave_ms'], 95):.1f} ms"
    )
    srv = r["server_answer_ms"]
    say(
        f"  answer-save (server, gunicorn access log): p50 {percentile(srv, 50):.1f} ms, "
        f"p95 {percentile(srv, 95):.1f} ms, p99 {percentile(srv, 99):.1f} ms"
    )
    say(
        f"  start (POST …/mulai/): p50 {percentile(r['start_ms'], 50):.0f} ms, p95 {percentile(r['start_ms'], 95):.0f} ms; "
        f"attempt page: p50 {percentile(r['page_ms'], 50):.0f} ms, p95 {percentile(r['page_ms'], 95):.0f} ms"
    )
    answer_rate = len(ok) / r["span"] if r["span"] else 0
    say(
        f"  mean answer rate {answer_rate:.0f}/s over {r['span']:.0f} s; per 10 s (acknowledged/s, p50, p95 ms):"
    )
    line = []
    for window in sorted(r["windows"]):
        values = r["windows"][window]
        line.append(
            f"{window * 10}s: {len(values) / 10:.0f}/s {percentile(values, 50):.0f}/{percentile(values, 95):.0f}"
        )
    for i in range(0, len(line), 5):
        say("    " + " · ".join(line[i : i + 5]))
    say(
        f"  errors: {dict(r['errors']) or 'none'}; retries: {dict(r['retries']) or 'none'}; gave up: {r['gave_up']}"
    )
    if r["other_option"]:
        say(f"  ! {r['other_option']} saves were acknowledged with another option than sent")
    say(
        f"  acknowledged vs stored: {len(r['acked']):,} vs {len(r['stored']):,}; acknowledged but not stored "
        f"(lost): {len(r['lost'])}; stored but never acknowledged: {len(r['unacked_stored'])}"
    )
    for label, rows in (("lost", r["lost"]), ("stored, unacknowledged", r["unacked_stored"])):
        if rows:
            say(f"    {label}, first 10 (attempt, question, option): {sorted(rows)[:10]}")
    if r.get("cpu"):
        say(f"  {cores_text(r['cpu'])}")


# --------------------------------------------------------------------------- 6. throughput


def attempts_for_hammer(quiz_pk: int, participants: list[dict], count: int) -> list[dict]:
    """The first `count` participants with their attempt at the quiz and its stored answers."""
    from elearning.models import Answer, Attempt

    by_user = {
        a.enrolment.employee.user.username: a
        for a in Attempt.objects.filter(quiz_id=quiz_pk).select_related("enrolment__employee__user")
    }
    stored = defaultdict(list)
    for attempt_id, question_id, option_id in Answer.objects.filter(attempt__quiz_id=quiz_pk).values_list(
        "attempt_id", "question_id", "option_id"
    ):
        stored[attempt_id].append([question_id, option_id])
    chosen = []
    for p in participants:
        attempt = by_user.get(p["user"])
        if attempt is not None and stored[attempt.pk]:
            chosen.append({**p, "attempt": attempt.pk, "answers": stored[attempt.pk]})
        if len(chosen) == count:
            break
    from django.db import connection

    connection.close()
    if len(chosen) < count:
        fail(f"only {len(chosen)} attempts with answers for the closed-loop run of {count} users")
    return chosen


def saturate(args, workdir, label, mode, participants, gunicorn, meter) -> dict:
    config = {"mode": mode, "participants": participants, "users": args.sat_users, "quiz": None}
    result = run_locust(
        args,
        workdir,
        label,
        config,
        user_class="Hammer",
        users=args.sat_users,
        rate=args.sat_users * 10,
        run_time=SAT_WARMUP_S + args.sat_seconds,
        gunicorn=gunicorn,
        meter=meter,
    )
    rows = [r for r in read_requests(result["out"]) if r[1] == mode]
    if not rows:
        fail(f"{label}: no {mode} request was recorded; see {result['out'] / 'locust.log'}")
    begin = rows[0][0] + SAT_WARMUP_S
    end = rows[-1][0] - 0.5
    counted = [r for r in rows if begin <= r[0] <= end]
    ok = [r for r in counted if r[2] == "200"]
    window = end - begin
    server = [ms for status, ms in result["server"].get(mode, []) if status == 200]
    per_worker = Counter(worker for worker, _ in result["server"].get(f"worker:{mode}", []))
    shares = " / ".join(
        f"{100 * n / max(sum(per_worker.values()), 1):.0f}" for _w, n in per_worker.most_common()
    )
    result.update(
        {
            "rps": len(ok) / window if window > 0 else 0.0,
            "window": window,
            "ok": len(ok),
            "errors": Counter(r[2] for r in counted if r[2] != "200"),
            "p50": percentile([r[3] for r in ok], 50),
            "p95": percentile([r[3] for r in ok], 95),
            "server_p50": percentile(server, 50),
            "worker_shares": shares,
        }
    )
    say(
        f"  {label:<22} {result['rps']:8.0f} req/s ({result['ok']:,} in {window:.1f} s; client p50 "
        f"{result['p50']:.1f} ms, p95 {result['p95']:.1f} ms; server p50 {result['server_p50']:.2f} ms; "
        f"errors {dict(result['errors']) or 'none'}; % of requests per worker: {shares})"
    )
    if result["cpu"]:
        say(f"      {cores_text(result['cpu'])}")
    return result


# --------------------------------------------------------------------------- 8. where the time goes


def where_the_time_goes(quiz_pk: int, participant: dict, requests: int = 300) -> dict:
    """healthz and answer-save in this process (Django test Client, the same production settings,
    one thread, no network): mean ms per request, and for answer-save every SQL statement and
    COMMIT timed (cursor round trips as seen from Python)."""
    import psutil
    from django.conf import settings
    from django.db import connection, connections
    from django.test import Client

    from elearning.models import Answer, Attempt

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    attempt = Attempt.objects.select_related("enrolment__employee__user").get(
        quiz_id=quiz_pk, enrolment__employee__user__username=participant["user"]
    )
    answers = list(Answer.objects.filter(attempt=attempt).values_list("question_id", "option_id"))
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.cookies["sessionid"] = participant["session"]

    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = psutil.Process(cursor.fetchone()[0])

    def pg_cpu() -> float:
        t = backend.cpu_times()
        return t.user + t.system

    def timed(fn, n, warm=True):
        """Mean per request: wall ms, this process's CPU ms (Python), the backend's CPU ms."""
        if warm:
            fn()
        wall, cpu, pg = time.perf_counter(), time.process_time(), pg_cpu()
        for i in range(n):
            fn(i)
        return {
            "wall": (time.perf_counter() - wall) / n * 1000,
            "cpu": (time.process_time() - cpu) / n * 1000,
            "pg": (pg_cpu() - pg) / n * 1000,
        }

    def hz(_i=0):
        response = client.get("/healthz")
        assert response.status_code == 200, response.status_code

    def page_get():
        response = client.get(f"/belajar/pengerjaan/{attempt.pk}/")
        assert response.status_code == 200, response.status_code

    seq = [int(time.time() * 1000) * 1000]

    def save(i=0):
        question, option = answers[i % len(answers)]
        seq[0] += 1
        response = client.post(  # form-encoded, as htmx sends it (the test client's default is multipart)
            f"/belajar/pengerjaan/{attempt.pk}/jawab/",
            f"question={question}&option={option}&seq={seq[0]}",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200, response.status_code

    healthz = timed(hz, requests)
    answer = timed(save, requests)
    page = timed(lambda _i=0: page_get(), max(requests // 10, 10))
    # Every statement, and the COMMIT, of `requests` more saves.
    statements: dict[str, list[float]] = defaultdict(list)

    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements[classify(sql)].append((time.perf_counter() - started) * 1000)

    wrapper_type = type(connections["default"])
    original_commit = wrapper_type._commit

    def timed_commit(self):
        started = time.perf_counter()
        try:
            return original_commit(self)
        finally:
            statements["COMMIT"].append((time.perf_counter() - started) * 1000)

    wrapper_type._commit = timed_commit
    try:
        with connection.execute_wrapper(wrapper):
            traced = timed(save, requests, warm=False)
    finally:
        wrapper_type._commit = original_commit
    per_request = {k: sum(v) / requests for k, v in statements.items()}
    # Python-side profile of the same requests.
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(requests):
        save(i)
    profiler.disable()
    stats = pstats.Stats(profiler)
    buckets = profile_buckets(stats, requests)
    connection.close()
    return {
        "healthz": healthz,
        "answer": answer,
        "page": page,
        "healthz_ms": healthz["wall"],
        "answer_ms": answer["wall"],
        "traced_ms": traced["wall"],
        "per_request": per_request,
        "counts": {k: len(v) / requests for k, v in statements.items()},
        "buckets": buckets,
    }


def classify(sql: str) -> str:
    text = " ".join(sql.split())
    if "django_session" in text:
        return "SELECT session"
    if text.startswith("SELECT") and "auth_user" in text and "FOR UPDATE" not in text:
        return "SELECT user"
    if "FOR UPDATE" in text:
        return "SELECT attempt FOR UPDATE (+ enrolment, employee)"
    if text.startswith("INSERT INTO elearning_answer"):
        return "INSERT … ON CONFLICT (answer)"
    return text[:60]


def profile_buckets(stats, requests: int) -> list[tuple[str, float]]:
    """Cumulative ms per request of a few functions a request passes through."""
    wanted = {
        ("django/contrib/sessions/backends/base.py", "_get_session"): "session: load + decode",
        ("django/contrib/auth/__init__.py", "get_user"): "request.user (session + user row)",
        (
            "elearning/services/quizzes.py",
            "answer_save",
        ): "service answer_save (lock, checks, upsert, commit)",
        ("django/db/models/sql/compiler.py", "as_sql"): "ORM: compiling SQL",
        ("django/middleware/csrf.py", "process_view"): "CSRF check",
        ("django/http/response.py", "__init__"): "building responses",
        ("django/core/handlers/base.py", "get_response"): "whole request (handler)",
    }
    found = []
    for (filename, _line, func), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
        for (suffix, name), label in wanted.items():
            if func == name and filename.endswith(suffix):
                found.append((label, ct / requests * 1000))
    merged: dict[str, float] = defaultdict(float)
    for label, ms in found:
        merged[label] += ms
    return sorted(merged.items(), key=lambda x: -x[1])


def print_where(w: dict) -> None:
    say("  in-process, one thread, no network, no gunicorn; mean per request over the same settings:")
    say(f"    {'':<28}{'wall ms':>9}{'Python CPU ms':>15}{'PostgreSQL CPU ms':>19}")
    for label, key in (("/healthz", "healthz"), ("answer-save", "answer"), ("attempt page (GET)", "page")):
        m = w[key]
        say(f"    {label:<28}{m['wall']:9.2f}{m['cpu']:15.2f}{m['pg']:19.2f}")
    h, a = w["healthz"], w["answer"]
    say(
        f"    CPU ratio healthz ÷ answer-save: {(h['cpu'] + h['pg']) / (a['cpu'] + a['pg']):.2f} "
        f"(Python only {h['cpu'] / a['cpu']:.2f}); answer-save statements, each timed (wall "
        f"{w['traced_ms']:.2f} ms per request):"
    )
    total_sql = 0.0
    for name, ms in sorted(w["per_request"].items(), key=lambda x: -x[1]):
        total_sql += ms
        say(f"    {ms:6.2f} ms  ×{w['counts'][name]:.0f}  {name}")
    say(f"    {total_sql:6.2f} ms  in the database (round trips as seen by Python), the rest Python")
    say(
        "  cProfile, cumulative ms per answer-save (profiler overhead included, so only the proportions count):"
    )
    for label, ms in w["buckets"]:
        say(f"    {ms:6.2f} ms  {label}")


# --------------------------------------------------------------------------- report


def print_summary(args, gunicorn, first, sats, ratio, restart, where, total_s) -> None:
    say("\n================ results (one run) ================")
    say(f"date: {datetime.datetime.now():%Y-%m-%d %H:%M}; command: python {' '.join(sys.argv)}")
    say(f"machine: {os.cpu_count()} cores, PostgreSQL on 127.0.0.1; {gunicorn.describe()}")
    say(
        f"load: locust {locust_version()} (one process), FastHttpUser; human pace: {args.users:,} users "
        f"spawned within {args.spawn_seconds:g} s, {args.questions} answers each, wait {args.wait[0]:g}–{args.wait[1]:g} s; "
        f"closed loop: {args.sat_users} users × {args.sat_seconds:g} s × {args.sat_rounds} round(s); whole run {total_s:.0f} s"
    )
    ok = first["answer_ok_ms"]
    p95 = percentile(ok, 95)
    errors = sum(first["errors"].values())
    rows = [
        ("answer-save p50 (client)", f"{percentile(ok, 50):.1f} ms", "", None),
        ("answer-save p95 (client)", f"{p95:.1f} ms", f"≤ {TARGET_P95_MS:g} ms", p95 <= TARGET_P95_MS),
        ("answer-save p99 (client)", f"{percentile(ok, 99):.1f} ms", "", None),
        (f"  p95 in the first {first['wave_s']:g} s / after", f"{percentile(first['in_wave_ms'], 95):.0f} / "
         f"{percentile(first['after_wave_ms'], 95):.1f} ms", "", None),
        ("start / attempt page p95 (client)", f"{percentile(first['start_ms'], 95):.0f} / "
         f"{percentile(first['page_ms'], 95):.0f} ms", "", None),
        ("answer-save p50 / p95 (server)", f"{percentile(first['server_answer_ms'], 50):.1f} / "
         f"{percentile(first['server_answer_ms'], 95):.1f} ms", "", None),
        ("errors (all requests)", f"{errors}", "0", errors == 0),
        ("answers acknowledged / stored", f"{len(first['acked']):,} / {len(first['stored']):,}", "equal",
         first["acked"] == first["stored"]),
        ("answers expected (users × questions)", f"{first['expected']:,}", "", len(first["acked"]) == first["expected"]),
        ("human pace: CPU of other work on the machine (cores)",
         f"{first['cpu']['others']:.2f}" if first.get("cpu") else "?", "", None),
    ]  # fmt: skip
    gave_up = first["gave_up"]
    rows.append(("saves never acknowledged (client gave up)", f"{gave_up}", "0", gave_up == 0))
    if ratio is not None:
        hz = statistics.median(s["rps"] for s in sats["healthz"])
        an = statistics.median(s["rps"] for s in sats["answer"])
        rows += [
            (f"/healthz closed loop, {args.sat_users} users", f"{hz:.0f} req/s", "", None),
            (f"answer-save closed loop, {args.sat_users} users", f"{an:.0f} req/s", "", None),
            (
                "answer-save ÷ /healthz throughput",
                f"{ratio:.2f}",
                f"≥ {TARGET_RATIO:g}",
                ratio >= TARGET_RATIO,
            ),
        ]
    if restart is not None:
        lost = len(restart["lost"])
        rows += [
            ("restart: acknowledged / stored", f"{len(restart['acked']):,} / {len(restart['stored']):,}", "", None),
            ("restart: acknowledged but not stored", f"{lost}", "0", lost == 0),
            ("restart: errors seen / retries / gave up",
             f"{sum(restart['errors'].values())} / {sum(restart['retries'].values())} / {restart['gave_up']}", "", None),
            ("restart: no server for", f"{restart.get('ready_at', 0) - restart.get('sigterm_at', 0):.2f} s", "", None),
            ("restart: answer-save p95 (client)", f"{percentile(restart['answer_ok_ms'], 95):.0f} ms", "", None),
            ("restart: CPU of other work on the machine (cores)",
             f"{restart['cpu']['others']:.2f}" if restart.get("cpu") else "?", "", None),
        ]  # fmt: skip
    if where is not None:
        h, a = where["healthz"], where["answer"]
        rows.append(
            (
                "in-process CPU ms: healthz / answer-save (Python + PostgreSQL)",
                f"{h['cpu'] + h['pg']:.2f} / {a['cpu'] + a['pg']:.2f}",
                "",
                None,
            )
        )
    width = max(len(r[0]) for r in rows) + 2
    say(f"{'measure':<{width}}{'figure':>20}  {'target':<12}")
    for label, figure, target, ok_ in rows:
        say(f"{label:<{width}}{figure:>20}  {target:<12}{mark(ok_)}")


def locust_version() -> str:
    from importlib.metadata import version

    return version("locust")


# --------------------------------------------------------------------------- main


def quiet(args) -> None:
    busy = machine_quiet(patience_s=args.quiet_wait)
    say(
        f"  (machine before this part: {busy:.2f} of {os.cpu_count()} cores busy"
        + (", not idle: other work is running" if busy >= 0.25 else "")
        + ")"
    )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=DEFAULT_USERS)
    parser.add_argument(
        "--questions", type=int, default=DEFAULT_QUESTIONS, help="per test (the bank has twice as many)"
    )
    parser.add_argument("--spawn-seconds", type=float, default=DEFAULT_SPAWN_SECONDS)
    parser.add_argument(
        "--wait",
        default=f"{DEFAULT_WAIT[0]:g},{DEFAULT_WAIT[1]:g}",
        help="human pace: seconds before each answer, MIN,MAX (uniform)",
    )
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    parser.add_argument("--sat-users", type=int, default=DEFAULT_SAT_USERS, help="closed-loop concurrency")
    parser.add_argument("--sat-seconds", type=float, default=DEFAULT_SAT_SECONDS)
    parser.add_argument("--sat-rounds", type=int, default=DEFAULT_SAT_ROUNDS)
    parser.add_argument(
        "--skip",
        default="",
        help="leave out parts, comma-separated: throughput (6), restart (7), profile (8)",
    )
    parser.add_argument(
        "--keep-alive",
        type=float,
        default=DEFAULT_KEEP_ALIVE,
        help="gunicorn --keep-alive (s); its default is 2",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=120.0,
        help="before each measured part wait up to this many s for the machine to be idle",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: 50 users, 5 questions, wait 0.5–1.5 s, closed loop 20 users × 5 s × 1",
    )
    parser.add_argument("--workdir", type=Path, help="keep the logs, request and acknowledgement files here")
    args = parser.parse_args(argv)
    if args.quick:
        defaults = {
            "users": DEFAULT_USERS,
            "questions": DEFAULT_QUESTIONS,
            "sat_users": DEFAULT_SAT_USERS,
            "sat_seconds": DEFAULT_SAT_SECONDS,
            "sat_rounds": DEFAULT_SAT_ROUNDS,
            "spawn_seconds": DEFAULT_SPAWN_SECONDS,
        }
        quick = {
            "users": 50,
            "questions": 5,
            "sat_users": 20,
            "sat_seconds": 5.0,
            "sat_rounds": 1,
            "spawn_seconds": 5.0,
        }
        for name, value in quick.items():
            if getattr(args, name) == defaults[name]:
                setattr(args, name, value)
        if args.wait == f"{DEFAULT_WAIT[0]:g},{DEFAULT_WAIT[1]:g}":
            args.wait = "0.5,1.5"
    try:
        low, high = (float(x) for x in args.wait.split(","))
    except ValueError:
        parser.error("--wait takes MIN,MAX in seconds, e.g. 2,6")
    if not 0 <= low <= high:
        parser.error("--wait: need 0 ≤ MIN ≤ MAX")
    args.wait = (low, high)
    args.skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    unknown = args.skip - {"throughput", "restart", "profile"}
    if unknown:
        parser.error(f"--skip: unknown part(s) {', '.join(sorted(unknown))}")
    for name in ("users", "questions", "workers", "threads", "sat_users", "sat_rounds"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    if args.sat_users > args.users:
        parser.error("--sat-users cannot exceed --users (one attempt per closed-loop user)")
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    dbname = check_database_url(url)
    keep_files = args.workdir is not None
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="asn_bench_load_"))
    workdir.mkdir(parents=True, exist_ok=True)
    static_root = Path(tempfile.mkdtemp(prefix="asn_bench_static_"))
    media_root = Path(tempfile.mkdtemp(prefix="asn_bench_media_"))
    env = server_environment(url, static_root, media_root, secrets.token_urlsafe(50))
    gunicorn = None
    run_started = time.time()
    try:
        setup(url, dbname, env)
        parts = urlsplit(url)
        say(f"python {sys.version.split()[0]}, PostgreSQL at {parts.hostname}:{parts.port or 5432}/{dbname}, "
            f"{os.cpu_count()} CPUs")  # fmt: skip
        seeded = seed(args.users, args.questions)
        (workdir / "participants.json").write_text(json.dumps(seeded["participants"]))
        from django.db import connection

        connection.close()
        meter = CpuMeter(dbname)
        gunicorn = Gunicorn(args, env, workdir, free_port())
        boot = gunicorn.start()
        say(f"{gunicorn.describe()}: serving after {boot:.1f} s")

        say(f"\n=== 4–5. human pace: {args.users:,} participants take the pre-test ===")
        quiet(args)
        first = human_run(args, workdir, "human", seeded["pre"], seeded, gunicorn, meter, restart=False)

        sats: dict[str, list[dict]] = {"healthz": [], "answer": []}
        ratio = None
        if "throughput" not in args.skip:
            say(f"\n=== 6. throughput, closed loop: {args.sat_users} users, {args.sat_seconds:g} s each ===")
            hammer = attempts_for_hammer(seeded["pre"], seeded["participants"], args.sat_users)
            for round_no in range(1, args.sat_rounds + 1):
                for mode in ("healthz", "answer"):
                    quiet(args)
                    sats[mode].append(
                        saturate(args, workdir, f"{mode}-{round_no}", mode, hammer, gunicorn, meter)
                    )
            ratio = statistics.median(s["rps"] for s in sats["answer"]) / statistics.median(
                s["rps"] for s in sats["healthz"]
            )
            say(
                f"  answer-save ÷ /healthz (medians of {args.sat_rounds}): {ratio:.2f} (target ≥ {TARGET_RATIO:g})"
            )

        restart = None
        if "restart" not in args.skip:
            say("\n=== 7. human pace on the post-test, gunicorn restarted (SIGTERM) midway ===")
            quiet(args)
            restart = human_run(
                args, workdir, "restart", seeded["post"], seeded, gunicorn, meter, restart=True
            )
        gunicorn.stop()

        where = None
        if "profile" not in args.skip:
            say("\n=== 8. where the time goes ===")
            quiet(args)
            where = where_the_time_goes(seeded["pre"], seeded["participants"][0])
            print_where(where)
        print_summary(args, gunicorn, first, sats, ratio, restart, where, time.time() - run_started)
    finally:
        if gunicorn is not None:
            gunicorn.stop()
        shutil.rmtree(static_root, ignore_errors=True)
        shutil.rmtree(media_root, ignore_errors=True)
        if keep_files:
            say(f"\nlogs, requests and acknowledgements kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
