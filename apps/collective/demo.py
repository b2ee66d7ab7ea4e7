"""Demo collective actions with their sessions, for every demo SLSP."""

import datetime

from apps.accounts.models import Membership, Role
from apps.collective.models import ActionSession, CollectiveAction, CollectiveKind
from apps.partners.models import Partner, PartnerType, SlspPartner

# Each entry: kind, title, objective, qualitative outcome, partner types involved,
# first session (month, day), schedule (sessions, step, unit), participants range,
# share of tenants among them, volunteers range.
COLLECTIVE_CATALOGUE = [
    (
        CollectiveKind.FETE_VOISINS,
        "Fête des voisins — {district}",
        "Faire se rencontrer anciens et nouveaux locataires autour d'un repas partagé.",
        "Beaucoup de nouveaux locataires sont venus pour la première fois ; deux personnes "
        "ont rejoint le comité de locataires et les voisins de palier se saluent davantage.",
        [PartnerType.PCS, PartnerType.REGIE_QUARTIER],
        (5, 29),
        (1, 0, "day"),
        (40, 110),
        (0.75, 0.9),
        (3, 8),
    ),
    (
        CollectiveKind.ECOLE_DEVOIRS,
        "École de devoirs du mercredi — {district}",
        "Soutenir la scolarité des enfants de la cité et associer les parents au suivi des "
        "devoirs.",
        "Les enfants viennent régulièrement ; trois parents accompagnent désormais les séances "
        "et l'école signale moins de devoirs non faits.",
        [PartnerType.ECOLE_DEVOIRS, PartnerType.PCS],
        (9, 17),
        (12, 7, "day"),
        (8, 18),
        (0.85, 1.0),
        (1, 3),
    ),
    (
        CollectiveKind.PLAINE,
        "Plaine de vacances d'été — {district}",
        "Offrir aux enfants de la cité deux semaines d'activités encadrées pendant l'été.",
        "Deux semaines complètes ; des familles isolées ont pris contact avec le référent à "
        "cette occasion et un suivi individuel a commencé pour l'une d'elles.",
        [PartnerType.PCS],
        (7, 3),
        (10, 1, "weekday"),
        (20, 45),
        (0.75, 0.95),
        (2, 5),
    ),
    (
        CollectiveKind.ATELIER_EXPRESSION,
        "Atelier d'expression « Mon quartier en images »",
        "Permettre aux habitants de dire ce qu'ils vivent dans le quartier, par la photo et "
        "l'écriture, et exposer le résultat.",
        "Une exposition a été montée à la maison de quartier ; les participants ont exprimé "
        "des attentes précises sur l'éclairage et la propreté des abords.",
        [PartnerType.SANTE_MENTALE, PartnerType.PCS],
        (1, 20),
        (6, 1, "month"),
        (6, 14),
        (0.8, 1.0),
        (0, 2),
    ),
    (
        CollectiveKind.ATELIER_PAROLE,
        "Atelier de prise de parole des locataires",
        "Préparer les locataires à prendre la parole en réunion (CCLP, assemblée de quartier).",
        "Quatre participants ont pris la parole à la réunion suivante du CCLP pour présenter "
        "les demandes de leur immeuble.",
        [PartnerType.PCS],
        (2, 10),
        (4, 1, "month"),
        (5, 12),
        (0.9, 1.0),
        (0, 1),
    ),
    (
        CollectiveKind.ETE_SOLIDAIRE,
        "Été solidaire : jeunes au service du quartier",
        "Engager des jeunes de la cité pour de petits travaux d'embellissement, encadrés par "
        "la régie des quartiers.",
        "Les abords de trois immeubles ont été repeints ; les jeunes ont reçu une attestation "
        "utile pour leur recherche d'emploi.",
        [PartnerType.REGIE_QUARTIER],
        (7, 10),
        (8, 1, "weekday"),
        (6, 10),
        (0.9, 1.0),
        (1, 2),
    ),
    (
        CollectiveKind.IMMEUBLES_EN_FETE,
        "Immeubles en fête — {district}",
        "Animer le pied des immeubles et faire connaître les services de la SLSP et de ses "
        "partenaires.",
        "Stand commun avec le CPAS ; plusieurs locataires ont demandé un rendez-vous pour "
        "leurs charges ou un plan d'apurement.",
        [PartnerType.CPAS, PartnerType.PCS],
        (9, 20),
        (1, 0, "day"),
        (30, 80),
        (0.7, 0.9),
        (2, 6),
    ),
    (
        CollectiveKind.REUNION_CCLP,
        "Rencontres trimestrielles avec le CCLP",
        "Partager avec le comité consultatif des locataires le suivi des travaux et des "
        "plaintes de voisinage.",
        "Le calendrier des travaux est mieux compris ; le CCLP relaie les informations dans "
        "les cages d'escalier.",
        [],
        (3, 12),
        (4, 3, "month"),
        (8, 20),
        (0.6, 0.9),
        (0, 0),
    ),
    (
        CollectiveKind.SEANCE_INFO,
        "Séance d'information : chauffage et économies d'énergie",
        "Aider les locataires à régler leur chauffage et à comprendre le décompte des charges.",
        "Les questions portaient surtout sur les vannes thermostatiques ; une fiche pratique "
        "a été distribuée dans tous les logements.",
        [PartnerType.CPAS],
        (10, 15),
        (2, 14, "day"),
        (12, 35),
        (0.85, 1.0),
        (0, 1),
    ),
    (
        CollectiveKind.ESPACE_PUBLIC,
        "Potager collectif et espace de rencontre — {district}",
        "Aménager avec les habitants un terrain délaissé en potager et lieu de rencontre.",
        "Le potager est entretenu par une dizaine de familles ; les dépôts sauvages ont cessé "
        "sur le terrain.",
        [PartnerType.REGIE_QUARTIER, PartnerType.PCS],
        (4, 5),
        (6, 1, "month"),
        (8, 20),
        (0.8, 1.0),
        (1, 3),
    ),
]
ACTIONS_PER_SLSP = 5


