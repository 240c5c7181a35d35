"""Choosing ports that do not collide with servers already on the machine."""

from __future__ import annotations

import socket

__all__ = ["choose_port", "port_is_free"]


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def choose_port(preferred: int, taken: set[int], host: str = "127.0.0.1") -> int:
    """`preferred` if it is free (0 means any), otherwise a free port the kernel picks; never one in `taken`."""
    if preferred and preferred not in taken and port_is_free(preferred, host):
        taken.add(preferred)
        return preferred
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind((host, 0))
            port = int(probe.getsockname()[1])
        if port not in taken:
            taken.add(port)
            return port
