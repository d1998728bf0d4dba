"""The ``paraviz`` command: the live app by default, ``run`` and ``workloads`` headless.

Textual is imported only when the app starts, so the headless commands stay quick.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, NoReturn

from paraviz.core import __version__
from paraviz.core.host.engines import ENGINES, engine_spec
from paraviz.core.i18n import LANGUAGES, _, language, num, set_language
from paraviz.core.measure.options import TEXT_FIELDS, config_from_text, parse_int, parse_refresh, parse_worker_counts
from paraviz.core.measure.sampler import REFRESH_S
from paraviz.core.model.config import DEFAULT_ENGINE, START_METHODS, ConfigError, RunConfig, default_start_method
from paraviz.core.model.figures import DEFAULT_MODES
from paraviz.core.model.machine import default_worker_counts, logical_cores
from paraviz.core.model.workloads import WorkloadError
from paraviz.core.teach.lecture import STEPS, parse_step
from paraviz.tui.headless import EXIT_OK, EXIT_USAGE, headless, print_workloads
from paraviz.tui.watch import add_attach_parser, add_watch_parser, attach_config, watch_config

if TYPE_CHECKING:
    pass

#: Rounds of `paraviz run` unless --repeat says otherwise: one round of cumsum on a 2-vCPU VM put
#: GIL-bound threads anywhere from 0.94x to 1.17x of sequential; see docs/benchmarks.md, "Noise".
RUN_REPEAT = 3


class UsageError(Exception):
    """Bad command-line input: reported in one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, no usage dump, exit 2
        raise UsageError(message)


def add_run_options(parser: argparse.ArgumentParser, sweep: bool = False) -> None:
    """The options of a run; a sweep's --modes and --workers have their own defaults, said in their help."""
    modes = "threads,processes" if sweep else ",".join(DEFAULT_MODES)
    parser.add_argument(
        "--workload",
        "-w",
        default="cumsum",
        help=_("a name from `paraviz workloads`, package.module:function or path/to/notebook.py:function"),
    )
    parser.add_argument(
        "--modes",
        default=modes,
        help=_(
            "lanes to run, comma-separated (add dask for a cluster, nogil for threads on a free-threaded Python; "
            "default: {modes})"
        ).format(modes=modes),
    )
    parser.add_argument(
        "--scheduler", help=_("tcp://HOST:PORT of an existing Dask cluster for the dask lane (default: a LocalCluster)")
    )
    if sweep:
        counts = ",".join(map(str, default_worker_counts()))
        workers = _("worker counts to sweep, comma-separated (default: 1, 2, 4 … twice the logical cores: {counts})")
        parser.add_argument("--workers", "-n", default=counts, help=workers.format(counts=counts))
    else:
        parser.add_argument("--workers", "-n", help=_("threads or processes (default: one per logical core)"))
    parser.add_argument("--tasks", help=_("number of tasks (default: the workload's)"))
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--size", help=_("size of every task (default: calibrated to --target-seconds)"))
    size.add_argument("--sizes", help=_("one task per size, comma-separated: unequal tasks"))
    size.add_argument("--items", help=_("for your f(item): one task per item, a,b,c or first..last"))
    parser.add_argument("--seconds", help=_("timed mode: each lane works this long and reports tasks/s"))
    parser.add_argument(
        "--start-method",
        help=_("one of {choices} (default: that of the Python the lanes run under, {default} here)").format(
            choices=", ".join(START_METHODS), default=default_start_method()
        ),
    )
    parser.add_argument(
        "--engine",
        default=DEFAULT_ENGINE,
        help=_("how threads and processes run: {engines}").format(
            engines="; ".join(f"{name}: {_(engine_spec(name).what)}" for name in ENGINES)
        ),
    )
    parser.add_argument(
        "--chunksize", help=_("tasks sent to a worker process at once (default: 1; with --engine pool, Pool.map's own)")
    )
    parser.add_argument(
        "--payload", help=_("MB of data sent with every task: threads share it, processes receive a copy")
    )
    parser.add_argument(
        "--python", help=_("run every lane under this Python (3.11 or newer), e.g. a free-threaded python3.14t")
    )
    parser.add_argument(
        "--nogil-python",
        metavar="PATH",
        help=_(
            "the free-threaded Python (3.13t or newer) of the nogil lane (default: python3.14t or python3.13t on PATH)"
        ),
    )
    parser.add_argument(
        "--io-ms",
        help=_("milliseconds the pipeline workload's loopback server waits before each answer (default 200)"),
    )
    parser.add_argument("--inner-threads", default="1", help=_("BLAS/OpenMP threads per task (threadpoolctl)"))
    parser.add_argument("--together", action="store_true", help=_("run the lanes at the same time (contention)"))
    parser.add_argument("--target-seconds", default="4", help=_("calibration target for the sequential lane"))
    parser.add_argument(
        "--time-limit",
        metavar="SECONDS",
        help=_("stop a lane still running after this many seconds; its figures say how far it got"),
    )
    parser.add_argument(
        "--repeat",
        default="1",
        help=_("rounds per lane, interleaved; figures are medians with min-max (default %(default)s)"),
    )


