"""Evidence upload checks (intake/uploads.py). Every file used here is made here: no binary fixtures."""

from __future__ import annotations

import bz2
import gzip
import io
import random
import struct
import tarfile
import unicodedata
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from standtogether.intake.uploads import CheckedFile, UploadRejected, check_upload, clean_label

# --- making files --------------------------------------------------------------------------------------


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def rejected_code(name: str, data: bytes) -> str:
    with pytest.raises(UploadRejected) as caught:
        check_upload(upload(name, data))
    exc = caught.value
    assert str(exc.message).strip() and str(exc) == str(exc.message)
    assert "%(" not in str(exc.message)
    return exc.code


def noise_image(size=(64, 48), mode="RGB", seed=0) -> Image.Image:
    channels = len(Image.new(mode, (1, 1)).getbands())
    return Image.frombytes(mode, size, random.Random(seed).randbytes(size[0] * size[1] * channels))


def jpeg_bytes(image: Image.Image | None = None, **options) -> bytes:
    buffer = io.BytesIO()
    (image or noise_image()).save(buffer, "JPEG", **options)
    return buffer.getvalue()


def png_bytes(image: Image.Image | None = None, **options) -> bytes:
    buffer = io.BytesIO()
    (image or noise_image()).save(buffer, "PNG", **options)
    return buffer.getvalue()


def image_bytes(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def tar_bytes() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("photo.jpg")
        content = jpeg_bytes()
        info.size = len(content)
        archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_chunk_types(data: bytes) -> list[bytes]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    types, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        types.append(data[position + 4 : position + 8])
        position += 12 + length
    return types


def jpeg_segment_markers(data: bytes) -> list[int]:
    """The marker bytes of a JPEG's header segments, up to the start of the image data."""
    assert data.startswith(b"\xff\xd8")
    markers, position = [], 2
    while position < len(data):
        assert data[position] == 0xFF
        marker = data[position + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: the compressed pixels follow
            break
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        position += 2 + length
    return markers


def bilevel_png(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of black pixels, compressed row by row: small on disk, and small while made."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the packed pixels
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row * 500) for _ in range(height // 500)]
    parts.append(compressor.compress(row * (height % 500)))
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", b"".join(parts))
        + png_chunk(b"IEND", b"")
    )


def text_page(writer: PdfWriter, text: str = "Hello evidence"):
    page = writer.add_blank_page(300, 200)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    content = DecodedStreamObject()
    content.set_data(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode())
    page[NameObject("/Contents")] = writer._add_object(content)
    return page


def pdf_bytes(pages: int = 1, encrypt: dict | None = None) -> bytes:
    writer = PdfWriter()
    for number in range(pages):
        text_page(writer, f"Page {number + 1}")
    if encrypt is not None:
        writer.encrypt(**encrypt)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def js_action(script: str) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(script),
        }
    )


def risky_pdf_bytes() -> bytes:
    """A one-page PDF carrying everything a rebuild must leave behind."""
    writer = PdfWriter()
    page = text_page(writer)
    writer.add_open_action(JavaScript("app.alert('document script');"))
    writer._root_object[NameObject("/OpenAction")] = js_action("app.alert('open action');")
    writer.add_metadata({"/Author": "Secret Name", "/Title": "Secret Title"})
    writer.add_attachment("hidden.txt", b"hidden attachment body")
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): js_action("app.alert('page open');")})
    launch = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject(
                [FloatObject(0), FloatObject(0), FloatObject(50), FloatObject(50)]
            ),
            NameObject("/A"): DictionaryObject(
                {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
            ),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(launch)])
    page[NameObject("/PieceInfo")] = DictionaryObject(
        {NameObject("/Secret"): TextStringObject("Secret Name")}
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# --- images --------------------------------------------------------------------------------------------


def test_jpeg_loses_exif_gps_and_camera_but_keeps_its_orientation():
    exif = Image.Exif()
    exif[0x010F] = "SecretCamMaker"  # Make
    exif[0x0110] = "SecretModel9"  # Model
    exif[0x0112] = 6  # Orientation: turn 90 degrees clockwise to show
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}  # GPS IFD
    original = Image.new("RGB", (20, 10), "white")
    original.paste((255, 0, 0), (0, 0, 10, 10))  # left half red
    data = jpeg_bytes(
        original, exif=exif, comment=b"secret comment", xmp=b"<x:xmpmeta>secret xmp</x:xmpmeta>"
    )
    # The file really does carry everything we mean to remove.
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(0x8825)[1] == "N"
    assert b"SecretCamMaker" in data and b"Exif" in data

    checked = check_upload(upload("IMG_0001.JPG", data))

    assert isinstance(checked, CheckedFile)
    assert (checked.kind, checked.content_type, checked.extension) == ("image", "image/jpeg", "jpg")
    assert checked.label == "IMG_0001.JPG"
    result = Image.open(io.BytesIO(checked.content))
    result.load()
    assert result.format == "JPEG"
    assert len(result.getexif()) == 0
    assert len(result.getexif().get_ifd(0x8825)) == 0
    for marker in (b"Exif", b"SecretCamMaker", b"SecretModel9", b"secret comment", b"secret xmp", b"xmpmeta"):
        assert marker not in checked.content
    markers = jpeg_segment_markers(checked.content)
    assert not {0xE1, 0xE2, 0xED, 0xFE} & set(markers)  # no EXIF/XMP, ICC, Photoshop or comment segments
    assert "exif" not in result.info and "comment" not in result.info and "icc_profile" not in result.info
    assert result.size == (10, 20)  # the Orientation tag was honoured before it was thrown away
    assert result.getpixel((5, 2))[0] > 200 and result.getpixel((5, 2))[1] < 60  # red is now on top
    assert result.getpixel((5, 17))[1] > 200  # white at the bottom


