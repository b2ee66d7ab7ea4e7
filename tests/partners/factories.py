"""Partners of the regional directory, their contacts and their agreements with SLSPs."""

import datetime

import factory

from apps.partners.models import Agreement, Partner, PartnerContact, PartnerType, SlspPartner
from tests.slsps.factories import SlspFactory


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Service partenaire {n}")
    type = PartnerType.ASSOCIATION
    commune = "Namur"
    communes_served = factory.LazyFunction(lambda: ["Namur"])


class PartnerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerContact

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    function = "Assistante sociale"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")


class SlspPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SlspPartner

    slsp = factory.SubFactory(SlspFactory)
    partner = factory.SubFactory(PartnerFactory)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    slsp = factory.SubFactory(SlspFactory)
    partner = factory.SubFactory(PartnerFactory)
    purpose = factory.Sequence(lambda n: f"Orientation des locataires {n}")
    start_date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=200))
    end_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=300))
    shares_data = False
