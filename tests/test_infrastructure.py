"""The configured engines are the ones in use, and the settings behave as documented."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from conftest import skip_or_fail

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.services
@pytest.mark.django_db
def test_database_is_postgresql_when_database_url_says_so():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        skip_or_fail("DATABASE_URL does not name PostgreSQL")
    assert connection.vendor == "postgresql"


@pytest.mark.services
def test_cache_round_trips_through_redis_when_redis_url_is_set():
    if not settings.REDIS_URL:
        skip_or_fail("REDIS_URL is not set")
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    key = f"test-{secrets.token_hex(4)}"
    cache.set(key, {"nip": "198501012010121001"}, timeout=30)
    assert cache.get(key) == {"nip": "198501012010121001"}
    cache.delete(key)


def test_language_and_time_zone_are_indonesian():
    assert settings.LANGUAGE_CODE == "id"
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert "en" in dict(settings.LANGUAGES)


def test_production_refuses_to_start_without_secret_key():
    result = run_manage(
        "check",
        env_overrides={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "ALLOWED_HOSTS": "asn.example.go.id",
        },
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_deploy_check_prints_no_warning():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "asn.example.go.id",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
def test_an_english_browser_still_gets_indonesian_until_english_is_chosen(client):
    login_page = "/akun/masuk/"
    assert "Lupa kata sandi?" in client.get(login_page, HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": login_page})
    assert "Lupa kata sandi?" not in client.get(login_page).content.decode()
