"""The notebooks' first cell: a loop of sum(range(n)), one task after another."""

import sys

SIZE = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000


def cumsum(n: int) -> int:
    return sum(range(n))


for _ in range(8):
    cumsum(SIZE)
