"""What a person types (CLI arguments, the options dialog) turned into a checked RunConfig: one
line of error for anything out of bounds."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from paraviz.core.host.engines import ENGINES
from paraviz.core.i18n import _, num
from paraviz.core.measure.interpreter import InterpreterError, probe
from paraviz.core.measure.validation import nogil_interpreter, validate
from paraviz.core.model.config import ConfigError, RunConfig
from paraviz.core.model.figures import MODES


def parse_int(text: str | int, what: str) -> int:
    if isinstance(text, int):
        return text
    try:
        return int(str(text).strip().replace("_", ""))
    except ValueError:
        raise ConfigError(_("{what} must be a whole number, not {text!r}").format(what=what, text=text)) from None


def parse_float(text: str | float, what: str) -> float:
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise ConfigError(_("{what} must be a number, not {text!r}").format(what=what, text=text)) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ConfigError(_("{what} must be a finite number, not {text!r}").format(what=what, text=text))
    return value


def parse_sizes(text: str) -> list[int]:
    parts = [p.strip() for p in text.split(",")]
    if not any(parts):
        raise ConfigError(_("--sizes needs a comma-separated list such as 10,20,50,100"))
    if not all(parts):
        raise ConfigError(
            _("--sizes has an empty item in {text!r}; write a list such as 10,20,50,100").format(text=text)
        )
    return [parse_int(p, _("each of --sizes")) for p in parts]


def _item(text: str) -> int | float | str:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_items(text: str) -> tuple[int | float | str, ...] | range:
    """``a,b,c`` (numbers or strings) or ``first..last`` (whole numbers, both included)."""
    first, dots, last = text.partition("..")
    if dots:
        start, stop = parse_int(first, _("--items' first number")), parse_int(last, _("--items' last number"))
        if stop < start:
            raise ConfigError(_("--items {text!r} counts down; write first..last with first <= last").format(text=text))
        return range(start, stop + 1)
    parts = [p.strip() for p in text.split(",")]
    if not any(parts):
        raise ConfigError(_("--items needs a comma-separated list such as 0,1,2 or a range such as 1..1000"))
    if not all(parts):
        raise ConfigError(_("--items has an empty item in {text!r}; write a list such as 0,1,2").format(text=text))
    return tuple(_item(p) for p in parts)


def parse_engine(text: str) -> str:
    name = text.strip()
    if name not in ENGINES:
        raise ConfigError(
            _("unknown engine {text!r}; choose from {choices}").format(text=text, choices=", ".join(ENGINES))
        )
    return name


def parse_python(text: str) -> str:
    """``--python PATH``: an interpreter that answers, is CPython-like and 3.11 or newer."""
    try:
        return probe(text.strip()).path
    except InterpreterError as exc:
        raise ConfigError(str(exc)) from None


def parse_scheduler(text: str) -> str:
    """``tcp://HOST:PORT``, checked for shape and reachability (a refused or silent address fails
    here, in a few seconds, not inside a lane)."""
    import socket

    address = text.strip()
    rest = address.removeprefix("tcp://")
    host, _colon, port = rest.rpartition(":")
    if not address.startswith("tcp://") or not host or not port.isdigit():
        raise ConfigError(_("--scheduler must look like tcp://HOST:PORT, not {text!r}").format(text=text))
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=3).close()
    except OSError as exc:
        raise ConfigError(
            _("no Dask scheduler answers at {address}: {value}").format(address=address, value=exc.strerror or exc)
        ) from None
    return address


def parse_modes(text: str) -> list[str]:
    modes = [m.strip() for m in text.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        raise ConfigError(
            _("unknown mode {value!r}; choose from {choices}").format(
                value=", ".join(unknown) or text, choices=", ".join(MODES)
            )
        )
    return [m for m in MODES if m in modes]


#: Text fields a person can set, by the name the CLI and the options dialog share.
TEXT_FIELDS = (
    "workload", "modes", "workers", "tasks", "size", "sizes", "items", "seconds", "start_method", "engine",
    "chunksize", "inner_threads", "repeat", "payload", "scheduler", "target_seconds", "python", "time_limit",
    "nogil_python", "io_ms",
)  # fmt: skip


MIN_REFRESH_S, MAX_REFRESH_S = 0.05, 10.0


def _blank(text: str | None) -> bool:
    return text is None or not str(text).strip()


def config_from_text(base: RunConfig, fields: Mapping[str, str | None]) -> RunConfig:
    """The one way from what a person typed (CLI arguments or the options dialog) to a checked
    RunConfig. A field left out keeps ``base``'s value; a blank optional field clears it (size:
    calibrate; seconds: batch mode; chunksize: the engine's default). Raises ConfigError or
    WorkloadError with one line; ``base`` is untouched."""
    unknown = set(fields) - set(TEXT_FIELDS)
    if unknown:
        raise ValueError(f"not a run setting: {', '.join(sorted(unknown))}")  # a programming error
    changes: dict[str, Any] = {}

    def given(name: str) -> bool:
        return name in fields

    def optional(name: str, parse: Callable[[str], Any]) -> None:
        if given(name):
            text = fields[name]
            changes[name] = None if _blank(text) else parse(str(text))

    if given("workload") and not _blank(fields["workload"]):
        base = base.with_workload(str(fields["workload"]).strip())
    if given("size") and given("sizes") and not _blank(fields["size"]) and not _blank(fields["sizes"]):
        raise ConfigError(_("give a size or sizes, not both (sizes makes one task per size)"))
    if given("modes"):
        changes["modes"] = tuple(parse_modes(str(fields["modes"] or "")))
    for name, what in (("workers", _("workers")), ("inner_threads", _("inner threads")), ("repeat", _("repeat"))):
        if given(name):
            if _blank(fields[name]):
                raise ConfigError(_("{what} needs a whole number").format(what=what))
            changes[name] = parse_int(str(fields[name]), what)
    optional("tasks", lambda t: parse_int(t, _("tasks")))
    optional("size", lambda t: parse_int(t, _("size")))
    optional("sizes", lambda t: tuple(parse_sizes(t)))
    optional("items", parse_items)
    optional("seconds", lambda t: parse_float(t, _("seconds")))
    optional("chunksize", lambda t: parse_int(t, _("chunksize")))
    optional("scheduler", parse_scheduler)
    optional("python", parse_python)
    optional("nogil_python", lambda t: nogil_interpreter(t.strip()).path)
    if given("payload"):
        changes["payload_mb"] = (
            None if _blank(fields["payload"]) else parse_float(str(fields["payload"]), _("payload MB"))
        )
    if given("start_method") and not _blank(fields["start_method"]):
        changes["start_method"] = str(fields["start_method"]).strip()
    elif changes.get("python"):
        # Unless chosen, a pool starts as the lanes' own Python would start it: forkserver from 3.14 on
        # Linux, fork before; not this interpreter's default.
        changes["start_method"] = probe(changes["python"]).start_method
    if given("engine") and not _blank(fields["engine"]):
        changes["engine"] = parse_engine(str(fields["engine"]))
    if given("time_limit"):
        changes["time_limit_s"] = (
            None if _blank(fields["time_limit"]) else parse_float(str(fields["time_limit"]), _("time limit"))
        )
    if given("io_ms") and not _blank(fields["io_ms"]):
        changes["io_ms"] = parse_float(str(fields["io_ms"]), "--io-ms")
    if given("target_seconds") and not _blank(fields["target_seconds"]):
        changes["target_seconds"] = parse_float(str(fields["target_seconds"]), _("target seconds"))
    return validate(replace(base, **changes))


def parse_refresh(text: str) -> float:
    refresh = parse_float(text, _("refresh"))
    if not MIN_REFRESH_S <= refresh <= MAX_REFRESH_S:
        raise ConfigError(
            _("refresh must be between {min_refresh_s} and {max_refresh_s} seconds, not {text}").format(
                min_refresh_s=MIN_REFRESH_S, max_refresh_s=num(MAX_REFRESH_S, "g"), text=text
            )
        )
    return refresh


def parse_worker_counts(text: str, base: RunConfig) -> list[int]:
    """A sweep's ``--workers 1,2,4``: each count checked against the same bound as one run."""
    parts = [p.strip() for p in str(text).split(",")]
    if not any(parts):
        raise ConfigError(_("--workers needs worker counts such as 1,2,4"))
    if not all(parts):
        raise ConfigError(_("--workers has an empty item in {text!r}; write counts such as 1,2,4").format(text=text))
    counts = [parse_int(p, _("each of --workers")) for p in parts]
    for count in counts:
        validate(replace(base, workers=count))
    return counts


def with_options(config: RunConfig, **fields: str) -> RunConfig:
    """The options dialog's fields (see config_from_text)."""
    return config_from_text(config, fields)
