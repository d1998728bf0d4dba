"""A pool of twice the cores' processes, each computing: they take turns for the cores."""

import os
import sys
from multiprocessing import Pool

SIZE = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000_000


def cumsum(n: int) -> int:
    return sum(range(n))


if __name__ == "__main__":
    workers = 4 * (os.cpu_count() or 1)
    with Pool(workers) as pool:
        pool.map(cumsum, [SIZE] * workers, chunksize=1)
