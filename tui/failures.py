"""A run or sweep worker that raised something unexpected: its hosts end, and one line says why."""

from __future__ import annotations

from textual.worker import Worker, WorkerState


def unexpected_failure(event: Worker.StateChanged, group: str, sentence: str) -> str | None:
    """``sentence`` (with ``{kind}`` and ``{error}``) when ``group``'s worker raised, after every host
    it started was stopped; None for any other state change."""
    if event.worker.group != group or event.state != WorkerState.ERROR:
        return None
    from paraviz.core.measure.launch import stop_all_hosts

    stop_all_hosts()
    error = event.worker.error
    return sentence.format(kind=type(error).__name__, error=error)
