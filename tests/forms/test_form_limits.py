"""Every field of every form class in apps/: each announced limit is enforced.

Announced means: a `max_length` (or a widget's `maxlength`), a help text giving a number
of characters, a `min_value`/`max_value`, and every date field (the project's date rule,
apps/core/validators.py). Enforced means: a too-long, too-small, too-large, too-old or
too-far value is refused by the field itself. A new form needing constructor arguments
gets them in _kwargs() (the test fails until it does), so no form is skipped silently.
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import pkgutil
import re
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

import apps
from apps.core.validators import DateMeaning, DateRule, date_bounds, moment_date_error
from apps.slsps.models import Slsp

pytestmark = pytest.mark.django_db


def _kwargs() -> dict[str, dict[str, Any]]:
    from decimal import Decimal
    from types import SimpleNamespace

    from apps.accounts.models import User
    from apps.calls.models import Dossier
    from apps.partners.models import Partner

    none = Slsp.objects.none()
    call = SimpleNamespace(ceiling_per_dossier=Decimal("10000"))
    return {
        "AssignForm": {"jurors": User.objects.none(), "dossiers": Dossier.objects.none()},
        "DecisionForm": {"dossier": SimpleNamespace(call=call, requested_amount=Decimal("1"))},
        "DossierForm": {"call": call, "lead_slsp_id": None},
        "DossierCreateForm": {"call": call},
        "ScoreForm": {"criteria": []},
        "EvaluationForm": {"evaluations": []},
        "SemesterRequestForm": {"slsps": none},
        # Two forms share this name: the module tells them apart.
        "apps.slsps.forms.AttendanceForm": {"memberships": [], "current": {}},
        "apps.calls.forms.AttendanceForm": {"jurors": User.objects.none()},
        "ReplacementForm": {"pool": User.objects.none()},
        "GoodPracticeForm": {"slsps": none},
        "StrategyForm": {"slsp": None},
        "WithdrawConsentForm": {
            "consent": SimpleNamespace(share_with=Partner.objects.none(), covers_follow_up=True)
        },
        "MomentCorrectionForm": {
            "moment": SimpleNamespace(
                follow_up=None,
                kind="",
                date=None,
                duration_minutes=30,
                follow_up_id=None,
                note="",
                participants="",
                partners=Partner.objects.none(),
            )
        },
    }


def _arguments(cls: type) -> dict[str, Any]:
    known = _kwargs()
    return known.get(f"{cls.__module__}.{cls.__name__}", known.get(cls.__name__, {}))


def form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for app in pkgutil.iter_modules(apps.__path__):
        package = importlib.import_module(f"apps.{app.name}")
        names = [m.name for m in pkgutil.iter_modules(package.__path__)]
        for name in names:
            if name != "forms" and not name.startswith("forms_") and not name.endswith("_forms"):
                continue
            module = importlib.import_module(f"apps.{app.name}.{name}")
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    found.append(cls)
    return found


CLASSES = form_classes()


def build(cls: type[forms.BaseForm]) -> forms.BaseForm:
    try:
        with scopes_disabled():
            return cls(**_arguments(cls))
    except TypeError as error:
        raise AssertionError(f"{cls.__name__}: add its arguments to _kwargs() ({error})") from error


def refused(field: forms.Field, value: Any) -> list[str]:
    """The error codes of `value`, [] when accepted."""
    try:
        field.clean(value)
    except ValidationError as error:
        return [e.code or "" for e in error.error_list] or ["?"]
    return []


def refused_by_form(form: forms.BaseForm, name: str, value: str) -> bool:
    """The whole form, sent with only this value: refused on this field (clean_<name>)?"""
    cls = type(form)
    with scopes_disabled():
        bound = cls(data={form.add_prefix(name): value}, **_arguments(cls))
        try:
            return name in bound.errors
        except (KeyError, TypeError, AttributeError):
            return False  # a form-wide check that needs the other fields


def too_long(field: forms.Field, length: int) -> str:
    if isinstance(field, forms.EmailField):
        return "a" * 40 + "@" + "b" * max(length - 40, 1) + ".be"
    if isinstance(field, forms.URLField):
        return "https://example.be/" + "a" * length
    return "x" * (length + 1)


ANNOUNCED_CHARS = re.compile(r"(\d[\d\s  .]*)\s*caractères")


def test_every_forms_module_is_walked():
    names = {cls.__name__ for cls in CLASSES}
    for expected in (
        "MomentForm",
        "ConsentForm",
        "AgreementForm",
        "StrategyForm",
        "StrategyItemForm",
        "GoodPracticeForm",
        "CollectiveActionForm",
    ):
        assert expected in names
    assert len(CLASSES) > 40


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_announced_limit_is_enforced(cls):
    form = build(cls)
    problems = []
    for name, field in form.fields.items():
        where = f"{cls.__name__}.{name}"
        if isinstance(field, forms.FileField):
            continue  # the file's name length; files are checked by apps/core/uploads.py
        max_length = getattr(field, "max_length", None)
        attr = field.widget.attrs.get("maxlength")
        if attr is not None and str(attr) != str(max_length):
            problems.append(
                f"{where}: the page announces {attr} characters, the field {max_length}"
            )
        if max_length:
            codes = refused(field, too_long(field, max_length))
            if not codes:
                problems.append(f"{where}: {max_length + 1} characters accepted (max {max_length})")
            elif type(field) is forms.CharField and "max_length" not in codes:
                problems.append(f"{where}: too long refused for another reason {codes}")
        help_text = str(field.help_text or "")
        for announced in ANNOUNCED_CHARS.findall(help_text):
            number = int(re.sub(r"\D", "", announced))
            if max_length != number:
                problems.append(f"{where}: help text says {number} characters, max is {max_length}")
        for bound, step in (("min_value", -1), ("max_value", 1)):
            limit = getattr(field, bound, None)
            is_date = isinstance(field, forms.DateField | forms.DateTimeField)
            value = str(limit + step) if limit is not None else ""
            if (
                limit is not None
                and not is_date
                and not refused(field, value)
                and not refused_by_form(form, name, value)
            ):
                problems.append(f"{where}: {limit + step} accepted ({bound} {limit})")
        if isinstance(field, forms.DateField | forms.DateTimeField):
            if not any(isinstance(v, DateRule) for v in field.validators):
                problems.append(f"{where}: date field without the project's date rule")
            suffix = " 10:00" if isinstance(field, forms.DateTimeField) else ""
            for absurd in ("0001-01-01", "1899-12-31", "9999-12-31"):
                if not refused(field, absurd + suffix):
                    problems.append(f"{where}: {absurd} accepted")
    assert not problems, "\n".join(problems)


# --- The date rule by meaning -------------------------------------------------------


def test_the_date_rule_follows_the_meaning():
    today = datetime.date(2026, 12, 5)
    assert date_bounds(DateMeaning.BIRTH, today) == (datetime.date(1900, 1, 1), today)
    assert date_bounds(DateMeaning.PAST, today)[1] == today
    assert date_bounds(DateMeaning.PLANNED, today)[1] == datetime.date(2031, 12, 5)
    assert date_bounds(DateMeaning.TERM, today)[1] == datetime.date(2056, 12, 5)
    rule = DateRule(DateMeaning.BIRTH)
    with pytest.raises(ValidationError, match="naissance"):
        rule(datetime.date.today() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="01/01/1900"):
        rule(datetime.date(1, 1, 1))


def test_a_moment_is_not_before_the_first_tenancy_nor_in_the_future_unless_planned():
    today = datetime.date.today()
    start = today - datetime.timedelta(days=30)
    assert moment_date_error(today, first_tenancy=start) is None
    assert "locataire que depuis" in moment_date_error(
        start - datetime.timedelta(days=1), first_tenancy=start
    )
    tomorrow = today + datetime.timedelta(days=1)
    assert "futur" in moment_date_error(tomorrow, first_tenancy=start)
    assert moment_date_error(tomorrow, first_tenancy=start, planned=True) is None
    assert moment_date_error(datetime.date(9999, 12, 31), first_tenancy=None, planned=True)
