"""A household with something in every table the privacy features reach."""

from __future__ import annotations

import datetime

from django_scopes import scope, scopes_disabled

from apps.accompaniment import services
from apps.accompaniment.models import Domain, MomentKind, Sensitivity
from apps.accounts.models import AccessLog
from apps.referrals.models import Referral, ReferralEvent, ReferralStatus, SharedData
from tests.partners.factories import PartnerFactory
from tests.tenants.factories import MemberFactory, TenancyFactory

TODAY = datetime.date.today()

# Distinctive strings: tests look for them in exports, logs and after erasure.
FIRST_NAME = "Zéphyrine"
LAST_NAME = "Vandermolen"
CONSENT_NOTE = "Accord donné en présence de la fille"
OBJECTIVE = "Résorber l'arriéré de loyer chez Vandermolen"
MOMENT_NOTE = "Entretien au bureau, courrier du juge de paix"
SENSITIVE = "Suivi psychiatrique au CHR, violences conjugales signalées"
REASON = "Préparer la réunion de concertation du CPAS"
REFERRAL_REASON = "Demande de guidance budgétaire pour Zéphyrine"
ANSWER = "Rendez-vous fixé avec l'assistante sociale Mme Lambert"


def make_rich_household(slsp, user, *, ended=None, started=datetime.date(2015, 3, 1)):
    """A household of `slsp` with tenancy, members, consent, follow-up, moments, logs.

    `ended`: end date of its (only) tenancy, None for a current one.
    """
    with scopes_disabled():
        tenancy = TenancyFactory(
            slsp=slsp, start_date=started, end_date=ended, public="Sortie de maison d'accueil"
        )
        household = tenancy.household
        household.display_name = f"Ménage {LAST_NAME}"
        household.save(update_fields=["display_name"])
        MemberFactory(slsp=slsp, household=household, first_name=FIRST_NAME, last_name=LAST_NAME)
        MemberFactory(slsp=slsp, household=household, first_name="Jules", last_name=LAST_NAME)
        partner = PartnerFactory()
    given = ended - datetime.timedelta(days=200) if ended else TODAY
    with scope(slsp=[slsp.pk]):
        services.record_consent(
            household,
            user,
            given_on=given,
            covers_follow_up=True,
            share_with=[partner],
            note=CONSENT_NOTE,
        )
        follow_up = services.open_follow_up(
            household,
            user,
            domains=[Domain.IMPAYES, Domain.HABITER],
            objective=OBJECTIVE,
            opened_on=given,
            more_objectives=["Ouvrir un compte bancaire"],
        )
        services.log_moment(
            household,
            user,
            kind=MomentKind.ARREARS,
            date=given,
            duration_minutes=45,
            follow_up=follow_up,
            note=MOMENT_NOTE,
            participants=f"{FIRST_NAME} {LAST_NAME}",
        )
        sensitive = services.log_moment(
            household,
            user,
            kind=MomentKind.HOME_VISIT,
            date=given,
            duration_minutes=30,
            sensitivity=Sensitivity.HEALTH,
            sensitive_note=SENSITIVE,
        )
    with scopes_disabled():
        referral = Referral.objects.create(
            slsp=slsp,
            follow_up=follow_up,
            household=household,
            partner=partner,
            reason=REFERRAL_REASON,
            shared_data=[SharedData.IDENTITY, SharedData.ARREARS],
            answer_note=ANSWER,
            created_by=user,
        )
        ReferralEvent.objects.create(
            slsp=slsp, referral=referral, to_status=ReferralStatus.PROPOSED, note=ANSWER
        )
    AccessLog.objects.create(
        user=user,
        slsp=slsp,
        object_type="tenants.household",
        object_id=str(household.uuid),
        view_name="tenants:household",
        path=f"/menages/{household.uuid}/",
        subject_household=household.pk,
    )
    AccessLog.objects.create(
        user=user,
        slsp=slsp,
        object_type="accompaniment.moment",
        object_id=str(sensitive.uuid),
        view_name="accompaniment:moment_sensitive",
        path=f"/accompagnement/moment/{sensitive.uuid}/note-sensible/",
        reason=REASON,
        subject_household=household.pk,
    )
    return household
