"""One threading.Thread per task, as the notebooks start them: all at once, then join."""

import sys
import threading

SIZE = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000


def cumsum(n: int) -> int:
    return sum(range(n))


threads = [threading.Thread(target=cumsum, args=(SIZE,)) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
