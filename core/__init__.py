"""paraviz engine, in layers from the base up; each imports only the ones before it (a test checks,
tests/test_layers.py), and nothing here imports Textual:

1. ``i18n``: translations and number formats, which every layer may use;
2. ``model``: plain values (settings and their bounds, a machine, lanes, workloads, results and
   figures, events, a lane's trace);
3. ``host``: what runs inside a run host, a child process maybe under another Python (standard library only);
4. ``measure``: launching hosts and measuring them from outside (relay, process trees, threads' states,
   sampler, runner, sweep), and checking settings against this machine (options, validation, interpreters);
5. ``teach``: what the figures say (explanation), the lecture, and reports (tables, JSON, CSV).

``paraviz.tui`` (the app and the CLI) sits on top of all five.
"""

__version__ = "0.1.0"
