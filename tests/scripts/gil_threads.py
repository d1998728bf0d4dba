"""Four threads of pure-Python arithmetic: they take turns for the GIL."""

import sys
import threading

SIZE = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 4


def cumsum() -> None:
    sum(range(SIZE))


threads = [threading.Thread(target=cumsum) for _ in range(COUNT)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
