"""The local stack never takes a port another server already holds."""

from __future__ import annotations

import socket

from runtime.local.ports import choose_port, port_is_free


def test_port_held_by_another_server_is_not_chosen() -> None:
    with socket.socket() as other_server:
        other_server.bind(("127.0.0.1", 0))
        other_server.listen()
        held = other_server.getsockname()[1]

        chosen = choose_port(held, set())

        assert chosen != held
        assert port_is_free(chosen)


def test_free_preferred_port_is_kept_and_never_handed_out_twice() -> None:
    taken: set[int] = set()
    preferred = choose_port(0, set())

    assert choose_port(preferred, taken) == preferred
    assert choose_port(preferred, taken) != preferred
