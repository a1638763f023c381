"""Checking evidence uploads: what a file is, whether it is safe, and the clean copy we keep.

A file's type is decided by its content (its first bytes), never by its name or by the content type the
browser sent, because both are chosen by whoever sends the file. We accept two kinds of file:

* Images: JPEG, PNG, GIF and WebP. Pillow reads the header first, so a picture that says it is bigger than
  UPLOAD_MAX_PIXELS (a "decompression bomb": tiny on disk, huge in memory) is refused before any pixel is
  decoded. The whole image is then decoded, turned the right way up (EXIF orientation), and encoded again
  from its pixels only: JPEG stays JPEG, everything else becomes PNG, and for animations only the first
  frame is kept. Nothing else survives: no EXIF (so no GPS position, camera or phone details), no XMP, no
  ICC profile, no text chunks, no comments, and no data appended after the image.
* PDF documents: parsed with pypdf in strict mode, then rebuilt page by page into a new document. Only
  the keys a page needs to be drawn are copied (see _PDF_PAGE_KEYS), so document-level JavaScript,
  OpenAction, embedded files, forms, outlines, XMP metadata, the Info dictionary (author, title...), page
  actions (/AA) and annotations (links, launch actions, attachments) are all left behind. Locked PDFs are
  refused; a PDF that only carries an "owner" password (it opens without asking for one, it only limits
  printing or copying) opens with the empty password and is rebuilt like any other.

Archives (zip, and so docx, xlsx and odt, gzip, 7z, rar, ...) are refused with their own message, before
anything is decompressed, so a zip bomb never gets the chance to expand. HEIC/HEIF, AVIF, JPEG XL, TIFF and
BMP pictures are refused with a message that tells the person how to make a JPEG. Everything else (HTML,
SVG, text, programs, video...) is the wrong type.

Polyglots. A polyglot is a file built to be read two ways: a picture that is also a PDF, a web page or a
zip archive, depending on the program that opens it. Re-encoding drops anything hidden in an image anyway,
but such a file is never an honest photo or screenshot, so it is refused outright ("polyglot"):

* an image is refused when it also contains ``%PDF-``, ``<html`` or ``<script`` (in any case), or a zip
  archive;
* a PDF (which must start with ``%PDF-`` at byte 0, so no other format can come first) is refused when it
  also contains a zip archive.

"Contains a zip archive" means both a local file header (``PK\\x03\\x04``) and an end-of-central-directory
record (``PK\\x05\\x06``): zip tools find an archive from that end record. Four random bytes match
``PK\\x03\\x04`` about once in 4 GB, so in 10 MB of compressed photo data they turn up by chance in about one
upload in 400; needing both records keeps ordinary photos from being refused by accident. The longer text
signatures are rare enough by chance to be checked on their own.

Every failure becomes an UploadRejected with a machine code and a plain message that says what to do
next; no file, however malformed, can cause a server error.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError
from pypdf import PasswordType, PdfReader, PdfWriter
from pypdf.errors import DependencyError, PyPdfError

logger = logging.getLogger(__name__)

KIND_IMAGE = "image"
KIND_PDF = "pdf"
LABEL_MAX_CHARS = 100
LABEL_FALLBACK = "file"
JPEG_QUALITY = 88

# Signatures at byte 0 (ISO base media files are matched on their brand further down).
_JPEG = b"\xff\xd8\xff"
_PNG = b"\x89PNG\r\n\x1a\n"
_GIF = (b"GIF87a", b"GIF89a")
_PDF = b"%PDF-"
_ARCHIVES = (
    b"PK\x03\x04",  # zip, and so docx/xlsx/pptx/odt/epub/jar/apk
    b"PK\x05\x06",  # empty zip
    b"PK\x07\x08",  # spanned zip
    b"\x1f\x8b",  # gzip (and .tar.gz)
    b"7z\xbc\xaf\x27\x1c",  # 7-Zip
    b"Rar!\x1a\x07",  # RAR 4 and 5
    b"\xfd7zXZ\x00",  # xz
    b"\x28\xb5\x2f\xfd",  # zstandard
    b"MSCF",  # Windows cabinet
)
_TIFF = (b"II*\x00", b"MM\x00*")
_JPEG_XL = (b"\xff\x0a", b"\x00\x00\x00\x0cJXL \r\n\x87\n")
# ISO base media ("ftyp" box at byte 4): the brands of HEIC/HEIF and AVIF still pictures and sequences.
_HEIF_BRANDS = {
    b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs",
    b"mif1", b"mif2", b"msf1", b"avif", b"avis", b"avio",
}  # fmt: skip
_BMP_HEADER_SIZES = {12, 40, 52, 56, 64, 108, 124}

# A second format hidden inside an image (see the module docstring).
_IMAGE_POLYGLOT_TEXT = re.compile(rb"%PDF-|<html|<script", re.IGNORECASE)
_ZIP_LOCAL_HEADER = b"PK\x03\x04"
_ZIP_END_RECORD = b"PK\x05\x06"

# Pillow's format names, for Image.open(formats=...): Pillow may only read the format we detected.
_PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}

# The page keys a rebuilt PDF keeps: what it takes to draw the page, nothing that acts or links.
# (pypdf copies the inherited Resources, MediaBox, CropBox and Rotate onto each page it lists.)
_PDF_PAGE_KEYS = {
    "/Type",
    "/Resources",
    "/Contents",
    "/MediaBox",
    "/CropBox",
    "/BleedBox",
    "/TrimBox",
    "/ArtBox",
    "/Rotate",
    "/UserUnit",
    "/Group",
}


class UploadRejected(Exception):
    """A file we will not keep. `code` is for code and counting; `message` is for the person."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class CheckedFile:
    content: bytes  # the safe bytes to store: a re-encoded image or a rebuilt PDF
    kind: str  # "image" or "pdf"
    content_type: str  # "image/jpeg", "image/png" or "application/pdf"
    extension: str  # "jpg", "png" or "pdf"
    label: str  # the person's own name for the file, cleaned (see clean_label)