def add_common_options(parser: argparse.ArgumentParser, subcommand: bool = False) -> None:
    """--lang and --big, before or after the command (a subcommand must not reset the main's value)."""
    default = argparse.SUPPRESS if subcommand else None
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=default, help=_("language: en or es (default: from LANG / LC_ALL)")
    )
    parser.add_argument(
        "--big",
        action="store_true",
        default=argparse.SUPPRESS if subcommand else False,
        help=_("projector mode: the key figures in large digits (z toggles it)"),
    )


def build_parser() -> Parser:
    parser = Parser(
        prog="paraviz",
        description=_("Run one workload sequentially, with threads and with processes, and see why."),
        epilog=_("With no command, opens the live terminal app (the run options below apply to it)."),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"paraviz {__version__}",
        help=_("show program's version number and exit"),
    )
    parser.add_argument(
        "--refresh",
        default=f"{REFRESH_S:g}",
        help=_("seconds between CPU samples in the app (default {seconds})").format(seconds=num(REFRESH_S, "g")),
    )
    add_common_options(parser)
    add_run_options(parser)
    commands = parser.add_subparsers(dest="command", parser_class=Parser)
    run = commands.add_parser("run", help=_("run the lanes headless and print the figures"))
    add_run_options(run)
    run.add_argument("--format", choices=("table", "json", "csv"), default="table")
    run.set_defaults(repeat=str(RUN_REPEAT))
    sweep = commands.add_parser("sweep", help=_("run threads and processes at several worker counts; Amdahl fit"))
    add_run_options(sweep, sweep=True)
    sweep.add_argument("--format", choices=("table", "json", "csv"), default="table")
    workloads = commands.add_parser("workloads", help=_("list the workloads, their lessons and defaults"))
    lecture = commands.add_parser("lecture", help=_("a guided tour, one lesson per step: r runs it, → goes on"))
    lecture.add_argument("--step", default="1", help=_("start at this step (1 to {count})").format(count=len(STEPS)))
    add_run_options(lecture)
    serve = commands.add_parser(
        "serve", help=_("the app in a web browser (textual-serve); every browser connection starts its own")
    )
    serve.add_argument("--host", default="127.0.0.1", help=_("address to listen on (default: this machine only)"))
    serve.add_argument("--port", default="8000", help=_("port (default %(default)s)"))
    serve.add_argument("--lecture", action="store_true", help=_("serve the guided tour instead of the free app"))
    serve.add_argument(
        "--audience",
        action="store_true",
        help=_(
            "one paraviz, the presenter's (its own token), and every other browser sees its screen at "
            "/audience, read-only"
        ),
    )
    door = serve.add_mutually_exclusive_group()
    door.add_argument(
        "--token",
        help=_("the token every browser must bring (?token=…); default: a new one at each start, off loopback"),
    )
    door.add_argument(
        "--no-token",
        action="store_true",
        help=_(
            "no token, even off loopback: only on a network where everyone may run programs as you "
            "(every connection starts a paraviz under your user)"
        ),
    )
    add_run_options(serve)
    watch = add_watch_parser(commands)
    attach = add_attach_parser(commands)
    for command in (run, sweep, workloads, lecture, serve, watch, attach):
        add_common_options(command, subcommand=True)
    return parser


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """Every option parsed and bounded by core's one parser; raises ConfigError or WorkloadError."""
    fields = {name: getattr(args, name) for name in TEXT_FIELDS if getattr(args, name, None) is not None}
    return replace(config_from_text(RunConfig(), fields), together=args.together)


def own_code(args: argparse.Namespace) -> int:
    """``paraviz watch`` and ``attach``: headless with --format (or without a terminal), else the live app."""
    config = watch_config(args) if args.command == "watch" else attach_config(args)
    if args.format is None and sys.stdout.isatty():
        at_once = not getattr(args, "wait", False)  # attach has no --wait: it follows at once
        return run_app(config, REFRESH_S, big=getattr(args, "big", False), start_at_once=at_once)
    from paraviz.core.measure.runner import run_lanes

    return headless(lambda stop: run_lanes(config, stop=stop), args.format or "table")


