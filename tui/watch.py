"""Your own code as lanes: ``paraviz watch`` runs your commands unchanged, ``paraviz attach`` follows
processes already running (the live app, or headless with --format)."""

from __future__ import annotations

import argparse
import os
import shlex
import tempfile
from dataclasses import replace

from paraviz.core.i18n import _
from paraviz.core.measure.options import parse_float, parse_int
from paraviz.core.measure.validation import validate
from paraviz.core.model.config import MAX_SECONDS, ConfigError, RunConfig


def add_watch_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    watch = commands.add_parser(
        "watch",
        help=_("run your own commands as lanes and watch them on the cores: paraviz watch -- python my_script.py"),
    )
    watch.add_argument(
        "--lane",
        action="append",
        default=[],
        metavar="NAME=COMMAND",
        help=_("a lane running COMMAND (quoted as in a shell), named NAME; repeat for more lanes"),
    )
    watch.add_argument("--together", action="store_true", help=_("run the commands at the same time"))
    watch.add_argument(
        "--wait",
        action="store_true",
        help=_("open the app and wait for r before running (for a class); by default the commands start at once"),
    )
    watch.add_argument("--repeat", default="1", help=_("rounds per lane, interleaved; figures are medians"))
    watch.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        help=_("headless: print the figures in this format instead of opening the app"),
    )
    watch.add_argument("--output-dir", help=_("folder for each lane's output (default: a new temporary folder)"))
    watch.add_argument("argv", nargs=argparse.REMAINDER, help=_("-- COMMAND …: one lane running this command"))
    return watch


def lane_name(argv: list[str]) -> str:
    """``mp_groups.py`` for ``python mp_groups.py``: the script if there is one, else the program."""
    script = next((a for a in argv[1:] if a.endswith(".py")), None)
    return os.path.basename(script or argv[0])


def parse_lane(text: str) -> tuple[str, tuple[str, ...]]:
    name, equals, command = text.partition("=")
    if not equals or not name.strip():
        raise ConfigError(_("--lane needs NAME=COMMAND, not {text!r}").format(text=text))
    try:
        argv = tuple(shlex.split(command))
    except ValueError as exc:
        raise ConfigError(_("--lane {name}: {error}").format(name=name.strip(), error=exc)) from None
    return name.strip(), argv


def watch_config(args: argparse.Namespace) -> RunConfig:
    """The lanes of ``paraviz watch``, checked: ConfigError with one line when they will not do."""
    lanes = [parse_lane(text) for text in args.lane]
    argv = list(args.argv)
    if argv and argv[0] == "--":
        argv = argv[1:]
    if argv:
        lanes.append((lane_name(argv), tuple(argv)))
    if not lanes:
        raise ConfigError(_("give a command to watch: paraviz watch -- COMMAND, or --lane NAME=COMMAND"))
    if args.output_dir and not os.path.isdir(args.output_dir):
        raise ConfigError(_("--output-dir {path!r} is not a folder").format(path=args.output_dir))
    config = RunConfig(
        modes=tuple(name for name, _command in lanes),
        commands=tuple(lanes),
        together=args.together,
        repeat=parse_int(args.repeat, _("repeat")),
        output_dir=args.output_dir,
    )
    config = validate(config)  # before the folder is made: a refused command leaves nothing behind
    return replace(config, output_dir=config.output_dir or tempfile.mkdtemp(prefix="paraviz-watch-"))


def add_attach_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    attach = commands.add_parser(
        "attach",
        help=_("follow a running process (a notebook's kernel: --jupyter) and its children, never signalling them"),
    )
    attach.add_argument("pids", nargs="*", metavar="PID", help=_("processes to follow, a lane each"))
    attach.add_argument("--jupyter", action="store_true", help=_("follow this user's running Jupyter kernels"))
    attach.add_argument("--seconds", help=_("stop following after this many seconds (default: until they exit)"))
    attach.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        help=_("headless: print one run per burst of work in this format instead of opening the app"),
    )
    return attach


def attach_config(args: argparse.Namespace) -> RunConfig:
    """The processes ``paraviz attach`` follows, checked (one line when they will not do)."""
    from paraviz.core.measure.attach import jupyter_kernels

    followed = [(f"pid {pid}", parse_int(pid, "PID")) for pid in args.pids]
    if args.jupyter:
        kernels = jupyter_kernels()
        if not kernels:
            raise ConfigError(_("no running Jupyter kernel of this user was found"))
        followed += kernels
    if not followed:
        raise ConfigError(_("give a PID to follow, or --jupyter"))
    for name, pid in followed:
        if pid == os.getpid() or not os.path.exists(f"/proc/{pid}"):
            raise ConfigError(_("no process {pid} to follow ({name})").format(pid=pid, name=name))
    seconds = None if args.seconds is None else parse_float(args.seconds, "--seconds")
    if seconds is not None and not 0 < seconds <= MAX_SECONDS:
        raise ConfigError(_("--seconds must be more than 0 and at most {max}").format(max=int(MAX_SECONDS)))
    return validate(
        RunConfig(modes=tuple(n for n, _pid in followed), attach=tuple(followed), time_limit_s=seconds, repeat=1)
    )
