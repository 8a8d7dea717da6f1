"""Locust users for bench_answer_load.py (the load process; started by that script, not by hand).

Everything comes from the JSON file named by BENCH_LOAD_CONFIG, written by the benchmark:

  {"mode": "human" | "healthz" | "answer", "origin": "https://127.0.0.1:PORT", "out": DIR,
   "quiz": QUIZ_PK, "wait": [MIN_S, MAX_S], "questions": N, "users": U, "give_up_s": S,
   "participants": [{"user": "NIP", "session": "...", "csrf": "...",
                     "attempt": PK, "answers": [[question, option], ...]}, ...]}

The server runs Django's production settings behind an imagined TLS proxy: every request says
`X-Forwarded-Proto: https` (what nginx adds), so SECURE_SSL_REDIRECT, the Secure cookies and the
CSRF origin check stay as in production. Over plain http a client keeps no Secure cookie, so
each user sends its own `Cookie: sessionid=…; csrftoken=…` header (the session was created by the
benchmark, not by logging in) and, on POST, `X-CSRFToken` and `Origin` as htmx in a browser does.

Participant (mode "human"), one per participant, once: POST /belajar/tes/<quiz>/mulai/ (302 to the
attempt), GET the attempt page, read its questions and options in their stored order, then for
each of the first N questions wait a random human pace (uniform MIN..MAX s) and POST the answer
to …/jawab/ with an increasing seq. Like static/js/attempt.js, a save that fails (no connection,
timeout, 5xx) is sent again with the same seq, after 1 s, 2 s, 4 s … at most 15 s, until the
server acknowledges it (200) or refuses it for good (409, 400, 403, 404); it gives up only after
give_up_s (a bound for the benchmark, not the page). Starting and opening the page are retried
the same way (a participant reloads). When all of this process's participants are done, it quits.

Hammer (modes "healthz" and "answer"), closed loop, no wait: GET /healthz, or re-save the
answers of an existing attempt (one attempt per user, the stored option again, seq increasing),
until locust's --run-time ends.

Each process writes, in "out": acks-PID.tsv (attempt, question, option, seq of every
acknowledged save: the server's 200 body) and requests-PID.tsv (end time, name, status or
exception, ms, try number), flushed line by line for acks.
"""

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

import gevent
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

CONFIG = json.loads(Path(os.environ["BENCH_LOAD_CONFIG"]).read_text())
MODE = CONFIG["mode"]
ORIGIN = CONFIG["origin"]
OUT = Path(CONFIG["out"])
PARTICIPANTS = CONFIG["participants"]
REFUSED = {400, 403, 404}  # the page forgets such a save (it can never succeed)
TIMEOUT_S = 15.0  # the page's hx-request timeout

_next_participant = itertools.count()
_finished = 0
_acks = open(OUT / f"acks-{os.getpid()}.tsv", "a", buffering=1)  # noqa: SIM115 (lives as long as the process)
_requests = open(OUT / f"requests-{os.getpid()}.tsv", "a", buffering=1 << 16)  # noqa: SIM115

SECTION = re.compile(r'<section class="card mb-3 question" id="q-(\d+)"')
OPTION = re.compile(r'name="option" value="(\d+)"')
TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')


def record(name: str, status: str, ms: float, attempt_no: int) -> None:
    _requests.write(f"{time.time():.4f}\t{name}\t{status}\t{ms:.2f}\t{attempt_no}\n")


@events.quitting.add_listener
def _flush(**_kwargs):
    _requests.flush()
    _acks.flush()


@events.test_start.add_listener
def _watch(environment, **_kwargs):
    """Quit once every participant of this process has finished (human mode only)."""
    if MODE != "human":
        return
    total = min(CONFIG["users"], len(PARTICIPANTS))

    def watch():
        while _finished < total:
            gevent.sleep(0.5)
        _requests.flush()
        environment.runner.quit()

    gevent.spawn(watch)


