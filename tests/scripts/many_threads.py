"""300 threads that sleep and 8 that compute in Python: more threads than the sampler reads."""

import sys
import threading
import time

SIZE = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000


def sleeper() -> None:
    time.sleep(2.0)


def cumsum() -> None:
    sum(range(SIZE))


sleepers = [threading.Thread(target=sleeper) for _ in range(300)]
for thread in sleepers:
    thread.start()
time.sleep(0.3)  # the sleepers are listed first
workers = [threading.Thread(target=cumsum) for _ in range(8)]
for thread in workers:
    thread.start()
for thread in [*workers, *sleepers]:
    thread.join()
