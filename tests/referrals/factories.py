"""Build what a referral needs: a household with consent and a follow-up, a partner in
the SLSP's network, an agreement with a data-sharing clause and a contact e-mail."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django_scopes import scopes_disabled

from apps.accompaniment import services
from apps.accompaniment.models import Domain
from apps.accounts.models import User
from apps.partners.models import Agreement, Partner
from apps.referrals import services as referrals
from apps.referrals.models import Referral, SharedData
from tests.partners.factories import (
    AgreementFactory,
    PartnerContactFactory,
    PartnerFactory,
    SlspPartnerFactory,
)
from tests.tenants.factories import make_household

TODAY = datetime.date.today()


@dataclass
class ReferralSetup:
    household: object
    consent: object
    follow_up: object
    partner: object
    agreement: object | None


def make_network_partner(
    slsp: object,
    *,
    sharing: bool | None = True,
    response_days: int = 10,
    **partner_kwargs: object,
) -> tuple[Partner, Agreement | None]:
    """A partner in `slsp`'s network; with an agreement (data sharing or not) and the
    SLSP's contact e-mail unless `sharing` is None."""
    with scopes_disabled():
        partner = PartnerFactory(**partner_kwargs)
        SlspPartnerFactory(slsp=slsp, partner=partner)
        agreement = None
        if sharing is not None:
            agreement = AgreementFactory(
                slsp=slsp,
                partner=partner,
                shares_data=sharing,
                shared_data="Identité, adresse" if sharing else "",
                response_days=response_days,
            )
            # The SLSP's own contact: the only kind an agreement sends links to.
            contact = PartnerContactFactory(
                partner=partner, slsp=slsp, email=f"accueil.{partner.pk}@cpas.be"
            )
            agreement.contacts.add(contact)
    return partner, agreement


def referral_setup(
    slsp, user, *, share=True, sharing=True, response_days=10, household=None, **partner_kwargs
) -> ReferralSetup:
    partner, agreement = make_network_partner(
        slsp, sharing=sharing, response_days=response_days, **partner_kwargs
    )
    with scopes_disabled():
        household = household or make_household(slsp)
        consent = services.record_consent(
            household,
            user,
            given_on=TODAY - datetime.timedelta(days=10),
            covers_follow_up=True,
            share_with=[partner] if share else [],
        )
        follow_up = services.open_follow_up(
            household,
            user,
            domains=[Domain.IMPAYES],
            objective="Plan d'apurement",
            opened_on=TODAY - datetime.timedelta(days=10),
            arrears_amount=850,
            arrears_stage="plan",
        )
    return ReferralSetup(household, consent, follow_up, partner, agreement)


def make_referral(
    setup: ReferralSetup,
    user: User,
    *,
    shared: tuple[str, ...] = (SharedData.IDENTITY, SharedData.ADDRESS),
) -> Referral:
    with scopes_disabled():
        return referrals.propose_referral(
            setup.follow_up,
            user,
            partner=setup.partner,
            reason="Aide pour un plan d'apurement avec le CPAS",
            shared_data=list(shared),
        )


def make_sent_referral(setup: ReferralSetup, user: User, **kwargs: object) -> Referral:
    referral = make_referral(setup, user, **kwargs)
    with scopes_disabled():
        return referrals.send_referral(
            referral,
            user,
            recipient_email=referrals.default_recipient(referral),
            base_url="http://testserver/",
        )
