"""The one door for files that come from elsewhere (a colleague's quiz or bank, a
registrar's roster, a vendor's session folder): what is read is a regular file of a
bounded size, never a device, a FIFO or a link that a file inside a shared folder could
use to reach the rest of the disk.

A path the user typed (``--questions lecture.gift``) may be a link: the user chose it.
A path written *inside* a file (an image of a quiz, a bank's images) must name a regular
file in that file's own folder, with no link anywhere on the way and no ``..``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath

MAX_TEXT_BYTES = 16 * 1024 * 1024
"""A question file, a roster or a session file: far larger than any real one."""
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_BANK_FILE_BYTES = 1024 * 1024
IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)
"""The image kinds every browser shows, told by their first bytes (WebP below). SVG is
not among them: it may carry scripts."""
KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFLNK: "a link",
}


class UntrustedFileError(ValueError):
    """A file from elsewhere that is refused; the message is one line naming it."""


def read_file(path: Path, limit: int = MAX_TEXT_BYTES, *, follow_links: bool = True) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. Opening never blocks (a
    FIFO is seen for what it is before anything is read)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow_links else os.O_NOFOLLOW)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if not follow_links and os.path.islink(path):
            raise UntrustedFileError(f"{path}: a link, refused") from None
        raise UntrustedFileError(f"cannot read {path}: {error.strerror}") from None
    try:
        info = os.fstat(descriptor)
        kind = stat.S_IFMT(info.st_mode)
        if kind != stat.S_IFREG:
            raise UntrustedFileError(f"{path}: {KINDS.get(kind, 'not a file')}, refused")
        if info.st_size > limit:
            raise UntrustedFileError(f"{path}: {info.st_size} bytes, more than {limit}")
        os.set_blocking(descriptor, True)
        chunks, size = [], 0
        while chunk := os.read(descriptor, min(1 << 20, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise UntrustedFileError(f"{path}: more than {limit} bytes")
        return b"".join(chunks)
    except OSError as error:
        raise UntrustedFileError(f"cannot read {path}: {error.strerror}") from None
    finally:
        os.close(descriptor)


def written_path(folder: Path, written: str) -> Path:
    """Where a path written in a shared file points in ``folder``: relative, forward
    slashes, no ``..`` (UntrustedFileError otherwise). Used to read and to write."""
    relative = PurePosixPath(written)
    if (
        not written
        or "\\" in written
        or "\0" in written
        or relative.is_absolute()
        or any(part in ("..", "") for part in relative.parts)
    ):
        raise UntrustedFileError(f"{written!r}: not a path inside the folder, refused")
    return folder.joinpath(*relative.parts)


def inside(folder: Path, written: str) -> Path:
    """The file that a path written in a shared file names, checked to be inside
    ``folder`` with no link on the way (UntrustedFileError otherwise)."""
    written_path(folder, written)
    current = folder
    for part in PurePosixPath(written).parts:
        current = current / part
        try:
            info = current.lstat()
        except OSError:
            raise UntrustedFileError(f"{written!r}: no such file in {folder}") from None
        if stat.S_ISLNK(info.st_mode):
            raise UntrustedFileError(f"{written!r}: a link, refused")
    return current


def read_image(folder: Path, written: str) -> bytes:
    """An image a quiz or bank refers to: a PNG, JPEG, GIF or WebP file of at most
    :data:`MAX_IMAGE_BYTES` inside ``folder``."""
    data = read_file(inside(folder, written), MAX_IMAGE_BYTES, follow_links=False)
    if image_kind(data) is None:
        raise UntrustedFileError(f"{written!r}: not a PNG, JPEG, GIF or WebP image, refused")
    return data


def image_kind(data: bytes) -> str | None:
    for magic, kind in IMAGE_MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    return None
