import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.accounts.models import AccessLog
from tests.tenants.factories import MemberFactory, make_household

pytestmark = pytest.mark.django_db


def make_households(slsp, n):
    with scopes_disabled():
        return [make_household(slsp) for _ in range(n)]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_household_list_shows_only_own_slsp(client_for, world):
    mine = make_households(world.slsp_a, 2)
    theirs = make_households(world.slsp_b, 1)
    html = client_for("referent_a").get(reverse("tenants:households")).content.decode()
    assert all(h.display_name in html for h in mine)
    assert theirs[0].display_name not in html


def test_search_by_member_name_reference_and_address(client_for, world):
    target = make_households(world.slsp_a, 3)[1]
    with scopes_disabled():
        MemberFactory(slsp=world.slsp_a, household=target, last_name="Vandenberghe")
        address = target.tenancies.get().unit.address
    client = client_for("referent_a")
    for term in ("vandenBERGHE", target.reference, address):
        page = client.get(reverse("tenants:households"), {"q": term}).context["page"]
        assert [h.pk for h in page] == [target.pk], term


def test_bad_filter_input_is_not_a_500(client_for, world):
    response = client_for("referent_a").get(
        reverse("tenants:households"),
        {"category": "château", "district": "<script>", "ordering": "x", "page": "-3"},
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_district_choices_are_scoped_to_the_user(client_for, world):
    with scopes_disabled():
        make_household(world.slsp_b, unit__district="Cité secrète de B")
    form = client_for("referent_a").get(reverse("tenants:households")).context["filter"].form
    assert "Cité secrète de B" not in dict(form.fields["district"].choices)


def test_household_page_is_logged_in_the_access_log(client_for, world):
    household = make_households(world.slsp_a, 1)[0]
    client_for("accompagnateur_a").get(
        reverse("tenants:household", kwargs={"uuid": household.uuid})
    )
    entry = AccessLog.objects.get()
    assert entry.user == world.users["accompagnateur_a"]
    assert entry.object_id == str(household.uuid)
    assert entry.view_name == "tenants:household"
    assert entry.slsp_id == world.slsp_a.pk


@pytest.mark.parametrize("name", ["tenants:households"])
def test_list_query_count_is_the_same_for_1_3_and_50_rows(client_for, world, name):
    client = client_for("referent_a")
    counts = []
    for batch in (1, 2, 47):
        make_households(world.slsp_a, batch)
        counts.append(count_queries(client, reverse(name)))
    assert len(set(counts)) == 1, counts


def test_household_page_query_count_does_not_grow_with_members(client_for, world):
    household = make_households(world.slsp_a, 1)[0]
    client = client_for("referent_a")
    url = reverse("tenants:household", kwargs={"uuid": household.uuid})
    counts = []
    for batch in (1, 2, 47):
        with scopes_disabled():
            MemberFactory.create_batch(batch, slsp=world.slsp_a, household=household)
        counts.append(count_queries(client, url))
    assert len(set(counts)) == 1, counts


def test_household_page_lists_its_own_members_in_order(client_for, world):
    household = make_household(world.slsp_a)
    with scopes_disabled():
        MemberFactory(
            slsp=world.slsp_a,
            household=household,
            first_name="<Zoé>",
            birth_year=None,
            relation="enfant",
        )
        MemberFactory(slsp=world.slsp_a, household=household, first_name="Amir", relation="")
        other = make_household(world.slsp_a)
        MemberFactory(slsp=world.slsp_a, household=other, first_name="Ailleurs")
        names = list(household.members.order_by("pk").values_list("last_name", flat=True))
    url = reverse("tenants:household", kwargs={"uuid": household.uuid})
    html = client_for("referent_a").get(url).content.decode()
    members = html.split("<h3>Membres</h3>")[1].split("</ul>")[0]
    items = [item.split("</li>")[0] for item in members.split("<li>")[1:]]
    assert items == [
        f"Alex {names[0]} (1980)",
        f"&lt;Zoé&gt; {names[1]} — enfant",
        f"Amir {names[2]} (1980)",
    ]
    assert "Ailleurs" not in html


def test_household_page_lists_its_tenancies_as_the_models_name_them(client_for, world):
    """Tenancies are read as JSON rows in the household's query: the page must show what
    the model instances showed (unit str, district, category label, dates), newest first,
    escaped, and cost the same queries for 1 and 3 tenancies."""
    import datetime

    from apps.tenants.models import Category, Tenancy
    from tests.tenants.factories import HousingUnitFactory, TenancyFactory

    household = make_household(world.slsp_a, start_date=datetime.date(2012, 3, 1))
    client = client_for("referent_a")
    url = reverse("tenants:household", kwargs={"uuid": household.uuid})
    one = count_queries(client, url)
    with scopes_disabled():
        Tenancy.objects.filter(household=household).update(end_date=datetime.date(2019, 6, 30))
        TenancyFactory(
            slsp=world.slsp_a,
            household=household,
            unit=HousingUnitFactory(
                slsp=world.slsp_a, address="Rue <des> Anges 4", district="", commune="Mons"
            ),
            start_date=datetime.date(2019, 7, 1),
            end_date=datetime.date(2023, 12, 31),
            category=Category.TRANSIT,
            accompanied=True,
            public="sortie d'hébergement",
        )
        TenancyFactory(
            slsp=world.slsp_a,
            household=household,
            start_date=datetime.date(2024, 1, 1),
            category=Category.SOCIAL_ASSIMILE,
        )
        tenancies = list(Tenancy.objects.filter(household=household).select_related("unit"))
    assert count_queries(client, url) == one
    html = client.get(url).content.decode()
    section = html.split("<h2>Baux</h2>")[1].split("</section>")[0]
    shown = [
        [dd.split("</dd>")[0] for dd in block.split("<dd>")[1:]]
        for block in section.split('<dl class="facts">')[1:]
    ]
    from django.utils.html import escape

    expected = [
        [
            escape(str(t.unit)),
            escape(t.unit.district) or "—",
            escape(t.get_category_display()),
            f"{t.start_date:%d/%m/%Y} → "
            + (f"{t.end_date:%d/%m/%Y}" if t.end_date else "en cours"),
            ("oui" if t.accompanied else "non") + (f" ({escape(t.public)})" if t.public else ""),
        ]
        for t in sorted(tenancies, key=lambda t: t.start_date, reverse=True)
    ]
    assert shown == expected
    assert "Rue &lt;des&gt; Anges 4, 5000 Mons" in section