def check_upload(upload) -> CheckedFile:
    """Check an uploaded file (a Django UploadedFile) and return the clean copy to store.

    Raises UploadRejected, and nothing else, for every file we will not keep.
    """
    label = clean_label(getattr(upload, "name", None))
    data = _read_limited(upload)
    try:
        fmt = _detect(data)
        if fmt == KIND_PDF:
            return _check_pdf(data, label)
        return _check_image(data, fmt, label)
    except UploadRejected:
        raise
    except Exception:  # a bug or a file stranger than we thought of: refuse the file, never a server error
        logger.warning("upload check failed unexpectedly", exc_info=True)
        raise _corrupt() from None


# --- the person's name for the file ------------------------------------------------------------------

# Invisible characters that change the direction text is shown in: "invoice\u202egnp.exe" would
# display as "invoiceexe.png". Zero-width joiners are left alone (some scripts and emoji need them).
_BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def check_files(files, client_key: str, *, count: int = 0, total: int = 0):
    """Check a batch of uploads against one another and what is already kept (`count` files, `total` bytes):
    returns (accepted, rejected), each rejected file as (its name, why) in plain words. Used by the report
    journey and the private diary alike; the upload rate limit is per client (keyed hash, no address)."""
    from standtogether.core import ratelimit

    accepted: list[CheckedFile] = []
    rejected: list[tuple[str, str]] = []
    for upload in files:
        name = (upload.name or "")[:100]
        if count + len(accepted) >= settings.UPLOAD_MAX_FILES:
            rejected.append(
                (name, _("You can add up to %(count)d files.") % {"count": settings.UPLOAD_MAX_FILES})
            )
            continue
        if not ratelimit.hit("upload", client_key):
            rejected.append(
                (name, _("Too many files were sent from this connection. Please try again later."))
            )
            continue
        try:
            checked = check_upload(upload)
        except UploadRejected as exc:
            rejected.append((name, str(exc.message)))
            continue
        if total + len(checked.content) > settings.UPLOAD_MAX_TOTAL_BYTES:
            limit = settings.UPLOAD_MAX_TOTAL_BYTES // (1024 * 1024)
            rejected.append(
                (name, _("Your files together are too big. The limit is %(size)d MB.") % {"size": limit})
            )
            continue
        accepted.append(checked)
        total += len(checked.content)
    return accepted, rejected


def clean_label(name) -> str:
    """The file's own name, safe to store and show: no folders, no control characters, at most 100 chars."""
    if isinstance(name, bytes):
        name = name.decode("utf-8", "replace")
    text = unicodedata.normalize("NFC", str(name or ""))
    # Basename only, whichever separator the sending computer used.
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(
        ch
        for ch in text
        if unicodedata.category(ch) not in {"Cc", "Cs", "Zl", "Zp"} and ch not in _BIDI_CONTROLS
    )
    text = " ".join(text.split())
    if text.strip(".") == "":
        return LABEL_FALLBACK
    if len(text) > LABEL_MAX_CHARS:
        stem, dot, extension = text.rpartition(".")
        if dot and stem and 0 < len(extension) <= 10:
            text = stem[: LABEL_MAX_CHARS - len(extension) - 1].rstrip() + "." + extension
        else:
            text = text[:LABEL_MAX_CHARS].rstrip()
    return text


