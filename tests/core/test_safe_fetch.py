"""The safe fetcher refuses every internal target, on the first request and on every redirect,
without a single connection to it; allowed hosts are fetched (through a test's own DNS)."""

from __future__ import annotations

import contextlib
import dataclasses
import ipaddress
import select
import socket
from collections.abc import Iterator

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.core import addresses, safe_fetch
from apps.core.safe_fetch import FetchError, FetchPolicy, UnsafeURL, fetch
from mojodex import env
from tests.core.fetch_support import Listener, fixed_resolver, send, web_server

NAMES = {
    "public.test": ["127.0.0.1"],  # reachable only where a test allows 127.0.0.1/32
    "rebind.test": ["127.0.0.1"],
    "loop2.test": ["127.0.0.2"],
    "mixed.test": ["8.8.8.8", "127.0.0.1"],  # one bad record among good ones
    "v6.test": ["2606:4700::1111", "::1"],
    "meta.test": ["169.254.169.254"],
    "mapped.test": ["::ffff:127.0.0.1"],
}
# Production address rules with any port, so each refusal below is the address check's own.
ANY_PORT = FetchPolicy(allowed_ports=None, resolver=fixed_resolver(NAMES))
# "public.test" (127.0.0.1) is allowed: a legitimate host to redirect from.
LOCAL_OK = FetchPolicy(
    allowed_ports=None, allowed_networks=(ipaddress.ip_network("127.0.0.1/32"),), resolver=fixed_resolver(NAMES)
)

