"""Scale dataset: 3,000 regional partners with contacts, each SLSP's network and agreements."""

import datetime

from apps.core.scale import FULL, copy_rows, next_id
from apps.core.text import de
from apps.partners.models import (
    Agreement,
    Partner,
    PartnerContact,
    PartnerType,
    SlspPartner,
    normalize_name,
)
from apps.slsps.scale import COMMUNES

NETWORK_SIZE = 50  # partners in each SLSP's network
# The first partners of each network have a data-sharing agreement: referrals go there.
SHARING_PARTNERS = 4
AGREEMENTS_PER_SLSP = 8
TYPES = list(PartnerType)
FULL_PARTNERS = FULL["partners"]
CONTACT_NAMES = ["Claire Martin", "Thomas Dupont", "Élodie Lemaire", "Nicolas Gilson"]
PURPOSES = [
    "Orientation des locataires en difficulté de paiement",
    "Accompagnement des relogements pendant les travaux",
    "Animation des quartiers et cohésion sociale",
    "Soutien scolaire des enfants des locataires",
]


def seed(ctx):
    count = ctx.counts["partners"]
    first = next_id(Partner)
    ctx.extra["partners"] = (first, count)

    def partners():
        for n in range(count):
            type_ = TYPES[n % len(TYPES)]
            commune, postal, _ = COMMUNES[(n // len(TYPES)) % len(COMMUNES)]
            name = f"{type_.label} {de(commune)} n° {n + 1}"
            yield (
                first + n,
                ctx.uuid(),
                name,
                type_.value,
                [commune],
                f"Rue du Partenariat {n + 1}",
                postal,
                commune,
                f"081 {n % 100:02d} {n % 77:02d} 00",
                f"contact{n + 1}@example.org",
                "",
                "",
                normalize_name(name),
                ctx.now,
                ctx.now,
            )

    copy_rows(
        ctx,
        Partner,
        [
            "id",
            "uuid",
            "name",
            "type",
            "communes_served",
            "address",
            "postal_code",
            "commune",
            "phone",
            "email",
            "website",
            "description",
            "normalized_name",
            "created_at",
            "updated_at",
        ],
        partners(),
        total=count,
    )
    copy_rows(
        ctx,
        PartnerContact,
        ["uuid", "partner", "name", "function", "phone", "email", "created_at", "updated_at"],
        (
            (
                ctx.uuid(),
                first + n,
                CONTACT_NAMES[n % len(CONTACT_NAMES)],
                "Assistante sociale",
                "081 00 00 00",
                f"personne{n + 1}@example.org",
                ctx.now,
                ctx.now,
            )
            for n in range(count)
        ),
    )

    network = {}
    # At least the agreements' partners, even at a tiny scale.
    size = min(max(NETWORK_SIZE * count // FULL_PARTNERS, AGREEMENTS_PER_SLSP), count)
    for position, slsp in enumerate(ctx.slsps):
        offset = (position * 37) % count
        network[slsp["id"]] = [first + (offset + k) % count for k in range(size)]
    ctx.extra["network"] = network
    copy_rows(
        ctx,
        SlspPartner,
        ["slsp", "partner", "since", "note", "created_at"],
        (
            (slsp_id, partner_id, ctx.days_ago(30 * (k + 1)), "", ctx.now)
            for slsp_id, ids in network.items()
            for k, partner_id in enumerate(ids)
        ),
    )

    def agreements():
        for i, (slsp_id, ids) in enumerate(network.items()):
            for k in range(AGREEMENTS_PER_SLSP):
                sharing = k < SHARING_PARTNERS
                if sharing:
                    # Data-sharing agreements with the first partners of the network cover
                    # the five years of referrals (and still run).
                    start = ctx.days_ago(6 * 365)
                    end = ctx.today + datetime.timedelta(days=40 + 120 * k)
                else:
                    # The others: some expired, some expiring soon, most running.
                    start = ctx.days_ago(200 * k + 30)
                    end = start + datetime.timedelta(days=365 * (1 + k % 3) + (k % 4) * 20)
                yield (
                    first_agreement + i * AGREEMENTS_PER_SLSP + k,
                    ctx.uuid(),
                    slsp_id,
                    ids[k],
                    PURPOSES[k % len(PURPOSES)],
                    start,
                    end,
                    sharing,
                    "Composition du ménage, situation locative" if sharing else "",
                    "",
                    30,
                    "",
                    ctx.now,
                    ctx.now,
                )

    first_agreement = next_id(Agreement)
    ctx.extra["sharing_agreements"] = {
        slsp_id: [first_agreement + i * AGREEMENTS_PER_SLSP + k for k in range(SHARING_PARTNERS)]
        for i, slsp_id in enumerate(network)
    }
    copy_rows(
        ctx,
        Agreement,
        [
            "id",
            "uuid",
            "slsp",
            "partner",
            "purpose",
            "start_date",
            "end_date",
            "shares_data",
            "shared_data",
            "priority_rules",
            "response_days",
            "document",
            "created_at",
            "updated_at",
        ],
        agreements(),
    )
