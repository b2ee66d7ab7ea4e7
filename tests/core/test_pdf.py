"""The shared PDF helper: A4, text extractable, a closed URL fetcher."""

import io

import pytest
from pypdf import PdfReader

from apps.core.pdf import INTERNAL_BASE_URL, ResourceRefused, StaticOnlyFetcher, render_pdf


def test_renders_a4_with_text_and_page_numbers(tmp_path):
    pdf = render_pdf("pdf/base.html", {})
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = page.extract_text()
    assert "SLSP Référent" in text
    assert "Page 1 / 1" in text


def test_fetcher_serves_our_static_files():
    response = StaticOnlyFetcher().fetch(INTERNAL_BASE_URL + "static/css/pdf.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/hostname",
        "http://example.org/style.css",
        "https://example.org/static/css/pdf.css",
        "http://127.0.0.1:8000/static/css/pdf.css",
        INTERNAL_BASE_URL + "etc/passwd",
        INTERNAL_BASE_URL + "static/../../slsp_referent/settings/__init__.py",
        INTERNAL_BASE_URL + "static/%2e%2e/manage.py",
        INTERNAL_BASE_URL + "static/css/nothing-here.css",
        "ftp://example.org/x",
    ],
)
def test_fetcher_refuses_everything_else(url):
    with pytest.raises(ResourceRefused):
        StaticOnlyFetcher().fetch(url)


def test_a_hostile_resource_in_the_html_is_skipped_not_fetched(settings, tmp_path):
    """A user value reaching an <img src> neither reads the disk nor breaks the PDF."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    template_dir = tmp_path / "templates"
    (template_dir / "t").mkdir(parents=True)
    (template_dir / "t" / "x.html").write_text(
        '{% extends "pdf/base.html" %}{% block content %}'
        f'<img src="file://{secret}"><img src="http://example.org/x.png">'
        "<p>Corps du document</p>{% endblock %}"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [template_dir, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    pdf = render_pdf("t/x.html", {})
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Corps du document" in text
    assert "TOP SECRET" not in text
