"""PDFs under manifest static files (DEBUG off, as in production and `make bench`):
`{% static %}` names the hashed copy in STATIC_ROOT, which the fetcher must serve."""

import io

import pytest
from django.core.management import call_command
from django.utils.functional import empty
from pypdf import PdfReader

from apps.core.pdf import INTERNAL_BASE_URL, ResourceRefused, StaticOnlyFetcher, render_pdf


@pytest.fixture
def manifest(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.contrib.staticfiles.storage import staticfiles_storage

    staticfiles_storage._wrapped = empty  # re-read the storage setting
    yield staticfiles_storage
    staticfiles_storage._wrapped = empty


def test_fetcher_serves_the_hashed_copy(manifest):
    hashed = manifest.url("css/pdf.css")
    assert hashed != "/static/css/pdf.css"  # really a manifest name
    response = StaticOnlyFetcher().fetch(INTERNAL_BASE_URL + hashed.lstrip("/"))
    assert b"@page" in response.read()


def test_hashed_names_do_not_open_other_paths(manifest):
    for url in ("static/css/pdf.0123456789ab.css", "static/../manage.py"):
        with pytest.raises(ResourceRefused):
            StaticOnlyFetcher().fetch(INTERNAL_BASE_URL + url)


def test_pdf_keeps_its_stylesheet_under_manifest_storage(manifest, caplog):
    pdf = render_pdf("pdf/base.html", {})
    assert "Page 1 / 1" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "not found" not in caplog.text
