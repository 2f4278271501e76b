"""Upload checks: size and real type, read from the content, never from the name."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_ATTACHMENTS = 20


@dataclass(frozen=True)
class CheckedType:
    content_type: str
    extension: str


def _looks_like_pdf(upload: UploadedFile) -> bool:
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(max((upload.size or 0) - 2048, 0))
    tail = upload.read()
    upload.seek(0)
    return head.startswith(b"%PDF-") and b"%%EOF" in tail


def _image_format(upload: UploadedFile) -> str | None:
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
            found = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        found = None
    upload.seek(0)
    return found


def check_attachment(upload: UploadedFile) -> CheckedType:
    """The upload's real type, or ValidationError if it is too big or not PDF/JPEG/PNG."""
    name = upload.name or ""
    size = upload.size or 0
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is larger than %(limit)s.")
            % {"name": name, "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)}
        )
    if size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    if _looks_like_pdf(upload):
        return CheckedType("application/pdf", "pdf")
    image_format = _image_format(upload)
    if image_format == "JPEG":
        return CheckedType("image/jpeg", "jpg")
    if image_format == "PNG":
        return CheckedType("image/png", "png")
    raise ValidationError(
        _("%(name)s is not a PDF, JPEG or PNG file (its content was checked).") % {"name": name}
    )


def check_attachments(uploads: list[UploadedFile]) -> list[CheckedType]:
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError(
            _("At most %(count)d attachments at once.") % {"count": MAX_ATTACHMENTS}
        )
    errors, checked = [], []
    for upload in uploads:
        try:
            checked.append(check_attachment(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return checked
