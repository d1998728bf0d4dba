"""The one place paraviz reaches into Textual's private API (Textual is pinned exactly, 8.2.8).

Textual 8 has no public way to give one instance translated binding descriptions: bindings are
class attributes, merged when the class is made, before a language is chosen.
"""

from __future__ import annotations

from paraviz.tui.keys import translated
from textual.dom import DOMNode


def translate_bindings(node: DOMNode) -> None:
    """Translate the descriptions and tooltips of ``node``'s bindings (marked with ``N_`` in the class).

    Each instance gets its own translated copies, so the footer and help read in the language of this run.
    """
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [translated(b) for b in bindings]
