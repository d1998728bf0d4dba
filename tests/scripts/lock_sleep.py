"""Four threads hold one Lock while they sleep: each waits for the lock most of the time."""

import threading
import time

lock = threading.Lock()


def work() -> None:
    for _ in range(4):
        with lock:
            time.sleep(0.05)


threads = [threading.Thread(target=work) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
