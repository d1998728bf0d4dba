"""Keys, help and palette from one source: each screen's ``BINDINGS``, in the language in use."""

from __future__ import annotations

from dataclasses import replace

from paraviz.core.teach.i18n import _
from textual.binding import Binding
from textual.dom import DOMNode


def translated(binding: Binding) -> Binding:
    return replace(
        binding,
        description=_(binding.description) if binding.description else "",
        tooltip=_(binding.tooltip) if binding.tooltip else "",
    )


def translate_bindings(node: DOMNode) -> None:
    """Translate the descriptions and tooltips of ``node``'s bindings (marked with ``N_`` in the class).

    Bindings are class attributes, made before a language is chosen; each instance gets its own
    translated copies, so the footer and help read in the language of this run.
    """
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [translated(b) for b in bindings]


def key_label(binding: Binding) -> str:
    """``+`` for ``plus,equals_sign``, ``?`` for ``question_mark``: the key as the footer shows it."""
    if binding.key_display:
        return binding.key_display
    first = binding.key.split(",")[0]
    return {"question_mark": "?", "space": _("space"), "right": "→", "left": "←"}.get(first, first).replace(
        "ctrl+", "Ctrl+"
    )


def help_rows(bindings: list[Binding]) -> list[tuple[str, str]]:
    """(key, what it does) for every binding with a tooltip; keys of the same action share a row."""
    rows: dict[str, tuple[list[str], str]] = {}
    for binding in bindings:
        if not binding.tooltip:
            continue
        keys, _tooltip = rows.setdefault(binding.action, ([], binding.tooltip))
        keys.append(key_label(binding))
    return [(" ".join(keys), tooltip) for keys, tooltip in rows.values()]
