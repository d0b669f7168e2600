"""Multipart uploads that can be re-sent on retry."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

__all__ = ["FileInput", "Upload"]

FileInput = str | os.PathLike[str] | IO[bytes]
"""A path to open, or an already-open binary file object."""

UploadTuple = tuple[str, IO[bytes], str]


class Upload:
    """One file for the ``file`` form field.

    A path is reopened for every attempt. A file object is sent whole, from its first byte
    (httpx rewinds it before every send), so it can be re-sent on retry; one that cannot
    seek (a pipe, a socket) can be sent only once, so a request carrying it is never
    retried (``rewindable`` is False).
    """

    def __init__(
        self, file: FileInput, *, filename: str | None = None, content_type: str = "text/csv"
    ) -> None:
        self._path: str | None = None
        self._fileobj: IO[bytes] | None = None
        self._seekable = False
        if isinstance(file, str | os.PathLike):
            self._path = os.fspath(file)
            source_name: object = self._path
        else:
            self._fileobj = file
            self._seekable = _seekable(file)
            source_name = getattr(file, "name", None)
        self.filename = filename or _basename(source_name) or "upload.csv"
        self.content_type = content_type

    @property
    def rewindable(self) -> bool:
        return self._path is not None or self._seekable

    @contextmanager
    def open(self) -> Iterator[UploadTuple]:
        """The ``(filename, fileobj, content_type)`` tuple httpx expects, ready to read."""
        if self._fileobj is None:
            assert self._path is not None
            with open(self._path, "rb") as fileobj:
                yield (self.filename, fileobj, self.content_type)
            return
        yield (self.filename, self._fileobj, self.content_type)


def _basename(name: object) -> str | None:
    if isinstance(name, str) and name and not name.startswith("<"):  # "<stdin>" is no name
        return os.path.basename(name)
    return None


def _seekable(fileobj: IO[bytes]) -> bool:
    try:
        return bool(fileobj.seekable())
    except (AttributeError, OSError, ValueError):
        return False
