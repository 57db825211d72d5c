"""Which IP addresses an outbound fetch may reach: globally routable unicast only.

Used by ``apps.core.safe_fetch``; host spellings are read the way the system resolver reads them,
so ``2130706433``, ``0x7f000001`` and ``127.1`` are the loopback address they denote.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# IANA special-purpose ranges, listed explicitly so the policy does not depend on how a Python
# version defines ``is_global``; anything not globally routable is refused as well.
BLOCKED_NETWORKS: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
        "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "::ffff:0:0/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32",
        "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    )
)  # fmt: skip
NAT64 = ipaddress.ip_network("64:ff9b::/96")
_DIGITS = {8: set("01234567"), 10: set("0123456789"), 16: set("0123456789abcdefABCDEF")}


def parse_numeric_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """``host`` read as ``inet_aton`` (and so ``getaddrinfo``) reads it: ``2130706433``,
    ``0x7f000001``, ``127.1``, ``0177.0.0.1`` are all 127.0.0.1. None when it is not numeric."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers = []
    for part in parts:
        digits, base = (part[2:], 16) if part[:2].lower() == "0x" else (part, 8 if part[:1] == "0" else 10)
        if not digits or not set(digits) <= _DIGITS[base]:
            return None
        numbers.append(int(digits, base))
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last
    for index, number in enumerate(head):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def literal_address(host: str) -> IPAddress | None:
    """The address ``host`` denotes by itself (no DNS), in any spelling; None for a name."""
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        return ipaddress.ip_address(bare.replace("%25", "%"))
    except ValueError:
        return parse_numeric_ipv4(bare)


def embedded_ipv4(address: IPAddress) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries (mapped, 6to4, Teredo, NAT64, IPv4-compatible)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    found = [a for a in (address.ipv4_mapped, address.sixtofour) if a is not None]
    if address.teredo:
        found += list(address.teredo)
    if address in NAT64 or int(address) >> 32 == 0:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def is_blocked_address(address: IPAddress, allowed: Iterable[IPNetwork] = ()) -> bool:
    """True unless ``address`` is globally routable unicast, or in an ``allowed`` network.

    An embedded IPv4 address is checked too, and the IPv6 form itself is never exempted by an
    IPv4 allowance (``::ffff:127.0.0.1`` stays blocked even when 127.0.0.1 is allowed).
    """
    allowed = tuple(allowed)
    if any(is_blocked_address(inner, allowed) for inner in embedded_ipv4(address)):
        return True
    if any(address.version == net.version and address in net for net in allowed):
        return False
    return (
        not address.is_global
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or any(address.version == net.version and address in net for net in BLOCKED_NETWORKS)
    )