def test_png_text_chunks_and_exif_are_dropped():
    info = PngInfo()
    info.add_text("Comment", "secret location text")
    info.add_text("Author", "secret author", zip=True)
    info.add_itxt("Description", "secret itxt")
    exif = Image.Exif()
    exif[0x010F] = "SecretCamMaker"
    data = png_bytes(noise_image(), pnginfo=info, exif=exif, icc_profile=b"not really an icc profile")
    assert {b"tEXt", b"zTXt", b"iTXt", b"eXIf"} <= set(png_chunk_types(data))

    checked = check_upload(upload("screenshot.png", data))

    assert (checked.kind, checked.content_type, checked.extension) == ("image", "image/png", "png")
    assert set(png_chunk_types(checked.content)) <= {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
    for marker in (b"secret", b"SecretCamMaker", b"not really an icc"):
        assert marker not in checked.content
    result = Image.open(io.BytesIO(checked.content))
    assert result.size == (64, 48)
    assert result.tobytes() == noise_image().tobytes()  # lossless: the same pixels


@pytest.mark.parametrize(
    ("make", "mode"),
    [
        pytest.param(
            lambda: image_bytes(noise_image(mode="RGBA"), "GIF", comment=b"secret gif"), None, id="gif"
        ),
        pytest.param(lambda: image_bytes(noise_image(), "WEBP", quality=80), "RGB", id="webp"),
        pytest.param(
            lambda: image_bytes(noise_image(mode="RGBA"), "WEBP", lossless=True), "RGBA", id="webp-alpha"
        ),
        pytest.param(lambda: png_bytes(noise_image(mode="L")), "L", id="grey"),
        pytest.param(lambda: png_bytes(noise_image(mode="1")), "1", id="bilevel"),
        pytest.param(lambda: png_bytes(noise_image(mode="LA")), "LA", id="grey-alpha"),
        pytest.param(lambda: png_bytes(Image.new("I;16", (30, 20), 40000)), "I;16", id="16-bit"),
    ],
)
def test_other_images_become_clean_png(make, mode):
    data = make()
    checked = check_upload(upload("picture", data))
    assert (checked.kind, checked.content_type, checked.extension) == ("image", "image/png", "png")
    assert set(png_chunk_types(checked.content)) <= {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
    assert b"secret" not in checked.content
    result = Image.open(io.BytesIO(checked.content))
    assert result.size == Image.open(io.BytesIO(data)).size
    if mode is not None:
        assert result.mode == mode


def test_palette_png_with_transparency_keeps_its_see_through_pixels():
    image = Image.new("P", (10, 10), 0)
    image.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    image.putpixel((9, 9), 1)
    data = png_bytes(image, transparency=0)

    result = Image.open(io.BytesIO(check_upload(upload("p.png", data)).content))

    assert result.mode == "RGBA"
    assert result.getpixel((0, 0))[3] == 0
    assert result.getpixel((9, 9)) == (0, 0, 255, 255)


def test_animated_gif_keeps_the_first_frame_only():
    frames = [Image.new("RGB", (16, 16), colour) for colour in ("red", "green", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)

    result = Image.open(io.BytesIO(check_upload(upload("a.gif", buffer.getvalue())).content))

    assert getattr(result, "n_frames", 1) == 1
    assert b"acTL" not in check_upload(upload("a.gif", buffer.getvalue())).content
    red, green, blue = result.convert("RGB").getpixel((8, 8))
    assert red > 200 and green < 50 and blue < 50


def test_cmyk_jpeg_becomes_rgb_jpeg():
    data = jpeg_bytes(noise_image(mode="CMYK"))
    checked = check_upload(upload("scan.jpg", data))
    result = Image.open(io.BytesIO(checked.content))
    assert (result.format, result.mode, checked.content_type) == ("JPEG", "RGB", "image/jpeg")


def test_a_checked_image_passes_its_own_check_again():
    first = check_upload(upload("photo.jpg", jpeg_bytes()))
    second = check_upload(upload("photo.jpg", first.content))
    assert Image.open(io.BytesIO(second.content)).size == Image.open(io.BytesIO(first.content)).size


# --- the type comes from the content -------------------------------------------------------------------


def test_html_named_jpg_is_the_wrong_type():
    data = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
    assert rejected_code("holiday.jpg", data) == "wrong-type"


def test_png_named_pdf_is_accepted_as_an_image():
    checked = check_upload(
        SimpleUploadedFile("report.pdf", png_bytes(), content_type="application/pdf")  # the browser agrees
    )
    assert (checked.kind, checked.content_type, checked.extension) == ("image", "image/png", "png")
    assert checked.label == "report.pdf"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', id="svg"),
        pytest.param(b"Just some words in a text file.\n", id="text"),
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100, id="exe"),
        pytest.param(b"\x7fELF\x02\x01\x01" + b"\x00" * 100, id="elf"),
        pytest.param(b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2mp41" + b"\x00" * 64, id="mp4"),
        pytest.param(b"  %PDF-1.4\n" + b"x" * 50, id="pdf-not-at-start"),
        pytest.param(b"BMW owners club minutes" + b" " * 40, id="text-starting-BM"),
        pytest.param(b"BZh is not how this note starts, usually." + b" " * 40, id="text-starting-BZh"),
    ],
)
def test_other_files_are_the_wrong_type(data):
    assert rejected_code("photo.jpg", data) == "wrong-type"


def test_random_bytes_are_the_wrong_type():
    data = random.Random(1).randbytes(1000)
    assert not data.startswith((b"\xff\xd8", b"\x89PNG", b"GIF8", b"RIFF", b"%PDF", b"PK"))
    assert rejected_code("evidence.png", data) == "wrong-type"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\x00\x00\x00\x18ftypheic" + b"\x00\x00\x00\x00mif1heic" + b"\x00" * 64, id="heic"),
        pytest.param(b"\x00\x00\x00\x18ftypmif1" + b"\x00\x00\x00\x00mif1heic" + b"\x00" * 64, id="heif"),
        pytest.param(b"\x00\x00\x00\x1cftypavif" + b"\x00" * 64, id="avif"),
        pytest.param(b"II*\x00\x08\x00\x00\x00" + b"\x00" * 64, id="tiff"),
        pytest.param(lambda: image_bytes(noise_image(), "BMP"), id="bmp"),
    ],
)
def test_phone_and_other_picture_formats_we_cannot_open(data):
    data = data() if callable(data) else data
    assert rejected_code("IMG_2024.HEIC", data) == "unsupported-image"


