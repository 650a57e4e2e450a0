"""
Images embedded in question texts (Moodle XML's ``@@PLUGINFILE@@`` files).

An image is stored once, keyed by the SHA-256 of its bytes, and served by
`question_image` at /question-images/<sha256> to signed-in users; a question's
Markdown refers to that address. Only PNG, JPEG, GIF and WebP are kept,
recognised by their first bytes, never by the name a file claims; SVG (which
can carry script) and anything else is refused, as is an image over
MAX_IMAGE_BYTES.
"""

import hashlib
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from .models import QuestionImage

MAX_IMAGE_BYTES = 2 * 1024 * 1024
_EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
}


@dataclass(frozen=True)
class Image:
    """An image read from a file, checked, not yet stored."""

    sha256: str
    content_type: str
    name: str
    data: bytes

    @property
    def url(self) -> str:
        return image_url(self.sha256)


def image_type(data: bytes) -> str | None:
    """The content type of PNG, JPEG, GIF or WebP bytes, else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def image_read(data: bytes, *, name: str) -> Image:
    """A checked image; raises ValueError saying why the bytes are refused."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError(
            f"it is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB "
            f"({len(data):,} bytes)"
        )
    content_type = image_type(data)
    if content_type is None:
        raise ValueError("it is not a PNG, JPEG, GIF or WebP image (SVG is refused)")
    return Image(hashlib.sha256(data).hexdigest(), content_type, name[:200], data)


def image_url(sha256: str) -> str:
    return reverse("quizzes:question_image", args=[sha256])


def images_store(images: list[Image]) -> int:
    """Store the images not stored yet; returns how many were added."""
    wanted = {image.sha256: image for image in images}
    stored = set(
        QuestionImage.objects.filter(sha256__in=wanted).values_list("sha256", flat=True)
    )
    added = [
        QuestionImage(
            sha256=image.sha256,
            content_type=image.content_type,
            name=image.name,
            data=image.data,
        )
        for sha256, image in wanted.items()
        if sha256 not in stored
    ]
    QuestionImage.objects.bulk_create(added)
    return len(added)


def image_file_name(image: QuestionImage) -> str:
    """A file name for an export: the imported name, or one from the digest."""
    extension = _EXTENSIONS.get(image.content_type, "bin")
    name = image.name.replace("/", "_").strip()
    return name or f"{image.sha256[:16]}.{extension}"


@login_required
@require_safe
def question_image(request, sha256: str) -> HttpResponse:
    """
    An image of a question, by digest, for signed-in users like the questions
    that show it. Its bytes never change, so the browser keeps it.
    """
    image = get_object_or_404(QuestionImage, sha256=sha256)
    response = HttpResponse(bytes(image.data), content_type=image.content_type)
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
