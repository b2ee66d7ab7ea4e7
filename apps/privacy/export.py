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
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Mapping
from typing import IO

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accompaniment.history import revision_changes
from apps.accompaniment.models import Attachment, Moment
from apps.accompaniment.sensitive import WITHHELD
from apps.core.pdf import render_pdf
from apps.core.uploads import KINDS
from apps.privacy import queries
from apps.tenants.models import Household

FORMAT = "slsp-referent/export-menage/2"

# Where each model holding rows about a household is in the export ("section" or
# "section.key of each of its rows").
EXPORTED = {
    "tenants.Tenancy": "baux",
    "tenants.Member": "membres",
    "tenants.ImportChange": "modifications_par_import",
    "accompaniment.Consent": "consentements",
    "accompaniment.ConsentWithdrawal": "consentements.retraits",
    "accompaniment.FollowUp": "suivis",
    "accompaniment.Objective": "suivis.objectifs",
    "accompaniment.FollowUpReopening": "suivis.reouvertures",
    "accompaniment.Moment": "moments",
    "accompaniment.MomentRevision": "corrections_de_moments",
    "accompaniment.Attachment": "pieces_jointes",
    "referrals.Referral": "orientations",
    "referrals.ReferralEvent": "orientations.historique",
    "referrals.ReferralLinkUse": "consultations_par_les_partenaires",
    "audit.ConsentHistory": "historique_des_modifications",
    "audit.FollowUpHistory": "historique_des_modifications",
    "audit.MomentHistory": "historique_des_modifications",
    "audit.ReferralHistory": "historique_des_modifications",
}

# Models that hold rows about a household but are not in the export, and why. Every other
# model linked to a household (directly or through its consents, follow-ups, moments or
# referrals) must be read by `queries.household_dossier`: tests/privacy walks the models.
NOT_EXPORTED = {
    "tenants.LastTenancy": "the latest of the tenancies exported under « baux »",
    "referrals.ReferralLink": "a partner's access key (a hash): nothing about the household",
    "privacy.Erasure": "exists only once the household is erased, when no export is possible",
}


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


def _owner(attachment: Attachment) -> dict[str, str]:
    for kind in ("consent", "follow_up", "moment"):
        if getattr(attachment, f"{kind}_id"):
            return {"type": _OWNER_KINDS[kind], "uuid": str(getattr(attachment, f"{kind}_uuid"))}
    return {}


_RECORD_LABELS = {
    "consent": _("consentement"),
    "follow_up": _("suivi"),
    "moment": _("moment"),
    "referral": _("orientation"),
}
_EVENT_LABELS = {"insert": _("création"), "update": _("modification"), "delete": _("suppression")}
_OWNER_KINDS = {"consent": "consentement", "follow_up": "suivi", "moment": "moment"}


def attachment_path(attachment: Attachment) -> str:
    """The file's name inside the ZIP export."""
    return f"pieces-jointes/{attachment.uuid}{KINDS[attachment.file_kind].extension}"


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
                "retraits": [
                    {
                        "objet": w.purpose,
                        "objet_libelle": str(w.get_purpose_display()),
                        "partenaire": w.partner.name if w.partner else None,
                        "retire_le": _value(w.withdrawn_on),
                        "motif": w.reason,
                        "enregistre_par": _person(w.recorded_by),
                        "enregistre_le": _value(w.created_at),
                    }
                    for w in c.withdrawals.all()
                ],
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
                "issue_libelle": str(f.get_outcome_display()) if f.outcome else "",
                "note_de_cloture": f.closing_note,
                "prochaine_etape": f.next_step,
                "prochaine_etape_echeance": _value(f.next_step_due),
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
                "reouvertures": [
                    {
                        "cloture_precedente_le": _value(r.previous_closed_on),
                        "issue_precedente": r.previous_outcome,
                        "note_de_cloture_precedente": r.previous_note,
                        "motif": r.reason,
                        "rouvert_par": _person(r.reopened_by),
                        "rouvert_le": _value(r.reopened_at),
                    }
                    for r in f.reopenings.all()
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
                "rendez_vous_prevu": m.planned,
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
        # Before and after as shown on the household page; never a sensitive note's text.
        "corrections_de_moments": [
            {
                "moment": str(r.moment_uuid),
                "action": r.action,
                "action_libelle": str(r.get_action_display()),
                "avant": r.before,
                "apres": r.after,
                # As the household page words them: field label, before, after.
                "changements": [
                    {"champ": c["field"], "avant": c["before"], "apres": c["after"]}
                    for c in revision_changes(r)
                ],
                "motif": r.reason,
                "par": _person(r.by),
                "le": _value(r.at),
            }
            for r in data["moment_revisions"]
        ],
        # The files themselves are in the ZIP export, under pieces-jointes/.
        "pieces_jointes": [
            {
                "uuid": str(a.uuid),
                "intitule": a.title,
                "type": a.file_kind,
                "taille_octets": a.size,
                "fichier": attachment_path(a),
                "rattachee_a": _owner(a),
                "deposee_par": _person(a.uploaded_by),
                "deposee_le": _value(a.uploaded_at),
            }
            for a in data["attachments"]
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
        "consultations_par_les_partenaires": [
            {
                "orientation": str(u.referral_uuid),
                "moment": _value(u.at),
                "action": u.action,
                "action_libelle": str(u.get_action_display()),
                "detail": u.detail,
            }
            for u in data["link_uses"]
        ],
        "modifications_par_import": [
            {
                "import_du": _value(c.job.created_at),
                "fichier": c.job.filename,
                "type": c.kind,
                "objet": c.subject,
                "champ": c.field,
                "ancienne_valeur": c.old,
                "nouvelle_valeur": c.new,
            }
            for c in data["import_changes"]
        ],
        "historique_des_modifications": [
            {
                "objet": e["record"],
                "objet_libelle": str(_RECORD_LABELS.get(e["record"], e["record"])),
                "uuid": e["record_uuid"],
                "moment": _value(e["at"]),
                "evenement": e["event"],
                "evenement_libelle": str(_EVENT_LABELS.get(e["event"], e["event"])),
                "valeurs": e["values"],
            }
            for e in data["history"]
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


# Archives up to this size are built in memory, larger ones in a temporary file.
_SPOOL_BYTES = 8 * 1024 * 1024


def export_zip(
    household: Household,
    *,
    disclose: Disclose | None = None,
    record_reads: Callable[[list[Attachment]], object] | None = None,
) -> IO[bytes]:
    """The JSON and the PDF of one `household_export`, and every attached file under the
    name the JSON gives it (`pieces_jointes[].fichier`). Returned rewound, to stream.
    `record_reads` is given the documents the archive holds, as a download of each is
    logged."""
    data = household_export(household, disclose=disclose)
    documents = list(
        Attachment.objects.filter(household=household).only(
            "uuid", "slsp_id", "household_id", "file", "file_kind"
        )
    )
    if record_reads is not None:
        record_reads(documents)
    # Handed to the response, which closes it once sent.
    archive_file = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115
    with zipfile.ZipFile(archive_file, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("donnees.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr(
            "donnees.pdf",
            render_pdf(
                "privacy/pdf/household_export.html", {"export": data, "household": household}
            ),
        )
        for attachment in documents:
            with (
                attachment.file.open("rb") as stored,
                archive.open(attachment_path(attachment), "w") as target,
            ):
                shutil.copyfileobj(stored, target)
    archive_file.seek(0)
    return archive_file


def filename(household, extension: str) -> str:
    # The UUID, not the reference or a name: file names end up in download folders and logs.
    return f"export-menage-{household.uuid}.{extension}"
