"""The lane chart draws what was measured, the same way in every lane: core levels, thread states."""

from __future__ import annotations

from paraviz.core.model.events import LaneSampled, TaskRecord
from paraviz.tui.widgets.lane_chart import LaneChart
from paraviz.tui.widgets.lane_colours import LANE_COLOURS
from textual.app import App
from textual.containers import Horizontal


class Charts(App):
    """Lane charts side by side, as the app lays them out."""

    def __init__(self, modes: tuple[str, ...]) -> None:
        super().__init__()
        self.modes = modes

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return {**super().get_theme_variable_defaults(), **{f"lane-{m}": c for m, c in LANE_COLOURS.items()}}

    def compose(self):
        with Horizontal():
            for mode in self.modes:
                yield LaneChart(mode, id=mode)


def area(chart: LaneChart) -> list[str]:
    """The chart's area rows (labels cut off), top to bottom."""
    return [line.split("┤", 1)[1].replace("cores", "") for line in chart.plain_text().splitlines() if "┤" in line]


async def test_one_value_draws_the_same_cells_in_lanes_with_one_and_two_worker_rows():
    """The 1-core line sat on a row's edge with 12 chart rows and mid-row with 11: the same 1.00
    cores poked over its line in one lane and stopped under it in the next (issue 30)."""
    app = Charts(("sequential", "threads"))
    async with app.run_test(size=(80, 16)):
        charts = [app.query_one(f"#{mode}", LaneChart) for mode in app.modes]
        for chart, workers in zip(charts, (1, 2), strict=True):
            chart.configure(cores=2, usable=2, workers=workers)
            chart.reserve_rows(2)
            chart.set_span(1.0)
            for n in range(1, 5):
                chart.trace.sampled(LaneSampled(chart.mode, n * 0.25, 100.0, 1, 1, 0))
            for w in range(workers):
                chart.trace.reported([], [TaskRecord(w, 1, 1, w + 1, 0.0, 1.0)])
        seq, thr = (area(chart) for chart in charts)
        assert seq == thr, "\n".join([*seq, "--", *thr])
        assert len(seq) % 2 == 0  # a whole number of rows per core
        half = len(seq) // 2
        assert all(set(row) <= {" ", "▔"} for row in seq[:half])  # nothing over the 1-core line
        assert all(set(row.strip()) == {"█"} for row in seq[half:])  # 1 core fills every row under it


async def test_worker_rows_show_each_threads_state():
    """Two threads taking turns on the GIL, one sleeping: the rows read running, GIL wait and I/O."""
    app = Charts(("threads",))
    async with app.run_test(size=(60, 14)):
        chart = app.query_one(LaneChart)
        chart.configure(cores=2, usable=2, workers=3)
        chart.set_span(1.0)
        ticks = tuple(i * 0.02 for i in range(1, 51))
        states = ((1, 11, "r" * 50), (1, 12, "g" * 50), (1, 13, "i" * 50))
        chart.trace.sampled(LaneSampled("threads", 1.0, 100.0, 4, 1, 0, (), ticks, states, 0.33))
        chart.trace.reported([], [TaskRecord(i, 1, 1, tid, 0.0, 1.0) for i, tid in enumerate((11, 12, 13))])
        rows = [line for line in chart.plain_text().splitlines() if line.startswith("w")]
        assert "█" in rows[0] and "░" in rows[1] and "~" in rows[2], "\n".join(rows)
        assert "░" not in rows[0] and "█" not in rows[1]
