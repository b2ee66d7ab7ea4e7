"""Small helpers shared by the apps' form views."""

from django.core.exceptions import ValidationError


def posted(request):
    """The form data of a submission, else None (an unbound form).

    Not `request.POST or None`: an empty POST (every box unticked, fields emptied) is
    still a submission and must show the form's errors, not a fresh form.
    """
    return request.POST if request.method == "POST" else None


def error_text(form_or_error) -> str:
    """A refused form or rule as one French message line, each field error named by its
    label ("Nouveau statut : Ce champ est obligatoire."), for messages and JSON answers."""
    if isinstance(form_or_error, ValidationError):
        return " ".join(form_or_error.messages)
    return " ".join(
        f"{form_or_error.fields[f].label if f in form_or_error.fields else ''} : {e}".strip(" :")
        for f, errors in form_or_error.errors.items()
        for e in errors
    )
