"""The confirmation step shared by every destructive action."""

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from apps.core.confirm import Confirmation, ConfirmForm, confirmation_page


class ReasonForm(ConfirmForm):
    reason = forms.CharField(label="Motif", max_length=20)


@pytest.mark.django_db
def test_page_says_what_will_stop_and_keeps_what_was_typed():
    request = RequestFactory().post("/", {"reason": "x" * 30})
    request.user = AnonymousUser()
    form = ReasonForm(request.POST)
    assert not form.is_valid()
    confirmation = Confirmation(
        title="Retirer le consentement",
        question="Retirer le consentement de ce ménage ?",
        cancel_url="/menage/",
        consequences=["Le suivi n° 3 sera clôturé."],
        confirm_label="Retirer",
    )
    text = confirmation_page(request, confirmation, form).content.decode()
    assert "Le suivi n° 3 sera clôturé." in text
    assert 'value="' + "x" * 30 + '"' in text  # what was typed comes back
    assert "errorlist" in text
    assert 'href="/menage/"' in text and "Retirer</button>" in text
    assert 'class="danger"' in text
