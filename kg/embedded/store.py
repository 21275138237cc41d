"""The embedded store as one class, and how a folder is opened as one.

:class:`EmbeddedStore` is put together from its parts, one idea per module, each built on
the one before: :mod:`~kg.embedded.base` (the open database, its life cycle),
:mod:`~kg.embedded.derived` (the derived graph kept in step), :mod:`~kg.embedded.reading`
(questions and listings), then :mod:`~kg.embedded.writing` (transactional writes) and
:mod:`~kg.embedded.bulk` (bulk loads with an atomic switch), which both read before they
write. Under them: :mod:`~kg.embedded.meta` (the meta graph's descriptions) and
:mod:`~kg.embedded.locks` (the RocksDB lock).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pyoxigraph as ox

from kg.embedded.bulk import BulkWriting
from kg.embedded.locks import open_rocksdb, release_leftovers
from kg.embedded.writing import Writing
from kg.errors import StoreError

log = logging.getLogger(__name__)


class EmbeddedStore(Writing, BulkWriting):
    """A pyoxigraph store on disk implementing :class:`kg.store.Store`."""


class _ReadOnlyStore(EmbeddedStore):
    """A store opened read-only (:func:`open_store` on files it cannot write)."""

    def close(self) -> None:
        """Release the store; a read-only instance has nothing to flush."""
        self._db = None
        release_leftovers()


# Files RocksDB writes into every database folder; a folder with user files but none of
# these is somebody's folder, not a store.
_STORE_MARKERS = ("CURRENT", "IDENTITY")


def open_store(path: str | Path, *, create: bool = True) -> EmbeddedStore:
    """Open (and with ``create`` make) the store in folder ``path``.

    Raises :class:`StoreError` when the folder holds something that is not a store, when
    another process holds the store, or (``create=False``) when there is no store yet.
    """
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise StoreError(f"{folder} is a file, not a ckg store; choose another --store folder")
    is_store = folder.is_dir() and any((folder / m).exists() for m in _STORE_MARKERS)
    if folder.is_dir() and not is_store and any(folder.iterdir()):
        raise StoreError(
            f"{folder} is not a ckg store (a folder with other files in it); "
            "choose another --store folder"
        )
    if not is_store and not create:
        raise StoreError(
            f"there is no ckg store in {folder}; create one with 'ckg load' or 'ckg demo'"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        db = open_rocksdb(folder)
    except OSError as exc:
        text = str(exc)
        if is_store and ("permission" in text.lower() or "read-only" in text.lower()):
            # A store on read-only media or with read-only files can still be read.
            return _open_read_only(folder, exc)
        if "lock" in text.lower() and "permission" not in text.lower():
            raise StoreError(
                f"the store {folder} is in use: another ckg process holds it (its LOCK file); "
                "wait for that process to finish, or choose another --store folder"
            ) from exc
        raise StoreError(f"cannot open the store {folder}: {text}") from exc
    store = EmbeddedStore(db, str(folder))
    _finish_interrupted_bulk(store)
    return store


def _finish_interrupted_bulk(store: EmbeddedStore) -> None:
    # A killed bulk replace leaves its new, incomplete content beside the old version.
    try:
        dropped = store.drop_bulk_leftovers()
    except OSError as exc:
        raise StoreError(f"cannot open the store {store.location}: {exc}") from exc
    if dropped:
        log.warning(
            "%s: dropped the incomplete content of an interrupted bulk load (%d graph(s)); "
            "the graphs it was replacing keep their previous version",
            store.location,
            len(dropped),
        )


def _open_read_only(folder: Path, cause: OSError) -> EmbeddedStore:
    log.warning("%s cannot be written (%s); opened read-only", folder, cause)
    try:
        return _ReadOnlyStore(ox.Store.read_only(str(folder)), str(folder))
    except (OSError, RuntimeError) as exc:
        raise StoreError(
            f"the store {folder} cannot be written ({cause}) nor opened read-only ({exc}); "
            "copy the folder somewhere writable and use that --store"
        ) from exc
