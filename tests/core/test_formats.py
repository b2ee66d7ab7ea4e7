from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.utils import translation

from apps.core import formats

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (28000, f"28{NBSP}000,00{NBSP}€"),
        (Decimal("14000.00"), f"14{NBSP}000,00{NBSP}€"),
        (Decimal("1234567.005"), f"1{NBSP}234{NBSP}567,01{NBSP}€"),
        (2.675, f"2,68{NBSP}€"),  # half up on the decimal written, not the binary float
        (Decimal("-0.001"), f"0,00{NBSP}€"),
        (None, "—"),
    ],
)
def test_amount_reads_fr_be(value, text):
    with translation.override("fr-be"):
        assert formats.amount(value) == text


def test_number_percent_and_csv_form():
    with translation.override("fr-be"):
        assert formats.number(18000) == f"18{NBSP}000"
        assert formats.number(3.25, 1) == "3,3"
        assert formats.number(Decimal("18000.5"), 2, grouping=False) == "18000,50"
        assert formats.percent(12.5) == f"12,5{NBSP}%"
        assert formats.percent(None) == "—"


def test_german_separators():
    with translation.override("de"):
        assert formats.amount(28000) == f"28.000,00{NBSP}€"


def test_dates_without_seconds_in_local_time():
    utc = datetime(2026, 11, 4, 13, 30, 59, tzinfo=ZoneInfo("UTC"))
    assert formats.moment(utc) == "04/11/2026 14:30"
    assert formats.day(date(2026, 1, 2)) == "02/01/2026"
    assert formats.day(utc) == "04/11/2026"


def test_template_filters_and_jinja_give_the_same_text():
    django_text = (
        engines["django"]
        .from_string("{% load formats %}{{ v|amount }}|{{ v|number:1 }}|{{ p|percent }}")
        .render({"v": Decimal("28000"), "p": 7})
    )
    jinja_text = (
        engines["jinja2"]
        .from_string("{{ v|amount }}|{{ v|number(1) }}|{{ p|percent }}")
        .render({"v": Decimal("28000"), "p": 7})
    )
    assert django_text == jinja_text == f"28{NBSP}000,00{NBSP}€|28{NBSP}000,0|7,0{NBSP}%"