REFUSED = [
    ("http://127.0.0.1:{p1}/", "blocked_address"),
    ("http://127.0.0.2:{p2}/", "blocked_address"),
    ("http://127.0.0.2:80/", "blocked_address"),
    ("http://[::1]:{p6}/", "blocked_address"),
    ("http://2130706433:{p1}/", "blocked_address"),
    ("http://0x7f000001:{p1}/", "blocked_address"),
    ("http://127.1:{p1}/", "blocked_address"),
    ("http://017700000001:{p1}/", "blocked_address"),
    ("http://0177.0.0.1:{p1}/", "invalid_url"),  # httpx itself refuses the octal dotted form
    ("http://0.0.0.0:{p1}/", "blocked_address"),
    ("http://0:{p1}/", "blocked_address"),
    ("http://[::]:{p6}/", "blocked_address"),
    ("http://localhost:{p1}/", "blocked_name"),
    ("http://LocalHost.:{p1}/", "blocked_name"),
    ("http://api.localhost:{p1}/", "blocked_name"),
    ("http://example.com@127.0.0.1:{p1}/", "userinfo"),
    ("http://user:secret@public.test:{p1}/", "userinfo"),
    ("http://127.0.0.1:{p1}\\@public.test/", "userinfo"),  # httpx: host public.test, userinfo "127.0.0.1:…\\"
    ("http://[::ffff:127.0.0.1]:{p1}/", "blocked_address"),
    ("http://[::ffff:7f00:2]:{p2}/", "blocked_address"),
    ("http://[::127.0.0.1]:{p1}/", "blocked_address"),
    ("http://[2002:7f00:1::1]:{p1}/", "blocked_address"),  # 6to4 of 127.0.0.1
    ("http://[2002:a00:1::1]/", "blocked_address"),  # 6to4 of 10.0.0.1
    ("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "blocked_address"),  # Teredo, client 127.0.0.1
    ("http://[64:ff9b::7f00:1]:{p1}/", "blocked_address"),  # NAT64 of 127.0.0.1
    ("http://10.0.0.1/", "blocked_address"),
    ("http://172.16.0.1/", "blocked_address"),
    ("http://192.168.1.1/", "blocked_address"),
    ("http://100.64.0.1/", "blocked_address"),
    ("http://198.18.0.1/", "blocked_address"),
    ("http://169.254.169.254/latest/meta-data/", "blocked_address"),
    ("http://[fd00::1]/", "blocked_address"),
    ("http://[fe80::1%25lo]:{p6}/", "blocked_address"),
    ("http://224.0.0.1/", "blocked_address"),
    ("http://[ff02::1]/", "blocked_address"),
    ("http://240.0.0.1/", "blocked_address"),
    ("http://255.255.255.255/", "blocked_address"),
    ("http://rebind.test:{p1}/", "blocked_address"),
    ("http://mixed.test:{p1}/", "blocked_address"),
    ("http://v6.test:{p6}/", "blocked_address"),
    ("http://meta.test/", "blocked_address"),
    ("http://mapped.test:{p1}/", "blocked_address"),
    ("ftp://public.test/", "scheme"),
    ("file:///etc/passwd", "scheme"),
    ("gopher://127.0.0.1:{p1}/_", "scheme"),
    ("javascript:alert(1)", "scheme"),
    ("http:///no-host", "invalid_url"),
    ("http://[::1/", "invalid_url"),
]


class Listeners:
    """Idle listeners on the loopback targets above; ``touched()`` names any that got a connection."""

    def __init__(self) -> None:
        self.all = {name: Listener(host) for name, host in (("p1", "127.0.0.1"), ("p2", "127.0.0.2"), ("p6", "::1"))}
        for host in ("127.0.0.1", "127.0.0.2"):
            with contextlib.suppress(OSError):  # taken: the connection spy still proves no attempt
                self.all[f"{host}:80"] = Listener(host, 80)

    def url(self, template: str) -> str:
        return template.format(**{name: listener.port for name, listener in self.all.items() if name[0] == "p"})

    def touched(self) -> list[str]:
        readable = select.select([listener.sock for listener in self.all.values()], [], [], 0.05)[0]
        return [name for name, listener in self.all.items() if listener.sock in readable]


@pytest.fixture
def listeners() -> Iterator[Listeners]:
    targets = Listeners()
    yield targets
    for listener in targets.all.values():
        listener.close()


@pytest.mark.parametrize(("template", "reason"), REFUSED)
def test_it_refuses_internal_targets_without_connecting(template, reason, listeners, connects):
    with pytest.raises(UnsafeURL) as refused:
        fetch(listeners.url(template), ANY_PORT)
    assert refused.value.reason == reason
    assert (connects, listeners.touched()) == ([], [])


@pytest.mark.parametrize(("template", "reason"), REFUSED)
def test_it_refuses_them_under_the_production_default_too(template, reason, listeners, connects):
    policy = FetchPolicy(resolver=fixed_resolver(NAMES))  # defaults, only the test's DNS added
    with pytest.raises(UnsafeURL) as refused:
        fetch(listeners.url(template), policy)
    assert refused.value.reason in {reason, "port"}
    assert (connects, listeners.touched()) == ([], [])


def test_it_has_a_production_default_of_public_addresses_on_ports_80_and_443():
    policy = safe_fetch.policy_from_settings()
    assert (policy.allowed_ports, policy.allowed_networks, policy.max_redirects) == (frozenset({80, 443}), (), 5)
    assert policy.resolver is safe_fetch.system_resolver
    assert policy == FetchPolicy()


def test_it_refuses_localhost_through_the_real_resolver_without_connecting(listeners, connects):
    for url in ("http://localhost/", "http://127.0.0.1/", "http://2130706433/", "http://[::1]/"):
        with pytest.raises(UnsafeURL) as refused:
            fetch(url)
        assert refused.value.reason in {"blocked_name", "blocked_address"}
    assert (connects, listeners.touched()) == ([], [])


def test_it_reads_numeric_hosts_as_the_system_resolver_does():
    for host in ("2130706433", "0x7f000001", "127.1", "0177.0.0.1", "0x7f.1", "127.0.0.1"):
        assert addresses.parse_numeric_ipv4(host) == ipaddress.IPv4Address(
            socket.getaddrinfo(host, 80, type=socket.SOCK_STREAM)[0][4][0]
        )
    assert addresses.parse_numeric_ipv4("134744072") == ipaddress.IPv4Address("8.8.8.8")
    for name in ("example.com", "1.2.3.4.5", "256.1.1.1", "08.1.1.1", "0x", "1e3", "", "0x7f_1", "+1", "١٢٧.0.0.1"):
        assert addresses.parse_numeric_ipv4(name) is None


def test_it_allows_global_addresses_only():
    allowed = ["8.8.8.8", "1.1.1.1", "2606:4700::1111", "2a00:1450:4007::200e"]
    assert [addresses.is_blocked_address(ipaddress.ip_address(a)) for a in allowed] == [False] * 4
    exempt = (ipaddress.ip_network("127.0.0.0/8"),)
    assert not addresses.is_blocked_address(ipaddress.ip_address("127.0.0.5"), exempt)
    assert addresses.is_blocked_address(ipaddress.ip_address("::ffff:127.0.0.5"), exempt)
    assert addresses.is_blocked_address(ipaddress.ip_address("10.0.0.1"), exempt)


def test_it_fetches_an_allowed_host_by_name_with_its_own_host_header():
    with web_server() as server:
        server.routes["/page"] = lambda h: send(h, 200, "<p>café</p>".encode(), Content_Type="text/html; charset=utf-8")
        page = fetch(f"http://public.test:{server.port}/page", LOCAL_OK)
    assert (page.url, page.status, page.content_type, page.charset) == (
        f"http://public.test:{server.port}/page",
        200,
        "text/html",
        "utf-8",
    )
    assert (page.content, page.text(), page.truncated) == ("<p>café</p>".encode(), "<p>café</p>", False)
    [(path, headers)] = server.requests
    assert (path, headers["host"], headers["user-agent"]) == ("/page", f"public.test:{server.port}", "Mojodex/1.0")


def test_it_follows_a_redirect_chain_checking_each_hop():
    with web_server() as server:
        base = f"http://public.test:{server.port}"
        server.routes["/a"] = lambda h: send(h, 302, Location="/b")
        server.routes["/b"] = lambda h: send(h, 301, Location=f"{base}/c")
        server.routes["/c"] = lambda h: send(h, 200, b"end", Content_Type="text/plain")
        page = fetch(f"{base}/a", LOCAL_OK)
    assert (page.url, page.content) == (f"{base}/c", b"end")
    assert server.paths == ["/a", "/b", "/c"]
    assert server.connections == 3  # each answer closed its connection: every hop connected anew


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://127.0.0.2:{p2}/", "blocked_address"),
        ("http://[::1]:{p6}/", "blocked_address"),
        ("http://0x7f000002:{p2}/", "blocked_address"),
        ("http://localhost:{p1}/", "blocked_name"),
        ("http://loop2.test:{p2}/", "blocked_address"),
        ("http://169.254.169.254/latest/meta-data/", "blocked_address"),
        ("http://admin@127.0.0.2:{p2}/", "userinfo"),
        ("file:///etc/passwd", "scheme"),
    ],
)
def test_it_refuses_a_redirect_to_an_internal_target_without_connecting(target, reason, listeners, connects):
    with web_server() as server:
        location = listeners.url(target)
        server.routes["/a"] = lambda h: send(h, 302, Location="/b")
        server.routes["/b"] = lambda h: send(h, 307, Location=location)
        with pytest.raises(UnsafeURL) as refused:
            fetch(f"http://public.test:{server.port}/a", LOCAL_OK)
    assert refused.value.reason == reason
    assert server.paths == ["/a", "/b"]
    assert connects == [("127.0.0.1", server.port), ("127.0.0.1", server.port)]
    assert listeners.touched() == []


