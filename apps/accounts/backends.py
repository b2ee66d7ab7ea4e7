from django.contrib.auth.backends import ModelBackend


class EmailModelBackend(ModelBackend):
    """Password login; model permissions serve the Django admin only.

    Product permissions come from django-rules, so non-staff users skip the two
    permission-table queries ModelBackend would run on every page.
    """

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_staff:
            return set()
        return super().get_all_permissions(user_obj, obj)
