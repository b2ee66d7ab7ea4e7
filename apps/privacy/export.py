"""Right of access: everything held about one household, as JSON and as PDF.

One dictionary (`household_export`) feeds both formats, so the PDF never shows less
than the JSON. Nothing is stored: the files are built for the request and streamed,
so no copy outlives the data it was made from (erasure has no export file to chase).

Sensitive notes obey the one rule of `apps.accompaniment.sensitive`: the export holds
the text only of the notes `reveal` returned (the reader may read them, asked for them,
and each read is logged with the reason); every other note is `WITHHELD`.
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from collections.abc import Callable, Mapping

from django.db import models
from django.utils import timezone

from apps.accompaniment.models import Moment
from apps.accompaniment.sensitive import WITHHELD
from apps.core.pdf import render_pdf
from apps.privacy import queries
from apps.tenants.models import Household

FORMAT = "slsp-referent/export-menage/1"


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


def _value(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, decimal.Decimal, models.Model)):
        return str(value)
    return value


# Given the household's moments, returns the sensitive notes the export may hold (by pk).
Disclose = Callable[[list[Moment]], Mapping[int, str]]


def _sensitive_note(moment: Moment, notes: Mapping[int, str]) -> str:
    if not moment.sensitivity:
        return ""
    return notes.get(moment.pk, str(WITHHELD))


def household_export(household: Household, *, disclose: Disclose | None = None) -> dict:
    """Everything held about the household; sensitive notes only as `disclose` allows."""
    data = queries.household_dossier(household)
    notes = disclose(data["moments"]) if disclose is not None else {}
    return {
        "format": FORMAT,
        "genere_le": timezone.localtime().isoformat(),
        "notes_sensibles_incluses": bool(notes),
        "slsp": {"uuid": str(household.slsp.uuid), "nom": str(household.slsp)},
        "menage": {
            "uuid": str(household.uuid),
            "reference": household.reference,
            "nom": household.display_name,
            "taille": household.size,
            "langue": household.language,
            "cree_le": _value(household.created_at),
            "modifie_le": _value(household.updated_at),
        },
        "baux": [
            {
                "uuid": str(t.uuid),
                "debut": _value(t.start_date),
                "fin": _value(t.end_date),
                "categorie": t.category,
                "categorie_libelle": str(t.get_category_display()),
                "locataire_accompagne": t.accompanied,
                "public_specifique": t.public,
                "logement": {
                    "adresse": t.unit.address,
                    "code_postal": t.unit.postal_code,
                    "commune": t.unit.commune,
                    "quartier": t.unit.district,
                },
            }
            for t in data["tenancies"]
        ],
        "membres": [
            {
                "uuid": str(m.uuid),
                "prenom": m.first_name,
                "nom": m.last_name,
                "annee_naissance": m.birth_year,
                "lien": m.relation,
            }
            for m in data["members"]
        ],
        "consentements": [
            {
                "uuid": str(c.uuid),
                "donne_le": _value(c.given_on),
                "accepte_un_suivi": c.covers_follow_up,
                "partage_avec": [p.name for p in c.share_with.all()],
                "echeance": _value(c.expires_on),
                "retire_le": _value(c.withdrawn_on),
                "remarque": c.note,
                "enregistre_par": _person(c.recorded_by),
            }
            for c in data["consents"]
        ],
        "suivis": [
            {
                "uuid": str(f.uuid),
                "domaines": list(f.domains),
                "domaines_libelles": [str(label) for label in f.domain_labels()],
                "objectif": f.objective,
                "ouvert_le": _value(f.opened_on),
                "ouvert_par": _person(f.opened_by),
                "cloture_le": _value(f.closed_on),
                "issue": f.outcome,
                "arriere_a_l_ouverture": _value(f.arrears_amount),
                "stade_impayes": f.arrears_stage,
                "plan_apurement_suivi": f.arrears_plan_followed,
                "travaux_relogement": f.relocation_works.name if f.relocation_works else None,
                "relogement": f.relocation_kind,
                "relogement_debut": _value(f.relocation_start),
                "relogement_fin": _value(f.relocation_end),
                "objectifs": [
                    {
                        "uuid": str(o.uuid),
                        "texte": o.text,
                        "statut": o.status,
                        "mis_a_jour_le": _value(o.updated_on),
                    }
                    for o in f.objectives.all()
                ],
            }
            for f in data["follow_ups"]
        ],
        "moments": [
            {
                "uuid": str(m.uuid),
                "date": _value(m.date),
                "type": m.kind,
                "type_libelle": str(m.get_kind_display()),
                "duree_minutes": m.duration_minutes,
                "suivi": str(m.follow_up.uuid) if m.follow_up else None,
                "auteur": _person(m.author),
                "partenaires": [p.name for p in m.partners.all()],
                "participants": m.participants,
                "note": m.note,
                "note_sensible_nature": m.sensitivity,
                "note_sensible_nature_libelle": str(m.get_sensitivity_display()),
                "note_sensible": _sensitive_note(m, notes),
            }
            for m in data["moments"]
        ],
        "orientations": [
            {
                "uuid": str(r.uuid),
                "suivi": str(r.follow_up.uuid),
                "partenaire": r.partner.name,
                "convention": str(r.agreement.uuid) if r.agreement else None,
                "motif": r.reason,
                "donnees_partagees": list(r.shared_data),
                "donnees_partagees_libelles": [str(label) for label in r.shared_labels()],
                "statut": r.status,
                "statut_libelle": str(r.get_status_display()),
                "proposee_le": _value(r.proposed_at),
                "envoyee_le": _value(r.sent_at),
                "reponse_le": _value(r.answered_at),
                "prise_en_charge_le": _value(r.started_at),
                "cloturee_le": _value(r.closed_at),
                "resultat": r.outcome,
                "commentaire_resultat": r.outcome_note,
                "commentaire_partenaire": r.answer_note,
                "partage_arrete_le": _value(r.sharing_stopped_at),
                "creee_par": _person(r.created_by),
                "historique": [
                    {
                        "moment": _value(e.at),
                        "de": e.from_status,
                        "vers": e.to_status,
                        "note": e.note,
                    }
                    for e in r.events.all()
                ],
            }
            for r in data["referrals"]
        ],
        "journal_des_acces": [
            {
                "moment": _value(a.at),
                "personne": _person(a.user),
                "type_objet": a.object_type,
                "vue": a.view_name,
                "motif": a.reason,
            }
            for a in data["access_log"]
        ],
    }


def export_json(household: Household, *, disclose: Disclose | None = None) -> bytes:
    data = household_export(household, disclose=disclose)
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def export_pdf(household: Household, *, disclose: Disclose | None = None) -> bytes:
    return render_pdf(
        "privacy/pdf/household_export.html",
        {"export": household_export(household, disclose=disclose), "household": household},
    )


def filename(household, extension: str) -> str:
    # The UUID, not the reference or a name: file names end up in download folders and logs.
    return f"export-menage-{household.uuid}.{extension}"
