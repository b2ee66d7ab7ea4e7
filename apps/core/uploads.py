"""Uploaded files: check what they really are, store them under a safe name, serve them.

Files live under MEDIA_ROOT but are never served from a public URL (there is no
MEDIA_URL route): an authorised view reads them back through `serve_stored_file`.
The type is decided by the content (magic bytes and a real parse), never by the
name or the Content-Type the browser sent.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def max_upload_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def _check_pdf(handle) -> None:
    """A PDF must start with `%PDF-`, parse with pypdf, be unencrypted and have a page."""
    from pypdf import PdfReader

    handle.seek(0)
    if not handle.read(5) == b"%PDF-":
        raise ValidationError(
            _("Ce fichier n'est pas un PDF (son contenu ne commence pas comme un PDF)."),
            code="not_pdf",
        )
    handle.seek(0)
    # pypdf logs every repair it attempts; a refused file needs no log noise.
    pypdf_logger = logging.getLogger("pypdf")
    level = pypdf_logger.level
    pypdf_logger.setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(handle, strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("Ce PDF est protégé par un mot de passe : déposez une version non chiffrée."),
                code="encrypted_pdf",
            )
        if len(reader.pages) < 1:
            raise ValidationError(_("Ce PDF ne contient aucune page."), code="empty_pdf")
        # Reading the first page proves the object tree is usable, not just the header.
        reader.pages[0].mediabox  # noqa: B018
    except ValidationError:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on damaged files
        raise ValidationError(
            _("Ce PDF est illisible ou endommagé : enregistrez-le à nouveau et réessayez."),
            code="broken_pdf",
        ) from exc
    finally:
        pypdf_logger.setLevel(level)
        handle.seek(0)


# Past this ratio (uncompressed / compressed) a large member is a decompression bomb:
# office files compress their XML 5 to 20 times, a bomb thousands of times.
ZIP_MAX_RATIO = 100
ZIP_RATIO_FLOOR = 1024 * 1024  # small members may compress far better; they cost nothing


def check_zip_archive(
    handle: IO[bytes],
    *,
    max_total_bytes: int,
    max_member_bytes: Callable[[str], int] | int,
    max_members: int = 1000,
    max_ratio: int = ZIP_MAX_RATIO,
) -> list[zipfile.ZipInfo]:
    """Refuse a ZIP archive (XLSX, DOCX…) whose members would decompress too big, BEFORE
    anything inflates them; return its members.

    The sizes come from the central directory. They can lie, but `zipfile` never yields
    more than the declared `file_size` of a member, so they bound what a parser can read.
    `max_member_bytes` is a number or a function of the member's name (a worksheet may
    be larger than the styles that a reader loads whole)."""
    refuse = ValidationError(
        _(
            "Ce fichier compressé est anormalement volumineux une fois décompressé : "
            "il est refusé. Enregistrez-le à nouveau depuis votre tableur."
        ),
        code="zip_bomb",
    )
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ValidationError(
            _("Ce fichier compressé est illisible ou endommagé."), code="bad_zip"
        ) from exc
    if len(members) > max_members:
        raise refuse
    total = 0
    for member in members:
        limit = (
            max_member_bytes(member.filename) if callable(max_member_bytes) else max_member_bytes
        )
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if (
            member.file_size > limit
            or total > max_total_bytes
            or (member.file_size > ZIP_RATIO_FLOOR and ratio > max_ratio)
        ):
            raise refuse
    return members


@dataclass(frozen=True)
class FileKind:
    """One accepted type of file: how it is recognised and how it is served back."""

    name: str
    label: str
    extension: str
    content_type: str
    check: Callable


PDF = FileKind("pdf", "PDF", ".pdf", "application/pdf", _check_pdf)


def _check_image(handle, *, magic: bytes, format_name: str, label: str) -> None:
    """An image must start with its format's signature AND decode as that format: a
    file that only starts right (an HTML page after a PNG header) is refused."""
    from PIL import Image, UnidentifiedImageError

    handle.seek(0)
    if handle.read(len(magic)) != magic:
        raise ValidationError(
            _("Ce fichier n'est pas une image %(label)s (son contenu ne correspond pas)."),
            code="not_image",
            params={"label": label},
        )
    handle.seek(0)
    try:
        with Image.open(handle) as image:
            if image.format != format_name:
                raise ValueError(image.format)
            # Pixel-count guard first (decompression bombs), then a full decode.
            if image.width * image.height > (Image.MAX_IMAGE_PIXELS or 0) > 0:
                raise ValueError("too many pixels")
            image.load()
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
    ) as exc:
        raise ValidationError(
            _("Cette image %(label)s est illisible ou endommagée."),
            code="broken_image",
            params={"label": label},
        ) from exc
    finally:
        handle.seek(0)


def _check_jpeg(handle) -> None:
    _check_image(handle, magic=b"\xff\xd8\xff", format_name="JPEG", label="JPEG")


def _check_png(handle) -> None:
    _check_image(handle, magic=b"\x89PNG\r\n\x1a\n", format_name="PNG", label="PNG")


JPEG = FileKind("jpeg", "JPEG", ".jpg", "image/jpeg", _check_jpeg)
PNG = FileKind("png", "PNG", ".png", "image/png", _check_png)


def validate_upload(uploaded, kinds: tuple[FileKind, ...] = (PDF,), max_bytes: int | None = None):
    """Return the `FileKind` the file really is, or raise a ValidationError in French."""
    limit = max_bytes if max_bytes is not None else max_upload_bytes()
    size = getattr(uploaded, "size", None)
    if size is None:
        uploaded.seek(0, 2)
        size = uploaded.tell()
    if size == 0:
        raise ValidationError(_("Le fichier est vide."), code="empty")
    if size > limit:
        raise ValidationError(
            _("Le fichier est trop volumineux (%(size)s) : la limite est de %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    errors = []
    for kind in kinds:
        try:
            kind.check(uploaded)
        except ValidationError as error:
            errors.append(error)
            continue
        return kind
    if len(kinds) == 1:
        raise errors[0]
    raise ValidationError(
        _("Type de fichier refusé : seuls ces formats sont acceptés : %(kinds)s."),
        code="type",
        params={"kinds": ", ".join(k.label for k in kinds)},
    )


@deconstructible
class UploadValidator:
    """Model/form field validator wrapping `validate_upload` (deconstructible for migrations)."""

    def __init__(self, kinds: tuple[str, ...] = ("pdf",)):
        self.kinds = tuple(kinds)

    def __call__(self, value):
        # A file already stored (an unchanged form field) was checked when it came in.
        if getattr(value, "_committed", False):
            return
        validate_upload(value, tuple(KINDS[k] for k in self.kinds))

    def __eq__(self, other):
        return isinstance(other, UploadValidator) and self.kinds == other.kinds


KINDS = {kind.name: kind for kind in (PDF, JPEG, PNG)}


@deconstructible
class SafeUploadTo:
    """`upload_to` giving `<prefix>/<yyyy>/<uuid>.<ext>`: nothing of the user's name is kept."""

    def __init__(self, prefix: str, extension: str = ".pdf"):
        self.prefix = prefix.strip("/")
        self.extension = extension

    def __call__(self, instance, filename):
        return safe_storage_name(self.prefix, self.extension)

    def __eq__(self, other):
        return (
            isinstance(other, SafeUploadTo)
            and self.prefix == other.prefix
            and self.extension == other.extension
        )


def safe_storage_name(prefix: str, extension: str) -> str:
    from django.utils import timezone

    return f"{prefix}/{timezone.now():%Y}/{uuid.uuid4().hex}{extension}"


def safe_download_name(name: str, extension: str, fallback: str = "document") -> str:
    """An ASCII file name for Content-Disposition, built from a label we control."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower()[:80] or fallback
    return f"{stem}{extension}"


def serve_stored_file(field_file, download_name: str, kind: FileKind = PDF) -> FileResponse:
    """Send a stored file as an attachment; the caller has already checked the permission."""
    handle = field_file.storage.open(field_file.name, "rb")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=safe_download_name(download_name, kind.extension),
        content_type=kind.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
