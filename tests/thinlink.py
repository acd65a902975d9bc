"""A township's thin, unreliable link, for tests and benchmarks: an asyncio HTTP proxy.

Debian has no toxiproxy and this kernel has no netem, so the link is ours: every byte each
way waits `delay` seconds, the answers share `bits_per_second`, and the link goes down (every
connection closed, new ones refused) when a chosen file has sent chosen byte counts, or at
random. It speaks just enough HTTP/1.1 to count what each media request delivered: one
request per connection (`Connection: close` both ways), bodies by Content-Length.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

CHUNK = 16 * 1024
HEAD_LIMIT = 64 * 1024


@dataclass
class Delivery:
    """One answer under /media/files/: what was asked and what crossed the link."""

    name: str
    status: int
    asked_range: str | None
    if_range: str | None
    sent: int = 0  # body bytes that crossed the link
    cut: bool = False


@dataclass
class Cut:
    """Take the link down for `seconds` once `name` has sent `after` body bytes in all."""

    name: str
    after: int
    seconds: float
    done: bool = False


@dataclass
class ThinLink:
    """The proxy; `start()` runs it on its own thread and loop."""

    upstream: str
    bits_per_second: float = 2_000_000
    delay: float = 0.150
    random_cuts: tuple[float, float] | None = None  # (mean seconds between, seconds down)
    seed: int = 24
    deliveries: list[Delivery] = field(default_factory=list)
    cuts: list[Cut] = field(default_factory=list)
    down_times: list[tuple[float, float]] = field(default_factory=list)  # monotonic spans

    def start(self) -> ThinLink:
        """Listen on a loopback port (self.url) in a thread of its own."""
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the thin link did not start")
        return self

    def stop(self) -> None:
        """Close the port and every connection; the thread ends."""
        self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(10)

    def cut_when(self, name: str, after: int, seconds: float) -> None:
        """Take the link down once the file `name` has sent `after` body bytes in all."""
        self.cuts.append(Cut(name, after, seconds))

    def sent(self, name: str) -> int:
        """Body bytes of the file `name` that crossed the link, over every request."""
        return sum(d.sent for d in self.deliveries if d.name == name)

    def is_down(self) -> bool:
        """Whether the link is down now."""
        return time.monotonic() < self._up_at

    # The loop's side.

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        finally:
            self._loop.close()

    async def _serve(self) -> None:
        self._stopping = asyncio.Event()
        self._up_at = 0.0
        self._open: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._bucket_free_at = 0.0  # when the shared downlink can take the next chunk
        self._random = random.Random(self.seed)
        server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        self._ready.set()
        chaos = asyncio.ensure_future(self._random_cuts()) if self.random_cuts else None
        async with server:
            await self._stopping.wait()
        if chaos:
            chaos.cancel()
        for writer in list(self._open):
            writer.close()
        # Every connection's task ends (closing its upstream socket) before the loop does.
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.sleep(0)  # let the closed connections' callbacks run

    async def _random_cuts(self) -> None:
        assert self.random_cuts
        between, down = self.random_cuts
        while True:
            await asyncio.sleep(self._random.expovariate(1 / between))
            self._go_down(down)
            await asyncio.sleep(down)

    def _go_down(self, seconds: float) -> None:
        start = time.monotonic()
        self._up_at = max(self._up_at, start + seconds)
        self.down_times.append((start, self._up_at))
        for writer in list(self._open):
            writer.close()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.is_down():
            writer.close()
            return
        self._open.add(writer)
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._forward(reader, writer)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass  # the link went down, or either end hung up: as a real one would
        finally:
            self._tasks.discard(task)
            self._open.discard(writer)
            writer.close()

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        if len(head) > HEAD_LIMIT:
            return
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        headers = [line.split(":", 1) for line in lines[1:] if ":" in line]
        asked = {k.strip().lower(): v.strip() for k, v in headers}
        body = await reader.readexactly(int(asked.get("content-length") or 0))
        await asyncio.sleep(self.delay)  # the request's way up
        if self.is_down() or writer.is_closing():
            return
        skip = {"connection", "keep-alive", "proxy-connection"}
        kept = "".join(f"{k}:{v}\r\n" for k, v in headers if k.strip().lower() not in skip)
        host = urlsplit(self.upstream)
        up_reader, up_writer = await asyncio.open_connection(host.hostname, host.port)
        try:
            up_writer.write(f"{method} {path} HTTP/1.1\r\n{kept}Connection: close\r\n\r\n".encode())
            up_writer.write(body)
            await up_writer.drain()
            await self._answer(up_reader, writer, path, asked)
        finally:
            up_writer.close()

    async def _answer(
        self,
        up_reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        path: str,
        asked: dict[str, str],
    ) -> None:
        head = await up_reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        answer = {
            k.strip().lower(): v.strip()
            for k, v in (x.split(":", 1) for x in lines[1:] if ":" in x)
        }
        skip = ("connection:", "keep-alive:")
        kept = [line for line in lines[1:] if line and not line.lower().startswith(skip)]
        out_head = "\r\n".join([lines[0], *kept, "Connection: close", "", ""]).encode("latin-1")
        delivery = None
        if path.startswith("/media/files/"):
            name = path.split("?")[0].rsplit("/", 1)[-1]
            delivery = Delivery(name, status, asked.get("range"), asked.get("if-range"))
            self.deliveries.append(delivery)
        await self._down(writer, out_head)
        length = answer.get("content-length")
        left = int(length) if length is not None else None
        while left is None or left > 0:
            chunk = await up_reader.read(CHUNK if left is None else min(CHUNK, left))
            if not chunk:
                break
            if left is not None:
                left -= len(chunk)
            if delivery:
                chunk = self._until_cut(delivery, chunk)
            if not await self._down(writer, chunk):
                return
            if delivery:
                delivery.sent += len(chunk)
                self._maybe_cut(delivery)
                if delivery.cut:
                    return

    def _until_cut(self, delivery: Delivery, chunk: bytes) -> bytes:
        """The part of chunk before the next cut of its file (the cut lands on its byte)."""
        sent = self.sent(delivery.name)
        for cut in self.cuts:
            if cut.name == delivery.name and not cut.done and sent < cut.after:
                return chunk[: cut.after - sent]
        return chunk

    def _maybe_cut(self, delivery: Delivery) -> None:
        sent = self.sent(delivery.name)
        for cut in self.cuts:
            if cut.name == delivery.name and not cut.done and sent >= cut.after:
                cut.done = True
                delivery.cut = True
                self._go_down(cut.seconds)

    async def _down(self, writer: asyncio.StreamWriter, data: bytes) -> bool:
        """Send data down the link at its rate and delay; False if the link went down."""
        loop = asyncio.get_running_loop()
        arrived = loop.time()
        start = max(self._bucket_free_at, arrived)
        self._bucket_free_at = start + len(data) * 8 / self.bits_per_second
        await asyncio.sleep(max(0.0, self._bucket_free_at + self.delay - loop.time()))
        if writer.is_closing():
            return False
        writer.write(data)
        await writer.drain()
        return not writer.is_closing()
