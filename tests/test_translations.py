"""German is complete: every message of the code and templates is translated, none fuzzy."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

ROOT = Path(settings.BASE_DIR)


def _statistics(po: Path) -> str:
    result = subprocess.run(
        ["msgfmt", "--statistics", "--check-format", "-o", os.devnull, str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext is not installed")
def test_every_message_of_the_sources_is_translated_into_german(tmp_path):
    """makemessages over a copy of the sources: a string added or changed in the code or a
    template without its German translation shows up as untranslated or fuzzy."""
    for name in ("apps", "templates", "slsp_referent", "locale"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("*.mo"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    env = {
        **os.environ,
        "DATABASE_URL": "sqlite:///:memory:",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "DJANGO_SETTINGS_MODULE": "slsp_referent.settings",
        "DEBUG": "1",
    }
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "de", "-v", "0"],
        cwd=tmp_path,
        env=env,
        check=True,
    )
    stats = _statistics(tmp_path / "locale" / "de" / "LC_MESSAGES" / "django.po")
    assert "untranslated" not in stats and "fuzzy" not in stats, stats


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext is not installed")
def test_the_german_catalog_has_no_fuzzy_or_untranslated_message():
    stats = _statistics(ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po")
    assert re.fullmatch(r"\d+ translated messages\.\n", stats), stats


@pytest.mark.django_db
def test_the_login_page_in_german_has_no_french_left():
    with translation.override("de"):
        url = reverse("accounts:login")
    page = Client().get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'lang="de"' in page
    assert "Passwort" in page
    for french in ("Mot de passe", "Connexion", "Adresse e-mail", "Se connecter"):
        assert french not in page, french
