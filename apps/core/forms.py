"""Small helpers shared by the apps' form views."""


def posted(request):
    """The form data of a submission, else None (an unbound form).

    Not `request.POST or None`: an empty POST (every box unticked, fields emptied) is
    still a submission and must show the form's errors, not a fresh form.
    """
    return request.POST if request.method == "POST" else None
