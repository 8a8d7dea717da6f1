"""Indonesian is the source language; English comes from locale/en/LC_MESSAGES/django.mo.

The .mo is committed so that a machine without GNU gettext still serves English, which means it
can silently fall behind the .po: the last tests here fail when it does."""

import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"


@pytest.fixture(autouse=True)
def _restore_language():
    """LocaleMiddleware activates the request's language on this thread; don't leak English."""
    previous = translation.get_language()
    yield
    translation.activate(previous)


def test_hr_home_is_indonesian_by_default(agency, login):
    client = login(agency.hr)
    response = client.get(reverse("hr_home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="id">' in content
    assert "Beranda Kepegawaian" in content
    assert "HR Home" not in content


def test_hr_home_switches_to_english_through_set_language(agency, login):
    client = login(agency.hr)
    hr_home = reverse("hr_home")
    response = client.post(reverse("set_language"), {"language": "en", "next": hr_home})
    assert response.status_code == 302
    assert response.url == hr_home
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    response = client.get(hr_home)
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert '<h1 class="h3 mb-3">HR Home</h1>' in content
    assert "Beranda Kepegawaian" not in content
    assert "active employees" in content
    assert "pegawai aktif" not in content


def test_login_page_is_indonesian_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="id">' in content
    assert "Pegawai masuk dengan NIP (18 digit) dan kata sandinya." in content
    assert "Lupa kata sandi?" in content
    assert "Forgot your password?" not in content


# --- the compiled catalogue matches the .po ------------------------------------------------


def _po_string(line: str) -> str:
    """A quoted PO string ("...") as Python text; PO escapes are a subset of Python's."""
    return ast.literal_eval(line)


def read_po(path: Path) -> list[dict]:
    """A minimal PO reader: one dict per entry with 'msgid', optional 'msgid_plural', 'msgstr'
    (a list: one item, or one per plural form) and 'fuzzy'. Obsolete (#~) entries are skipped."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry = {"msgstr": [], "fuzzy": False}
        field = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["fuzzy"] = entry["fuzzy"] or "fuzzy" in line[2:].replace(" ", "").split(",")
            elif line.startswith("#") or not line.strip():
                continue
            elif line.startswith('"'):
                if field == "msgstr":
                    entry["msgstr"][-1] += _po_string(line)
                else:
                    entry[field] += _po_string(line)
            else:
                keyword, _, rest = line.partition(" ")
                if keyword.startswith("msgstr"):
                    field = "msgstr"
                    entry["msgstr"].append(_po_string(rest))
                else:
                    field = keyword
                    entry[field] = _po_string(rest)
        if "msgid" in entry:
            entries.append(entry)
    return entries


def catalogue_key(entry: dict) -> str:
    """How gettext keys an entry: a msgctxt is joined to the msgid with EOT (\x04)."""
    if "msgctxt" in entry:
        return f"{entry['msgctxt']}\x04{entry['msgid']}"
    return entry["msgid"]


def translated_po_entries() -> list[dict]:
    """What msgfmt puts in the .mo: the non-fuzzy entries whose every msgstr is filled in."""
    return [
        entry for entry in read_po(PO_FILE) if entry["msgid"] and not entry["fuzzy"] and all(entry["msgstr"])
    ]


def load_mo() -> gettext.GNUTranslations:
    with MO_FILE.open("rb") as handle:
        return gettext.GNUTranslations(handle)


def test_po_reader_sees_the_whole_catalogue():
    entries = read_po(PO_FILE)
    assert entries[0]["msgid"] == ""  # the header
    assert "Language: en" in entries[0]["msgstr"][0]
    msgids = {entry["msgid"] for entry in entries}
    assert "Beranda Kepegawaian" in msgids
    assert any("msgid_plural" in entry for entry in entries)


def test_compiled_catalogue_matches_po():
    """Run `python manage.py compilemessages --ignore=.venv` when this fails."""
    mo = load_mo()
    entries = translated_po_entries()
    assert entries, "the .po has no translations at all"

    stale = []
    for entry in entries:
        key = catalogue_key(entry)
        if "msgid_plural" in entry:
            for n, msgstr in zip((1, 2), entry["msgstr"], strict=False):
                if mo.ngettext(key, entry["msgid_plural"], n) != msgstr:
                    stale.append(key)
        elif mo.gettext(key) != entry["msgstr"][0]:
            stale.append(key)
    assert not stale, f"django.mo is out of date with django.po for: {stale}"

    # Nothing in the .mo that the .po no longer has (plural entries are keyed (msgid, n)).
    mo_msgids = {key[0] if isinstance(key, tuple) else key for key in mo._catalog} - {""}
    assert mo_msgids == {catalogue_key(entry) for entry in entries}


def test_representative_strings_are_translated_in_the_mo():
    # Looked up through variables, not gettext("...") literals, so that makemessages does not
    # extract this file's strings into the catalogue.
    mo = load_mo()
    english, english_n = mo.gettext, mo.ngettext
    assert english("Beranda Kepegawaian") == "HR Home"
    assert english("Masuk") == "Log in"
    assert english("NIP harus 18 digit angka (tertulis {length} karakter).").count("{length}") == 1
    assert english_n("%(counter)s pegawai", "%(counter)s pegawai", 1) == "%(counter)s employee"
    assert english_n("%(counter)s pegawai", "%(counter)s pegawai", 3) == "%(counter)s employees"


def test_every_source_string_has_an_english_translation():
    """After `makemessages` picks up new Indonesian strings, translate them (and drop any
    `#, fuzzy`) before compiling: fuzzy or empty entries are left out of the .mo."""
    missing = [
        entry["msgid"]
        for entry in read_po(PO_FILE)
        if entry["msgid"] and (entry["fuzzy"] or not all(entry["msgstr"]))
    ]
    assert not missing, f"untranslated or fuzzy in django.po: {missing}"
