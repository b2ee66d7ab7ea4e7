import re

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from apps.accounts.models import AccessLog, Membership, Role, User
from apps.accounts.services import log_access
from tests.accounts.factories import PASSWORD, UserFactory, make_user
from tests.slsps.factories import SlspFactory

pytestmark = pytest.mark.django_db


def test_login_by_email_is_case_insensitive(client):
    UserFactory(email="sophie.lambert@example.org")
    response = client.post(
        reverse("accounts:login"),
        {"username": "  Sophie.Lambert@Example.org ", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_login_page_is_french(client):
    response = client.get(reverse("accounts:login"))
    content = response.content.decode()
    assert '<html lang="fr"' in content
    assert "Adresse e-mail" in content and "Mot de passe" in content
    assert "Se connecter" in content


def test_bad_password_gives_a_french_message_and_no_session(client):
    UserFactory(email="a@example.org")
    response = client.post(
        reverse("accounts:login"), {"username": "a@example.org", "password": "x"}
    )
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_malformed_email_is_refused_with_a_message(client):
    response = client.post(reverse("accounts:login"), {"username": "pas-un-email", "password": "x"})
    assert response.status_code == 200
    assert "adresse de courriel valide" in response.content.decode()


def test_lockout_after_repeated_failures_by_username_and_ip(client):
    UserFactory(email="cible@example.org")
    url = reverse("accounts:login")
    for _ in range(5):
        client.post(
            url, {"username": "Cible@Example.org", "password": "faux"}, REMOTE_ADDR="10.0.0.1"
        )
    # Even the right password is refused from that address now.
    locked = client.post(
        url, {"username": "cible@example.org", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert locked.status_code == 429
    assert "Connexion bloquée" in locked.content.decode()
    # The same person from another address is not locked out (username + IP together).
    other = client.post(
        url, {"username": "cible@example.org", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    assert other.status_code == 302


def test_password_reset_sends_a_french_email_with_a_working_link(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="oubli@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "oubli@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Réinitialisation" in message.subject
    link = re.search(r"https?://[^/]+(/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "un-nouveau-mot-de-passe-solide"
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_reset_for_unknown_email_reveals_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "inconnu@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change_rejects_a_weak_password_and_keeps_the_old_one(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "1234", "new_password2": "1234"},
    )
    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_works(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "encore-un-mot-de-passe-long",
            "new_password2": "encore-un-mot-de-passe-long",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("encore-un-mot-de-passe-long")


def test_logout_ends_the_session(client):
    client.force_login(UserFactory())
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_a_person_may_hold_several_roles():
    slsp = SlspFactory()
    user = make_user(Role.REFERENT, slsp)
    Membership.objects.create(user=user, role=Role.JURY)
    user = User.objects.get(pk=user.pk)
    assert user.has_role(Role.REFERENT, slsp.pk)
    assert user.has_role(Role.JURY)
    assert user.slsp_ids() == (slsp.pk,)


@pytest.mark.parametrize(
    ("role", "with_slsp"),
    [(Role.REFERENT, False), (Role.DIRECTION, False), (Role.COORDINATEUR, True), (Role.JURY, True)],
)
def test_membership_slsp_must_match_the_role(role, with_slsp):
    user = UserFactory()
    slsp = SlspFactory() if with_slsp else None
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=role, slsp=slsp)


def test_membership_is_unique_even_without_slsp():
    user = make_user(Role.COORDINATEUR)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.COORDINATEUR)


def test_inactive_user_has_no_role():
    slsp = SlspFactory()
    user = make_user(Role.REFERENT, slsp)
    user.is_active = False
    user.save()
    assert User.objects.get(pk=user.pk).slsp_ids() == ()


def test_log_access_records_who_read_what(rf):
    slsp = SlspFactory()
    user = make_user(Role.REFERENT, slsp)
    request = rf.get("/slsp/x/")
    request.user = user
    log_access(request, slsp, slsp_id=slsp.pk)
    entry = AccessLog.objects.get()
    assert entry.user == user
    assert entry.slsp == slsp
    assert entry.object_type == "slsps.slsp"
    assert entry.object_id == str(slsp.uuid)
    assert entry.at.utcoffset().total_seconds() == 0
