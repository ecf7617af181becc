"""An open-loop HTTP/1.1 load generator: requests leave on schedule whatever the server does.

Latency is measured from each request's *scheduled* send time, so a server
that stalls is charged for every request that should have gone out meanwhile
(no coordinated omission). A closed-loop mode finds the most a server can
answer per second.

It speaks just enough HTTP/1.1 over keep-alive asyncio streams to POST a
prepared body and read a Content-Length response: a general client (httpx)
spends milliseconds per request, which on two cores would make the generator,
not the server, the bottleneck.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

Request = tuple[bytes, dict[str, str]]


@dataclass(frozen=True)
class LoadResult:
    latencies: list[float]
    statuses: Counter[int]
    elapsed: float

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    @property
    def errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if not 200 <= status < 300)


class _Pool:
    """Keep-alive connections, reused most-recent first, opened on demand so none is ever waited for."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self._host, self._port, self._path = (
            parts.hostname or "127.0.0.1",
            parts.port or 80,
            parts.path or "/",
        )
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._open: list[asyncio.StreamWriter] = []

    def wire(self, body: bytes, headers: dict[str, str]) -> bytes:
        lines = [
            f"POST {self._path} HTTP/1.1",
            f"Host: {self._host}:{self._port}",
            f"Content-Length: {len(body)}",
        ]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    async def post(self, wire: bytes) -> int:
        """Sends on an idle connection; one the server closed meanwhile (keep-alive timeout) is replaced
        once."""
        while self._idle:
            reader, writer = self._idle.pop()
            if not reader.at_eof():
                try:
                    return await self._exchange(reader, writer, wire)
                except (ConnectionError, asyncio.IncompleteReadError):
                    writer.close()
                    break
            writer.close()
        reader, writer = await asyncio.open_connection(self._host, self._port)
        self._open.append(writer)
        return await self._exchange(reader, writer, wire)

    async def _exchange(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, wire: bytes) -> int:
        writer.write(wire)
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        length = next(
            int(line.split(":", 1)[1]) for line in header_lines if line.lower().startswith("content-length:")
        )
        await reader.readexactly(length)
        self._idle.append((reader, writer))
        return int(status_line.split(" ", 2)[1])

    async def close(self) -> None:
        for writer in self._open:
            writer.close()
        await asyncio.gather(*(writer.wait_closed() for writer in self._open), return_exceptions=True)


async def _post(pool: _Pool, wire: bytes, statuses: Counter[int]) -> None:
    try:
        statuses[await pool.post(wire)] += 1
    except (OSError, asyncio.IncompleteReadError, ValueError, StopIteration):
        statuses[0] += 1


async def _open_loop(url: str, requests: Sequence[Request], rate: float) -> LoadResult:
    loop = asyncio.get_running_loop()
    pool = _Pool(url)
    wires = [pool.wire(body, headers) for body, headers in requests]
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    start = loop.time() + 0.05

    async def send(index: int, wire: bytes) -> float:
        scheduled = start + index / rate
        await asyncio.sleep(scheduled - loop.time())
        await _post(pool, wire, statuses)
        finished = loop.time()
        latencies.append(finished - scheduled)
        return finished

    try:
        finishes = await asyncio.gather(*(send(index, wire) for index, wire in enumerate(wires)))
    finally:
        await pool.close()
    return LoadResult(latencies, statuses, max(finishes) - start)


async def _closed_loop(url: str, requests: Sequence[Request], connections: int) -> LoadResult:
    pool = _Pool(url)
    wires = iter([pool.wire(body, headers) for body, headers in requests])
    latencies: list[float] = []
    statuses: Counter[int] = Counter()

    async def user() -> None:
        for wire in wires:
            sent = time.perf_counter()
            await _post(pool, wire, statuses)
            latencies.append(time.perf_counter() - sent)

    started = time.perf_counter()
    try:
        await asyncio.gather(*(user() for _ in range(connections)))
    finally:
        await pool.close()
    return LoadResult(latencies, statuses, time.perf_counter() - started)


def open_loop(url: str, requests: Sequence[Request], rate: float) -> LoadResult:
    return asyncio.run(_open_loop(url, requests, rate))


def closed_loop(url: str, requests: Sequence[Request], connections: int) -> LoadResult:
    return asyncio.run(_closed_loop(url, requests, connections))
