"""Playwright driving Debian's Chromium (never a downloaded browser)."""

import os
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


# One Chromium per test process (launching it costs about a second); each test gets a new
# context: its own cookies, storage and viewport.
_shared: dict = {}


def _browser():
    browser = _shared.get("browser")
    if browser is None or not browser.is_connected():
        # Playwright's sync API runs an event loop in this thread; Django's ORM calls in the
        # test body are still synchronous and safe.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        from playwright.sync_api import sync_playwright

        close_shared_browser()
        _shared["playwright"] = sync_playwright().start()
        _shared["browser"] = _shared["playwright"].chromium.launch(
            executable_path=CHROMIUM, args=ARGS, headless=True
        )
    return _shared["browser"]


def close_shared_browser() -> None:
    """Called once at the end of the session (tests/conftest.py)."""
    browser, playwright = _shared.pop("browser", None), _shared.pop("playwright", None)
    if browser is not None:
        browser.close()
    if playwright is not None:
        playwright.stop()


@contextmanager
def chromium_page(viewport=None, *, javascript=True, bypass_csp=False):
    """A page in a fresh context. `bypass_csp`: only to inject a test tool (axe-core, whose
    script tag the strict CSP would refuse); `javascript=False`: the page as it works
    without its scripts."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = _browser().new_context(
        viewport=viewport or {"width": 1280, "height": 860},
        locale="fr-BE",
        java_script_enabled=javascript,
        bypass_csp=bypass_csp,
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def login(page, base_url, email, password):
    page.goto(f"{base_url}/comptes/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state("networkidle")
    code_field = page.get_by_label("Code à six chiffres")
    if code_field.count():
        # Coordinators and administrators pass the second factor (enrolment or code).
        code_field.fill(_totp_code(email))
        page.locator("main button[type=submit]").first.click()
        page.wait_for_load_state("networkidle")


def _totp_code(email):
    """The code an authenticator app would show for the user's newest device."""
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__email=email).order_by("-pk").first()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    # A code is accepted once per time step: take the next step (within tolerance) if used.
    if device.last_t is not None and totp.t() <= device.last_t:
        totp.time += device.step
    return f"{totp.token():0{device.digits}d}"


def click_nav(page, name):
    """Follow a menu entry as a user does: open its group first when it sits in one."""
    nav = page.get_by_role("navigation", name="Navigation principale")
    link = nav.get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        # `has` is matched inside each group, whose links are hidden while it is closed.
        inside = page.get_by_role("link", name=name, exact=True, include_hidden=True)
        nav.locator("details.nav-group", has=inside).locator("summary").click()
    link.click()
