"""Attachments: PDF, JPEG or PNG, at most ATTACHMENT_MAX_BYTES, type read from the content."""

import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.uploads import MAX_ATTACHMENTS, check_attachment, check_attachments
from petitions.models import Attachment, Petition
from tests.factories import register_petition


def minimal_pdf() -> bytes:
    """A valid one-page PDF 1.4, with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f\r\n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n\r\n" % offset for offset in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


MINIMAL_PDF = minimal_pdf()


def image_bytes(fmt: str, size=(16, 12)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_a_real_pdf_is_accepted():
    checked = check_attachment(upload("信访材料.pdf", MINIMAL_PDF))
    assert (checked.content_type, checked.extension) == ("application/pdf", "pdf")


def test_a_real_png_is_accepted():
    checked = check_attachment(upload("photo.png", image_bytes("PNG")))
    assert (checked.content_type, checked.extension) == ("image/png", "png")


def test_a_real_jpeg_is_accepted():
    checked = check_attachment(upload("photo.jpg", image_bytes("JPEG")))
    assert (checked.content_type, checked.extension) == ("image/jpeg", "jpg")


def test_a_text_file_named_pdf_is_refused():
    with pytest.raises(ValidationError):
        check_attachment(upload("x.pdf", "这不是PDF文件，只是一段文字。\n".encode() * 20))


def test_a_pdf_header_without_the_end_marker_is_refused():
    with pytest.raises(ValidationError):
        check_attachment(upload("x.pdf", b"%PDF-1.4\n" + b"garbage " * 100))


def test_an_executable_named_jpg_is_refused():
    with pytest.raises(ValidationError):
        check_attachment(upload("x.jpg", b"MZ\x90\x00" + os.urandom(2000)))


def test_a_gif_is_refused_although_it_is_an_image():
    with pytest.raises(ValidationError):
        check_attachment(upload("x.gif", image_bytes("GIF")))


def test_the_type_comes_from_the_content_not_the_name():
    png_as_pdf = check_attachment(upload("scan.pdf", image_bytes("PNG")))
    jpeg_as_png = check_attachment(upload("scan.png", image_bytes("JPEG")))
    pdf_as_jpg = check_attachment(upload("scan.jpg", MINIMAL_PDF))
    assert png_as_pdf.content_type == "image/png"
    assert jpeg_as_png.content_type == "image/jpeg"
    assert pdf_as_jpg.content_type == "application/pdf"


def test_a_file_over_the_limit_is_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    content = MINIMAL_PDF + b"%" + b"x" * (1024 - len(MINIMAL_PDF))
    assert len(content) == 1025
    with pytest.raises(ValidationError):
        check_attachment(upload("big.pdf", content))


def test_a_file_at_the_limit_is_accepted(settings):
    settings.ATTACHMENT_MAX_BYTES = len(MINIMAL_PDF)
    assert check_attachment(upload("exact.pdf", MINIMAL_PDF)).extension == "pdf"


def test_the_default_limit_is_ten_megabytes(settings):
    assert settings.ATTACHMENT_MAX_BYTES == 10 * 1024 * 1024


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError):
        check_attachment(upload("empty.pdf", b""))


def test_errors_of_several_files_are_collected():
    with pytest.raises(ValidationError) as info:
        check_attachments(
            [upload("ok.png", image_bytes("PNG")), upload("a.pdf", b"no"), upload("b.pdf", b"")]
        )
    assert len(info.value.messages) == 2


def test_too_many_files_are_refused():
    files = [upload(f"{i}.png", image_bytes("PNG")) for i in range(MAX_ATTACHMENTS + 1)]
    with pytest.raises(ValidationError):
        check_attachments(files)


# --- through registration -----------------------------------------------------------------


def test_registration_stores_attachments_under_a_generated_name(reception1, settings):
    petition = register_petition(
        reception1,
        attachments=[
            upload("../../etc/材料.pdf", MINIMAL_PDF),
            upload("p.pdf", image_bytes("PNG")),
        ],
    ).petition
    stored = list(petition.attachments.order_by("pk"))
    assert [a.content_type for a in stored] == ["application/pdf", "image/png"]
    assert [a.original_name for a in stored] == ["材料.pdf", "p.pdf"]
    for attachment in stored:
        assert attachment.file.name.endswith(attachment.stored_name)
        assert ".." not in attachment.file.name
        assert os.path.exists(attachment.file.path)
        assert attachment.file.path.startswith(str(settings.MEDIA_ROOT))
    assert stored[1].stored_name.endswith(".png")


def test_registration_with_a_fake_pdf_writes_nothing(reception1, settings):
    with pytest.raises(ValidationError) as info:
        register_petition(
            reception1,
            attachments=[upload("ok.png", image_bytes("PNG")), upload("x.pdf", b"hello")],
        )
    assert "attachments" in info.value.message_dict
    assert Petition.objects.count() == 0
    assert Attachment.objects.count() == 0
    media = settings.MEDIA_ROOT
    assert not os.path.exists(media) or not any(files for _, _, files in os.walk(media))
