"""A lane's progress bar."""

from __future__ import annotations

from textual.events import Mount
from textual.widgets import ProgressBar


class QuietProgressBar(ProgressBar):
    """Textual's ProgressBar without its once-a-second timer (there for the ETA, which the lanes
    do not show): four idle bars woke the app four times a second. Updates come with the frames."""

    def on_mount(self, event: Mount) -> None:
        # Stops the MRO walk before ProgressBar.on_mount arms the timer; Widget._on_mount only
        # shows scrollbars, which a bar has none of.
        event.prevent_default()
        self.update()
