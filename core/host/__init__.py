"""Layer 3, inside a run host (a child process, maybe another Python): the standard library only."""
