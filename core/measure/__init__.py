"""Launching run hosts and measuring them from outside: relay, process trees, CPU sampler, runner, sweep."""
