"""Four threads hashing in compiled code that releases the GIL (hashlib, over 2 KiB at a time)."""

import hashlib
import sys
import threading

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 12
DATA = bytes(32 * 2**20)


def digest() -> None:
    for _ in range(ROUNDS):
        hashlib.sha256(DATA).hexdigest()


threads = [threading.Thread(target=digest) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