# --- size ----------------------------------------------------------------------------------------------


def test_an_empty_file_is_refused():
    assert rejected_code("nothing.jpg", b"") == "empty"


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.UPLOAD_MAX_FILE_BYTES = 1000
    data = png_bytes()
    assert len(data) > 1000
    assert rejected_code("big.png", data) == "too-big"


def test_a_file_exactly_at_the_size_limit_is_accepted(settings):
    data = png_bytes()
    settings.UPLOAD_MAX_FILE_BYTES = len(data)
    assert check_upload(upload("exact.png", data)).kind == "image"


def test_the_default_size_message_names_the_limit():
    class Huge:
        name = "huge.png"
        size = 11 * 1024 * 1024

        def read(self, n=-1):
            raise AssertionError("a file that says it is too big is never read")

    with pytest.raises(UploadRejected) as caught:
        check_upload(Huge())
    assert caught.value.code == "too-big"
    assert "10 MB" in str(caught.value.message)


def test_a_file_that_lies_about_its_size_is_read_no_further_than_the_limit(settings):
    settings.UPLOAD_MAX_FILE_BYTES = 5000

    class Endless:
        name = "endless.png"
        size = 10  # what it claims
        bytes_read = 0

        def seek(self, offset):
            pass

        def read(self, n=-1):
            assert n is not None and n > 0, "never read without a limit"
            n = min(n, 777)  # hand out awkward short reads
            first = self.bytes_read == 0
            self.bytes_read += n
            return (b"\x89PNG\r\n\x1a\n" + b"\x00" * n)[:n] if first else b"\x00" * n

    stream = Endless()
    with pytest.raises(UploadRejected) as caught:
        check_upload(stream)
    assert caught.value.code == "too-big"
    assert stream.bytes_read <= 5001


