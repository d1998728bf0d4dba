"""paraviz engine, by where it runs (nothing here imports Textual):

- ``model``: plain values (settings, results and figures, events, workloads, export);
- ``host``: what runs inside a run host, a child process maybe under another Python (standard library only);
- ``measure``: launching hosts and measuring them from outside (relay, process trees, sampler, runner, sweep);
- ``teach``: what the figures say, the lecture, the translations.
"""

__version__ = "0.1.0"
