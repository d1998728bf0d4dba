"""How the app runs lanes and shows a run: the keys that start and stop one, and each event the run
streams, folded into the lanes or shown at once."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Generic, TypeVar, get_args

from paraviz.core.i18n import _, num
from paraviz.core.measure.validation import check_event_loop_lanes, validate
from paraviz.core.model.comparisons import with_comparisons
from paraviz.core.model.config import ConfigError, RunConfig
from paraviz.core.model.events import (
    BaselineStarted,
    Calibrated,
    Calibrating,
    ClusterSampled,
    Event,
    LaneFinished,
    LaneSampled,
    LaneStarted,
    PoolReady,
    TasksReported,
)
from paraviz.core.model.figures import RunResult
from paraviz.core.model.lanes import baseline_lane
from paraviz.core.model.results import RunReport
from paraviz.core.model.workloads import WorkloadError
from paraviz.core.teach.explain import explain
from paraviz.tui.failures import unexpected_failure
from paraviz.tui.widgets.lane_chart import nice_ceiling
from textual import work
from textual.message import Message
from textual.worker import Worker

if TYPE_CHECKING:
    from paraviz.tui.app_parts import AppParts


#: Lanes shown only once chosen: a cluster, threads on another interpreter, the event-loop lanes.
OPTIONAL_LANES = ("dask", "nogil", "asyncio", "hybrid")

EventT = TypeVar("EventT", bound=Event)


class RunEvent(Message, Generic[EventT]):
    """An engine event, relayed from the run thread. Each event type has its own subclass, made by
    run_message and handled by name, as any Textual message: LaneStarted by on_run_lane_started."""

    def __init__(self, event: EventT) -> None:
        super().__init__()
        self.event = event
        #: Samples of the same lane that this one replaced in the queue while the UI was busy: the
        #: chart keeps every point, and the lane repaints once.
        self.earlier: list[LaneSampled] = []

    def can_replace(self, message: Message) -> bool:
        """A queued sample gives way to the next sample of its lane, which carries it along."""
        old, new = self.event, getattr(message, "event", None)
        if isinstance(old, LaneSampled) and isinstance(new, LaneSampled) and old.mode == new.mode:
            message.earlier[:0] = [*self.earlier, old]  # type: ignore[attr-defined]
            return True
        return False


#: One message class per event type, named after it in the "run" namespace: its handler is
#: on_run_ and the event's name in snake case (Textual derives it from the class).
RUN_MESSAGES: dict[type, type[RunEvent[Event]]] = {
    kind: type(kind.__name__, (RunEvent,), {"__doc__": kind.__doc__}, namespace="run") for kind in get_args(Event)
}


def run_message(event: Event) -> RunEvent[Event]:
    """The message that carries ``event`` to the app."""
    return RUN_MESSAGES[type(event)](event)


@dataclass
class RunEnded(Message):
    report: RunReport | None
    error: str | None = None


class RunView:
    """The run's side of ParavizApp: a handler per event, named after it (LaneStarted: on_run_lane_started)."""

    # -- starting a run ------------------------------------------------------------------

    def action_run(self: AppParts, which: str) -> None:
        if self.sweep_open():
            self.notify(_("Close the sweep view (Esc) before running lanes."), severity="warning")
            return
        if self.running:
            self.notify(_("Already running: x stops it."), severity="warning")
            return
        if which not in self.lanes and which != "all":  # s, t, p… while watching a user's commands
            self.notify(_("No {lane} lane here: r runs the lanes on screen.").format(lane=which), severity="warning")
            return
        modes = tuple(m for m in self.lanes if m in self.config.modes) if which == "all" else (which,)
        try:  # a, h: the event-loop lanes run paraviz's workloads, the hybrid one a pipeline only
            check_event_loop_lanes(replace(self.config, modes=modes))
        except ConfigError as exc:
            self.notify(str(exc), severity="error")
            return
        if "nogil" in modes and self.config.nogil_python not in self.checked_pythons:
            self.check_nogil_python(modes, which)  # off the event loop; the run starts when it answers
            return
        for mode in OPTIONAL_LANES:
            if mode in self.lanes:
                self.lane(mode).display = mode in modes or mode in self.results or mode in self.config.modes
        cores = self.machine.logical_cores
        workers_of = {mode: self.config.workers if self.lane(mode).spec.workers_apply else 1 for mode in self.lanes}
        shown = [mode for mode in self.lanes if self.lane(mode).display]
        reserved = max(workers_of[mode] for mode in shown) if shown else 1
        for mode in shown:  # every lane on screen keeps room for as many worker rows: one chart height
            self.lane(mode).chart.reserve_rows(reserved)
        for mode in modes:
            self.results.pop(mode, None)
            workers = workers_of[mode]
            self.lane(mode).waiting(self.config.task_count, self.config.seconds, cores, min(workers, cores), workers)
        self.fit_time_axis()
        self.running = True
        self.stop_event = threading.Event()
        self.show_explanation()  # "Running…", not the idle hint, from the first frame
        self.run_modes(replace(self.config, modes=modes))

    @work(thread=True, exclusive=True, exit_on_error=False, group="checks")
    def check_nogil_python(self: AppParts, modes: tuple[str, ...], which: str) -> None:
        """The nogil lane's Python, found and asked what it is once (g, or --modes …,nogil), off the
        event loop; a notification says why not, and how to get one, when there is none."""
        try:
            checked = validate(replace(self.config, modes=modes), self.worker_bound)
        except ConfigError as exc:
            self.call_from_thread(self.notify, str(exc), severity="error", timeout=12)
            return
        self.call_from_thread(self.nogil_python_checked, checked.nogil_python, which)

    def nogil_python_checked(self: AppParts, path: str | None, which: str) -> None:
        self.checked_pythons.add(path)
        self.config = replace(self.config, nogil_python=path)
        self.action_run(which)

    @work(thread=True, exclusive=True, exit_on_error=False, group="run")
    def run_modes(self: AppParts, config: RunConfig) -> None:
        from paraviz.core.measure.runner import RunError, run_lanes  # the launcher loads with the first run

        try:
            report = run_lanes(
                config,
                sink=lambda e: self.post_message(run_message(e)),
                stop=self.stop_event,
                sample_interval=self.refresh_s,
            )
        except (WorkloadError, RunError) as exc:
            self.post_message(RunEnded(None, str(exc)))
            return
        self.post_message(RunEnded(report))

    def action_stop(self: AppParts) -> None:
        if self.running:
            self.stop_event.set()
            self.notify(_("Stopping…"))

    # -- its events ----------------------------------------------------------------------

    def on_run_calibrating(self: AppParts, message: RunEvent[Calibrating]) -> None:
        event = message.event
        self.explanation.say(_("Calibrating {workload}: timing one task…").format(workload=event.workload))

    def on_run_calibrated(self: AppParts, message: RunEvent[Calibrated]) -> None:
        event = message.event
        # Keep the size, so that lanes run later compare against the same work.
        self.config = replace(self.config, size=event.size)
        self.refresh_header()
        self.explanation.say(
            _("Calibrated: size {size} (≈{seconds} s a task here).").format(
                size=num(event.size, ","), seconds=num(event.task_seconds)
            )
        )

    def on_run_lane_started(self: AppParts, message: RunEvent[LaneStarted]) -> None:
        event = message.event
        self.lane(event.mode).started(event.round, event.rounds)
        self.core_meter.lane_started(event.mode)

    def on_run_baseline_started(self: AppParts, message: RunEvent[BaselineStarted]) -> None:
        event = message.event
        self.lane(event.mode).baseline(event.python)

    def on_run_pool_ready(self: AppParts, message: RunEvent[PoolReady]) -> None:
        """Nothing to draw yet: the workers show in the lane's live counts, start-up in its figures."""

    def on_run_cluster_sampled(self: AppParts, message: RunEvent[ClusterSampled]) -> None:
        event = message.event
        self.core_meter.remote_sampled(event.workers)

    def on_run_tasks_reported(self: AppParts, message: RunEvent[TasksReported]) -> None:
        event = message.event
        self.lane(event.mode).progress(event)

    def on_run_lane_sampled(self: AppParts, message: RunEvent[LaneSampled]) -> None:
        event = message.event
        self.lane(event.mode).sampled(event, message.earlier)
        self.time_axis_moved = True

    def on_run_lane_finished(self: AppParts, message: RunEvent[LaneFinished]) -> None:
        event = message.event
        self.core_meter.lane_ended(event.result.mode)
        self.lane_finished(event.result)
        self.fit_time_axis()

    def fit_time_axis(self: AppParts) -> None:
        """One time axis for every lane, long enough for the longest: lanes compare by length."""
        longest = max(lane.chart.trace.now_s for lane in self.lanes.values())
        span = nice_ceiling(longest)
        for lane in self.lanes.values():
            lane.chart.set_span(span)

    def lane_finished(self: AppParts, result: RunResult) -> None:
        """Show a lane's figures as soon as it ends, with speedups against whatever sequential
        lane these settings produced, in this run or an earlier one."""
        before = dict(self.results)
        self.results[result.mode] = result
        results = with_comparisons(
            list(self.results.values()), self.machine.logical_cores, self.config.timed, baseline_lane(self.config)
        )
        self.results = {r.mode: r for r in results}
        for mode, lane_result in self.results.items():
            if mode == result.mode or before.get(mode) != lane_result:  # a new baseline changes speedups
                self.lane(mode).finished(lane_result)
        self.show_explanation()

    def on_worker_state_changed(self: AppParts, event: Worker.StateChanged) -> None:
        """A run that raised something unexpected must not leave the app "running" for ever."""
        reason = unexpected_failure(event, "run", _("the run failed: {kind}: {error}"))
        if reason is not None:
            self.post_message(RunEnded(None, reason))

    def on_run_ended(self: AppParts, message: RunEnded) -> None:
        self.running = False
        if message.error:
            self.notify(message.error, severity="error")
            self.reset_lanes(_("not run"))
            return
        report = message.report
        if report is not None and self.config.attach:  # one run per burst of work: export and say those
            self.bursts = list(report.results)
            self.show_explanation()
        elif report is not None:
            # Export what is on screen: every lane shown, also those from earlier runs (t, then s)
            # with the same settings (a change of settings clears them).
            shown = [self.results[m] for m in self.lanes if m in self.results]
            modes = tuple(r.mode for r in shown)
            report = RunReport(report.machine, replace(report.config, modes=modes), report.size, shown)
        self.last_report = report

    def show_explanation(self: AppParts) -> None:
        ordered = [self.results[m] for m in self.lanes if m in self.results]
        self.show_big_figures()
        if self.config.attach:  # followed processes: their bursts of work, once following ends
            ordered = self.bursts if self.bursts is not None and not self.running else []
        lines = explain(ordered, self.config, self.machine.logical_cores) if ordered or not self.config.attach else []
        if not lines and self.running and self.config.attach:
            lines = [_("Following: each burst of work is measured on its own when following ends (x).")]
        elif not lines and self.running:
            lines = [_("Running: what the figures say appears here as each lane ends.")]
        elif not lines and self.config.commands:
            lines = [_("Press r to run your commands, one after another; x stops them, ? for help.")]
        elif not lines and ordered and "sequential" not in self.results:
            lines = [_("Nothing to compare these figures with: run the sequential lane too (s) for speedups.")]
        elif not lines:
            lines = [_("Press r to run all three lanes, s/t/p for one, w for another workload, ? for help.")]
        self.explanation.say("\n".join(lines))