class BenchUser(FastHttpUser):
    abstract = True
    network_timeout = TIMEOUT_S
    connection_timeout = TIMEOUT_S
    insecure = True

    def on_start(self):
        # A user beyond the list (locust tops up users that finished early while it is still
        # spawning) gets none and stops at its first task.
        index = next(_next_participant)
        self.p = PARTICIPANTS[index] if index < len(PARTICIPANTS) else None
        if self.p is None:
            return
        self.token = self.p["csrf"]
        self.cookie = f"sessionid={self.p['session']}; csrftoken={self.p['csrf']}"

    def headers(self, post: bool = False) -> dict:
        headers = {"X-Forwarded-Proto": "https", "Cookie": self.cookie}
        if post:
            headers.update(
                {
                    "X-CSRFToken": self.token,
                    "Origin": ORIGIN,
                    "Content-Type": "application/x-www-form-urlencoded",
                }
            )
        return headers

    def call(self, method: str, path: str, name: str, *, body: str | None = None, try_no: int = 1):
        """One request: (status, response or None). status is the HTTP status, or the
        exception's class name when there was no response."""
        started = time.perf_counter()
        with self.client.request(
            method,
            path,
            name=name,
            data=body,
            headers=self.headers(post=method == "POST"),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            ms = (time.perf_counter() - started) * 1000
            code = response.status_code or 0
            status = str(code) if code else type(getattr(response, "error", None) or Exception()).__name__
            record(name, status, ms, try_no)
            if code and code < 400:
                response.success()
            else:
                response.failure(status)
            return status, response


class Participant(BenchUser):
    """500 of these take the test at a human pace (mode "human")."""

    wait_time = constant(0)

    def retrying(self, attempt_once):
        """attempt_once(try_no) -> result or None (None: retry). Backoff as the page's JS."""
        delay, give_up = 1.0, time.time() + CONFIG["give_up_s"]
        for try_no in itertools.count(1):
            result = attempt_once(try_no)
            if result is not None:
                return result
            if time.time() > give_up:
                record("gave-up", "-", 0.0, try_no)
                return None
            gevent.sleep(delay)
            delay = min(delay * 2, 15.0)

    @task
    def take_the_test(self):
        global _finished
        if self.p is None:
            raise StopUser()
        try:
            self.take()
        finally:
            _finished += 1
        raise StopUser()

    def take(self):
        quiz = CONFIG["quiz"]

        def start(try_no):
            status, response = self.call(
                "POST", f"/belajar/tes/{quiz}/mulai/", "start", body="", try_no=try_no
            )
            location = (response.headers.get("Location") or "") if status == "302" else ""
            match = re.search(r"/belajar/pengerjaan/(\d+)/$", location)
            return int(match.group(1)) if match else None

        attempt = self.retrying(start)
        if attempt is None:
            return

        def page(try_no):
            status, response = self.call("GET", f"/belajar/pengerjaan/{attempt}/", "page", try_no=try_no)
            if status != "200":
                return None
            html = response.text
            token = TOKEN.search(html)
            if token:
                self.token = token.group(1)  # what htmx sends: the page's (masked) token
            parts = SECTION.split(html)[1:]
            return [
                (int(q), [int(o) for o in OPTION.findall(chunk)])
                for q, chunk in zip(parts[::2], parts[1::2], strict=True)
            ]

        questions = self.retrying(page)
        if not questions:
            return
        low, high = CONFIG["wait"]
        seq = int(time.time() * 1000)
        for question, options in questions[: CONFIG["questions"]]:
            gevent.sleep(random.uniform(low, high))
            seq = max(seq + 1, int(time.time() * 1000))
            self.save(attempt, question, random.choice(options), seq)

    def save(self, attempt: int, question: int, option: int, seq: int) -> None:
        body = f"question={question}&option={option}&seq={seq}"

        def once(try_no):
            status, response = self.call(
                "POST", f"/belajar/pengerjaan/{attempt}/jawab/", "answer", body=body, try_no=try_no
            )
            if status == "200":
                saved = response.json()
                _acks.write(f"{attempt}\t{saved['question']}\t{saved['saved']}\t{saved['seq']}\n")
                if saved["saved"] != option:
                    record("ack-other-option", str(saved["saved"]), 0.0, try_no)
                return True
            if status == "409" or (status.isdigit() and int(status) in REFUSED):
                return False  # refused for good: the page stops retrying
            return None

        self.retrying(once)


class Hammer(BenchUser):
    """Closed loop, no wait: /healthz (mode "healthz") or re-saving answers (mode "answer")."""

    wait_time = constant(0)

    def on_start(self):
        super().on_start()
        if self.p is None:
            raise StopUser()
        self.answers = itertools.cycle(self.p.get("answers") or [[0, 0]])
        self.seq = int(time.time() * 1000) * 1000

    @task
    def hit(self):
        if MODE == "healthz":
            self.call("GET", "/healthz", "healthz")
            return
        question, option = next(self.answers)
        self.seq += 1
        self.call(
            "POST",
            f"/belajar/pengerjaan/{self.p['attempt']}/jawab/",
            "answer",
            body=f"question={question}&option={option}&seq={self.seq}",
        )
