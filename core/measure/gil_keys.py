"""Which futex keys are the GIL's, learnt from where they lie and what the threads do there.

Where: the main interpreter's GIL is a static of the interpreter (``_PyRuntime``), in the data of
the ``python`` executable or of ``libpython*.so`` (/proc/PID/maps says which file an address lies
in), while every Lock, Queue, Event and Condition a program makes is on the heap, and a free-threaded
build's waits are on its threads' stacks. A timed futex wait there is a thread asking for the GIL:
learnt from one waiter, at its first look (two threads of ``sum(range(n))`` had never shown the
pattern below, and their GIL waits read as lock waits).

What: a thread asking for the GIL waits ``sys.getswitchinterval()`` at a time on ``gil->cond``
(``Python/ceval_gil.c``): a timed wait on a pthread condition variable. glibc waits on a condition
variable at one of two adjacent futex words, its two groups of waiters, and the group flips at each
signal, so even one waiter (two threads taking turns) is seen at the second word. A Lock, Queue,
Condition or Event acquired with a timeout waits on a semaphore: one 8-aligned word (glibc's
``new_sem``; the free-threaded build's parking lot uses semaphores too). So a timed wait at a second
word is a condition variable's, and a pure-Python program's only one is the GIL's (three threads on
one Lock with acquire(timeout=...) used one address; the GIL's two threads, two addresses 4 bytes
apart). The thread that just dropped the GIL waits on ``switch_cond`` or the GIL's mutex, next to
``cond`` in the same struct, without a timeout: GIL too.
"""

from __future__ import annotations

from paraviz.core.measure.thread_reading import GIL, WAIT, ThreadReading

#: A futex word this close after the GIL's condition variable is the GIL's own struct (switch_cond,
#: the mutexes): 88 bytes after it on 3.11 (seen).
GIL_STRUCT_BYTES = 256
#: The second 4-byte word of a futex key (ThreadReading.word): only a condition variable waits there.
SECOND_WORD = 4


class GilKeys:
    """The futex keys learnt to be the GIL's, and which untimed keys lie in its struct."""

    def __init__(self, proc: str = "/proc") -> None:
        self.proc = proc
        self.keys: set[int] = set()
        #: Untimed futex keys and whether they lie in the GIL's struct (switch_cond, its mutex).
        self.near: dict[int, bool] = {}
        #: Timed keys already looked up in their process's maps.
        self.looked_up: set[int] = set()

    def learn(self, reading: ThreadReading, pid: int) -> None:
        """A timed wait in the interpreter's own data, or at a key's second word: the GIL's."""
        key = reading.key
        if key is None or not reading.timed or key in self.keys:
            return
        if reading.word == SECOND_WORD or (key not in self.looked_up and self.in_interpreter(pid, key << 3)):
            self.keys.add(key)
            self.near.clear()
        self.looked_up.add(key)

    def in_interpreter(self, pid: int, address: int) -> bool:
        """Whether ``address`` lies in a mapping of the python executable or of libpython."""
        try:
            with open(f"{self.proc}/{pid}/maps", "rb") as maps:
                for line in maps:
                    span, _rest = line.split(b" ", 1)
                    start, end = (int(edge, 16) for edge in span.split(b"-"))
                    if start <= address < end:
                        name = line.rsplit(b"/", 1)[-1].strip() if b"/" in line else b""
                        return name.startswith((b"python", b"libpython"))
        except (OSError, ValueError):
            pass
        return False

    def is_gil(self, key: int, timed: bool) -> bool:
        if timed:
            return key in self.keys
        near = self.near.get(key)
        if near is None:  # learnt once per key (the GIL's keys only grow, and clear this)
            near = self.near[key] = any(0 < key - gil <= GIL_STRUCT_BYTES >> 3 for gil in self.keys)
        return near

    def state_of(self, reading: ThreadReading) -> str:
        if reading.key is not None:
            return GIL if self.is_gil(reading.key, reading.timed) else WAIT
        return reading.state