# --- reading and recognising -------------------------------------------------------------------------


def _read_limited(upload) -> bytes:
    """The file's bytes, reading at most one byte more than the limit."""
    limit = int(settings.UPLOAD_MAX_FILE_BYTES)
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_big(limit)
    try:
        upload.seek(0)
    except (AttributeError, OSError, ValueError):
        pass
    parts, remaining = [], limit + 1
    while remaining > 0:
        chunk = upload.read(remaining)
        if not chunk:
            break
        parts.append(chunk)
        remaining -= len(chunk)
    data = b"".join(parts)
    if len(data) > limit:
        raise _too_big(limit)
    if not data:
        raise UploadRejected(
            "empty", _("This file is empty. Please choose it again, or choose a different file.")
        )
    return data


def _detect(data: bytes) -> str:
    """The format, from the first bytes: "jpeg", "png", "gif", "webp" or "pdf"; anything else is refused."""
    if data.startswith(_JPEG):
        return "jpeg"
    if data.startswith(_PNG):
        return "png"
    if data.startswith(_GIF):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(_PDF):
        return KIND_PDF
    if data.startswith(_ARCHIVES) or _is_tar_or_bzip2(data):
        raise UploadRejected(
            "zip",
            _(
                "This is a zip file or a compressed folder, and we cannot open those. "
                "Please send your photos, screenshots or PDF files one at a time."
            ),
        )
    if _is_other_picture(data):
        raise UploadRejected(
            "unsupported-image",
            _(
                "We cannot open this kind of photo. Please take a screenshot of it, or save it as a JPG, "
                "and send that instead."
            ),
        )
    raise UploadRejected(
        "wrong-type",
        _(
            "We cannot use this kind of file. Please send photos or screenshots as JPG or PNG files, "
            "or documents as PDF files."
        ),
    )


def _is_tar_or_bzip2(data: bytes) -> bool:
    return data[257:262] == b"ustar" or (
        data[:3] == b"BZh" and data[3:4].isdigit() and data[4:10] == b"1AY&SY"
    )


def _is_other_picture(data: bytes) -> bool:
    """HEIC/HEIF (the iPhone camera's format), AVIF, JPEG XL, TIFF or BMP: pictures we do not take."""
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return True
    if data.startswith(_TIFF) or data.startswith(_JPEG_XL):
        return True
    return (
        data[:2] == b"BM" and len(data) >= 18 and int.from_bytes(data[14:18], "little") in _BMP_HEADER_SIZES
    )


def _contains_zip(data: bytes) -> bool:
    return _ZIP_LOCAL_HEADER in data and _ZIP_END_RECORD in data


# --- images ------------------------------------------------------------------------------------------


def _check_image(data: bytes, fmt: str, label: str) -> CheckedFile:
    if _IMAGE_POLYGLOT_TEXT.search(data) or _contains_zip(data):
        raise _polyglot()
    max_pixels = int(settings.UPLOAD_MAX_PIXELS)
    # A truncated picture must fail to load. Pillow's switch for filling in missing data is process-wide
    # and WeasyPrint turns it on when it is imported (for the printed material): turn it off again here.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with warnings.catch_warnings():
        # Pillow's own limit warns first and only fails at twice the limit: make the warning fail too.
        # (Warning filters are process-wide, so a thread race could at worst make this Pillow check
        # stricter elsewhere or skip it here; our own pixel check below does not depend on it.)
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[fmt]])  # reads the header only
            width, height = image.size
            if width * height > max_pixels:
                raise _bomb()
            image.seek(0)  # the first frame of an animation
            image.load()
            if image.size != (width, height) or width < 1 or height < 1:
                raise _corrupt()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _bomb() from None
        except UploadRejected:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError):
            raise _corrupt() from None
        try:
            upright = ImageOps.exif_transpose(image)
        except Exception:  # an unreadable EXIF block: the pixels are fine, keep them as they are
            upright = image

    buffer = io.BytesIO()
    if fmt == "jpeg":
        clean = upright if upright.mode in {"L", "RGB"} else upright.convert("RGB")
        clean.info = {}  # what Pillow would otherwise write back: exif, icc_profile, comment, xmp...
        clean.save(buffer, "JPEG", quality=JPEG_QUALITY)
        extension, content_type = "jpg", "image/jpeg"
    else:
        clean = _png_ready(upright)
        clean.info = {}  # ...and for PNG: text chunks, exif, icc_profile, transparency (now in alpha)
        clean.save(buffer, "PNG")
        extension, content_type = "png", "image/png"
    return CheckedFile(
        content=buffer.getvalue(),
        kind=KIND_IMAGE,
        content_type=content_type,
        extension=extension,
        label=label,
    )


