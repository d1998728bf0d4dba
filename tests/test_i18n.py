"""Spanish: a complete catalog, numbers written the Spanish way, and no English left on screen."""

from __future__ import annotations

import io
import os
import re
import string
import subprocess
import sys

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from paraviz.core import i18n
from paraviz.core.i18n import LOCALE_DIR, language_from_environment, num, set_language
from paraviz.core.model.config import RunConfig
from paraviz.core.model.workloads import get_workload

from tests.support.screen_text import screen_lines
from tests.test_app import wait_idle

PO = LOCALE_DIR / "es" / "LC_MESSAGES" / "paraviz.po"
pytestmark = pytest.mark.usefixtures("no_leftover_processes")


def catalog() -> Catalog:
    with PO.open("rb") as f:
        return read_po(f)


def fields(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def test_catalog_has_every_message_of_the_source_translated_and_nothing_fuzzy():
    source = i18n.extracted_catalog()
    po = catalog()
    wanted = {m.id for m in source if m.id}
    have = {m.id for m in po if m.id}
    assert wanted - have == set(), "run python -m paraviz.core.i18n and translate"
    assert have - wanted == set(), "messages no longer in the source"
    for message in po:
        if not message.id:
            continue
        assert message.string and "fuzzy" not in message.flags, message.id
        if isinstance(message.id, str):  # the same {placeholders}, or .format() fails at run time
            assert fields(message.id) == fields(message.string), message.id


def test_the_installed_mo_is_compiled_from_the_po():
    compiled = io.BytesIO()
    write_mo(compiled, catalog())
    with PO.with_suffix(".mo").open("rb") as f:
        installed = read_mo(f)
    fresh = read_mo(io.BytesIO(compiled.getvalue()))

    def table(c: Catalog) -> dict:
        return {str(m.id): str(m.string) for m in c if m.id}

    assert table(installed) == table(fresh)


def test_language_comes_from_the_locale_unless_chosen():
    assert language_from_environment({"LANG": "es_ES.UTF-8"}) == "es"
    assert language_from_environment({"LC_ALL": "es_MX.UTF-8", "LANG": "en_US.UTF-8"}) == "es"
    assert language_from_environment({"LC_ALL": "C.UTF-8", "LANG": "es_ES.UTF-8"}) == "en"
    assert language_from_environment({}) == "en"
    with pytest.raises(ValueError, match="fr"):
        set_language("fr")


def test_numbers_are_written_the_spanish_way(spanish):
    assert num(1.5, ".2f") == "1,50"
    assert num(12500, ",") == "12.500"
    assert num(0.45, ".0%") == "45\u00a0%"
    set_language("en")
    assert (num(1.5, ".2f"), num(12500, ","), num(0.45, ".0%")) == ("1.50", "12,500", "45%")


#: Command names and the like are an interface, the same in every language.
INTERFACE_WORDS = {"run", "sweep", "workloads", "lecture", "serve"}


def english_leftovers(lines: list[str]) -> list[str]:
    """English messages still on screen: whole labels, or any English run of words of 12+ characters."""
    po = catalog()
    text = "\n".join(lines)
    cells = {cell.strip() for line in lines for cell in re.split(r"\s{2,}|[│┃|·]", line)}
    found = []
    for message in po:
        if not message.id or isinstance(message.id, tuple) or message.string == message.id:
            continue
        pieces = [p.strip(" .:;,()") for p in re.split(r"\{[^}]*\}|\[/?[a-z ]*\]|%\(\w+\)s|%s", message.id)]
        if message.id.strip() in cells - INTERFACE_WORDS and len(message.id.strip()) > 2:
            found.append(message.id)
        found += [p for p in pieces if len(p) >= 12 and " " in p and p in text and p not in message.string]
    return found


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LANG": "es_ES.UTF-8", "COLUMNS": "200"}
    env.pop("PARAVIZ_LANG", None)
    return subprocess.run(
        [sys.executable, "-m", "paraviz.tui", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_cli_speaks_spanish_from_lang_and_english_when_asked():
    done = run_cli("run", "--workload", "sleep", "--tasks", "4", "--size", "50", "--repeat", "1")
    assert done.returncode == 0, done.stderr
    assert "carril" in done.stdout and "secuencial" in done.stdout and "aceleración" in done.stdout
    assert re.search(r"\d,\d\d×", done.stdout), done.stdout
    assert english_leftovers(done.stdout.splitlines()) == []
    helped = run_cli("--help")
    assert "uso: paraviz" in helped.stdout and english_leftovers(helped.stdout.splitlines()) == []
    refused = run_cli("--workers", "x")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "debe ser un número entero" in refused.stderr
    english = run_cli("--lang", "en", "--workers", "x")
    assert english.returncode == 2 and "must be a whole number" in english.stderr
    unknown = run_cli("--lang", "fr")
    assert unknown.returncode == 2 and "fr" in unknown.stderr and "Traceback" not in unknown.stderr


async def test_app_and_its_dialogs_show_no_english_in_spanish(spanish):
    from paraviz.tui.app import make_app

    config = RunConfig(workload=get_workload("sleep"), workers=2, tasks=4, size=50)
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await wait_idle(app, pilot)
        seen = screen_lines(app)
        assert any("Secuencial" in line for line in seen) and any("Qué ha pasado" in line for line in seen)
        assert english_leftovers(seen) == [], seen
        from paraviz.tui.screens.dialogs import ExportScreen, HelpScreen, OptionsScreen, WorkloadScreen

        dialogs = {"question_mark": HelpScreen, "o": OptionsScreen, "w": WorkloadScreen, "e": ExportScreen}
        for key, dialog_type in dialogs.items():
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, dialog_type), (key, app.screen)  # the dialog opened, not the main screen
            dialog = screen_lines(app)
            assert english_leftovers(dialog) == [], (key, dialog)
            await pilot.press("escape")
            await pilot.pause()