def _add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, 28))


def _session_dates(start, count, step, unit):
    dates, day = [], start
    while len(dates) < count:
        if unit == "weekday" and day.weekday() >= 5:
            day += datetime.timedelta(days=1)
            continue
        dates.append(day)
        if unit == "month":
            day = _add_months(start, step * len(dates))
        else:
            day += datetime.timedelta(days=step)
    return dates


def seed(ctx) -> None:
    """A few believable collective actions per demo SLSP over the last two years, with
    sessions up to today (idempotent: an SLSP that has actions is left alone)."""
    import random

    from apps.tenants.demo import DISTRICTS
    from apps.tenants.models import HousingUnit

    today = datetime.date.today()
    sessions = []
    for slsp in ctx.slsps:
        if CollectiveAction.objects.filter(slsp=slsp).exists():
            continue
        author_id = (
            Membership.objects.filter(slsp=slsp, role=Role.REFERENT)
            .values_list("user_id", flat=True)
            .first()
        )
        rng = random.Random(f"collective-{slsp.pk}")
        districts = (
            sorted(
                set(
                    HousingUnit.objects.filter(slsp=slsp)
                    .exclude(district="")
                    .values_list("district", flat=True)
                )
            )
            or DISTRICTS
        )
        network: dict[str, Partner] = {}
        for link in SlspPartner.objects.filter(slsp=slsp).select_related("partner"):
            network.setdefault(link.partner.type, link.partner)
        for entry in rng.sample(COLLECTIVE_CATALOGUE, ACTIONS_PER_SLSP):
            kind, title, objective, outcome, types, (month, day), schedule = entry[:7]
            low, high = entry[7]
            share_low, share_high = entry[8]
            vol_low, vol_high = entry[9]
            # The latest past occurrence within the last two years.
            year = today.year - rng.randrange(2)
            start = datetime.date(year, month, day)
            if start > today:
                start = start.replace(year=year - 1)
            dates = _session_dates(start, *schedule)
            done = [d for d in dates if d <= today]
            # Ended actions mostly have their qualitative outcome written.
            noted = dates[-1] <= today and rng.random() < 0.75
            district = rng.choice(districts)
            action = CollectiveAction.objects.create(
                slsp=slsp,
                kind=kind,
                title=title.format(district=district),
                district=district if "{district}" in title else "",
                objective=objective,
                start_date=start,
                end_date=dates[-1],
                outcome=outcome if noted else "",
                outcome_recorded_on=(
                    min(today, dates[-1] + datetime.timedelta(days=10)) if noted else None
                ),
                created_by_id=author_id,
            )
            action.partners.set([network[t] for t in types if t in network])
            for date in done:
                participants = rng.randint(low, high)
                share = rng.uniform(share_low, share_high)
                sessions.append(
                    ActionSession(
                        action=action,
                        slsp=slsp,
                        date=date,
                        participants=participants,
                        tenants=min(participants, round(participants * share)),
                        volunteers=rng.randint(vol_low, vol_high),
                        created_by_id=author_id,
                    )
                )
    ActionSession.objects.bulk_create(sessions)
