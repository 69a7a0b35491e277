"""Production settings are safe by default; the settings module refuses to start unsafely."""

import ast
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

MANAGE = str(settings.BASE_DIR / "manage.py")


def manage(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, MANAGE, *args], env=environment, capture_output=True, text=True
    )


def test_check_deploy_is_clean_in_production_configuration():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="archive.example.gov.vn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_refuses_to_start():
    result = manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_debug_is_off_unless_asked():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        SECRET_KEY="x" * 60,
    )
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_search_cache_seconds_zero_switches_the_results_cache_off():
    script = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    off = manage("shell", "-v", "0", "-c", script, DEBUG="1", SEARCH_CACHE_SECONDS="0")
    on = manage("shell", "-v", "0", "-c", script, DEBUG="1")
    assert off.stdout.strip() == "django.core.cache.backends.dummy.DummyCache", off.stderr
    assert on.stdout.strip() == "django.core.cache.backends.db.DatabaseCache", on.stderr


def test_every_static_file_a_template_names_exists():
    """With DEBUG off the manifest storage refuses a name it does not hold: one wrong path in
    the admin's base template made every admin page a 500 (the favicon, session 15)."""
    names = {
        name
        for template in Path(settings.BASE_DIR, "templates").rglob("*.html")
        for name in re.findall(r"""{%\s*static\s+['"]([^'"]+)['"]""", template.read_text())
    }
    assert len(names) >= 4  # the site's stylesheet, script and icon, the admin's stylesheet
    from archive.admin import VietnameseSlugs  # and what the admin's media name

    names |= set(VietnameseSlugs.Media.js)
    assert [name for name in sorted(names) if not finders.find(name)] == []


def po_entries(path):
    """Return [(flags, msgctxt, msgid, {msgstr key: text})] of a .po file, header included."""
    entries, current, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current and "msgid" in current:
                entries.append(current)
            current, field = None, None
            continue
        current = current or {"flags": "", "strings": {}}
        if line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current["strings"][field] += ast.literal_eval(line)  # a C string, as Python reads it
        else:
            field, literal = line.split(" ", 1)
            current["strings"][field] = ast.literal_eval(literal)
            current.setdefault("msgid", True)
    return [
        (e["flags"], e["strings"].get("msgctxt"), e["strings"]["msgid"], e["strings"])
        for e in entries
    ]


def test_the_english_catalogue_is_whole_and_compiled():
    """Every string has its English, none a guess makemessages left fuzzy (gettext skips those:
    the page stays in Vietnamese), and the compiled catalogue is the one the .po file holds."""
    import gettext

    po = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
    entries = [entry for entry in po_entries(po) if entry[2]]  # not the header
    assert len(entries) > 300
    assert [msgid for flags, _ctx, msgid, _s in entries if "fuzzy" in flags] == []
    untranslated = [
        msgid
        for _flags, _ctx, msgid, strings in entries
        if not all(text for key, text in strings.items() if key.startswith("msgstr"))
    ]
    assert untranslated == []
    with open(po.with_suffix(".mo"), "rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    for _flags, context, msgid, strings in entries:
        key = f"{context}\x04{msgid}" if context is not None else msgid
        if "msgstr" in strings:
            assert catalog.get(key) == strings["msgstr"], msgid
