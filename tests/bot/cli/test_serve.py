"""``greenbot serve``: start-up errors are one line and exit code 2."""

from __future__ import annotations

import socket

import pytest

from tests.bot.cli.test_run import one_line_error
from tests.conftest import Run


@pytest.mark.parametrize("listen", ["nonsense", "127.0.0.1:99999", "127.0.0.1:"])
def test_a_malformed_address_is_one_line(greenbot: Run, listen: str) -> None:
    assert "HOST:PORT" in one_line_error(greenbot("serve", "--listen", listen))


def test_a_port_in_use_is_one_line(greenbot: Run) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = one_line_error(greenbot("serve", "--listen", f"127.0.0.1:{port}"))
    assert f"cannot listen on 127.0.0.1:{port}" in line
