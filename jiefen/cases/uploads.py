"""Checking uploaded files before anything is stored: type by content, size, count, and compression bombs.

Every upload (case materials at the desk, attachments from the public portal, Excel imports) goes through
`check_uploads` (a whole submission: count, then each file's name and content) or `check_upload` (one file's
content) first. The type is judged from the file's first bytes, never from its name or the browser's content
type: an HTML page named .pdf is refused. Files are stored under random names (`random_name`), so a hostile name
never reaches the file system; the cleaned original name (`display_name`) is kept for display only. Stored files
are served only by views that check access to what they belong to (cases.views.case_document), never from
MEDIA_ROOT directly.
"""

import os
import secrets
import struct
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.utils.translation import gettext as _


class UploadRefused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FileType:
    code: str
    label: str
    extension: str
    content_type: str
    # Shown in the browser when opened; everything else is downloaded (a viewer's scripts never run in our origin).
    inline: bool = False


PDF = FileType("pdf", "PDF", ".pdf", "application/pdf")
JPEG = FileType("jpeg", "JPG图片", ".jpg", "image/jpeg", inline=True)
PNG = FileType("png", "PNG图片", ".png", "image/png", inline=True)
DOCX = FileType("docx", "Word文档", ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileType("xlsx", "Excel表格", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ALL_TYPES = (PDF, JPEG, PNG, DOCX, XLSX)

IMAGES_AND_PDF = (PDF, JPEG, PNG)
MATERIALS = (PDF, JPEG, PNG, DOCX, XLSX)
SPREADSHEETS = (XLSX,)

# An image is decoded by whoever views it: refuse pixel counts no scan or photo needs (decompression bombs).
MAX_IMAGE_PIXELS = 50_000_000
# Office files are zip archives: refuse archives that expand past this, or by more than this ratio.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100
MAX_ZIP_ENTRIES = 10_000
# A JPEG reaches its frame header within a few markers; walking more than this is a crafted file.
MAX_JPEG_MARKERS = 1_000
HEAD_BYTES = 64
# Longer names are refused, not cut: no camera or scanner makes them, and a cut name misleads.
MAX_NAME_LENGTH = 100
# Control, format (e.g. U+202E right-to-left override), unassigned and line-breaking characters: never in a name.
INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def sniff(head, file):
    """The FileType whose signature the content carries, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        return _office_type(file)
    return None


def _office_type(file):
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, struct.error):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def check_name(name):
    """Refuse a file name no browser sends: path parts, control or direction-changing characters, or too long.

    Django's multipart parser already strips paths and control characters from names sent by a browser; this
    guards every other way in (API, commands, imports). The name is only ever displayed: files are stored under
    random names.
    """
    name = name or ""
    if len(name) > MAX_NAME_LENGTH:
        raise UploadRefused(_("文件名过长（不超过%(n)s个字符），请改短后再上传") % {"n": MAX_NAME_LENGTH})
    parts = name.replace("\\", "/").split("/")
    if len(parts) > 1 or name in (".", ".."):
        raise UploadRefused(_("文件名不能包含路径（如“/”“\\”“..”），请改名后再上传"))
    if any(unicodedata.category(ch) in INVISIBLE for ch in name):
        raise UploadRefused(_("文件名含有控制字符或不可见字符，请改名后再上传"))


def check_upload(file, allowed=IMAGES_AND_PDF, *, max_bytes=None):
    """Return the FileType of `file` (an UploadedFile or any seekable binary file); raise UploadRefused if it is
    not allowed."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    # The size of what is really there, not what a client declared.
    file.seek(0, os.SEEK_END)
    size = file.tell()
    if size == 0:
        raise UploadRefused(_("上传的文件是空的"))
    if size > max_bytes:
        raise UploadRefused(_("文件超过大小限制（每个文件不超过%(limit)s）") % {"limit": size_text(max_bytes)})
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    kind = sniff(head, file)
    file.seek(0)
    if kind not in allowed:
        raise UploadRefused(
            _("文件类型不符合要求：只接受%(types)s（按文件内容判断，与文件名无关）")
            % {"types": "、".join(t.label for t in allowed)}
        )
    try:
        if kind is PNG:
            _check_png(head)
        elif kind is JPEG:
            _check_jpeg(file)
        elif kind in (DOCX, XLSX):
            _check_zip(file)
    except (struct.error, zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UploadRefused(_("文件已损坏，无法识别")) from None
    file.seek(0)
    return kind


def check_uploads(files, allowed=IMAGES_AND_PDF):
    """Check a whole submission's files: their count first, then each one's name and content. Returns their
    FileTypes."""
    files = [f for f in files if f is not None]
    if len(files) > settings.UPLOAD_MAX_FILES:
        raise UploadRefused(_("一次最多上传%(n)s个文件") % {"n": settings.UPLOAD_MAX_FILES})
    kinds = []
    for f in files:
        try:
            check_name(getattr(f, "name", ""))
            kinds.append(check_upload(f, allowed))
        except UploadRefused as refused:
            raise UploadRefused(f"“{display_name(getattr(f, 'name', ''), limit=40)}”：{refused.message}") from None
    return kinds


def size_text(n):
    """A byte count as people read it: 10 MB, 512 KB."""
    return f"{n / 1024 / 1024:g} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def _too_many_pixels():
    return UploadRefused(_("图片尺寸过大，请压缩后再上传"))


def _check_png(head):
    # IHDR is the first chunk: width and height as big-endian 32-bit integers at bytes 16..24.
    if len(head) < 24 or head[12:16] != b"IHDR":
        raise UploadRefused(_("图片文件已损坏"))
    width, height = struct.unpack(">II", head[16:24])
    if not width or not height:
        raise UploadRefused(_("图片文件已损坏"))
    if width * height > MAX_IMAGE_PIXELS:
        raise _too_many_pixels()


def _check_jpeg(file):
    # Walk the markers up to the first start-of-frame, which carries the height and width.
    file.seek(2)
    for _i in range(MAX_JPEG_MARKERS):
        marker = file.read(2)
        while marker == b"\xff\xff":  # fill bytes may pad a marker
            marker = marker[1:] + file.read(1)
        if len(marker) < 2 or marker[0] != 0xFF:
            raise UploadRefused(_("图片文件已损坏"))
        if marker[1] == 0x01 or 0xD0 <= marker[1] <= 0xD7:  # standalone markers: no length
            continue
        length_bytes = file.read(2)
        if len(length_bytes) < 2:
            raise UploadRefused(_("图片文件已损坏"))
        (length,) = struct.unpack(">H", length_bytes)
        if 0xC0 <= marker[1] <= 0xCF and marker[1] not in (0xC4, 0xC8, 0xCC):
            frame = file.read(5)
            if len(frame) < 5:
                raise UploadRefused(_("图片文件已损坏"))
            height, width = struct.unpack(">HH", frame[1:5])
            if width * height > MAX_IMAGE_PIXELS:
                raise _too_many_pixels()
            return
        if length < 2 or marker[1] in (0xD9, 0xDA):  # end of image, or scan data before any frame header
            raise UploadRefused(_("图片文件已损坏"))
        file.seek(length - 2, os.SEEK_CUR)
    raise UploadRefused(_("图片文件已损坏"))


def _check_zip(file):
    """Refuse a zip bomb by the sizes its directory declares, before anything is decompressed."""
    # Python's zipfile (openpyxl reads through it) never inflates a member past its declared size, so the
    # declared sizes bound what any import of this file can cost.
    file.seek(0)
    with zipfile.ZipFile(file) as archive:
        infos = archive.infolist()
    unzipped = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if len(infos) > MAX_ZIP_ENTRIES or unzipped > MAX_UNZIPPED_BYTES or unzipped / packed > MAX_ZIP_RATIO:
        raise UploadRefused(_("文件解压后异常庞大（疑似压缩炸弹），已拒绝"))
    if any(i.flag_bits & 0x1 for i in infos):
        raise UploadRefused(_("不接受加密的文件，请解除密码后再上传"))
    if any(i.filename.lower().endswith("vbaproject.bin") for i in infos):
        raise UploadRefused(_("不接受含宏的文件，请另存为不含宏的Word或Excel文件后再上传"))


def random_name(kind, folder=""):
    """A stored name that says nothing of the original: [folder/]<random>.<ext>."""
    name = f"{secrets.token_hex(16)}{kind.extension}"
    return f"{folder}/{name}" if folder else name


def as_stored(file, kind):
    """`file` under a random name with the extension of its checked type, ready for a FileField."""
    file.seek(0)
    return File(file, name=random_name(kind))


def store(document, upload, kind):
    """Put a checked `upload` into `document.file` under a random name, flushed to disk; keep its cleaned original
    name and size on the row (not saved yet). Call inside the transaction that saves the row; if that transaction
    fails, delete the stored file (`document.file.delete(save=False)`)."""
    document.original_name = display_name(upload.name)
    document.size = upload.size
    document.file.save(random_name(kind), as_stored(upload, kind), save=False)
    try:
        sync_to_disk(document.file)
    except OSError:
        document.file.delete(save=False)
        raise


def type_of_stored(name):
    """The FileType of a stored file, from the extension `random_name` gave it (None for older files)."""
    extension = os.path.splitext(name or "")[1].lower()
    return next((t for t in ALL_TYPES if t.extension == extension), None)


def sync_to_disk(field_file):
    """Flush a stored file to disk, so an acknowledged upload survives a power cut as the database row does
    (local storage only: other storages make their own promises)."""
    try:
        path = field_file.path
    except NotImplementedError:
        return
    # The file's bytes, then the directory entry that names it: a new file needs both.
    for target in (path, os.path.dirname(path)):
        fd = os.open(target, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def display_name(name, limit=100):
    """The original name, cleaned for display: no path, no control or line-breaking characters, bounded length
    (the extension kept when the name is cut)."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch) not in INVISIBLE)
    name = name.strip().strip(".").strip()
    if not name:
        return _("未命名文件")
    if len(name) > limit:
        stem, extension = os.path.splitext(name)
        extension = extension if len(extension) <= 10 else ""
        name = stem[: limit - len(extension) - 1] + "…" + extension
    return name
