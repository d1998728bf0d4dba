"""The notebook problem: a function defined where spawned workers cannot import it (in a notebook
it lives in the kernel's __main__; here, under the __main__ guard), sent to a spawn pool."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

if __name__ == "__main__":

    def square(x: int) -> int:
        return x * x

    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        print(list(pool.map(square, range(4))))
