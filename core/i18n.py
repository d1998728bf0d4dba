"""Every string a person reads goes through here: English in the source, Spanish from a catalog.

The standard ``gettext`` machinery with a ``.po`` catalog in ``core/locale`` and its compiled
``.mo`` beside it (installed with the package). ``python -m paraviz.core.i18n`` re-extracts the
messages from the source, merges them into the catalog and compiles it (Babel, a dev extra).
Numbers are formatted here too, because Spanish writes 1,5 s and 12.500 tareas.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DOMAIN = "paraviz"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("en", "es")
#: Read by child processes (the run host), so that what they report is in the same language.
LANG_VARIABLE = "PARAVIZ_LANG"
#: POSIX order: LC_ALL overrides LC_MESSAGES, which overrides LANG.
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def N_(message: str) -> str:
    """Marks a message for the catalog where it is defined; ``_()`` translates it where it is shown."""
    return message


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def language_from_environment(environ: Mapping[str, str] = os.environ) -> str:
    """``es`` when the locale says Spanish (es_ES.UTF-8, es_MX…), else English."""
    chosen = environ.get(LANG_VARIABLE) or next((environ[v] for v in LOCALE_VARIABLES if environ.get(v)), "")
    return "es" if chosen.lower().startswith("es") else "en"


def set_language(language: str | None = None) -> str:
    """Use ``language`` (``en`` or ``es``), or the environment's when None; returns the one in use."""
    language = language or language_from_environment()
    if language not in LANGUAGES:
        raise ValueError(
            _("unknown language {language!r}: use one of {choices}").format(
                language=language, choices=", ".join(LANGUAGES)
            )
        )
    _load(language)
    os.environ[LANG_VARIABLE] = language
    # argparse translates its own words ("usage:", "error:") through gettext's global domain.
    gettext.bindtextdomain(DOMAIN, LOCALE_DIR)
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = language
    return language


def language() -> str:
    return _language


def num(value: float, spec: str = ".2f") -> str:
    """``format(value, spec)`` with the language's decimal and thousands marks (and 45 % in Spanish)."""
    text = format(value, spec)
    if _language != "es":
        return text
    text = text.translate(str.maketrans({",": ".", ".": ","}))
    return text.replace("%", "\u00a0%")


#: argparse's own words, in this catalog so that `paraviz --help` reads in one language.
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("options"),
    N_("positional arguments"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("not allowed with argument %s"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)


def update_catalog() -> None:  # pragma: no cover - a developer's command
    """Extract every message from core/ and tui/, merge into each catalog, compile the .mo files."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po, write_po

    template = extracted_catalog()
    for po_path in LOCALE_DIR.glob("*/LC_MESSAGES/paraviz.po"):
        with po_path.open("rb") as f:
            catalog = read_po(f)
        catalog.update(template, update_header_comment=False)
        with po_path.open("wb") as f:
            write_po(f, catalog, width=100, omit_header=False, ignore_obsolete=True, include_lineno=False)
        with po_path.with_suffix(".mo").open("wb") as f:
            write_mo(f, catalog)
        missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
        print(f"{po_path}: {len(catalog)} messages, {len(missing)} to translate")
        for message_id in missing:
            print("  ", repr(message_id))


KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extracted_catalog() -> Any:
    """A template catalog of every message marked in the package's source (Babel, a dev extra)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(domain=DOMAIN)
    package_root = Path(__file__).resolve().parents[1]  # core/ and tui/ sit side by side
    for folder in ("core", "tui"):
        for filename, lineno, message, comments, _context in extract_from_dir(
            package_root / folder, keywords=KEYWORDS, comment_tags=("i18n:",)
        ):
            catalog.add(message, None, [(f"{folder}/{filename}", lineno)], auto_comments=comments)
    return catalog


def _load(language: str) -> None:
    global _translation, _language
    _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)
    _language = language


_load(language_from_environment())  # a run host started by a Spanish app speaks Spanish

if __name__ == "__main__":  # pragma: no cover
    update_catalog()
