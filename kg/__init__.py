"""conflict-kg: a knowledge graph with reasoning queries for analysts of armed conflict.

The library never imports click; the command line lives in :mod:`kg.cli`.
"""

from __future__ import annotations

__version__ = "0.1.0"
