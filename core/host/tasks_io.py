"""Tasks that wait on real I/O: a loopback server that the lane's host starts, and a request to it.

``prepare`` (run in the host before the lane's clock) binds a listening socket on 127.0.0.1 and
forks a child that serves it with asyncio: each request is answered after ``--io-ms``. The child
is in the host's process group and asks Linux for SIGTERM when the host dies, so it ends with the
lane, however the lane ends. Its address reaches every worker (forked or spawned) through the
environment.

Each task has three forms, one per way of running it:

- ``pipeline(index, size)``: a blocking socket, then the computing (threads and processes lanes);
- ``pipeline_async(index, size)``: asyncio streams, then the computing inside the loop (asyncio);
- ``fetch_async(index)`` and ``compute(size, answer)``: the I/O awaited on the loop, the computing
  handed to a process pool (hybrid).

Standard library only: the run host may be another Python.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket

#: Where the server listens ("127.0.0.1:PORT"), and how long it waits before answering (ms).
ADDRESS_ENV = "PARAVIZ_PIPELINE_ADDRESS"
IO_MS_ENV = "PARAVIZ_IO_MS"
DEFAULT_IO_MS = 200
#: Connections the server accepts before they are answered: the hybrid lane sends every task's
#: request at once (up to its window of 256).
BACKLOG = 1024
#: A request that has had no answer after this long is an error naming its task, not a hang.
REQUEST_TIMEOUT_S = 60.0


def prepare(size: int) -> None:
    """Start the loopback server (once per host), before the lane's clock starts."""
    if os.environ.get(ADDRESS_ENV):
        return
    io_ms = float(os.environ.get(IO_MS_ENV) or DEFAULT_IO_MS)
    listener = socket.create_server(("127.0.0.1", 0), backlog=BACKLOG)
    port = listener.getsockname()[1]
    if os.fork() == 0:  # the server: never returns
        try:
            serve(listener, io_ms)
        finally:
            os._exit(0)
    listener.close()
    os.environ[ADDRESS_ENV] = f"127.0.0.1:{port}"


def serve(listener: socket.socket, io_ms: float) -> None:
    """Answer every request after ``io_ms`` milliseconds, many at once, until the host ends."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in the terminal is the app's, not the server's

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readline()
        await asyncio.sleep(io_ms / 1000)
        writer.write(b"%d\n" % len(request))
        try:
            await writer.drain()
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(answer, sock=listener, backlog=BACKLOG)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def _die_with_parent() -> None:
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def address() -> tuple[str, int]:
    text = os.environ.get(ADDRESS_ENV)
    if not text:
        raise ConnectionError("no loopback server: the pipeline workload's prepare did not run")
    host, _colon, port = text.rpartition(":")
    return host, int(port)


def compute(size: int, answer: int) -> int:
    """The CPU part: pure Python on the answer, holding the GIL (as cumsum)."""
    return sum(range(1, size + 1)) + answer


def fetch(index: int) -> int:
    """The I/O part, blocking: send a request and wait for the answer."""
    with socket.create_connection(address(), timeout=REQUEST_TIMEOUT_S) as connection:
        connection.sendall(b"%d\n" % index)
        answer = connection.makefile("rb").readline()
    if not answer:
        raise ConnectionError("the loopback server closed the connection without an answer")
    return int(answer)


def pipeline(index: int, size: int) -> int:
    """One request to the loopback server, then computing on its answer (threads, processes)."""
    return compute(size, fetch(index))


async def fetch_async(index: int) -> int:
    """The I/O part on an event loop: the loop runs other tasks while this one waits."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(*address()), REQUEST_TIMEOUT_S)
    try:
        writer.write(b"%d\n" % index)
        await writer.drain()
        answer = await asyncio.wait_for(reader.readline(), REQUEST_TIMEOUT_S)
    finally:
        writer.close()
    if not answer:
        raise ConnectionError("the loopback server closed the connection without an answer")
    return int(answer)


async def pipeline_async(index: int, size: int) -> int:
    """The asyncio lane's form: the waits overlap; the computing blocks the loop, one task at a time."""
    return compute(size, await fetch_async(index))


async def sleep_async(index: int, size: int) -> int:
    """The sleep workload on an event loop: ``asyncio.sleep`` instead of ``time.sleep``."""
    await asyncio.sleep(size / 1000)
    return size
