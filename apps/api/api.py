"""The REST API (django-ninja): service accounts authenticate with a bearer token; each
request runs inside the SLSP scope of the token's account, through the same services and
queries as the web pages."""

import functools
import logging
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_scopes import scope
from ninja import File, Form, NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.files import UploadedFile
from ninja.openapi.docs import Swagger
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from apps.api import queries, services
from apps.api.models import ApiScope, ApiToken
from apps.api.schemas import (
    ErrorOut,
    ImportJobOut,
    ImportPreviewOut,
    ReferralPageOut,
    RegionalOut,
)
from apps.referrals.models import ReferralStatus
from apps.tenants import importer
from apps.tenants import services as tenant_services
from apps.tenants.models import ImportJob

logger = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    """`Authorization: Bearer slsp_<prefix>_<secret>`, from an account holding `scope`
    (checked here, before the request's input is read: 403 otherwise)."""

    def __init__(self, scope: str | None = None) -> None:
        super().__init__()
        self.scope = scope

    def __call__(self, request: HttpRequest) -> ApiToken | None:
        # Ninja's own parser logs a malformed header in DEBUG: it may hold a secret.
        scheme, _sep, text = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not text:
            return None
        return self.authenticate(request, text)

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = services.authenticate(token)
        if self.scope and not queries.has_scope(found.account, self.scope):
            raise HttpError(
                403, _("Ce jeton n'a pas la portée « %(scope)s ».") % {"scope": self.scope}
            )
        return found


class TokenThrottle(SimpleRateThrottle):
    """Requests per token (sliding window in the Redis cache); the rate is read at each
    request so that a deployment (or a test) may change API_THROTTLE_RATE."""

    scope = "token"

    def __init__(self) -> None:
        self.rate = None

    def allow_request(self, request: HttpRequest) -> bool:
        self.num_requests, self.duration = self.parse_rate(settings.API_THROTTLE_RATE)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = getattr(request, "auth", None)
        if token is None:
            return None
        return f"api:throttle:{token.pk}"


class DocsPage(Swagger):
    """Swagger UI from the package's static files (no CDN), no call to the online
    validator, no inline script (CSP)."""

    template = "api/docs.html"


api = NinjaAPI(
    title="SLSP Référent — API",
    version="1",
    description=_(
        "API des comptes de service : import de l'export locatif (SLSP), statuts des "
        "orientations (SLSP), tableau régional (SWL). Authentification : en-tête "
        "« Authorization: Bearer <jeton> »."
    ),
    urls_namespace="api",
    openapi_url="schema/",
    docs_url="docs/",
    docs=DocsPage(settings={"validatorUrl": None, "deepLinking": False}),
    auth=BearerToken(),
    throttle=[TokenThrottle()],
)

ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut}


# --- Errors: JSON with a French message, never a traceback ---


