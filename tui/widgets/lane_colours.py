"""Each lane's colour, the same in titles, charts and the per-core markers."""

from __future__ import annotations

#: Lane colours, the same in titles, charts and the per-core markers: theme variables ($lane-threads...)
#: that a theme may override, read by widgets through their ``lane--MODE`` component classes.
LANE_COLOURS = {
    "sequential": "#0087ff",
    "threads": "#00af87",
    "nogil": "#87d700",
    "processes": "#ff00ff",
    "dask": "#ffaf00",
}
LANE_COMPONENTS = {f"lane--{mode}" for mode in LANE_COLOURS}
LANE_SHORT = {"sequential": "seq", "threads": "thr", "nogil": "nogil", "processes": "proc", "dask": "dask"}


def lane_css(widget: str) -> str:
    """CSS giving ``widget``'s lane component classes their theme colours."""
    return "\n".join(f"{widget} > .lane--{mode} {{ color: $lane-{mode}; }}" for mode in LANE_COLOURS)


def lane_mark(mode: str) -> str:
    """A square in the lane's colour, as content markup (titles)."""
    return f"[$lane-{mode}]■[/]"
