import copy

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.core.mail import queue_email


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        "invalid_login": _(
            "Adresse e-mail ou mot de passe incorrect. Après plusieurs erreurs, "
            "la connexion est bloquée temporairement."
        ),
        "inactive": _("Ce compte est désactivé."),
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class OtpTokenForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code à six chiffres"),
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "pattern": "[0-9 ]*",
            }
        ),
    )


class SecondFactorForm(forms.Form):
    """At sign-in and re-authentication: the app's six digits, or a backup code."""

    otp_token = forms.CharField(
        label=_("Code à six chiffres ou code de secours"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "none"}
        ),
    )


class ReauthenticationForm(forms.Form):
    """Password, plus the one-time code when the person has a second factor."""

    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, *args, with_token=False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_token:
            field = copy.deepcopy(SecondFactorForm.base_fields["otp_token"])
            field.widget.attrs.pop("autofocus", None)
            self.fields["otp_token"] = field


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label=_("Nouvelle adresse e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class EnrolmentCodeForm(forms.Form):
    """The code e-mailed before a first enrolment (eight digits)."""

    email_code = forms.CharField(
        label=_("Code reçu par e-mail"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "pattern": "[0-9 ]*",
            }
        ),
    )


class QueuedPasswordResetForm(PasswordResetForm):
    """Reset e-mails go through the outbox like every message: a slow or absent mail
    server delays the e-mail but never the page, whose answer stays the same."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        queue_email(subject=subject, body=body, to=[to_email])


class LanguageForm(forms.Form):
    # Not a ModelForm: validating must not change the account before the service saves.
    language = forms.ChoiceField(
        label=_("Langue de l'interface et des e-mails"), choices=settings.LANGUAGES
    )


class InvitationForm(forms.ModelForm):
    """The administration's "add user" form: no password, the person chooses it."""

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "language"]

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Cette adresse est déjà utilisée par un autre compte."))
        return email

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user