# --- archives and bombs --------------------------------------------------------------------------------


def test_a_zip_file_is_refused():
    data = zip_bytes({"photo1.jpg": jpeg_bytes(), "photo2.jpg": jpeg_bytes(noise_image(seed=2))})
    assert rejected_code("photos.zip", data) == "zip"


def test_a_word_document_is_refused_as_a_zip():
    data = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    assert rejected_code("statement.docx", data) == "zip"


def test_a_zip_bomb_is_refused_without_being_opened():
    buffer = io.BytesIO()
    chunk = b"\x00" * (1024 * 1024)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("zeros.bin", "w", force_zip64=True) as member:
            for _ in range(50):  # 50 MB of zeros
                member.write(chunk)
    data = buffer.getvalue()
    assert len(data) * 500 < 50 * len(chunk)  # a real bomb: it grows by far more than 500 times
    assert rejected_code("photo.jpg", data) == "zip"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(gzip.compress(b"hello"), id="gzip"),
        pytest.param(b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 40, id="7z"),
        pytest.param(b"Rar!\x1a\x07\x01\x00" + b"\x00" * 40, id="rar"),
        pytest.param(b"PK\x05\x06" + b"\x00" * 18, id="empty-zip"),
        pytest.param(lambda: bz2.compress(b"hello"), id="bzip2"),
        pytest.param(tar_bytes, id="tar"),
    ],
)
def test_other_archives_are_refused_as_zip(data):
    data = data() if callable(data) else data
    assert rejected_code("photo.png", data) == "zip"


def test_a_decompression_bomb_png_is_refused():
    data = bilevel_png(20_000, 20_000)  # 400 million pixels
    assert len(data) < 200_000
    assert rejected_code("tiny.png", data) == "bomb"


def test_the_pixel_limit_comes_from_settings(settings):
    settings.UPLOAD_MAX_PIXELS = 400
    assert check_upload(upload("ok.png", png_bytes(noise_image((20, 20))))).kind == "image"
    assert rejected_code("big.png", png_bytes(noise_image((21, 20)))) == "bomb"
    assert rejected_code("big.jpg", jpeg_bytes(noise_image((21, 20)))) == "bomb"


@pytest.mark.parametrize(
    "side",
    [
        pytest.param(20_000, id="pillow-error"),  # over twice Pillow's own limit
        pytest.param(10_000, id="pillow-warning"),  # over Pillow's limit, under twice it
    ],
)
def test_pillows_own_bomb_checks_are_refused_too(settings, side):
    settings.UPLOAD_MAX_PIXELS = 10**12  # our check lets it through; Pillow's must still catch it
    assert side * side > Image.MAX_IMAGE_PIXELS
    assert rejected_code("tiny.png", bilevel_png(side, side)) == "bomb"


# --- polyglots -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "tail"),
    [
        pytest.param(jpeg_bytes, b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", id="jpeg+pdf"),
        pytest.param(png_bytes, zip_bytes({"payload.html": b"<p>hello</p>"}), id="png+zip"),
        pytest.param(png_bytes, b"<HTML><body>hi</body></HTML>", id="png+html"),
        pytest.param(
            lambda: image_bytes(noise_image(), "GIF"), b"<ScRiPt>alert(1)</script>", id="gif+script"
        ),
        pytest.param(lambda: image_bytes(noise_image(), "WEBP"), b"%PDF-1.7\n", id="webp+pdf"),
    ],
)
def test_images_with_a_second_format_inside_are_polyglots(make, tail):
    data = make()
    assert check_upload(upload("plain", data)).kind == "image"  # the image alone is fine
    assert rejected_code("photo", data + tail) == "polyglot"


