from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "apps.partners"
    verbose_name = _("Partenaires et conventions")

    def ready(self):
        from celery.schedules import crontab
        from django.conf import settings
        from django.db.models.signals import post_delete, post_save

        from apps.core.registry import HomePanel, NavItem, RegionalMetric, SearchProvider, registry
        from apps.partners import panels, queries, rules, search  # noqa: F401  (rules: perms)
        from apps.partners.models import Partner

        for signal, uid in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(
                queries.forget_commune_choices, sender=Partner, dispatch_uid=f"communes-{uid}"
            )

        registry.add_nav(
            NavItem(
                _("Partenaires"),
                "partners:directory",
                "partners.view_directory",
                order=40,
                group="network",
            )
        )
        registry.add_nav(
            NavItem(
                _("Conventions"),
                "partners:agreements",
                "partners.view_agreements",
                order=45,
                group="network",
            )
        )
        registry.add_search_provider(
            SearchProvider("partners", _("Partenaires"), search.search_partners, 40)
        )
        registry.add_panel(
            HomePanel("partners/panels/expiring.html", panels.expiring_agreements, order=35)
        )
        registry.add_metric(
            RegionalMetric(
                "partenaires",
                _("Partenaires dans le réseau"),
                queries.network_partners_by_slsp,
                40,
                per_semester=True,
            )
        )
        registry.add_metric(
            RegionalMetric(
                "conventions",
                _("Conventions en cours"),
                queries.agreements_in_force_by_slsp,
                45,
                per_semester=True,
            )
        )
        # Every morning; a task sends each (agreement, threshold) alert only once.
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "partners-send-expiry-alerts",
            {"task": "partners.send_expiry_alerts", "schedule": crontab(hour=7, minute=15)},
        )