def _png_ready(image: Image.Image) -> Image.Image:
    """The image in a mode PNG stores with no extra chunks: any transparency moves into an alpha channel."""
    has_alpha = image.info.get("transparency") is not None or image.mode in {"LA", "La", "PA", "RGBA", "RGBa"}
    if image.mode == "LA" or (image.mode in {"1", "L", "RGB", "I", "I;16"} and not has_alpha):
        return image
    return image.convert("RGBA" if has_alpha else "RGB")


# --- PDF documents -----------------------------------------------------------------------------------


def _check_pdf(data: bytes, label: str) -> CheckedFile:
    if _contains_zip(data):
        raise _polyglot()
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
    except (NotImplementedError, DependencyError):
        # pypdf opens only the standard password lock; certificate locks and the like end up here.
        raise _pdf_locked() if b"/Encrypt" in data else _corrupt() from None
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError):
        raise _corrupt() from None
    if reader.is_encrypted:
        try:
            unlocked = reader.decrypt("") != PasswordType.NOT_DECRYPTED
        except Exception:  # an encryption scheme pypdf cannot handle: to the person, it is still locked
            unlocked = False
        if not unlocked:
            raise _pdf_locked()
    try:
        pages = list(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError):
        raise _corrupt() from None
    limit = int(settings.UPLOAD_MAX_PDF_PAGES)
    if not pages:
        raise _corrupt()
    if len(pages) > limit:
        raise UploadRejected(
            "pdf-too-many-pages",
            ngettext(
                "This PDF has %(pages)d page. The most we can take in one file is %(limit)d. "
                "Please send only the pages that matter, or split it into smaller files.",
                "This PDF has %(pages)d pages. The most we can take in one file is %(limit)d. "
                "Please send only the pages that matter, or split it into smaller files.",
                len(pages),
            )
            % {"pages": len(pages), "limit": limit},
        )
    try:
        writer = PdfWriter()
        for page in pages:
            # [1, key]: pypdf leaves the key out at the page's own level only, not in what the page holds.
            dropped = [item for key in page.keys() if key not in _PDF_PAGE_KEYS for item in (1, key)]
            writer.add_page(page, excluded_keys=dropped)
        writer.metadata = None  # no Info dictionary at all, not even pypdf's /Producer
        buffer = io.BytesIO()
        writer.write(buffer)
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError):
        raise _corrupt() from None
    return CheckedFile(
        content=buffer.getvalue(), kind=KIND_PDF, content_type="application/pdf", extension="pdf", label=label
    )


# --- messages ----------------------------------------------------------------------------------------


def _too_big(limit: int) -> UploadRejected:
    megabytes = max(1, limit // (1024 * 1024))
    return UploadRejected(
        "too-big",
        _(
            "This file is too big. Each file can be up to %(size)d MB. "
            "Please send a smaller copy, or take a screenshot of it."
        )
        % {"size": megabytes},
    )


def _bomb() -> UploadRejected:
    return UploadRejected(
        "bomb",
        _(
            "This picture is too large for us to open. "
            "Please take a screenshot of it, or send a smaller copy."
        ),
    )


def _corrupt() -> UploadRejected:
    return UploadRejected(
        "corrupt",
        _(
            "We could not open this file. It may be damaged or not fully saved. "
            "Please save it again and send it, or take a screenshot of it."
        ),
    )


def _pdf_locked() -> UploadRejected:
    return UploadRejected(
        "pdf-encrypted",
        _(
            "This PDF is locked with a password, so we cannot open it. "
            "Please save a copy without the password and send that."
        ),
    )


def _polyglot() -> UploadRejected:
    return UploadRejected(
        "polyglot",
        _(
            "We cannot accept this file because it has other data mixed into it. "
            "Please take a screenshot of it and send that instead."
        ),
    )
