import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from django_scopes.exceptions import ScopeError

from apps.accounts.models import Role, User
from apps.slsps.models import Province, ReferentPost, Slsp
from apps.slsps.services import load_reference_slsps
from tests.accounts.factories import make_user
from tests.slsps.factories import ReferentPostFactory, SlspFactory

pytestmark = pytest.mark.django_db
REFERENCE_CSV = Path(settings.BASE_DIR) / "fixtures" / "slsps.csv"


def test_scoped_model_refuses_a_query_without_scope():
    with pytest.raises(ScopeError):
        list(ReferentPost.objects.all())


def test_scope_limits_to_the_users_slsps(world):
    with scope(slsp=[world.slsp_a.pk]):
        assert {p.slsp_id for p in ReferentPost.objects.all()} == {world.slsp_a.pk}
    with scope(slsp=[]):
        assert not ReferentPost.objects.exists()


def test_reference_data_loads_real_slsps_idempotently():
    first = load_reference_slsps(REFERENCE_CSV)
    assert first.created == 30
    sambrienne = Slsp.objects.get(official_name="La Sambrienne")
    assert sambrienne.province == Province.HAINAUT
    assert sambrienne.housing_units == 9500
    assert not sambrienne.is_demo
    second = load_reference_slsps(REFERENCE_CSV)
    assert (second.created, second.updated) == (0, 0)
    assert Slsp.objects.count() == 30


def test_reference_data_keeps_what_the_swl_completed_by_hand():
    load_reference_slsps(REFERENCE_CSV)
    slsp = Slsp.objects.get(official_name="Haute Meuse")
    slsp.province = Province.NAMUR
    slsp.save()
    load_reference_slsps(REFERENCE_CSV)
    slsp.refresh_from_db()
    assert slsp.province == Province.NAMUR


def test_demo_data_reaches_68_slsps_with_every_role_and_is_idempotent(seeded_demo):
    first, second = seeded_demo.counts(Slsp, User, ReferentPost)
    assert second == first
    assert Slsp.objects.count() == 68
    assert Slsp.objects.filter(is_demo=True).count() == 38
    assert (
        not Slsp.objects.filter(is_demo=True)
        .exclude(official_name__startswith="SLSP de démonstration")
        .exists()
    )
    roles = set(User.objects.values_list("memberships__role", flat=True))
    assert set(Role.values) <= roles
    referents = User.objects.filter(
        memberships__role=Role.REFERENT,
        email__in=["referente.a@demo.slsp-referent.be", "referent.b@demo.slsp-referent.be"],
    )
    assert len({u.slsp_ids() for u in referents}) == 2
    with scopes_disabled():
        assert ReferentPost.objects.filter(slsp__is_demo=True).count() >= 38


def test_register_lists_every_slsp_for_the_coordinator(client_for, world):
    SlspFactory.create_batch(3, province=Province.LIEGE)
    response = client_for("coordinateur").get(reverse("slsps:register"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 5
    html = response.content.decode()
    assert "SLSP A de test" in html and "SLSP B de test" in html


def test_register_filters_by_province_and_sorts(client_for, world):
    SlspFactory(official_name="Zeta", province=Province.LIEGE, housing_units=10)
    SlspFactory(official_name="Alpha", province=Province.LIEGE, housing_units=5000)
    response = client_for("coordinateur").get(
        reverse("slsps:register"), {"province": Province.LIEGE, "ordering": "-logements"}
    )
    names = [s.official_name for s in response.context["page"]]
    assert names == ["Alpha", "Zeta"]


def test_register_bad_filter_input_is_not_a_500(client_for, world):
    response = client_for("coordinateur").get(
        reverse("slsps:register"), {"province": "XX", "ordering": "nope", "page": "abc"}
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_register_counts_filled_posts(client_for, world):
    ReferentPostFactory(slsp=world.slsp_a, person=None)  # vacant
    ReferentPostFactory(slsp=world.slsp_a, end_date=datetime.date(2021, 1, 1))  # ended
    response = client_for("coordinateur").get(reverse("slsps:register"))
    rows = {s.official_name: s.posts_filled for s in response.context["page"]}
    assert rows["SLSP A de test"] == 1


@pytest.mark.parametrize("extra", [1, 3, 60])
def test_register_query_count_does_not_grow(client_for, world, django_assert_num_queries, extra):
    SlspFactory.create_batch(extra)
    client = client_for("coordinateur")
    # session, user, memberships, count, page rows
    with django_assert_num_queries(5):
        assert client.get(reverse("slsps:register")).status_code == 200


@pytest.mark.parametrize("posts", [1, 3, 50])
def test_slsp_page_query_count_does_not_grow(client_for, world, django_assert_num_queries, posts):
    ReferentPostFactory.create_batch(posts, slsp=world.slsp_a)
    client = client_for("referent_a")
    with django_assert_num_queries(5):
        response = client.get(reverse("slsps:detail", kwargs={"uuid": world.slsp_a.uuid}))
    assert response.status_code == 200


def test_referent_home_shows_own_slsp_and_posts_only(client_for, world):
    html = client_for("referent_a").get(reverse("core:home")).content.decode()
    assert "SLSP A de test" in html
    assert "SLSP B de test" not in html
    assert world.users["referent_a"].get_full_name() in html


def test_coordinator_home_shows_every_slsp(client_for, world):
    html = client_for("coordinateur").get(reverse("core:home")).content.decode()
    assert "SLSP A de test" in html and "SLSP B de test" in html
    assert "Registre des SLSP" in html


@pytest.mark.parametrize("persona", ["referent_a", "coordinateur", "jury"])
def test_home_query_count_does_not_grow(client_for, world, persona):
    """Panels of every app together: the home page costs the same with 1 or 60 more SLSPs."""
    client = client_for(persona)
    counts = []
    for extra in (1, 2, 57):
        SlspFactory.create_batch(extra)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("core:home")).status_code == 200
        counts.append(len(ctx))
    assert len(set(counts)) == 1, counts


def test_navigation_shows_each_role_only_what_it_may_use(client_for, world):
    referent = client_for("referent_a").get(reverse("core:home")).content.decode()
    coordinator = client_for("coordinateur").get(reverse("core:home")).content.decode()
    juror = client_for("jury").get(reverse("core:home")).content.decode()
    assert "Ma SLSP" in referent and "Registre des SLSP" not in referent
    assert "Registre des SLSP" in coordinator and "Ma SLSP" not in coordinator
    assert "Ma SLSP" not in juror and "Registre des SLSP" not in juror


def test_referent_post_dates_must_be_ordered(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ReferentPost.objects.create(
            slsp=world.slsp_a,
            start_date=datetime.date(2024, 1, 1),
            end_date=datetime.date(2023, 1, 1),
        )


def test_user_with_two_slsps_sees_both(client):
    a, b = SlspFactory(), SlspFactory()
    user = make_user(Role.REFERENT, a)
    from apps.accounts.models import Membership

    Membership.objects.create(user=user, role=Role.DIRECTION, slsp=b)
    client.force_login(user)
    for slsp in (a, b):
        assert client.get(reverse("slsps:detail", kwargs={"uuid": slsp.uuid})).status_code == 200
