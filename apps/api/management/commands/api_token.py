"""Create, list and revoke API tokens of service accounts from the command line.

    manage.py api_token create --name "Outil SLSP A" --slsp <uuid or short name> \
        --scope import --scope referrals:read [--days 90]
    manage.py api_token create --name "SWL statistiques" --scope regional:read
    manage.py api_token revoke <prefix>
    manage.py api_token list
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.api import services
from apps.api.models import ApiScope, ApiToken, ServiceAccount
from apps.slsps.models import Slsp


class Command(BaseCommand):
    help = "Jetons d'API des comptes de service (create, revoke, list)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Créer un jeton (et le compte s'il n'existe pas).")
        create.add_argument("--name", required=True, help="Nom du compte de service.")
        create.add_argument("--slsp", default="", help="UUID ou nom de la SLSP ; vide : SWL.")
        create.add_argument(
            "--scope", action="append", default=[], choices=ApiScope.values, dest="scopes"
        )
        create.add_argument("--days", type=int, default=None, help="Validité en jours.")
        revoke = sub.add_parser("revoke", help="Révoquer un jeton par son préfixe.")
        revoke.add_argument("prefix")
        sub.add_parser("list", help="Lister les jetons (sans secret).")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _slsp(self, text: str) -> Slsp | None:
        if not text:
            return None
        lookup = Q(official_name=text) | Q(short_name=text)
        try:
            lookup |= Q(uuid=text) if len(text) == 36 else Q()
            return Slsp.objects.get(lookup)
        except (Slsp.DoesNotExist, Slsp.MultipleObjectsReturned, ValidationError) as exc:
            raise CommandError(f"SLSP introuvable ou ambiguë : {text}") from exc

    @transaction.atomic
    def _create(self, options: dict[str, Any]) -> None:
        slsp = self._slsp(options["slsp"])
        account = ServiceAccount.objects.filter(name=options["name"]).first()
        if account is None:
            account = ServiceAccount(name=options["name"], slsp=slsp, scopes=options["scopes"])
            try:
                account.full_clean()
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            account.save()
        elif account.slsp_id != (slsp.pk if slsp else None) or (
            options["scopes"] and set(options["scopes"]) != set(account.scopes)
        ):
            raise CommandError(
                "Ce compte existe avec une autre SLSP ou d'autres portées : "
                "changez-le dans l'administration."
            )
        expires_at = None
        if options["days"] is not None:
            expires_at = timezone.now() + datetime.timedelta(days=options["days"])
        token, text = services.create_token(account, created_by=None, expires_at=expires_at)
        self.stdout.write(f"Compte : {account.name} ({', '.join(account.scopes)})")
        self.stdout.write(f"Expire le : {timezone.localtime(token.expires_at):%d/%m/%Y %H:%M}")
        self.stdout.write("Jeton (affiché une seule fois) :")
        self.stdout.write(text)

    def _revoke(self, options: dict[str, Any]) -> None:
        token = ApiToken.objects.filter(prefix=options["prefix"]).first()
        if token is None:
            raise CommandError("Aucun jeton avec ce préfixe.")
        services.revoke_token(token)
        self.stdout.write(f"Jeton {token.prefix} révoqué.")

    def _list(self, options: dict[str, Any]) -> None:
        for token in ApiToken.objects.select_related("account").order_by("account__name", "pk"):
            state = "révoqué" if token.revoked_at else "actif"
            if not token.revoked_at and token.expires_at <= timezone.now():
                state = "expiré"
            self.stdout.write(
                f"{token.prefix}  {token.account.name}  {state}  "
                f"expire {timezone.localtime(token.expires_at):%d/%m/%Y}"
            )
