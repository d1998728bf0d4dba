"""A command that ignores SIGTERM and would run for a minute: paraviz must still end it."""

import signal
import time

signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("ignoring SIGTERM", flush=True)
time.sleep(60)
