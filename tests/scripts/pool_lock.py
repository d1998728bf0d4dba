"""A Pool(2) whose tasks hold one multiprocessing.Lock while they compute: one at a time."""

import sys
from multiprocessing import Lock, Pool

SIZE = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000
lock = None


def share(shared) -> None:
    global lock
    lock = shared


def cumsum(n: int) -> int:
    with lock:
        return sum(range(n))


if __name__ == "__main__":
    with Pool(2, initializer=share, initargs=(Lock(),)) as pool:
        pool.map(cumsum, [SIZE] * 8, chunksize=1)
