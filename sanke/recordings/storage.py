"""Where a recording's files live: the partial upload on local disk, the rest in Django's default storage.

The default storage is ``STORAGES["default"]`` (local files under ``VAR_DIR/media`` unless configured
otherwise, e.g. S3-compatible object storage through django-storages). A partial upload stays on local disk
under ``VAR_DIR/uploads`` because it grows by appending, which object storage cannot do; transcoding works
in ``VAR_DIR/transcode``. Publishing a finished folder into local storage is one ``rename`` (atomic on one
filesystem); into another storage it is a copy of every file, made visible only by the database row that
names it afterwards (``RenditionSet``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage


def uploads_dir() -> Path:
    path = Path(settings.VAR_DIR) / "uploads" / "recordings"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def work_dir() -> Path:
    path = Path(settings.VAR_DIR) / "transcode"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def partial_path(upload_id) -> Path:
    """The growing file of an unfinished upload."""
    return uploads_dir() / f"{upload_id}.part"


def recording_prefix(recording_id: int) -> str:
    return f"recordings/{recording_id}"


def _local() -> FileSystemStorage | None:
    return default_storage if isinstance(default_storage, FileSystemStorage) else None


def store_source(local_file: Path, name: str) -> str:
    """Move a finished upload into the storage as ``name``; returns the name it got."""
    local = _local()
    if local is not None:
        target = Path(local.path(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(local_file, target)
        return name
    with open(local_file, "rb") as handle:
        saved = default_storage.save(name, File(handle))
    local_file.unlink(missing_ok=True)
    return saved


@contextlib.contextmanager
def local_copy(name: str) -> Iterator[Path]:
    """A path ffmpeg can read for the stored file ``name`` (the file itself when storage is local)."""
    local = _local()
    if local is not None:
        yield Path(local.path(name))
        return
    with tempfile.TemporaryDirectory(dir=work_dir()) as folder:
        path = Path(folder) / Path(name).name
        with default_storage.open(name, "rb") as source, open(path, "wb") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
        yield path


def publish_folder(local_dir: Path, prefix: str) -> None:
    """Put the complete folder ``local_dir`` into the storage at ``prefix`` (which must not exist)."""
    local = _local()
    if local is not None:
        target = Path(local.path(prefix))
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(local_dir, target)  # one rename: the folder is there whole or not at all
        return
    for path in sorted(local_dir.rglob("*")):
        if path.is_file():
            with open(path, "rb") as handle:
                default_storage.save(f"{prefix}/{path.relative_to(local_dir).as_posix()}", File(handle))
    shutil.rmtree(local_dir, ignore_errors=True)


def delete_folder(prefix: str) -> None:
    """Remove everything stored under ``prefix``."""
    local = _local()
    if local is not None:
        shutil.rmtree(local.path(prefix), ignore_errors=True)
        return
    folders, files = default_storage.listdir(prefix)
    for name in files:
        default_storage.delete(f"{prefix}/{name}")
    for folder in folders:
        delete_folder(f"{prefix}/{folder}")


def list_folders(prefix: str) -> list[str]:
    local = _local()
    if local is not None:
        path = Path(local.path(prefix))
        return sorted(p.name for p in path.iterdir() if p.is_dir()) if path.is_dir() else []
    try:
        return sorted(default_storage.listdir(prefix)[0])
    except FileNotFoundError:
        return []


def exists(name: str) -> bool:
    return default_storage.exists(name)


def open_stored(name: str):
    return default_storage.open(name, "rb")


def size_of(name: str) -> int:
    return default_storage.size(name)