def _error(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    response = api.create_response(request, {"detail": detail}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(services.TokenRefused)
def _token_refused(request: HttpRequest, exc: services.TokenRefused) -> HttpResponse:
    return _error(request, 401, str(exc))


@api.exception_handler(AuthenticationError)
def _no_token(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request, 401, _("Authentification requise : en-tête « Authorization: Bearer <jeton> ».")
    )


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    wait = int(exc.wait or 60) + 1
    response = _error(
        request, 429, _("Trop de requêtes : réessayez dans %(s)s secondes.") % {"s": wait}
    )
    response["Retry-After"] = str(wait)
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, _("Introuvable."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, exc.message)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = sorted({str(error["loc"][-1]) for error in exc.errors if error.get("loc")})
    return _error(
        request, 400, _("Requête invalide : vérifiez %(fields)s.") % {"fields": ", ".join(fields)}
    )


@api.exception_handler(DjangoValidationError)
def _refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return _error(request, 400, " ".join(exc.messages))


@api.exception_handler(Exception)
def _crash(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Django's own 500 handling (French page, logged); ninja's DEBUG traceback never.
    raise exc


# --- Scope ---


def in_account_scope(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run the endpoint inside the SLSP scope of the token's account (none for the SWL's)."""

    @functools.wraps(func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        account = request.auth.account  # type: ignore[attr-defined]
        with scope(slsp=[account.slsp_id] if account.slsp_id else []):
            return func(request, *args, **kwargs)

    return wrapper


# --- Imports ---


def _job_out(job: ImportJob) -> dict[str, Any]:
    return {
        "uuid": job.uuid,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "progress": tenant_services.job_progress(job),
        "filename": job.filename,
        "full_export": job.full_export,
        "confirm_end": job.confirm_end,
        "summary": job.summary,
        "error": job.error,
        "created_at": job.created_at,
        "applied_at": job.applied_at,
    }


def _preview_out(job: ImportJob) -> dict[str, Any]:
    out = _job_out(job) | {"rejected": [], "to_end": []}
    if job.status == ImportJob.Status.PREVIEWED:
        try:
            preview = tenant_services.job_preview(job)
        except importer.ImportFileError as exc:
            raise DjangoValidationError(str(exc)) from exc
        out["summary"] = preview.summary
        out["rejected"] = [
            {"line": r.line, "reference": r.reference, "reasons": r.reasons}
            for r in preview.rows
            if r.action == "reject"
        ]
        out["to_end"] = preview.to_end
    return out


def _job(request: HttpRequest, uuid: UUID) -> ImportJob:
    account = request.auth.account  # type: ignore[attr-defined]
    return get_object_or_404(queries.import_jobs_for(account), uuid=uuid)


@api.post(
    "v1/imports/",
    url_name="imports",
    auth=BearerToken(ApiScope.IMPORT),
    response={201: ImportPreviewOut, **ERRORS},
    summary="Déposer un export locatif",
    description=(
        "Lit le fichier (CSV ou XLSX) et fait l'essai à blanc, comme la page d'import. "
        "Avec dry_run=false, l'import est ensuite appliqué comme depuis la page (mis en "
        "file d'attente au-delà de 2 000 lignes)."
    ),
)
@in_account_scope
def create_import(
    request: HttpRequest,
    file: UploadedFile = File(...),  # noqa: B008
    dry_run: bool = Form(True),  # noqa: B008
    full_export: bool = Form(False),  # noqa: B008
    confirm_end: bool = Form(False),  # noqa: B008
    confirm_end_count: int | None = Form(None),  # noqa: B008
) -> Status[dict[str, Any]]:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    job = services.upload_import(
        token, filename=file.name or "", data=file.read(), full_export=full_export
    )
    services.log_api_reads(request, token, [job])
    out = _preview_out(job)
    if not dry_run:
        job = services.apply_import(
            job, confirm_end=confirm_end, confirm_end_count=confirm_end_count
        )
        out |= _job_out(job)
    return Status(201, out)


@api.get(
    "v1/imports/{uuid}/",
    url_name="import",
    auth=BearerToken(ApiScope.IMPORT),
    response={200: ImportPreviewOut, **ERRORS},
    summary="État d'un import",
)
@in_account_scope
def import_status(request: HttpRequest, uuid: UUID) -> dict[str, Any]:
    job = _job(request, uuid)
    services.log_api_reads(request, request.auth, [job])  # type: ignore[attr-defined]
    return _preview_out(job)


@api.post(
    "v1/imports/{uuid}/apply/",
    url_name="import_apply",
    auth=BearerToken(ApiScope.IMPORT),
    response={200: ImportJobOut, 202: ImportJobOut, **ERRORS},
    summary="Appliquer un import vérifié",
    description=(
        "Comme le bouton de la page d'aperçu : appliqué tout de suite (200) ou, au-delà de "
        "2 000 lignes, mis en file d'attente (202, suivre l'état). confirm_end confirme la "
        "clôture des baux absents d'un export complet ; au-delà de la part "
        "TENANT_IMPORT_MAX_CLOSE_SHARE des baux en cours, confirm_end_count doit valoir leur "
        "nombre."
    ),
)
@in_account_scope
def apply_import(
    request: HttpRequest,
    uuid: UUID,
    confirm_end: bool = Form(False),  # noqa: B008
    confirm_end_count: int | None = Form(None),  # noqa: B008
) -> Status[dict[str, Any]]:
    job = _job(request, uuid)
    services.log_api_reads(request, request.auth, [job])  # type: ignore[attr-defined]
    job = services.apply_import(job, confirm_end=confirm_end, confirm_end_count=confirm_end_count)
    status = 200 if job.status in (ImportJob.Status.APPLIED, ImportJob.Status.FAILED) else 202
    return Status(status, _job_out(job))


# --- Referrals ---


class ReferralFilter(Schema):
    status: ReferralStatus | None = None
    limit: int = 100
    offset: int = 0


MAX_LIMIT = 500


@api.get(
    "v1/referrals/",
    url_name="referrals",
    auth=BearerToken(ApiScope.REFERRALS_READ),
    response={200: ReferralPageOut, **ERRORS},
    summary="Statuts des orientations de la SLSP",
    description="Statut et dates de chaque orientation, sans nom ni texte libre.",
)
@in_account_scope
def referral_list(
    request: HttpRequest,
    filters: ReferralFilter = Query(...),  # noqa: B008
) -> dict[str, Any]:
    if not 1 <= filters.limit <= MAX_LIMIT or filters.offset < 0:
        raise DjangoValidationError(
            _("limit doit être entre 1 et %(max)s, offset positif.") % {"max": MAX_LIMIT}
        )
    referrals = queries.referrals_for(request.auth.account)  # type: ignore[attr-defined]
    if filters.status:
        referrals = referrals.filter(status=filters.status)
    count = referrals.count()
    page = list(
        referrals.only(*queries.REFERRAL_FIELDS)[filters.offset : filters.offset + filters.limit]
    )
    services.log_api_reads(request, request.auth, page)  # type: ignore[attr-defined]
    return {
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": page,
    }


# --- Regional table (SWL) ---


@api.get(
    "v1/regional/",
    url_name="regional",
    auth=BearerToken(ApiScope.REGIONAL_READ),
    response={200: RegionalOut, **ERRORS},
    summary="Tableau régional (SWL)",
    description=(
        "Les chiffres du tableau régional de la SWL, par SLSP, avec le même contrôle de "
        "divulgation que la page : un compte de personnes de 1 à 4 est donné comme « <5 ». "
        "Filtres de la page : province, kind (reelles, demo), tri."
    ),
)
@in_account_scope
def regional_table(request: HttpRequest) -> dict[str, Any]:
    table = queries.regional_table(request.auth.account, request.GET)  # type: ignore[attr-defined]
    keys = [column.key for column in table.columns]
    return {
        "columns": [
            {"key": c.key, "label": str(c.label), "about_people": c.about_people}
            for c in table.columns
        ],
        "rows": [
            {
                "slsp_uuid": row.slsp.uuid,
                "slsp": row.slsp.official_name,
                "province": row.slsp.province,
                "values": dict(zip(keys, row.values, strict=True)),
            }
            for row in table.rows
        ],
        "totals": dict(zip(keys, table.totals, strict=True)),
    }
