"""The shared upload helper: type by content, size limit, safe names, private serving."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from apps.core import uploads
from tests.core.factories import encrypted_pdf, pdf_bytes


def upload(content: bytes, name="document.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_real_pdf_is_accepted():
    assert uploads.validate_upload(upload(pdf_bytes())) is uploads.PDF


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        # A Windows executable renamed to .pdf.
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "convention.pdf", "not_pdf"),
        (b"Bonjour, ceci est du texte.", "convention.pdf", "not_pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "scan.pdf", "not_pdf"),
        (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nno xref", "broken.pdf", "broken_pdf"),
        (pdf_bytes()[: len(pdf_bytes()) // 2], "truncated.pdf", "broken_pdf"),
        (encrypted_pdf(), "secret.pdf", "encrypted_pdf"),
        (b"", "empty.pdf", "empty"),
    ],
    # Named: the encrypted PDF differs at each collection, and xdist workers must agree.
    ids=["exe", "text", "png", "no-xref", "truncated", "encrypted", "empty"],
)
def test_bad_files_are_refused_with_a_french_message(content, name, code):
    with pytest.raises(ValidationError) as excinfo:
        uploads.validate_upload(upload(content, name))
    error = excinfo.value
    assert error.code == code
    message = error.messages[0]
    assert any(word in message for word in ("PDF", "fichier")), message


def test_the_browser_content_type_is_not_trusted():
    with pytest.raises(ValidationError):
        uploads.validate_upload(upload(b"MZ\x90\x00", "x.pdf", content_type="application/pdf"))


def test_size_limit_comes_from_the_setting(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    big = pdf_bytes() + b"\n%" + b"x" * 2000
    with pytest.raises(ValidationError) as excinfo:
        uploads.validate_upload(upload(big))
    assert excinfo.value.code == "too_large"
    assert "trop volumineux" in excinfo.value.messages[0]
    del settings.UPLOAD_MAX_BYTES
    assert uploads.max_upload_bytes() == 10 * 1024 * 1024


def test_storage_names_never_keep_the_users_name():
    upload_to = uploads.SafeUploadTo("agreements")
    name = upload_to(None, "../../etc/passwd; rm -rf.pdf")
    assert name.startswith("agreements/")
    assert ".." not in name and "passwd" not in name
    assert name.endswith(".pdf")
    assert upload_to(None, "a.pdf") != upload_to(None, "a.pdf")


def test_download_names_are_plain_ascii():
    assert uploads.safe_download_name("Convention CPAS de Liège 2026", ".pdf") == (
        "convention-cpas-de-liege-2026.pdf"
    )
    assert uploads.safe_download_name('"/\\', ".pdf") == "document.pdf"


def test_serving_is_an_attachment_with_nosniff(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("agreements/x.pdf", ContentFile(pdf_bytes()))

    class Stored:
        pass

    stored = Stored()
    stored.storage, stored.name = storage, name
    response = uploads.serve_stored_file(stored, "Convention Namur")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "convention-namur.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_media_files_have_no_public_url(settings):
    """MEDIA_ROOT exists but no URL serves it: documents only go out through views."""
    from django.test import Client
    from django.urls import resolve
    from django.urls.exceptions import Resolver404

    with pytest.raises(Resolver404):
        resolve("/media/agreements/2026/x.pdf")
    with pytest.raises(NoReverseMatch):
        reverse("media")
    assert Client().get("/media/agreements/x.pdf").status_code == 404


def test_the_validator_is_usable_on_model_fields():
    validator = uploads.UploadValidator(("pdf",))
    validator(upload(pdf_bytes()))
    with pytest.raises(ValidationError):
        validator(upload(b"not a pdf"))
    assert validator == uploads.UploadValidator(("pdf",))


def zip_with(*members: tuple[str, bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    buffer.seek(0)
    return buffer


ZIP_LIMITS = {"max_total_bytes": 50 * 1024 * 1024, "max_member_bytes": 20 * 1024 * 1024}


def test_a_normal_archive_passes_and_lists_its_members():
    text = " ".join(f"mot{i}" for i in range(300_000)).encode()  # ~3 MB, ratio ~5
    members = uploads.check_zip_archive(zip_with(("a.xml", b"<a/>"), ("b.xml", text)), **ZIP_LIMITS)
    assert [m.filename for m in members] == ["a.xml", "b.xml"]


@pytest.mark.parametrize(
    "members",
    [
        # A decompression bomb: 10 MB of zeros in a few KB (ratio ~1000).
        [("sheet.xml", b"\x00" * (10 * 1024 * 1024))],
        # Under the ratio but over the member's limit once decompressed.
        [("big.xml", b" ".join(str(i).encode() for i in range(5_000_000)))],
        # Too many members.
        [(f"m{i}.xml", b"<a/>") for i in range(1_001)],
    ],
    ids=["ratio", "member-size", "members"],
)
def test_archives_that_decompress_too_big_are_refused_before_inflating(members):
    with pytest.raises(ValidationError) as excinfo:
        uploads.check_zip_archive(
            zip_with(*members), **{**ZIP_LIMITS, "max_member_bytes": 30_000_000}
        )
    assert excinfo.value.code == "zip_bomb"
    assert "anormalement volumineux une fois décompressé" in excinfo.value.messages[0]


def test_the_member_limit_may_depend_on_the_name():
    archive = zip_with(("sheet.xml", b"1 " * 400_000), ("styles.xml", b"<a/>"))
    limit = lambda name: 1_000_000 if name == "sheet.xml" else 100  # noqa: E731
    assert len(uploads.check_zip_archive(archive, max_total_bytes=10**7, max_member_bytes=limit))
    archive = zip_with(("sheet.xml", b"<a/>"), ("styles.xml", b"1 " * 400))
    with pytest.raises(ValidationError):
        uploads.check_zip_archive(archive, max_total_bytes=10**7, max_member_bytes=limit)


def test_a_file_that_is_not_an_archive_is_refused_in_french():
    with pytest.raises(ValidationError) as excinfo:
        uploads.check_zip_archive(io.BytesIO(b"PK\x03\x04 broken"), **ZIP_LIMITS)
    assert excinfo.value.code == "bad_zip"
    assert "illisible" in excinfo.value.messages[0]
