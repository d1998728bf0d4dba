"""The course's Lock example as often written: each Process started and joined in one loop, so the
five never run at once."""

import sys
from multiprocessing import Process

SIZE = int(sys.argv[1]) if len(sys.argv) > 1 else 15_000_000


def cumsum(n: int) -> int:
    return sum(range(n))


if __name__ == "__main__":
    for _ in range(5):
        worker = Process(target=cumsum, args=(SIZE,))
        worker.start()
        worker.join()
