"""paraviz engine: workloads, run hosts, psutil measurement and figures.

Nothing in this package imports Textual; the modules that run inside a run host
(``host``, ``tasks_pure``, ``events``, ``workloads``) import only the standard library.
"""

__version__ = "0.1.0"
