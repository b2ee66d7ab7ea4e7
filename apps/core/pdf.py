"""Server-side PDF rendering (WeasyPrint) shared by every app.

`render_pdf(template, context)` renders a Django template extending `pdf/base.html`
to A4 PDF bytes. The URL fetcher is closed by default: it refuses `file://`, every
remote host and every path outside our own static files, so a value typed by a user
(an <img src> in a comment, a CSS url()) can neither read the server's disk nor call
out to the network. Fonts come from the system (Debian's fonts-dejavu).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint.urls import URLFetcher, URLFetcherResponse

# A reserved, never-resolvable origin (RFC 2606): relative URLs of the templates
# (`{% static %}` gives /static/...) are joined to it, then served from the finders.
INTERNAL_BASE_URL = "https://pdf.slsp-referent.invalid/"
_INTERNAL_HOST = urlsplit(INTERNAL_BASE_URL).hostname


class ResourceRefused(ValueError):
    """A PDF asked for something other than one of our static files."""


def _collected(relative: str) -> str | None:
    """With manifest storage (DEBUG off), `{% static %}` names the hashed copy that
    collectstatic wrote to STATIC_ROOT, which the finders do not know."""
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.exceptions import SuspiciousFileOperation

    try:
        if staticfiles_storage.exists(relative):
            return staticfiles_storage.path(relative)
    except (NotImplementedError, SuspiciousFileOperation):
        return None
    return None


class StaticOnlyFetcher(URLFetcher):
    """Serve our static files (via the staticfiles finders) and nothing else."""

    def __init__(self, **kwargs):
        super().__init__(allowed_protocols=("https", "data"), allow_redirects=False, **kwargs)

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            # Inline data carries its own bytes: no disk, no network.
            return super().fetch(url, headers)
        if scheme != "https" or parts.hostname != _INTERNAL_HOST:
            raise ResourceRefused(f"PDF resource refused: {url[:200]}")
        path = unquote(parts.path)
        static_url = settings.STATIC_URL
        if not path.startswith(static_url):
            raise ResourceRefused(f"PDF resource outside the static files: {url[:200]}")
        relative = path[len(static_url) :]
        if not relative or ".." in Path(relative).parts:
            raise ResourceRefused(f"PDF resource refused: {url[:200]}")
        found = finders.find(relative) or _collected(relative)
        if not found:
            raise ResourceRefused(f"PDF static file not found: {relative[:200]}")
        content_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
        body = Path(found).read_bytes()
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def render_html(template_name: str, context: dict) -> str:
    """The HTML the PDF is made of (French unless a language is active)."""
    with translation.override(translation.get_language() or settings.LANGUAGE_CODE):
        return render_to_string(template_name, context)


def render_pdf(template_name: str, context: dict, *, base_url: str | None = None) -> bytes:
    """Render `template_name` (extending pdf/base.html) to PDF bytes (A4)."""
    from weasyprint import HTML

    html = render_html(template_name, context)
    document = HTML(
        string=html,
        base_url=base_url or INTERNAL_BASE_URL,
        url_fetcher=StaticOnlyFetcher(),
    )
    return document.write_pdf()
