"""Headers of every page and the templates behind them.

Every GET URL of the isolation harness is requested by each persona allowed to see it:
an HTML answer carries a CSP without 'unsafe-inline' or 'unsafe-eval' for scripts and
holds no inline script or event-handler attribute; a signed-in page is `no-store`.
(`manage.py check --deploy --fail-level WARNING` runs in tests/core/test_core.py.)
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.isolation import cases as cases_module
from tests.isolation.test_harness import CASES

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def _pages():
    """Each GET URL once per kind of visitor who sees it: the first signed-in persona
    allowed (the CSP is per response, the template the same), and anonymous if allowed."""
    for name, case in sorted(CASES.items()):
        if case.method != "get":
            continue
        allowed = [p for p, status in case.expect.items() if status == 200]
        signed_in = [p for p in allowed if p != "anonymous"]
        if signed_in:
            yield name, signed_in[0]
        if "anonymous" in allowed:
            yield name, "anonymous"


PAGES = list(_pages())


def script_src(csp: str) -> str:
    for directive in csp.split(";"):
        parts = directive.split()
        if parts and parts[0] == "script-src":
            return directive
    for directive in csp.split(";"):
        parts = directive.split()
        if parts and parts[0] == "default-src":
            return directive
    return ""


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "persona"), PAGES)
def test_every_page_has_a_strict_csp_and_no_inline_script(name, persona, world):
    case = CASES[name]
    setup = getattr(cases_module, "SETUP", None)
    if setup:
        setup(world)
    url = reverse(name, kwargs=case.kwargs(world)) + case.query
    response = world.client_for(persona).get(url, data=case.data(world))
    assert response.status_code == 200
    if persona != "anonymous":
        assert "no-store" in response.get("Cache-Control", ""), f"{name} may be cached"
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    csp = response["Content-Security-Policy"]
    scripts = script_src(csp)
    assert "'self'" in scripts, csp
    assert "unsafe-inline" not in scripts and "unsafe-eval" not in scripts, csp
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), f"{name}: inline <script>"
    assert not HANDLER.search(html), f"{name}: on* attribute"
    assert not JS_URL.search(html), f"{name}: javascript: URL"


def test_every_page_kind_is_covered():
    assert len(PAGES) > 40
    assert ("privacy:access_log", "direction_a") in PAGES


def template_files():
    roots = [
        Path(settings.BASE_DIR) / "templates",
        *Path(settings.BASE_DIR).glob("apps/*/templates"),
    ]
    for root in roots:
        yield from sorted(root.rglob("*.html"))


def test_templates_hold_no_inline_script_nor_event_handler():
    files = list(template_files())
    assert len(files) > 40
    found = []
    for path in files:
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, HANDLER, JS_URL):
            found += [f"{path.name}: {m.group(0)[:60]}" for m in pattern.finditer(text)]
    assert found == []


def test_inline_script_detection_works():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script type="module">x</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/js/app.js" defer></script>')
    assert HANDLER.search('<button type="button" onclick="go()">')
    assert not HANDLER.search("<p>on=1 ne compte pas hors d'une balise</p>")
    assert JS_URL.search('<a href="javascript:alert(1)">')
