"""Local servers and observers for the safe fetcher's tests (loopback only, no internet)."""

from __future__ import annotations

import contextlib
import select
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[[BaseHTTPRequestHandler], None]


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes = b"", **headers: str) -> None:
    """Answer with ``body`` and headers (``Content_Type`` → ``Content-Type``); closes the connection."""
    handler.send_response(status)
    headers.setdefault("Content_Length", str(len(body)))
    headers.setdefault("Connection", "close")
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    with contextlib.suppress(OSError):  # a client that gave up early
        handler.wfile.write(body)


@dataclass
class WebServer:
    """An HTTP server on ``host``: ``routes`` maps paths to handlers; it records what it got."""

    host: str = "127.0.0.1"
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    connections: int = 0
    ssl_context: ssl.SSLContext | None = None

    def start(self) -> WebServer:
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                web.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                web.routes.get(self.path, lambda h: send(h, 404, b"not found"))(self)

        class Server(ThreadingHTTPServer):
            address_family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
            daemon_threads = True

            def get_request(self) -> tuple[socket.socket, object]:
                web.connections += 1
                return super().get_request()

        self.server = Server((self.host, 0), Handler)
        if self.ssl_context is not None:
            self.server.socket = self.ssl_context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


@contextlib.contextmanager
def web_server(host: str = "127.0.0.1", ssl_context: ssl.SSLContext | None = None) -> Iterator[WebServer]:
    server = WebServer(host, ssl_context=ssl_context).start()
    try:
        yield server
    finally:
        server.stop()


class Listener:
    """A listening socket nobody accepts on: a finished TCP handshake makes it readable at once,
    so ``touched()`` tells deterministically whether any client connected."""

    def __init__(self, host: str, port: int = 0):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.sock.bind((host, port))
        except OSError:  # port 80 taken by something else on this machine
            self.sock.close()
            raise
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]

    def touched(self) -> bool:
        return bool(select.select([self.sock], [], [], 0.05)[0])

    def close(self) -> None:
        self.sock.close()


def fixed_resolver(names: dict[str, list[str]]) -> Callable[[str, int], list[str]]:
    """A resolver answering from ``names`` (a test's own DNS); unknown names fail like NXDOMAIN."""

    def resolve(host: str, port: int) -> list[str]:
        if host not in names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(names[host])

    return resolve
