"""The one way to fetch a URL that a user (or a web page, or a search result) chose: SSRF-safe.

Every connection goes through ``_GuardedBackend``: the host is resolved exactly once, ALL its
addresses are checked against the blocked networks, and the socket is opened to one of those
checked addresses (no second resolution, so DNS rebinding cannot swap the address between check
and connect). The URL is unchanged, so the Host header, TLS SNI and certificate verification
stay those of the host name. Redirects are followed by hand, each hop checked the same way.
Size and time are bounded (one deadline covers resolution, connects, TLS and every read).
Which addresses are refused: ``apps.core.addresses``. Policy and settings: docs/security.md,
"Outbound fetches".
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpcore
import httpx
from django.conf import settings

from apps.core.addresses import IPAddress, IPNetwork, is_blocked_address, literal_address

Resolver = Callable[[str, int], Iterable[str]]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_PORTS = frozenset({80, 443})


class FetchError(Exception):
    """The URL could not be fetched (network error, bad status, refused content)."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status


class UnsafeURL(FetchError):
    """The URL or an address it resolves to is refused by the policy; nothing was sent.

    ``reason``: invalid_url, scheme, userinfo, port, blocked_name or blocked_address.
    """

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.reason = reason


class ResponseTooLarge(FetchError):
    """The body passed ``max_bytes``; the download was aborted."""


class FetchTimeout(FetchError):
    """A time limit (connect, read, or the total deadline) passed."""


def system_resolver(host: str, port: int) -> list[str]:
    """Every address (A and AAAA) of ``host``, through the system resolver."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return [str(info[4][0]) for info in infos]


@dataclass(frozen=True)
class FetchPolicy:
    """Limits of one fetch. The defaults are the production policy: public addresses, ports 80/443.

    ``allowed_networks`` exempts networks from the address check (tests, or a deliberate internal
    deployment); ``allowed_ports=None`` allows any port; ``content_types`` are media-type prefixes
    (``"text/"``); ``allow_truncated`` keeps the first ``max_bytes`` instead of failing.
    """

    max_bytes: int = 2_000_000
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 30.0
    max_redirects: int = 5
    allowed_ports: frozenset[int] | None = DEFAULT_PORTS
    allowed_networks: tuple[IPNetwork, ...] = ()
    content_types: tuple[str, ...] | None = None
    allow_truncated: bool = False
    user_agent: str = "Mojodex/1.0"
    resolver: Resolver = system_resolver
    ssl_context: ssl.SSLContext | None = field(default=None, compare=False)


@dataclass(frozen=True)
class FetchResult:
    url: str  # after redirects
    status: int
    content_type: str  # media type, lower case, without parameters
    charset: str | None
    content: bytes
    truncated: bool = False

    def text(self) -> str:
        try:
            return self.content.decode(self.charset or "utf-8", errors="replace")
        except LookupError:  # unknown charset name
            return self.content.decode("utf-8", errors="replace")


def policy_from_settings(**overrides: Any) -> FetchPolicy:
    """The production policy with the operator's ``MOJODEX_FETCH_*`` settings applied."""
    values: dict[str, Any] = {
        "allowed_ports": frozenset(settings.FETCH_ALLOWED_PORTS),
        "allowed_networks": tuple(ipaddress.ip_network(n) for n in settings.FETCH_ALLOWED_NETWORKS),
        "max_redirects": settings.FETCH_MAX_REDIRECTS,
    }
    return FetchPolicy(**(values | overrides))


def _is_blocked_name(host: str) -> bool:
    name = host.lower().rstrip(".")
    return name == "localhost" or name.endswith(".localhost")


def check_url(url: str | httpx.URL, policy: FetchPolicy, *, base: httpx.URL | None = None) -> httpx.URL:
    """The parsed URL (relative to ``base``, a redirect's) when it may be requested; ``UnsafeURL``
    otherwise. Nothing is resolved here; the same parser (httpx's) reads the URL here and when
    connecting, so there is no parser differential.
    """
    try:
        parsed = base.join(url) if base is not None else httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise UnsafeURL(f"invalid URL {str(url)[:200]!r}: {exc}", reason="invalid_url") from None
    if parsed.scheme not in ("http", "https"):
        raise UnsafeURL(f"only http and https URLs are fetched, not {parsed.scheme!r}", reason="scheme")
    if parsed.userinfo:
        raise UnsafeURL("URLs with a user name or password are not fetched", reason="userinfo")
    if not parsed.host:
        raise UnsafeURL(f"URL without a host: {str(url)[:200]!r}", reason="invalid_url")
    _check_target(parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80), policy)
    return parsed


