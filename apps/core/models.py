from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """A row written by a Celery worker: the end-to-end proof used by tests and health."""

    token = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("battement de cœur du worker")
        verbose_name_plural = _("battements de cœur du worker")

    def __str__(self):
        return self.token
