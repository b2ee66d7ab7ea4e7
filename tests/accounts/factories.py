"""People and their roles."""

from __future__ import annotations

import factory

from apps.accounts.models import Membership, Role, User

PASSWORD = "test-password-123"


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
    # By path: the SLSP factories build people too (posts, attendance).
    slsp = factory.SubFactory("tests.slsps.factories.SlspFactory")


def make_user(role: str, slsp: object | None = None, **kwargs: object) -> User:
    """A user holding `role` (in `slsp` for the SLSP roles); administrators are staff."""
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, role=role, slsp=slsp)
    if role == Role.ADMIN:
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return user
