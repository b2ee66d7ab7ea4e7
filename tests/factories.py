import datetime
from decimal import Decimal

import factory
from django.conf import settings

from apps.accounts.models import Membership, Role, User
from apps.slsps.models import Province, ReferentPost, Slsp

PASSWORD = "test-password-123"


class SlspFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Slsp

    official_name = factory.Sequence(lambda n: f"SLSP de test {n}")
    short_name = factory.Sequence(lambda n: f"Test {n}")
    head_office_commune = "Namur"
    province = Province.NAMUR
    housing_units = 1200
    is_demo = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Testeur{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.REFERENT
    slsp = factory.SubFactory(SlspFactory)


class ReferentPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferentPost

    slsp = factory.SubFactory(SlspFactory)
    person = factory.SubFactory(UserFactory)
    fte = Decimal("1.00")
    start_date = datetime.date(2020, 1, 1)


def user_with_role(role, slsp=None, **kwargs) -> User:
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, role=role, slsp=slsp)
    if role == Role.ADMIN:
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return user


__all__ = ["PASSWORD", "settings"]
