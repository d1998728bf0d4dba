"""Plain values: the run's settings (pure checks), results and figures, events, workloads, export."""
