"""Two threads take two locks in opposite orders: each holds one and waits for the other, forever."""

import threading
import time

first, second = threading.Lock(), threading.Lock()


def take(a: threading.Lock, b: threading.Lock) -> None:
    with a:
        time.sleep(0.1)  # the other thread takes its first lock meanwhile
        with b:
            pass


threads = [threading.Thread(target=take, args=(first, second)), threading.Thread(target=take, args=(second, first))]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
