def lockout_username(request, credentials):
    """Normalise the e-mail so 'A@x.be ' and 'a@x.be' count as one account for lockout."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower() or None
