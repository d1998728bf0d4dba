"""A program that idles, computes in one thread, idles, then starts a Pool.map: two bursts of work
for paraviz attach to tell apart."""

import sys
import time
from multiprocessing import Pool

SIZE = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000


def cumsum(n: int) -> int:
    return sum(range(n))


if __name__ == "__main__":
    time.sleep(1.5)
    for _ in range(4):
        cumsum(SIZE)
    time.sleep(2.5)
    with Pool(2) as pool:
        pool.map(cumsum, [SIZE] * 8)
    time.sleep(1.5)
