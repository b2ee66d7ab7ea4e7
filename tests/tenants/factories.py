"""Housing units, households, their tenancies and members."""

import datetime

import factory

from apps.tenants.models import Category, Household, HousingUnit, Member, Tenancy


class HousingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HousingUnit

    address = factory.Sequence(lambda n: f"Rue des Tests {n}")
    postal_code = "5000"
    commune = "Namur"
    district = "Cité des Balances"
    category = Category.SOCIAL


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    reference = factory.Sequence(lambda n: f"T-{n:05d}")
    display_name = factory.Sequence(lambda n: f"Ménage Testé {n}")
    size = 1


class TenancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenancy

    household = factory.SubFactory(HouseholdFactory, slsp=factory.SelfAttribute("..slsp"))
    unit = factory.SubFactory(HousingUnitFactory, slsp=factory.SelfAttribute("..slsp"))
    start_date = datetime.date(2024, 1, 1)
    category = Category.SOCIAL


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    household = factory.SubFactory(HouseholdFactory, slsp=factory.SelfAttribute("..slsp"))
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Membre{n}")
    birth_year = 1980


def make_household(slsp: object, **tenancy_kwargs: object) -> Household:
    """A household of `slsp` with its tenancy (of a new housing unit) and one member."""
    tenancy = TenancyFactory(slsp=slsp, **tenancy_kwargs)
    MemberFactory(slsp=slsp, household=tenancy.household, last_name="Durand")
    return tenancy.household
