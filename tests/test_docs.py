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
