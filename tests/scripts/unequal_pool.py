"""Pool.map over unequal tasks: two small ones and one five times bigger, on two workers."""

import sys
from multiprocessing import Pool

SIZE = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000


def cumsum(n: int) -> int:
    return sum(range(n))


if __name__ == "__main__":
    with Pool(2) as pool:
        pool.map(cumsum, [SIZE * 5, SIZE, SIZE], chunksize=1)
