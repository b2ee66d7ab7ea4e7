"""SLSPs, their référent posts, strategies and the regional network."""

import datetime
from decimal import Decimal

import factory

from apps.slsps.models import (
    ActionStrategy,
    Attendance,
    GoodPracticeSheet,
    NetworkEvent,
    NetworkEventKind,
    Province,
    ReferentPost,
    Slsp,
    StrategyItem,
    StrategyItemKind,
)
from tests.accounts.factories import UserFactory


class SlspFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Slsp

    official_name = factory.Sequence(lambda n: f"SLSP de test {n}")
    short_name = factory.Sequence(lambda n: f"Test {n}")
    head_office_commune = "Namur"
    province = Province.NAMUR
    housing_units = 1200
    is_demo = True


class ReferentPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferentPost

    slsp = factory.SubFactory(SlspFactory)
    person = factory.SubFactory(UserFactory)
    fte = Decimal("1.00")
    start_date = datetime.date(2020, 1, 1)


class ActionStrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionStrategy

    slsp = factory.SubFactory(SlspFactory)
    year = 2026
    summary = "Priorité à l'accueil des nouveaux locataires."


class StrategyItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategyItem

    strategy = factory.SubFactory(ActionStrategyFactory)
    slsp = factory.SelfAttribute("strategy.slsp")
    kind = StrategyItemKind.OBJECTIVE
    title = factory.Sequence(lambda n: f"Objectif {n}")
    description = "Description confidentielle de l'objectif"
    order = factory.Sequence(lambda n: n)


class NetworkEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkEvent

    kind = NetworkEventKind.TRAINING
    title = factory.Sequence(lambda n: f"Formation {n}")
    date = factory.LazyFunction(lambda: datetime.date.today().replace(month=1, day=15))
    place = "Namur"


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    event = factory.SubFactory(NetworkEventFactory)
    slsp = factory.SubFactory(SlspFactory)
    person = factory.SubFactory(UserFactory)
    present = True


class GoodPracticeSheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoodPracticeSheet

    slsp = factory.SubFactory(SlspFactory)
    title = factory.Sequence(lambda n: f"Fiche {n}")
    domain = "Impayés"
    summary = "Un rendez-vous dès le premier retard."
    published = True
