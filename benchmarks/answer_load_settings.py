"""Settings of the gunicorn that bench_answer_load.py starts: production's (DEBUG off, HTTPS
only, Secure cookies, HSTS, CONN_MAX_AGE 60, WhiteNoise), with two changes that touch no request
this benchmark makes: the collected static files go to a temporary folder (BENCH_STATIC_ROOT)
rather than the tree's staticfiles/, and they are collected with Django's manifest storage, the
parent of WhiteNoise's: the same hashed names and manifest lookup for `{% static %}`, without
the ≈ 1 minute of gzip/brotli pre-compression of every file that only serving them would use.
SECRET_KEY and ALLOWED_HOSTS come from the environment, as in production."""

from config.settings.production import *  # noqa: F403
from config.settings.production import STORAGES, env

STATIC_ROOT = env.path("BENCH_STATIC_ROOT")
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
