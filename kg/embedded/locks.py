"""The RocksDB folder's lock: opening a database this process may have held before.

RocksDB holds a ``LOCK`` file in the store's folder for as long as an ``ox.Store`` on it
lives. Another process on the same folder is refused (``ckg`` says the store is in use);
this process is refused too while an earlier ``ox.Store`` of its own is still referenced
somewhere, which :func:`release_leftovers` ends. :mod:`kg.extract.staging` opens its
staging store the same way.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pyoxigraph as ox


def open_rocksdb(folder: Path) -> ox.Store:
    """``ox.Store(folder)``, by its absolute path, waiting for this process's own leftovers.

    RocksDB refuses a folder this process already holds ("lock hold by current process")
    until the last reference to the earlier ``ox.Store`` goes, and a reference kept in a
    garbage cycle (a traceback, a suspended generator) goes only at the next collection.
    One collection and a second try tell a leftover from a store really in use. The
    absolute path makes the same folder one lock, whatever the working directory.
    """
    path = str(folder.resolve())
    try:
        return ox.Store(path)
    except OSError as exc:
        if "current process" not in str(exc):
            raise
    release_leftovers()
    return ox.Store(path)


def release_leftovers() -> None:
    """Drop what keeps a closed ``ox.Store`` (and its RocksDB lock) alive in this process.

    Two holders, both measured here: garbage cycles (a traceback, a suspended generator),
    and pyparsing's packrat cache. Importing matplotlib's mathtext (any map or timeline)
    turns packrat on for the whole process; from then on each rdflib SPARQL parse caches
    the parse exceptions it met, tracebacks and all, and those frames reach back through
    pyshacl into whichever of our functions asked, with their local variables.
    """
    parsing = sys.modules.get("pyparsing")
    if parsing is not None:
        parsing.ParserElement.reset_cache()
    gc.collect()