def run_app(
    config: RunConfig, refresh: float, big: bool = False, lecture_step: int | None = None, start_at_once: bool = False
) -> int:
    served = os.environ.get("TEXTUAL_DRIVER", "").endswith("WebDriver")  # textual-serve's pipe, not a terminal
    if not sys.stdout.isatty() and not served:
        print(
            _("paraviz: the live app needs a terminal; for a headless run use `paraviz run` (see paraviz run --help)"),
            file=sys.stderr,
        )
        return EXIT_USAGE
    if lecture_step is not None:
        from paraviz.core.measure.interpreter import ask_nogil_python_early
        from paraviz.tui.lecture import make_lecture

        ask_nogil_python_early()  # step 2 needs it: asked now, in the background, not when → is pressed

        app = make_lecture(config, first_step=lecture_step, refresh=refresh, big=big)
    else:
        from paraviz.tui.app import make_app

        app = make_app(config, refresh=refresh, big=big, start_at_once=start_at_once)
    app.run()
    return app.return_code or EXIT_OK


def language_in(argv: Sequence[str]) -> str | None:
    """``--lang es`` read before the parser is built, so that --help and errors are in that language."""
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


SERVE_OWN_OPTIONS = {
    "--host": 1,
    "--port": 1,
    "--lecture": 0,
    "--lang": 1,
    "--big": 0,
    "--token": 1,
    "--no-token": 0,
    "--audience": 0,
}


def app_arguments(argv: Sequence[str]) -> list[str]:
    """The run options given after ``serve``, for the app each browser connection starts."""
    rest = list(argv[list(argv).index("serve") + 1 :])
    forwarded = []
    while rest:
        word = rest.pop(0)
        name = word.split("=", 1)[0]
        if name in SERVE_OWN_OPTIONS:
            if "=" not in word:
                del rest[: SERVE_OWN_OPTIONS[name]]
            continue
        forwarded.append(word)
    return forwarded


def serve(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """The app in a browser: textual-serve starts one paraviz per connection, each on the same cores;
    off loopback, behind a token."""
    from paraviz.tui.web import LOOPBACK, Audience, make_server, new_token

    port = parse_port(args.port)
    config_from_args(args)  # the run options are checked here, once, not in every browser's app
    token = args.token or (None if args.no_token or args.host in LOOPBACK else new_token())
    where = args.host if args.host not in ("0.0.0.0", "::") else socket.gethostname()
    base = f"http://{where}:{port}/"
    audience = Audience(token) if args.audience else None
    if audience is not None:  # the presenter's URL starts the one paraviz; the audience's shows its screen
        print(_("paraviz: presenter: {url}").format(url=f"{base}?token={audience.presenter_token}"), file=sys.stderr)
        print(
            _("paraviz: audience: {url}").format(url=f"{base}audience" + (f"?token={token}" if token else "")),
            file=sys.stderr,
        )
    else:
        print(_("paraviz: serving on {url}").format(url=base + (f"?token={token}" if token else "")), file=sys.stderr)
    if args.no_token and args.host not in LOOPBACK:
        print(
            _("paraviz: warning: no token: anyone who reaches {host}:{port} runs programs as you").format(
                host=args.host, port=port
            ),
            file=sys.stderr,
        )
    print(
        _(
            "paraviz: every browser connection (but the audience's) starts its own paraviz and its own runs, "
            "which compete for the same {cores} cores: watch for the busy-machine warning."
        ).format(cores=logical_cores()),
        file=sys.stderr,
    )
    options = app_arguments(argv)
    big = getattr(args, "big", False)
    try:
        make_server(
            args.host, port, language(), options, lecture=args.lecture, big=big, token=token, audience=audience
        ).serve()
    finally:
        if audience is not None:
            audience.close()
    return EXIT_OK


def parse_port(text: str) -> int:
    port = parse_int(text, "--port")
    if not 1 <= port <= 65535:
        raise UsageError(_("--port must be a number from 1 to 65535, not {text!r}").format(text=text))
    return port


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    chosen = language_in(argv)
    try:
        set_language(chosen)
    except ValueError as exc:
        print(f"paraviz: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command == "serve":
            return serve(args, argv)
        if args.command == "workloads":
            print_workloads()
            return EXIT_OK
        if args.command == "sweep":
            counts_text, args.workers = args.workers, None
            config = config_from_args(args)
            counts = parse_worker_counts(counts_text, config)
            modes = tuple(m for m in config.modes if m != "sequential")
            from paraviz.core.measure.sweep import run_sweep  # the launcher: loaded by the commands that run

            return headless(lambda stop: run_sweep(config, counts, modes=modes, stop=stop), args.format)
        if args.command in ("watch", "attach"):
            return own_code(args)
        config = config_from_args(args)
        if args.command == "run":
            from paraviz.core.measure.runner import run_lanes

            return headless(lambda stop: run_lanes(config, stop=stop), args.format)
        refresh = parse_refresh(args.refresh)
        lecture_step = None
        if args.command == "lecture":
            try:
                lecture_step = parse_step(args.step)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
    except (UsageError, ConfigError, WorkloadError) as exc:
        print(_("paraviz: error: {error} (see paraviz --help)").format(error=exc), file=sys.stderr)
        return EXIT_USAGE
    return run_app(config, refresh, big=args.big, lecture_step=lecture_step)


def entry() -> None:
    sys.exit(main())
