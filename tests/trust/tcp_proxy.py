"""A TCP proxy between the app and PostgreSQL that a test can break and mend, as an outage would. Upstream is the
server's TCP address, or its unix socket (the embedded server listens on nothing else).

- `cut()`: the database goes away, as when it restarts: every live connection is dropped and new ones are refused
  (nothing listens on the port any more).
- `freeze()`: the database stops answering but nothing is closed, as behind a dead network link: bytes are held,
  new connections are accepted and never answered.
- `restore()`: it is back: listening again on the same port, bytes flowing again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

CHUNK = 64 * 1024


class TcpProxy:
    def __init__(self, database_url: str) -> None:
        from sqlalchemy.engine import make_url

        url = make_url(database_url)
        socket_dir = str(url.query.get("host", ""))
        port = int(str(url.port or url.query.get("port", 5432)))
        # host=/dir in the query: PostgreSQL's unix socket in that directory, named after the port.
        self.upstream_socket = f"{socket_dir}/.s.PGSQL.{port}" if socket_dir.startswith("/") else None
        self.upstream = (url.host or "127.0.0.1", port)
        self.port = 0
        self.accepted = 0  # connections accepted since the start (how a test knows the app reconnected)
        self._server: asyncio.Server | None = None
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._links: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._link, "127.0.0.1", self.port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    def url_for(self, database_url: str, **query: str) -> str:
        """`database_url` with its host and port replaced by this proxy's (and `query` added)."""
        from sqlalchemy.engine import make_url

        url = make_url(database_url).difference_update_query(["host", "port"]).update_query_dict(query)
        return url.set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)

    async def cut(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        await self._drop_links()

    def freeze(self) -> None:
        self._flowing.clear()

    async def restore(self) -> None:
        self._flowing.set()
        if self._server is None:
            await self.start()

    async def close(self) -> None:
        await self.cut()
        self._flowing.set()

    async def _drop_links(self) -> None:
        for task in list(self._links):
            task.cancel()
        await asyncio.gather(*self._links, return_exceptions=True)

    async def _link(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._links.add(task)
        self.accepted += 1
        upstream_writer: asyncio.StreamWriter | None = None
        pumps: list[asyncio.Task[None]] = []
        try:
            await self._flowing.wait()  # frozen: the connection is accepted and then nothing happens
            if self.upstream_socket is not None:
                upstream_reader, upstream_writer = await asyncio.open_unix_connection(self.upstream_socket)
            else:
                upstream_reader, upstream_writer = await asyncio.open_connection(*self.upstream)
            pumps = [
                asyncio.create_task(self._pump(client_reader, upstream_writer)),
                asyncio.create_task(self._pump(upstream_reader, client_writer)),
            ]
            # One side hung up: PostgreSQL's protocol has no half-open use, so the whole link ends.
            await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        except (OSError, asyncio.CancelledError):
            pass  # upstream refused, or cut: asyncio's server callback must not see the cancellation
        finally:
            for pump in pumps:
                pump.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)
            # abort(), not close(): a cut drops the connection at once, without flushing what is buffered.
            client_writer.transport.abort()
            if upstream_writer is not None:
                upstream_writer.transport.abort()
            self._links.discard(task)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(CHUNK):
                await self._flowing.wait()
                writer.write(data)
                await writer.drain()


@contextlib.asynccontextmanager
async def tcp_proxy(database_url: str) -> AsyncIterator[TcpProxy]:
    proxy = TcpProxy(database_url)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.close()
