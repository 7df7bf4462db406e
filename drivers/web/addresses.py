"""Every address a phone can use to reach a server bound to ``host``: the host itself,
or, for a wildcard (``0.0.0.0``), each IPv4 address of this machine's interfaces (read
from the system, no packet sent), the loopback last."""

from __future__ import annotations

import fcntl
import socket
import struct

SIOCGIFADDR = 0x8915


def join_addresses(host: str) -> list[str]:
    if host not in ("0.0.0.0", "", "::"):
        return [f"[{host}]" if ":" in host else host]
    found = [address for address in _interface_addresses() if not address.startswith("127.")]
    return [*dict.fromkeys(found), "127.0.0.1"]


def _interface_addresses() -> list[str]:
    addresses: list[str] = []
    try:
        names = [name for _, name in socket.if_nameindex()]
    except OSError:
        names = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for name in names:
            try:
                packed = fcntl.ioctl(
                    probe.fileno(), SIOCGIFADDR, struct.pack("256s", name.encode()[:15])
                )
            except OSError:
                continue  # no IPv4 address on this interface
            addresses.append(socket.inet_ntoa(packed[20:24]))
    if not addresses:  # not Linux: what the host name resolves to
        try:
            infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        except OSError:
            infos = []
        addresses = [str(info[4][0]) for info in infos]
    return addresses
