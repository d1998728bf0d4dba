"""Layer 2, plain values: settings and their bounds, the machine, lanes, workloads, results and figures, events."""
