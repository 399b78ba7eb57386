"""What the load and fault tests share: a gunicorn server, plain-HTTP visitors, a cuttable
TCP forwarder, valid ICCIDs. Fixtures live in conftest.py."""
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
PASSWORD = "correct horse battery"
SECRET_KEY = "load-test-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def iccid(serial: int, prefix: str = "8949") -> str:
    """A valid (Luhn) 19-digit ICCID."""
    body = f"{prefix}{serial:014d}"
    total = 0
    for index, digit in enumerate(reversed(body)):
        value = int(digit) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return body + str((10 - total % 10) % 10)


class Server:
    """gunicorn -w N 'storefront:create_app()' on a free port, with this worktree's code."""

    def __init__(self, database_url: str, tmp_path: Path, workers: int = 4, **environment):
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        env = dict(os.environ)
        env.update(
            DATABASE_URL=database_url, SECRET_KEY=SECRET_KEY, RATELIMIT_ENABLED="0",
            MAIL_DIR=str(tmp_path / "mail"), PYTHONPATH=str(ROOT),
            **environment,
        )
        self.log_path = tmp_path / "gunicorn.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"{HOST}:{self.port}",
             "--timeout", "60", "--backlog", "2048", "storefront:create_app()"],
            cwd=ROOT, env=env, stdout=self._log, stderr=self._log, start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_path.read_text()[-2000:]}")
            try:
                if Browser(self).get("/robots.txt").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer within 30 s")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


class Answer:
    def __init__(self, status: int, headers, body: str):
        self.status = status
        self.headers = headers
        self.text = unescape(body)

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class Browser:
    """One visitor: keeps its cookies, follows nothing by itself, reads CSRF tokens from pages."""

    def __init__(self, server: Server, timeout: float = 60):
        self.server = server
        self.cookies: dict[str, str] = {}
        self.timeout = timeout
        self.answers: list[int] = []

    def _request(self, method: str, path: str, form: dict | None = None) -> Answer:
        connection = http.client.HTTPConnection(HOST, self.server.port, timeout=self.timeout)
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    cookie_name, _, rest = value.partition("=")
                    self.cookies[cookie_name] = rest.split(";", 1)[0]
            self.answers.append(response.status)
            return Answer(response.status, dict(response.getheaders()), text)
        finally:
            connection.close()

    def get(self, path: str) -> Answer:
        return self._request("GET", path)

    def post(self, path: str, form: dict) -> Answer:
        return self._request("POST", path, form)

    def follow(self, answer: Answer) -> Answer:
        location = urllib.parse.urlsplit(answer.location)
        return self.get(location.path + (f"?{location.query}" if location.query else ""))

    @staticmethod
    def hidden(page: Answer, name: str) -> str:
        match = re.search(rf'name="{name}" type="hidden" value="([^"]+)"', page.text)
        assert match, f"no hidden {name} on the page (status {page.status}): {page.text[:500]}"
        return match.group(1)

    def sign_in(self, email: str, password: str = PASSWORD) -> Answer:
        form = self.get("/login")
        answer = self.post("/login", {"email": email, "password": password,
                                      "csrf_token": self.hidden(form, "csrf_token")})
        assert answer.status == 302, f"sign-in of {email} answered {answer.status}"
        return answer


def notices(page: Answer) -> list[str]:
    """The text of each notice (flashed message, error, success) on the page."""
    return [re.sub(r"<[^>]+>", "", inner).strip()
            for inner in re.findall(r'<p class="notice[^"]*"[^>]*>(.*?)</p>', page.text, re.S)]


class Cuttable:
    """A TCP forwarder in front of a service (the Stripe stand-in): `cut()` makes the
    service unreachable at once, mid-request included: open connections are reset and new
    ones refused, while the service itself keeps its state for the test to inspect."""

    def __init__(self, target_port: int):
        self.target = (HOST, target_port)
        self.listener = socket.create_server((HOST, 0), backlog=256)
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.base_url = f"http://{HOST}:{self.port}"
        self.requests = 0  # requests seen going to the service (methods at a chunk's start)
        self.is_cut = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.is_cut.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self.is_cut.is_set():
                    client.close()
                    upstream.close()
                    return
                self._sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, outgoing: bool) -> None:
        try:
            while chunk := source.recv(65536):
                if outgoing and chunk.split(b" ", 1)[0] in (b"GET", b"POST", b"DELETE"):
                    with self._lock:
                        self.requests += 1
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        with self._lock:
            self.is_cut.set()
            self.listener.close()
            for end in self._sockets:
                try:
                    end.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    end.shutdown(socket.SHUT_RDWR)  # wakes the pump blocked on it
                except OSError:
                    pass
                end.close()
