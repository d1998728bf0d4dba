"""What the tests and benchmarks share and the app does not ship: a pseudo-terminal driver, fake
runs and machines, and the screen as text."""
