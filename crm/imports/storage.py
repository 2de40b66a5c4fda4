"""Uploaded files waiting between preview and commit, kept in the instance folder under a random token.

The browser only ever holds the token; the path is built here from a token that must match a
strict pattern, and each upload belongs to the user who sent it. Files older than a day are
deleted whenever a new file is uploaded.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass
class Upload:
    token: str
    file_name: str
    user_id: int
    uploaded_at: float
    settings: dict[str, Any] = field(default_factory=dict)


class UploadStore:
    """The folder of pending uploads: <token>.data (the bytes) and <token>.json (who, name, settings)."""

    def __init__(self, instance_path: str | os.PathLike[str]) -> None:
        self.folder = Path(instance_path) / "imports"

    def _paths(self, token: str) -> tuple[Path, Path]:
        if not _TOKEN.match(token or ""):
            raise KeyError(token)
        return self.folder / f"{token}.data", self.folder / f"{token}.json"

    def save(self, data: bytes, file_name: str, user_id: int, settings: dict[str, Any]) -> Upload:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.purge_expired()
        token = secrets.token_urlsafe(24)
        upload = Upload(token, file_name[:255], user_id, time.time(), settings)
        data_path, meta_path = self._paths(token)
        _write_private(data_path, data)
        self._write_meta(meta_path, upload)
        return upload

    def load(self, token: str, user_id: int) -> tuple[Upload, bytes] | None:
        """The upload and its bytes, if it exists, has not expired and belongs to this user."""
        try:
            data_path, meta_path = self._paths(token)
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            data = data_path.read_bytes()
        except (KeyError, OSError, ValueError):
            return None
        upload = Upload(token, meta["file_name"], meta["user_id"], meta["uploaded_at"], meta["settings"])
        if upload.user_id != user_id or time.time() - upload.uploaded_at > MAX_AGE_SECONDS:
            return None
        return upload, data

    def update_settings(self, upload: Upload, settings: dict[str, Any]) -> None:
        upload.settings = settings
        self._write_meta(self._paths(upload.token)[1], upload)

    def claim(self, token: str) -> bool:
        """Take the upload for committing; False if another request already took it (a double click)."""
        data_path, _meta = self._paths(token)
        try:
            data_path.rename(data_path.with_suffix(".claimed"))
        except FileNotFoundError:
            return False
        return True

    def release(self, token: str) -> None:
        """Give a claimed upload back after a commit that was refused."""
        data_path, _meta = self._paths(token)
        data_path.with_suffix(".claimed").rename(data_path)

    def delete(self, token: str) -> None:
        try:
            data_path, meta_path = self._paths(token)
        except KeyError:
            return
        for path in (data_path, meta_path, data_path.with_suffix(".claimed")):
            path.unlink(missing_ok=True)

    def purge_expired(self) -> int:
        """Delete uploads older than a day (abandoned previews); returns how many files went."""
        if not self.folder.is_dir():
            return 0
        cutoff = time.time() - MAX_AGE_SECONDS
        removed = 0
        for path in self.folder.iterdir():
            if path.suffix in (".data", ".json", ".claimed", ".tmp") and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def _write_meta(self, path: Path, upload: Upload) -> None:
        meta = {
            "file_name": upload.file_name,
            "user_id": upload.user_id,
            "uploaded_at": upload.uploaded_at,
            "settings": upload.settings,
        }
        _write_private(path, json.dumps(meta, ensure_ascii=False).encode("utf-8"))


def _write_private(path: Path, data: bytes) -> None:
    """Write readable by this user only, replacing any previous version atomically."""
    temporary = path.with_suffix(path.suffix + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    temporary.replace(path)
