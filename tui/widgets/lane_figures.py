"""A finished lane's figures as its panel lays them out: the headline (speedup on cores, and its
biggest loss), and the figures two to a line where the lane is wide enough. Text only: the panel
(lane_panel.py) shows what these return."""

from __future__ import annotations

from paraviz.core.i18n import _, num
from paraviz.core.model.figures import RunResult, figure_text
from paraviz.core.teach.explain_budget import NOTHING_LOST, biggest_loss, short_factor_name
from paraviz.tui.widgets.lane_chart import axis_unit
from rich.text import Text


def fmt_bytes(n: int, compact: bool = False) -> str:
    """``15 MiB``, ``1.2 GiB``; compact, ``15M`` and ``1.2G`` (beside the peak counts)."""
    mib, gib = ("M", "G") if compact else (" MiB", " GiB")
    return f"{num(n / 2**30, '.1f')}{gib}" if n >= 2**30 else f"{num(n / 2**20, '.0f')}{mib}"


def headline_text(result: RunResult, width: int) -> Text:
    """Speedup on cores and the lane's biggest loss, in the lane's width: "1.61x on 1.76 cores
    GIL 52%", else without "on", with the word shortened as the chart's axis shortens it ("núcl."),
    else without it; the loss goes before the word, the figures before the loss."""
    if result.too_short and result.ok:  # no figure to show: say why, in the room there is
        said = _("too short to measure")
        return Text(said if len(said) <= width else _("too short"), style="bold", no_wrap=True, overflow="ellipsis")
    speedup = figure_text(result, "speedup", ".2f", "×")
    cores = figure_text(result, "effective_cores")
    loss = loss_text(result)
    lost = (biggest_loss(result) or ("", 1.0))[1] < NOTHING_LOST
    for with_loss in (True, False) if loss else (False,):
        tail = len(loss) + 1 if with_loss else 0
        joiner, unit = _(" on "), " " + _("cores")
        if len(speedup) + len(joiner) + len(cores) + len(unit) + tail > width:
            room = width - len(speedup) - len(cores) - 2 - tail
            joiner, unit = " ", " " + axis_unit(room) if room >= 4 else ""
        # a loss worth naming goes before the word "cores"; a lane that lost little keeps the word
        fits = len(speedup) + len(joiner) + len(cores) + len(unit) + tail <= width
        if not with_loss or (fits and (lost or unit)):
            break
    headline = Text(no_wrap=True, overflow="ellipsis")
    headline.append(speedup, style="bold reverse" if result.speedup is not None else "bold")
    headline.append(joiner)
    headline.append(cores + unit, style="bold")
    if with_loss:  # highlighted where the lane lost something, dim where nothing much
        headline.append(" ")
        headline.append(loss, style="bold reverse" if lost else "dim")
    return headline


def figure_pairs(result: RunResult) -> list[tuple[str, str]]:
    """The lane's figures; a short lane shows the first few (the headline above has speedup and cores)."""
    return [
        (_("wall"), f"{num(result.wall_s, '.3f')} s"),
        (_("start-up"), f"{num(result.startup_s, '.3f')} s"),
        (_("speedup"), figure_text(result, "speedup", ".2f", "×")),
        (_("cores"), figure_text(result, "effective_cores")),
        *state_pairs(result),
        (_("CPU"), f"{num(result.cpu_s)} s"),
        (_("effic."), figure_text(result, "efficiency", ".0%")),
        # the cores other programs used meanwhile, and paraviz itself: the observer is shown, never hidden
        (_("others"), num(result.background_cores)),
        ("paraviz", num(result.observer_cores)),
        *one_worker_pair(result),
        (
            _("peak"),
            _("{processes}p {threads}t").format(processes=result.peak_processes, threads=result.peak_threads)
            + f" {fmt_bytes(result.peak_rss_bytes, compact=True)}",
        ),
    ]


def loss_text(result: RunResult) -> str:
    """The lane's biggest loss as a factor ("GIL 52%"): what the class should see first."""
    loss = biggest_loss(result)
    return "" if loss is None else f"{short_factor_name(loss[0])} {num(loss[1], '.0%')}"


#: Warm-up under this is a first task's cache misses, not imports: not worth a line of the panel.
WARMUP_SHOWN_S = 0.01


def state_pairs(result: RunResult) -> list[tuple[str, str]]:
    """GIL wait and warm-up, where they were measured."""
    pairs = []
    if result.gil_share is not None:
        pairs.append((_("GIL wait"), num(result.gil_share, ".0%")))
    if result.warmup_s is not None and result.warmup_s >= WARMUP_SHOWN_S:
        pairs.append((_("warm-up"), f"{num(result.warmup_s, '.3f')} s"))
    return pairs


def one_worker_pair(result: RunResult) -> list[tuple[str, str]]:
    """The nogil lane's one-worker loop under its own Python, timed before it."""
    if result.nogil_sequential_wall_s is None:
        return []
    return [(_("1 worker"), f"{num(result.nogil_sequential_wall_s, '.3f')} s")]


def figures_text(result: RunResult, width: int = 40, max_lines: int = 5) -> Text:
    """The lane's figures, two to a line where the lane is wide enough, as many as ``max_lines`` hold."""
    pairs = figure_pairs(result)
    label_w = 9
    first_w = label_w + max(len(v) for _, v in pairs[::2]) + 2
    second_w = label_w + max(len(v) for _, v in pairs[1::2])
    per_line = 2 if width >= first_w + second_w else 1
    pairs = pairs[: per_line * max_lines]
    if per_line == 1:  # a narrow lane (five at 80 columns): shorter labels, so that no figure is cut
        label_w = max(3, min(label_w, width - max(len(v) for _, v in pairs)))
    text = Text(no_wrap=True, overflow="ellipsis")
    for i, (label, value) in enumerate(pairs):
        column = i % per_line
        text.append(f"{axis_unit(label_w - 1, label):<{label_w}}", style="dim")
        style = "bold" if label in (_("speedup"), _("cores")) else ""
        text.append(value, style=style)
        if column < per_line - 1:
            text.append(" " * (first_w - label_w - len(value)))
        if column == per_line - 1 and i < len(pairs) - 1:
            text.append("\n")
    return text
