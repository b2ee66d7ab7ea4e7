"""Hypothesis-generated input against every form the isolation harness can reach.

For each classified GET page, a persona allowed to open it loads the page, the POST
forms it holds (those that post back to the page itself) are parsed from the HTML, and
Hypothesis fills their fields with hostile values. Properties: never a 5xx, and when
the form is refused (no redirect), not a single row changed anywhere (nothing
half-saved). New views are covered by construction.
"""

from __future__ import annotations

import os
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.isolation.test_harness import CASES

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
# Pages that hold no form of their own, or whose success path sends e-mail only.
PREFERRED = ("referent_a", "coordinateur", "direction_a", "jury", "admin", "anonymous")


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "fields": {},
                "multipart": "multipart" in (attrs.get("enctype") or ""),
            }
        elif self._form is not None and attrs.get("name"):
            name = attrs["name"]
            if tag == "input":
                kind = (attrs.get("type") or "text").lower()
                if kind in {"submit", "button", "image", "reset"}:
                    return
                self._form["fields"][name] = {"kind": kind, "options": []}
            elif tag == "textarea":
                self._form["fields"][name] = {"kind": "textarea", "options": []}
            elif tag == "select":
                self._select = {"kind": "select", "options": []}
                self._form["fields"][name] = self._select
        elif tag == "option" and self._select is not None:
            self._select["options"].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def targets():
    """(url name, persona) of every classified GET page that answers 200 to someone."""
    found = []
    for name, case in sorted(CASES.items()):
        if case.method != "get":
            continue
        persona = next((p for p in PREFERRED if case.expect.get(p) == 200), None)
        if persona:
            found.append((name, persona))
    return found


HOSTILE_TEXT = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "99999999999999999999",
            "31/02/2025",
            "2025-13-45",
            "1e309",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "\x00",
            "é" * 5000,
            "00000000-0000-0000-0000-000000000000",
        ]
    ),
)


def value_for(field):
    if field["kind"] == "select" and field["options"]:
        return st.one_of(st.sampled_from(field["options"]), HOSTILE_TEXT)
    if field["kind"] == "checkbox":
        return st.sampled_from(["on", "", "nope"])
    if field["kind"] == "file":
        return st.binary(max_size=2048).map(
            lambda data: SimpleUploadedFile("fichier.pdf", data, content_type="application/pdf")
        )
    return HOSTILE_TEXT


def row_counts() -> tuple:
    # Reads are logged (access log, sessions, lockout): rows a refused form may add.
    tables = sorted(
        {m._meta.db_table for m in apps.get_models() if not m._meta.proxy and m._meta.managed}
        - {
            "django_session",
            "axes_accessattempt",
            "axes_accesslog",
            "axes_accessfailurelog",
            "accounts_accesslog",
        }
    )
    # Table names come from the model registry, not from input.
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT {i}, count(*) FROM {quote(t)}"  # noqa: S608
        for i, t in enumerate(tables)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(sorted(cursor.fetchall()))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "persona"), targets())
def test_forms_survive_hostile_input(name, persona, world):
    case = CASES[name]
    url = reverse(name, kwargs=case.kwargs(world)) + case.query
    client = world.client_for(persona)
    page = client.get(url)
    assert page.status_code == 200
    if not page.get("Content-Type", "").startswith("text/html"):
        pytest.skip("not an HTML page")
    parser = FormParser()
    parser.feed(page.content.decode())
    forms = [f for f in parser.forms if f["method"] == "post" and f["action"] in ("", url)]
    if not forms:
        pytest.skip("no form posting to this page")

    for form in forms:
        # The two tokens are the framework's; a form of nothing else is a plain action
        # button, with no input to be hostile.
        fields = {
            k: v
            for k, v in form["fields"].items()
            if k not in ("csrfmiddlewaretoken", "form_token")
        }
        if not fields:
            continue

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
            database=None,
        )
        @given(st.fixed_dictionaries({k: value_for(v) for k, v in fields.items()}))
        def post_hostile(data):
            before = row_counts()
            response = client.post(url, data=data)
            assert response.status_code < 500, (name, data)
            if response.status_code == 200:
                assert row_counts() == before, f"{name}: a refused form changed rows: {data!r}"

        post_hostile()
