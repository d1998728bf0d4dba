"""A Pool(2) of 20,000 tiny tasks sent one at a time: the workers wait on their pipe."""

from multiprocessing import Pool


def square(x: int) -> int:
    return x * x


if __name__ == "__main__":
    with Pool(2) as pool:
        pool.map(square, range(20_000), chunksize=1)
