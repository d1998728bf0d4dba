"""Each lane's colour, the same in titles, charts and the per-core markers."""

from __future__ import annotations

import re

#: Lane colours, the same in titles, charts and the per-core markers: theme variables ($lane-threads...)
#: that a theme may override, read by widgets through their ``lane--MODE`` component classes.
LANE_COLOURS = {
    "sequential": "#0087ff",
    "threads": "#00af87",
    "nogil": "#87d700",
    "processes": "#ff00ff",
    "asyncio": "#00d7ff",
    "hybrid": "#af87ff",
    "dask": "#ffaf00",
}
LANE_COMPONENTS = {f"lane--{mode}" for mode in LANE_COLOURS}
LANE_SHORT = {
    "sequential": "seq",
    "threads": "thr",
    "nogil": "nogil",
    "processes": "proc",
    "asyncio": "aio",
    "hybrid": "hyb",
    "dask": "dask",
}


#: The colour slot each user's command took (paraviz watch), in the order their lanes were made.
_COMMAND_SLOTS: dict[str, str] = {}


def lane_colour(key: str) -> str:
    """A lane's colour slot: paraviz's own lanes have theirs; a user's command takes the next in turn."""
    if key in LANE_COLOURS:
        return key
    return _COMMAND_SLOTS.setdefault(key, tuple(LANE_COLOURS)[len(_COMMAND_SLOTS) % len(LANE_COLOURS)])


def dom_name(key: str) -> str:
    """A lane's name as a widget id may spell it (a command's lane may be called ``mp_groups.py``)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", key)


def lane_css(widget: str) -> str:
    """CSS giving ``widget``'s lane component classes their theme colours."""
    return "\n".join(f"{widget} > .lane--{mode} {{ color: $lane-{mode}; }}" for mode in LANE_COLOURS)


def lane_mark(mode: str) -> str:
    """A square in the lane's colour, as content markup (titles)."""
    return f"[$lane-{lane_colour(mode)}]■[/]"
