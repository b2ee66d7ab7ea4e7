"""Demo regional directory: public and associative services named after real Walloon
communes (never an invented private company), linked to every demo SLSP, with
agreements in every status and a few generated signed PDFs."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from apps.core.text import de
from apps.partners.models import (
    Agreement,
    Partner,
    PartnerContact,
    PartnerType,
    SlspPartner,
)
from apps.partners.services import own_copy

# Cities that host a relais social urbain and a maison de justice in Wallonia.
RELAIS_SOCIAUX = ["Charleroi", "Liège", "La Louvière", "Mons", "Namur", "Tournai", "Verviers"]
MAISONS_DE_JUSTICE = [
    "Arlon",
    "Charleroi",
    "Dinant",
    "Eupen",
    "Huy",
    "Liège",
    "Marche-en-Famenne",
    "Mons",
    "Namur",
    "Neufchâteau",
    "Nivelles",
    "Tournai",
    "Verviers",
]
PROVINCE_CITIES = {
    "HT": ["Charleroi", "Mons", "Tournai", "La Louvière"],
    "NA": ["Namur", "Dinant"],
    "LG": ["Liège", "Verviers", "Huy", "Eupen"],
    "LX": ["Arlon", "Marche-en-Famenne", "Neufchâteau"],
    "BW": ["Nivelles"],
}
# Services every commune of a demo SLSP gets, as (type, name pattern).
LOCAL_SERVICES = [
    (PartnerType.CPAS, "CPAS {de_c}"),
    (PartnerType.PCS, "Plan de cohésion sociale {de_c}"),
    (PartnerType.AIS, "Agence immobilière sociale {de_c}"),
    (PartnerType.SANTE_MENTALE, "Service de santé mentale {de_c}"),
    (PartnerType.REGIE_QUARTIER, "Régie des quartiers {de_c}"),
    (PartnerType.ECOLE_DEVOIRS, "École de devoirs {de_c}"),
    (PartnerType.APL, "Association de promotion du logement {de_c}"),
    (PartnerType.COMMUNE, "Administration communale {de_c}"),
]
FUNCTIONS = {
    PartnerType.CPAS: ["Assistante sociale", "Responsable du service logement"],
    PartnerType.PCS: ["Cheffe de projet PCS"],
    PartnerType.RELAIS_SOCIAL: ["Coordinateur", "Éducatrice de rue"],
    PartnerType.MAISON_JUSTICE: ["Assistant de justice"],
    PartnerType.SANTE_MENTALE: ["Psychologue", "Assistante sociale"],
}
FIRST = ["Claire", "Thomas", "Élodie", "Nicolas", "Aurélie", "Olivier", "Céline", "David"]
LAST = ["Martin", "Dupont", "Lemaire", "Gilson", "Hubert", "Jacquet", "Wauters", "Piron", "Thiry"]


def _partner(name, type_, commune, served=None, index=0):
    partner, created = Partner.objects.get_or_create(
        name=name,
        defaults={
            "type": type_,
            "commune": commune,
            "communes_served": served or [commune],
            "phone": f"0{81 + index % 9} {20 + index % 70:02d} {10 + index % 80:02d} 00",
        },
    )
    if created:
        functions = FUNCTIONS.get(type_, ["Coordinatrice"])
        for n, function in enumerate(functions):
            first = FIRST[(index + n) % len(FIRST)]
            last = LAST[(index * 3 + n) % len(LAST)]
            PartnerContact.objects.create(
                partner=partner,
                name=f"{first} {last}",
                function=function,
                phone=partner.phone,
                email=f"{_ascii(first)}.{_ascii(last)}@example.org",
            )
    return partner


def _ascii(value: str) -> str:
    from apps.partners.models import normalize_name

    return normalize_name(value).replace(" ", "-")


def _signed_pdf(agreement: Agreement) -> bytes:
    from django.utils.html import escape
    from weasyprint import HTML

    html = f"""<html><body style="font-family: DejaVu Sans; font-size: 11pt">
    <h1 style="font-size: 16pt">Convention de partenariat</h1>
    <p>Entre <b>{escape(agreement.slsp.official_name)}</b> et
    <b>{escape(agreement.partner.name)}</b>.</p>
    <p>Objet : {escape(agreement.purpose)}</p>
    <p>Du {agreement.start_date:%d/%m/%Y} au {agreement.end_date:%d/%m/%Y}.</p>
    <p>Délai de réponse convenu : {agreement.response_days or "—"} jours.</p>
    <p><i>Document de démonstration, sans valeur juridique.</i></p>
    </body></html>"""
    return HTML(string=html).write_pdf()


def seed(ctx):
    if not ctx.slsps:
        return
    index = 0
    for city in RELAIS_SOCIAUX:
        _partner(f"Relais social urbain {de(city)}", PartnerType.RELAIS_SOCIAL, city, index=index)
        index += 1
    for city in MAISONS_DE_JUSTICE:
        _partner(f"Maison de justice {de(city)}", PartnerType.MAISON_JUSTICE, city, index=index)
        index += 1

    today = timezone.localdate()
    for position, slsp in enumerate(ctx.slsps):
        commune = slsp.head_office_commune or "Namur"
        local = []
        for type_, pattern in LOCAL_SERVICES:
            local.append(_partner(pattern.format(de_c=de(commune)), type_, commune, index=index))
            index += 1
        regional = _regional_services(commune, slsp.province)
        for partner in local[:6] + regional:
            SlspPartner.objects.get_or_create(
                slsp=slsp,
                partner=partner,
                defaults={"since": datetime.date(2014 + position % 8, 1 + position % 12, 1)},
            )
        _seed_agreements(slsp, local, regional, today, with_documents=position < 2)


def _regional_services(commune, province):
    """The relais social and maison de justice of the SLSP's own city when it has them,
    otherwise those of the nearest cities of its province."""
    found = []
    for type_ in (PartnerType.MAISON_JUSTICE, PartnerType.RELAIS_SOCIAL):
        cities = [commune, *PROVINCE_CITIES.get(province, [])]
        partner = None
        for city in cities:
            partner = Partner.objects.filter(type=type_, commune=city).first()
            if partner:
                break
        if partner:
            found.append(partner)
    return found


def _seed_agreements(slsp, local, regional, today, with_documents):
    cpas, pcs, ais, ssm = local[0], local[1], local[2], local[3]
    day = datetime.timedelta(days=1)
    plans = [
        # partner, purpose, start, end, shares data, which data, response days
        (
            cpas,
            "Prévention des arriérés de loyer et guidance budgétaire",
            today - 400 * day,
            today + 700 * day,
            True,
            "Composition du ménage, montant et ancienneté des arriérés, coordonnées",
            10,
        ),
        (
            pcs,
            "Animation des quartiers et actions collectives",
            today - 1050 * day,
            today + (20 + slsp.pk % 35) * day,
            False,
            "",
            None,
        ),
        (
            ssm,
            "Orientation des locataires en souffrance psychique",
            today - 300 * day,
            today + 400 * day,
            True,
            "Coordonnées et motif de l'orientation, avec l'accord écrit du locataire",
            15,
        ),
        (
            ais,
            "Relogement temporaire pendant les travaux de rénovation",
            today - 1200 * day,
            today - 30 * day,
            False,
            "",
            30,
        ),
    ]
    if regional:
        plans.append(
            (
                regional[0],
                "Accompagnement des locataires sortant d'institution",
                today - 200 * day,
                today + 45 * day,
                True,
                "Date d'entrée dans le logement et personne de contact",
                7,
            )
        )
    for n, (partner, purpose, start, end, shares, shared, days) in enumerate(plans):
        agreement, created = Agreement.objects.get_or_create(
            slsp=slsp,
            partner=partner,
            purpose=purpose,
            defaults={
                "start_date": start,
                "end_date": end,
                "shares_data": shares,
                "shared_data": shared,
                "response_days": days,
                "priority_rules": (
                    "Priorité aux ménages avec enfants et aux personnes isolées de plus de "
                    "65 ans ; situations d'urgence traitées dans la semaine."
                    if shares
                    else ""
                ),
            },
        )
        if created:
            # An agreement uses the SLSP's own copy of a directory contact.
            agreement.contacts.set(
                [own_copy(c, agreement.slsp_id) for c in partner.contacts.directory()[:1]]
            )
        if created and with_documents and n < 3:
            content = _signed_pdf(agreement)
            agreement.document.save("convention.pdf", ContentFile(content), save=False)
            agreement.document_size = len(content)
            agreement.document_uploaded_at = timezone.now()
            agreement.save(update_fields=["document", "document_size", "document_uploaded_at"])
