"""The front door and its pages: every relative link resolves (to a file, and to a heading where it
names one), the README stays short and keeps both set-up commands, and the CLI reference is the
parser's own help."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
INSTALL = "python3 -m venv .venv && . .venv/bin/activate && pip install -e . && paraviz"
TESTS = (
    'python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[dev]" && ruff check . && '
    "ruff format --check . && python -m pytest"
)


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    return {anchor(m.group(1)) for m in re.finditer(r"^#+ (.+)$", text, flags=re.M)}


def relative_links(page: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    return [t for t in LINK.findall(text) if not re.match(r"[a-z]+:", t)]


def broken_links(page: Path) -> list[str]:
    broken = []
    for target in relative_links(page):
        path, _, fragment = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        missing_heading = (
            fragment and resolved.suffix == ".md" and resolved.exists() and fragment not in anchors(resolved)
        )
        if not resolved.exists() or missing_heading:
            broken.append(target)
    return broken


def test_the_pages_exist_and_link_to_each_other():
    names = {p.name for p in PAGES}
    assert {"lecture.md", "figures.md", "cli.md", "how-it-works.md", "benchmarks.md"} <= names
    readme_links = {t.partition("#")[0] for t in relative_links(ROOT / "README.md")}
    assert {f"docs/{p.name}" for p in PAGES[1:]} <= readme_links  # every page is reachable from the README


def test_every_relative_link_resolves():
    assert {page.name: broken_links(page) for page in PAGES if broken_links(page)} == {}


def test_a_broken_link_is_seen(tmp_path):
    page = tmp_path / "page.md"
    (tmp_path / "other.md").write_text("# Other page\n\n## A section\n")
    page.write_text(
        "[ok](other.md#a-section) [gone](missing.md) [gone too](missing.md#x)\n"
        "[no heading](other.md#nowhere) ![img](x.svg)\n"
    )
    assert broken_links(page) == ["missing.md", "missing.md#x", "other.md#nowhere", "x.svg"]


def test_readme_is_a_front_door():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 300
    assert INSTALL in readme and TESTS in readme
    assert TESTS in (ROOT / ".ci" / "run").read_text(encoding="utf-8")  # CI runs exactly the README's command


def test_cli_reference_is_the_parsers_help():
    from paraviz.tui.cli_reference import reference

    written = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == reference(), "run: python -m paraviz.tui.cli_reference > docs/cli.md"


def made_by_make_py() -> tuple[set[str], re.Pattern[str]]:
    """The shots screenshots/make.py takes (their names), and the pattern of those it takes with
    --cores, named after the machine's core count."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_shots", ROOT / "screenshots" / "make.py")
    assert spec and spec.loader
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    names = {name for name, *_rest in [*make.SHOTS, *make.WATCH_SHOTS, *make.LECTURE_SHOTS]} | {"sweep-120x40"}
    taken_with_cores = [*make.core_count_shots(), *make.core_count_lecture_shots()]
    per_cores = {re.sub(r"\d+cores", "CORES", n) for n, *_r in taken_with_cores}
    pattern = re.compile("|".join(re.escape(n).replace("CORES", r"\d+cores") for n in per_cores))
    return names, pattern


def shown_images() -> set[str]:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return {m for page in pages for m in re.findall(r"screenshots/([\w.-]+)\.(?:svg|png)", page.read_text())}


def test_every_image_readme_and_docs_show_is_one_make_py_takes():
    names, per_cores = made_by_make_py()
    shown = shown_images()
    assert shown, "README shows pictures"
    assert {n for n in shown if n not in names and not per_cores.fullmatch(n)} == set()
    assert all((ROOT / "screenshots" / f"{n}.svg").exists() for n in shown)


def test_every_lecture_image_shows_the_lectures_step_count():
    from paraviz.core.teach.lecture import STEPS

    for name in shown_images() | {p.stem for p in (ROOT / "screenshots").glob("lecture*.svg")}:
        if name.startswith("lecture"):
            svg = (ROOT / "screenshots" / f"{name}.svg").read_text()
            counts = set(re.findall(r"(?:Step|Paso)&#160;\d+/(\d+)", svg))
            assert counts == {str(len(STEPS))}, (name, counts)
