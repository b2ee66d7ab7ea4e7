import importlib

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scopes_disabled

from apps.core.demo import DemoContext


class Command(BaseCommand):
    help = "Create demo SLSPs, demo accounts for every role and demo activity (idempotent)."

    def handle(self, *args, **options):
        ctx = DemoContext()
        with scopes_disabled(), transaction.atomic():
            for config in apps.get_app_configs():
                if not config.name.startswith("apps."):
                    continue
                try:
                    module = importlib.import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                if hasattr(module, "seed"):
                    module.seed(ctx)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"Demo logins (password: {settings.DEMO_PASSWORD}):")
        for role, email, scope in ctx.logins:
            self.stdout.write(f"  {role:<26} {email:<44} {scope}")
