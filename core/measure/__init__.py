"""Layer 4, outside: launching run hosts and measuring them (relay, trees, threads, sampler, runner,
sweep), and checking settings against this machine (options, validation, interpreters)."""
