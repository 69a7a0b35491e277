"""Production settings are safe by default; the settings module refuses to start unsafely."""

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