def test_a_pdf_with_a_zip_inside_is_a_polyglot():
    data = pdf_bytes()
    assert rejected_code("doc.pdf", data + zip_bytes({"a.txt": b"hidden"})) == "polyglot"


def test_four_chance_bytes_that_look_like_a_zip_header_do_not_refuse_a_photo():
    data = png_bytes()
    position = data.index(b"IEND")
    with_bytes = data[:position] + data[position:] + b"PK\x03\x04"
    assert check_upload(upload("photo.png", with_bytes)).kind == "image"


# --- damaged files -------------------------------------------------------------------------------------


def test_a_half_jpeg_is_corrupt(caplog):
    data = jpeg_bytes(noise_image((200, 200)), quality=95)
    assert check_upload(upload("whole.jpg", data)).kind == "image"
    assert rejected_code("half.jpg", data[: len(data) // 2]) == "corrupt"
    assert "unexpectedly" not in caplog.text  # a damaged file is an expected failure, found while decoding


def test_a_half_png_is_corrupt():
    data = png_bytes(noise_image((200, 200)))
    assert rejected_code("half.png", data[: len(data) // 2]) == "corrupt"


def test_a_half_picture_is_corrupt_even_after_the_pdf_library_is_loaded():
    """WeasyPrint (printed material) switches Pillow to accept truncated pictures when it is imported;
    uploads must stay strict in the same process."""
    import weasyprint  # noqa: F401 - imported for its side effect on Pillow
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True  # as WeasyPrint leaves it
    data = png_bytes(noise_image((200, 200)))
    assert rejected_code("half.png", data[: len(data) // 2]) == "corrupt"
    data = jpeg_bytes(noise_image((200, 200)), quality=95)
    assert rejected_code("half.jpg", data[: len(data) // 2]) == "corrupt"


def test_a_bare_image_signature_is_corrupt():
    assert rejected_code("x.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20) == "corrupt"
    assert rejected_code("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20) == "corrupt"


# --- PDF documents -------------------------------------------------------------------------------------


def test_a_pdf_is_rebuilt_without_scripts_actions_attachments_or_metadata():
    data = risky_pdf_bytes()
    source = PdfReader(io.BytesIO(data))
    assert source.metadata["/Author"] == "Secret Name"
    assert "/OpenAction" in source.trailer["/Root"] and "/Names" in source.trailer["/Root"]
    assert source.attachments and "/AA" in source.pages[0] and "/Annots" in source.pages[0]

    checked = check_upload(upload("letter.pdf", data))

    assert (checked.kind, checked.content_type, checked.extension) == ("pdf", "application/pdf", "pdf")
    assert checked.content.startswith(b"%PDF-")
    for marker in (b"/JavaScript", b"/JS", b"/OpenAction", b"/Launch", b"/AA", b"/Annots", b"/EmbeddedFile"):
        assert marker not in checked.content
    for marker in (
        b"Secret Name",
        b"Secret Title",
        b"hidden attachment",
        b"/Producer",
        b"pypdf",
        b"/PieceInfo",
    ):
        assert marker not in checked.content
    result = PdfReader(io.BytesIO(checked.content), strict=True)
    assert len(result.pages) == len(source.pages) == 1
    assert result.metadata is None
    assert not result.attachments
    root = result.trailer["/Root"]
    for key in ("/OpenAction", "/Names", "/AcroForm", "/Metadata", "/AA", "/Outlines"):
        assert key not in root
    assert "Hello evidence" in result.pages[0].extract_text()
    assert [float(v) for v in result.pages[0].mediabox] == [0, 0, 300, 200]


def test_a_stray_page_key_is_dropped_from_the_page_only_not_from_what_it_draws():
    writer = PdfWriter()
    page = text_page(writer, "Still readable")
    content = page["/Contents"].get_object().flate_encode()  # a compressed content stream, with /Filter
    page[NameObject("/Contents")] = writer._add_object(content)
    page[NameObject("/Filter")] = NameObject("/FlateDecode")  # nonsense on a page; a sloppy program wrote it
    buffer = io.BytesIO()
    writer.write(buffer)

    checked = check_upload(upload("sloppy.pdf", buffer.getvalue()))

    result = PdfReader(io.BytesIO(checked.content)).pages[0]
    assert "/Filter" not in result
    assert result["/Contents"].get_object()["/Filter"] == "/FlateDecode"
    assert result.extract_text().strip() == "Still readable"


def test_a_multi_page_pdf_keeps_its_pages_in_order():
    checked = check_upload(upload("three.pdf", pdf_bytes(pages=3)))
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(checked.content)).pages]
    assert [text.strip() for text in texts] == ["Page 1", "Page 2", "Page 3"]


def test_a_password_locked_pdf_is_refused():
    data = pdf_bytes(encrypt={"user_password": "pw"})
    assert PdfReader(io.BytesIO(data)).is_encrypted
    assert rejected_code("locked.pdf", data) == "pdf-encrypted"


def test_a_pdf_locked_in_a_way_pypdf_cannot_open_is_refused_as_locked():
    data = pdf_bytes(encrypt={"user_password": "pw"})
    assert data.count(b"/Standard") == 1
    data = data.replace(b"/Standard", b"/Adobe.PS")  # a certificate lock; same length, so the xref holds
    assert rejected_code("certificate.pdf", data) == "pdf-encrypted"


def test_a_pdf_with_only_an_owner_password_opens_and_is_saved_unlocked():
    data = pdf_bytes(encrypt={"user_password": "", "owner_password": "owner-secret", "algorithm": "AES-128"})
    assert PdfReader(io.BytesIO(data)).is_encrypted

    checked = check_upload(upload("bank.pdf", data))

    result = PdfReader(io.BytesIO(checked.content))
    assert not result.is_encrypted
    assert result.pages[0].extract_text().strip() == "Page 1"


def test_a_pdf_over_the_page_limit_is_refused(settings):
    settings.UPLOAD_MAX_PDF_PAGES = 2
    assert len(PdfReader(io.BytesIO(check_upload(upload("two.pdf", pdf_bytes(pages=2))).content)).pages) == 2
    with pytest.raises(UploadRejected) as caught:
        check_upload(upload("three.pdf", pdf_bytes(pages=3)))
    assert caught.value.code == "pdf-too-many-pages"
    assert "3 pages" in str(caught.value.message) and "2" in str(caught.value.message)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"%PDF-1.4 garbage", id="garbage"),
        pytest.param(b"%PDF-1.7\n%%EOF\n", id="header-only"),
        pytest.param(lambda: pdf_bytes(pages=0), id="no-pages"),
        pytest.param(lambda: pdf_bytes(pages=2)[:400], id="cut-short"),
    ],
)
def test_broken_pdfs_are_corrupt(data):
    data = data() if callable(data) else data
    assert rejected_code("broken.pdf", data) == "corrupt"


# --- the person's name for the file --------------------------------------------------------------------


def test_the_label_has_no_path_or_control_characters():
    checked = check_upload(upload("../../etc/pass\x00wd.jpg", jpeg_bytes()))
    assert checked.label == "passwd.jpg"
    assert "/" not in checked.label and "\\" not in checked.label
    assert not any(unicodedata.category(ch) == "Cc" for ch in checked.label)


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("C:\\Users\\Amina\\Pictures\\photo 1.jpg", "photo 1.jpg"),
        ("line\r\nbreak\t.png", "linebreak.png"),
        ("invoice\u202egnp.exe", "invoicegnp.exe"),  # a right-to-left override would hide the real ending
        ("  spaced   out  .jpg ", "spaced out .jpg"),
        ("صورة الحادث.jpg", "صورة الحادث.jpg"),
        ("", "file"),
        (None, "file"),
        ("..", "file"),
        ("folder/", "file"),
        ("\x00\x01\x02", "file"),
        ("family \U0001faaf.jpg", "family \U0001faaf.jpg"),  # an emoji newer than some Unicode tables
        ("bad\ud800surrogate.png", "badsurrogate.png"),
    ],
)
def test_clean_label(name, label):
    assert clean_label(name) == label


def test_a_long_label_is_cut_to_100_characters_keeping_its_ending():
    label = clean_label("x" * 300 + ".jpeg")
    assert len(label) == 100 and label.endswith(".jpeg")
    assert len(clean_label("y" * 300)) == 100


# --- nothing gets through as a server error ------------------------------------------------------------

_SAMPLES = [
    jpeg_bytes(noise_image((16, 16))),
    png_bytes(noise_image((16, 16))),
    image_bytes(noise_image((16, 16)), "GIF"),
    image_bytes(noise_image((16, 16)), "WEBP"),
    pdf_bytes(),
]
_PREFIXES = [
    b"",
    b"\xff\xd8\xff",
    b"\x89PNG\r\n\x1a\n",
    b"GIF89a",
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    b"%PDF-1.7\n",
]


class AnyNameUpload(SimpleUploadedFile):
    """A SimpleUploadedFile that keeps any name at all, even one Django's own upload code would refuse."""

    @property
    def name(self):
        return self._any_name

    @name.setter
    def name(self, value):
        self._any_name = value


def _assert_safe(name: str, data: bytes) -> None:
    uploaded = AnyNameUpload(name, data)
    assert uploaded.name == name
    try:
        checked = check_upload(uploaded)
    except UploadRejected as exc:
        assert exc.code in {
            "empty",
            "too-big",
            "wrong-type",
            "zip",
            "bomb",
            "corrupt",
            "polyglot",
            "pdf-encrypted",
            "pdf-too-many-pages",
            "unsupported-image",
        }
        assert str(exc.message).strip()
        return
    assert checked.kind in {"image", "pdf"}
    assert checked.content
    assert 0 < len(checked.label) <= 100


@hsettings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(_PREFIXES), data=st.binary(max_size=4096), name=st.text(max_size=300))
def test_arbitrary_bytes_never_raise_anything_but_upload_rejected(prefix, data, name):
    _assert_safe(name, prefix + data)


@hsettings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sample=st.sampled_from(_SAMPLES),
    cut=st.floats(min_value=0, max_value=1),
    edits=st.lists(st.tuples(st.floats(min_value=0, max_value=1), st.integers(0, 255)), max_size=8),
)
def test_damaged_real_files_never_raise_anything_but_upload_rejected(sample, cut, edits):
    data = bytearray(sample[: max(1, int(len(sample) * cut))] if cut < 1 else sample)
    for where, value in edits:
        data[min(len(data) - 1, int(len(data) * where))] = value
    _assert_safe("damaged", bytes(data))


def test_every_rejection_message_is_plain_and_formatted():
    assert check_upload(upload("fine.png", png_bytes())).label == "fine.png"
    samples = {
        "empty": b"",
        "wrong-type": b"hello",
        "zip": zip_bytes({"a": b"b"}),
        "unsupported-image": b"\x00\x00\x00\x18ftypheic" + b"\x00" * 32,
        "corrupt": b"%PDF-1.4 garbage",
        "polyglot": png_bytes() + b"<script>",
        "bomb": bilevel_png(8000, 8000),
        "pdf-encrypted": pdf_bytes(encrypt={"user_password": "pw"}),
    }
    messages = set()
    for code, data in samples.items():
        assert rejected_code("x", data) == code
        with pytest.raises(UploadRejected) as caught:
            check_upload(upload("x", data))
        messages.add(str(caught.value.message))
    assert len(messages) == len(samples)  # each reason has its own words


def test_orientation_8_turns_the_other_way():
    exif = Image.Exif()
    exif[0x0112] = 8  # turn 90 degrees anticlockwise to show
    original = Image.new("RGB", (20, 10), "white")
    original.paste((255, 0, 0), (0, 0, 10, 10))  # left half red

    result = Image.open(
        io.BytesIO(check_upload(upload("turned.jpg", jpeg_bytes(original, exif=exif))).content)
    )

    assert result.size == (10, 20)
    assert result.getpixel((5, 17))[1] < 60  # red is now at the bottom
    assert result.getpixel((5, 2))[1] > 200


@pytest.mark.parametrize(
    ("target", "data"),
    [
        pytest.param("standtogether.intake.uploads.PdfReader", pdf_bytes, id="pdf-reader"),
        pytest.param("standtogether.intake.uploads.PdfWriter.write", pdf_bytes, id="pdf-writer"),
        pytest.param("PIL.ImageFile.ImageFile.load", png_bytes, id="image-decoder"),
        pytest.param("PIL.Image.Image.save", jpeg_bytes, id="image-encoder"),
    ],
)
def test_an_unexpected_failure_inside_a_library_is_refused_as_corrupt(monkeypatch, target, data):
    """A library failing in a way nobody foresaw still refuses the file: never a server error."""
    content = data()

    def explode(*args, **kwargs):
        raise RuntimeError("something nobody expected")

    monkeypatch.setattr(target, explode)
    assert rejected_code("odd", content) == "corrupt"
