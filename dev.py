#!/usr/bin/env python3
"""One entry point for a developer or a demo, needing nothing but Python 3.11+:

    python3 dev.py up      set up (virtual env, pinned install, migrate, demo data) and serve
                           the app at http://127.0.0.1:8000 on the embedded defaults
    python3 dev.py test    set up if needed, then run the whole test suite (extra args go to pytest)
    python3 dev.py setup   only set up

Setup is skipped when nothing it depends on changed since the last run."""

import contextlib
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
CONSTRAINTS = ROOT / "requirements" / "constraints.txt"
STAMP = VENV / ".installed"


def run(*args, **kwargs):
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, **kwargs)


def install_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in (ROOT / "pyproject.toml", CONSTRAINTS):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def setup() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py must explain itself on an old Python
        sys.exit(f"Python 3.11 atau lebih baru diperlukan (ini {sys.version.split()[0]}).")
    if not PYTHON.exists():
        print(f"Membuat virtual env di {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    fingerprint = install_fingerprint()
    if not STAMP.exists() or STAMP.read_text() != fingerprint:
        run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(PYTHON, "-m", "pip", "install", "--quiet", "-c", CONSTRAINTS, "-e", ".[dev]")
        STAMP.write_text(fingerprint)


def up() -> None:
    setup()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    run(PYTHON, "manage.py", "migrate", "--noinput", env=env)
    run(PYTHON, "manage.py", "demo_data", env=env)
    print("\nAplikasi berjalan di http://127.0.0.1:8000 (Ctrl+C untuk berhenti).\n", flush=True)
    run(PYTHON, "manage.py", "runserver", "127.0.0.1:8000", env=env)


def test(pytest_args: list[str]) -> int:
    setup()
    return subprocess.run([str(PYTHON), "-m", "pytest", *pytest_args], cwd=ROOT).returncode


def main() -> int:
    command, *rest = sys.argv[1:] or ["help"]
    if command == "up":
        with contextlib.suppress(KeyboardInterrupt):
            up()
        return 0
    if command == "test":
        return test(rest)
    if command == "setup":
        setup()
        return 0
    print(__doc__)
    return 0 if command == "help" else 2


if __name__ == "__main__":
    sys.exit(main())
