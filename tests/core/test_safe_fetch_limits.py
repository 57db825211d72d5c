"""The safe fetcher's size, time and content limits, and TLS checked for the host name."""

from __future__ import annotations

import dataclasses
import datetime
import gzip
import ipaddress
import ssl
import time
from collections.abc import Callable

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from apps.core.safe_fetch import FetchError, FetchPolicy, FetchTimeout, ResponseTooLarge, fetch
from tests.core.fetch_support import fixed_resolver, send, web_server

LOCAL_OK = FetchPolicy(
    allowed_ports=None,
    allowed_networks=(ipaddress.ip_network("127.0.0.1/32"),),
    resolver=fixed_resolver({"public.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]}),
)
BODY = bytes(range(256)) * 1200  # 307,200 bytes


def policy(**changes) -> FetchPolicy:
    return dataclasses.replace(LOCAL_OK, **changes)


def drip(h) -> None:
    """Headers at once, then one byte every 0.1 s (never finishing within a test's deadline)."""
    h.send_response(200)
    h.send_header("Content-Length", "1000")
    h.end_headers()
    for _ in range(1000):
        h.wfile.write(b"x")
        h.wfile.flush()
        time.sleep(0.1)


def unbounded(h) -> None:
    """No Content-Length: the body runs until the connection closes (after 1 MB)."""
    h.send_response(200)
    h.send_header("Connection", "close")
    h.end_headers()
    for _ in range(16):
        h.wfile.write(b"y" * 65536)


def fetch_from(route: Callable, fetch_policy: FetchPolicy, path: str = "/x"):
    with web_server() as server:
        server.routes[path] = route
        return fetch(f"http://public.test:{server.port}{path}", fetch_policy)


def test_it_aborts_a_body_past_max_bytes_whether_declared_or_not():
    big = lambda h: send(h, 200, BODY, Content_Type="text/plain")  # noqa: E731
    with pytest.raises(ResponseTooLarge, match="declares 307200 bytes"):
        fetch_from(big, policy(max_bytes=100_000))
    with pytest.raises(ResponseTooLarge, match="is larger than 100000 bytes"):
        fetch_from(unbounded, policy(max_bytes=100_000))
    assert fetch_from(big, policy(max_bytes=len(BODY))).content == BODY


def test_it_keeps_the_first_max_bytes_when_truncation_is_allowed():
    page = fetch_from(lambda h: send(h, 200, BODY), policy(max_bytes=100_000, allow_truncated=True))
    assert (page.content, page.truncated) == (BODY[:100_000], True)


def test_it_inflates_gzip_within_the_limit_and_refuses_a_gzip_bomb():
    small = lambda h: send(h, 200, gzip.compress(BODY), Content_Encoding="gzip")  # noqa: E731
    assert fetch_from(small, policy(max_bytes=len(BODY))).content == BODY
    bomb = gzip.compress(b"\0" * 50_000_000)
    assert len(bomb) < 100_000
    with pytest.raises(ResponseTooLarge, match="is larger than 1000000 bytes"):
        fetch_from(lambda h: send(h, 200, bomb, Content_Encoding="gzip"), policy(max_bytes=1_000_000))
    with pytest.raises(FetchError, match="could not be fetched: Error -3 while decompressing"):
        fetch_from(lambda h: send(h, 200, b"not gzip at all", Content_Encoding="gzip"), LOCAL_OK)
    with pytest.raises(FetchError, match="unsupported content encoding 'br'"):
        fetch_from(lambda h: send(h, 200, b"..", Content_Encoding="br"), LOCAL_OK)


def test_it_filters_content_types():
    pages = policy(content_types=("text/html", "text/plain"))
    binary = lambda h: send(h, 200, b"\x00\x01", Content_Type="application/octet-stream")  # noqa: E731
    with pytest.raises(FetchError, match="is application/octet-stream"):
        fetch_from(binary, pages)
    with pytest.raises(FetchError, match="is of no declared type"):
        fetch_from(lambda h: send(h, 200, b"?"), pages)
    latin = lambda h: send(h, 200, "é".encode("latin-1"), Content_Type="Text/HTML; charset=ISO-8859-1")  # noqa: E731
    page = fetch_from(latin, pages)
    assert (page.content_type, page.charset, page.text()) == ("text/html", "iso-8859-1", "é")


def test_it_ends_a_slow_body_at_the_total_deadline():
    started = time.monotonic()
    with pytest.raises(FetchTimeout):
        fetch_from(drip, policy(total_timeout=0.8, read_timeout=5))
    assert 0.7 < time.monotonic() - started < 2.0


def test_it_ends_a_silent_server_at_the_read_timeout():
    started = time.monotonic()
    with pytest.raises(FetchTimeout):
        fetch_from(lambda h: time.sleep(3), policy(read_timeout=0.3, total_timeout=10))
    assert 0.25 < time.monotonic() - started < 1.5


def test_it_ends_a_hanging_resolution_at_the_total_deadline():
    def hanging(host: str, port: int) -> list[str]:
        time.sleep(3)
        return ["8.8.8.8"]

    started = time.monotonic()
    with pytest.raises(FetchTimeout, match=r"resolving 'slow\.test' took too long"):
        fetch("http://slow.test/", FetchPolicy(resolver=hanging, total_timeout=0.3))
    assert time.monotonic() - started < 1.0


def _certificates(tmp_path) -> tuple[str, str]:
    """A test CA (PEM) and a cert+key file for ``public.test`` signed by it."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Mojodex test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "public.test")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("public.test")]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = tmp_path / "server.pem"
    pem.write_bytes(
        leaf.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return ca.public_bytes(serialization.Encoding.PEM).decode(), str(pem)


def test_it_verifies_tls_for_the_host_name_while_connecting_to_the_checked_address(tmp_path):
    ca_pem, server_pem = _certificates(tmp_path)
    names: list[str | None] = []
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(server_pem)
    server_context.sni_callback = lambda sock, name, ctx: names.append(name)  # type: ignore[assignment,func-returns-value]
    client = policy(ssl_context=ssl.create_default_context(cadata=ca_pem))
    with web_server(ssl_context=server_context) as server:
        server.routes["/"] = lambda h: send(h, 200, b"secure", Content_Type="text/plain")
        page = fetch(f"https://public.test:{server.port}/", client)
        with pytest.raises(FetchError, match="certificate verify failed"):
            fetch(f"https://other.test:{server.port}/", client)
        with pytest.raises(FetchError, match="certificate verify failed"):
            fetch(f"https://public.test:{server.port}/", LOCAL_OK)  # the test CA is not trusted there
    assert (page.url, page.content) == (f"https://public.test:{server.port}/", b"secure")
    assert names == ["public.test", "other.test", "public.test"]
    assert server.paths == ["/"]
    assert server.requests[0][1]["host"] == f"public.test:{server.port}"