def _check_target(host: str, port: int, policy: FetchPolicy) -> IPAddress | None:
    """Port, name and literal-address checks; the literal address when ``host`` is one."""
    if policy.allowed_ports is not None and port not in policy.allowed_ports:
        raise UnsafeURL(f"port {port} is not allowed", reason="port")
    if _is_blocked_name(host):
        raise UnsafeURL(f"{host!r} is a local name", reason="blocked_name")
    address = literal_address(host)
    if address is not None and is_blocked_address(address, policy.allowed_networks):
        raise UnsafeURL(f"{host!r} is a non-public address ({address})", reason="blocked_address")
    return address


# --- Connections: resolve once, check, connect to the checked address ------------------------------


def _remaining(deadline: float) -> float:
    return deadline - time.monotonic()


def _clamp(timeout: float | None, deadline: float, error: type[Exception]) -> float:
    remaining = _remaining(deadline)
    if remaining <= 0:
        raise error("the fetch deadline passed")
    return remaining if timeout is None else min(timeout, remaining)


def _resolve(policy: FetchPolicy, host: str, port: int, deadline: float) -> list[IPAddress]:
    """Resolve within the deadline (a resolver that hangs is left behind in a daemon thread)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["addresses"] = list(policy.resolver(host, port))
        except Exception as exc:  # reported to the caller below
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="safe-fetch-resolve", daemon=True)
    worker.start()
    worker.join(max(_remaining(deadline), 0))
    if worker.is_alive():
        raise FetchTimeout(f"resolving {host!r} took too long")
    if "error" in outcome:
        raise FetchError(f"{host!r} could not be resolved: {outcome['error']}")
    addresses = []
    for text in outcome["addresses"]:
        address = literal_address(text)
        if address is None or is_blocked_address(address, policy.allowed_networks):
            raise UnsafeURL(f"{host!r} resolves to a non-public address ({text})", reason="blocked_address")
        addresses.append(address)
    if not addresses:
        raise FetchError(f"{host!r} has no address")
    return addresses


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every operation also ends at the fetch's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: float):
        self._inner, self._deadline = inner, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout, self._deadline, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout, self._deadline, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        # server_hostname is the URL's host: SNI and certificate checks are for the name, not the IP.
        clamped = _clamp(timeout, self._deadline, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, clamped), self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    def __init__(self, policy: FetchPolicy, deadline: float):
        self._policy, self._deadline, self._sockets = policy, deadline, httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        literal = _check_target(host, port, self._policy)
        addresses = [literal] if literal is not None else _resolve(self._policy, host, port, self._deadline)
        error: Exception = FetchError(f"{host!r} has no address")
        for address in addresses:  # every one was checked; connect to the checked IP itself
            clamped = _clamp(timeout, self._deadline, httpcore.ConnectTimeout)
            try:
                stream = self._sockets.connect_tcp(str(address), port, clamped, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return _DeadlineStream(stream, self._deadline)
        raise error

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise UnsafeURL("unix sockets are not fetched", reason="scheme")


class _BodyStream(httpx.SyncByteStream):
    def __init__(self, inner: Any):
        self._inner = inner

    def __iter__(self) -> Iterator[bytes]:
        yield from self._inner

    def close(self) -> None:
        self._inner.close()


class _GuardedTransport(httpx.BaseTransport):
    """httpx on an httpcore pool whose every connection is made by ``_GuardedBackend``; no proxy."""

    def __init__(self, policy: FetchPolicy, deadline: float):
        self._pool = httpcore.ConnectionPool(
            ssl_context=policy.ssl_context or httpx.create_ssl_context(),
            network_backend=_GuardedBackend(policy, deadline),
            max_connections=2,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        response = self._pool.handle_request(
            httpcore.Request(
                method=request.method,
                url=httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path),
                headers=request.headers.raw,
                content=request.stream,  # type: ignore[arg-type]  # a sync stream: iterable bytes
                extensions=request.extensions,
            )
        )
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_BodyStream(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


# --- The fetch ------------------------------------------------------------------------------------


def fetch(url: str, policy: FetchPolicy | None = None) -> FetchResult:
    """GET ``url`` under ``policy`` (default: the production policy), following redirects.

    Raises ``UnsafeURL`` (refused before anything is sent to that address), ``FetchTimeout``,
    ``ResponseTooLarge`` or ``FetchError`` (status >= 400, refused content type, network error).
    """
    policy = policy or FetchPolicy()
    deadline = time.monotonic() + policy.total_timeout
    timeout = httpx.Timeout(
        connect=policy.connect_timeout, read=policy.read_timeout, write=policy.read_timeout, pool=policy.connect_timeout
    )
    headers = {"User-Agent": policy.user_agent, "Accept-Encoding": "gzip"}
    current = check_url(url, policy)
    try:
        with httpx.Client(
            transport=_GuardedTransport(policy, deadline), timeout=timeout, headers=headers, trust_env=False
        ) as client:
            for _hop in range(policy.max_redirects + 1):
                with client.stream("GET", current) as response:
                    location = response.headers.get("location")
                    if response.status_code in REDIRECT_STATUSES and location:
                        current = check_url(location, policy, base=response.url)
                        continue
                    return _result(response, policy, deadline)
    except FetchError:
        raise
    except (httpcore.TimeoutException, httpx.TimeoutException) as exc:
        raise FetchTimeout(f"{str(current)[:200]} timed out: {exc or type(exc).__name__}") from exc
    except (httpcore.NetworkError, httpcore.ProtocolError, httpx.HTTPError, OSError, zlib.error) as exc:
        raise FetchError(f"{str(current)[:200]} could not be fetched: {exc or type(exc).__name__}") from exc
    raise FetchError(f"more than {policy.max_redirects} redirects from {str(url)[:200]}")


def _result(response: httpx.Response, policy: FetchPolicy, deadline: float) -> FetchResult:
    where = str(response.url)[:200]
    if response.status_code >= 400:
        raise FetchError(f"{where} answered {response.status_code}", status=response.status_code)
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if policy.content_types is not None and not content_type.startswith(policy.content_types):
        raise FetchError(f"{where} is {content_type or 'of no declared type'}", status=response.status_code)
    content, truncated = _read_body(response, policy, deadline)
    return FetchResult(
        url=str(response.url),
        status=response.status_code,
        content_type=content_type,
        charset=response.charset_encoding,
        content=content,
        truncated=truncated,
    )


def _read_body(response: httpx.Response, policy: FetchPolicy, deadline: float) -> tuple[bytes, bool]:
    """At most ``max_bytes`` of the decoded body; gzip is inflated in bounded steps (no bomb)."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip"):
        raise FetchError(f"{str(response.url)[:200]} has an unsupported content encoding {encoding!r}")
    declared = response.headers.get("content-length", "")
    too_large = encoding == "identity" and declared.isdigit() and int(declared) > policy.max_bytes
    if too_large and not policy.allow_truncated:
        raise ResponseTooLarge(f"{str(response.url)[:200]} declares {declared} bytes (limit {policy.max_bytes})")
    inflater = zlib.decompressobj(wbits=47) if encoding == "gzip" else None
    body = bytearray()
    for chunk in response.iter_raw(65536):
        _clamp(None, deadline, FetchTimeout)
        data = chunk
        while data:
            room = policy.max_bytes - len(body) + 1  # one byte past the limit tells "too large"
            if inflater is None:
                body += data[:room]
                data = b""
            else:
                body += inflater.decompress(data, room)
                data = inflater.unconsumed_tail
            if len(body) > policy.max_bytes:
                if policy.allow_truncated:
                    return bytes(body[: policy.max_bytes]), True
                raise ResponseTooLarge(f"{str(response.url)[:200]} is larger than {policy.max_bytes} bytes")
    return bytes(body), False