def test_it_stops_after_max_redirects():
    with web_server() as server:
        server.routes["/loop"] = lambda h: send(h, 302, Location="/loop")
        with pytest.raises(FetchError, match="more than 3 redirects"):
            fetch(f"http://public.test:{server.port}/loop", dataclasses.replace(LOCAL_OK, max_redirects=3))
    assert server.paths == ["/loop"] * 4


def test_it_reports_an_error_status():
    with web_server() as server, pytest.raises(FetchError) as failed:
        fetch(f"http://public.test:{server.port}/missing", LOCAL_OK)
    assert (failed.value.status, failed.value.message) == (
        404,
        f"http://public.test:{server.port}/missing answered 404",
    )


def test_it_connects_to_the_address_it_checked_when_dns_rebinds(monkeypatch, listeners):
    """The name answers a public address, then loopback: the loopback answer is refused on the
    next connection and never used; the checked answer is the one connected to."""
    answers = [["8.8.8.8"], ["127.0.0.2"]]
    asked: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        asked.append(host)
        return answers[min(len(asked), 2) - 1]

    with web_server() as server:
        server.routes["/"] = lambda h: send(h, 302, Location="/next")  # and close: a new connection
        attempts: list[tuple[str, int]] = []
        real = socket.create_connection

        def routed(address, *args, **kwargs):  # the "internet": 8.8.8.8:80 is this test's server
            attempts.append((address[0], address[1]))
            return real(("127.0.0.1", server.port) if address[0] == "8.8.8.8" else address, *args, **kwargs)

        monkeypatch.setattr(socket, "create_connection", routed)
        with pytest.raises(UnsafeURL) as refused:
            fetch("http://rebind.test/", FetchPolicy(resolver=rebinding))
    assert (refused.value.reason, refused.value.message) == (
        "blocked_address",
        "'rebind.test' resolves to a non-public address (127.0.0.2)",
    )
    assert (asked, attempts, server.paths) == (["rebind.test", "rebind.test"], [("8.8.8.8", 80)], ["/"])
    assert listeners.touched() == []


def test_it_reads_the_fetch_settings_and_rejects_malformed_ones(monkeypatch, settings):
    monkeypatch.setenv("X_PORTS", "80, 8080")
    monkeypatch.setenv("X_NETS", "10.1.2.3/8, fd00::/8")
    assert (env.env_ports("X_PORTS", [443]), env.env_ports("X_UNSET", [443])) == ([80, 8080], [443])
    assert env.env_networks("X_NETS") == ["10.0.0.0/8", "fd00::/8"]
    for name, value, message in (
        ("X_PORTS", "80,http", "X_PORTS must list port numbers (1-65535), got 'http'"),
        ("X_PORTS", "70000", "X_PORTS must list port numbers (1-65535), got '70000'"),
        ("X_NETS", "10.0.0.0/33", "X_NETS must list IP networks such as 10.0.0.0/8, got '10.0.0.0/33'"),
    ):
        monkeypatch.setenv(name, value)
        with pytest.raises(ImproperlyConfigured) as bad:
            env.env_ports(name, []) if name == "X_PORTS" else env.env_networks(name)
        assert str(bad.value) == message
    settings.FETCH_ALLOWED_PORTS, settings.FETCH_ALLOWED_NETWORKS = [8443], ["10.0.0.0/8"]
    policy = safe_fetch.policy_from_settings(max_bytes=10)
    assert (policy.allowed_ports, policy.allowed_networks, policy.max_bytes) == (
        frozenset({8443}),
        (ipaddress.ip_network("10.0.0.0/8"),),
        10,
    )
