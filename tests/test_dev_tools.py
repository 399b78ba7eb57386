"""The development tools a newcomer meets first: localstripe's launcher and `make run`'s server."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_localstripe_listens_on_loopback_only(localstripe):
    with socket.create_connection(("127.0.0.1", localstripe.port), timeout=2):
        pass  # answers on 127.0.0.1
    with pytest.raises(OSError):  # localstripe's own command would accept here too (it binds ::)
        socket.create_connection(("127.0.0.2", localstripe.port), timeout=2).close()


def test_the_dev_server_says_how_to_stop_and_stops_cleanly_on_a_signal(tmp_path):
    """SIGTERM, as a process manager sends it (Ctrl+C runs the same handler)."""
    port = _free_port()
    environment = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port),
                   "DATABASE_URL": f"sqlite:///{tmp_path / 'storefront.sqlite3'}", "MAIL_DIR": str(tmp_path)}
    (tmp_path / "instance").mkdir()
    server = subprocess.Popen([sys.executable, str(ROOT / "tools" / "dev_server.py")], env=environment,
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_for(f"http://127.0.0.1:{port}/robots.txt")
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=20)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0, output
    assert "Press Ctrl+C to stop." in output and "Stopped." in output
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    localstripe_port = int(output.split("localstripe (Stripe stand-in): http://127.0.0.1:")[1].split()[0])
    with pytest.raises(OSError):  # localstripe stopped with it
        socket.create_connection(("127.0.0.1", localstripe_port), timeout=1).close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")
