"""Rows rendered by Jinja2 (`{% rows %}`): same URLs, dates, translations and escaping
as the Django template engine would give."""

import datetime
import uuid

import pytest
from django.template import engines
from django.template.defaultfilters import date as django_date
from django.urls import reverse, set_script_prefix
from django.utils import translation

from apps.core import jinja2env


def test_url_fast_path_equals_reverse_with_any_script_prefix():
    value = uuid.uuid4()
    try:
        for prefix in ("/", "/slsp/"):
            set_script_prefix(prefix)
            expected = reverse("tenants:household", kwargs={"uuid": value})
            assert jinja2env.url("tenants:household", uuid=value) == expected
            assert jinja2env.uuid_url_maker("tenants:household")(value) == expected
            assert expected.startswith(prefix)
    finally:
        set_script_prefix("/")
    # Anything but a single UUID goes through reverse() itself.
    assert jinja2env.url("core:home") == reverse("core:home")
    assert jinja2env.url("tenants:household", uuid=str(value)) == reverse(
        "tenants:household", kwargs={"uuid": value}
    )


@pytest.mark.parametrize(
    "value",
    [
        datetime.date(2026, 3, 5),
        datetime.date(1999, 12, 31),
        datetime.datetime(2026, 3, 5, 14, 30),
        None,
        "",
    ],
)
@pytest.mark.parametrize("arg", ["d/m/Y", "j F Y", None])
def test_date_filter_equals_djangos(value, arg):
    with translation.override("fr-be"):
        assert jinja2env.date(value, arg) == django_date(value, arg)


def test_rows_escape_translate_and_link():
    engine = engines["jinja2"]
    template = engine.from_string(
        "{% for h in rows %}<a href=\"{{ url('tenants:household', uuid=h.uuid) }}\">"
        "{{ h.name }}</a> {{ _('bail terminé') }} {{ h.day|date('d/m/Y') }}{% endfor %}"
    )
    value = uuid.uuid4()
    rows = [{"uuid": value, "name": "<b>Dupont</b>", "day": datetime.date(2026, 1, 2)}]
    with translation.override("de"):
        html = template.render({"rows": rows})
    assert "&lt;b&gt;Dupont&lt;/b&gt;" in html
    assert (
        f'href="/menages/{value}/"' in html
        or reverse("tenants:household", kwargs={"uuid": value}) in html
    )
    assert "02/01/2026" in html
    with translation.override("fr-be"):
        assert "bail terminé" in template.render({"rows": rows})
    # _() is Django's gettext, in the request's language.
    with translation.override("de"):
        assert engine.from_string("{{ _('Se déconnecter') }}").render({}) == "Abmelden"
