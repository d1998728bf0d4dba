"""The screen's widgets, one per module; they render what core measured, and compute nothing core could."""

from paraviz.tui.widgets.big_figures import BigFigures
from paraviz.tui.widgets.core_meter import CoreMeter
from paraviz.tui.widgets.explanation import Explanation
from paraviz.tui.widgets.lane_chart import LaneChart
from paraviz.tui.widgets.lane_figures import figure_pairs, figures_text
from paraviz.tui.widgets.lane_panel import LanePanel
from paraviz.tui.widgets.text_line import TextLine

__all__ = [
    "BigFigures",
    "CoreMeter",
    "Explanation",
    "LaneChart",
    "LanePanel",
    "TextLine",
    "figure_pairs",
    "figures_text",
]
