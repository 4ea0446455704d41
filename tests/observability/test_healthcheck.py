"""The image's HEALTHCHECK: /healthz on the port `xinyuan serve` listens on; nothing to ask of `xinyuan worker`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from app.observability.healthcheck import commands, healthy, target

VENV = "/opt/venv/bin"


def _serve_argv(*options: str) -> list[str]:
    return [f"{VENV}/python", f"{VENV}/xinyuan", "serve", *options]


@pytest.mark.parametrize(
    ("argvs", "env", "url"),
    [
        ([_serve_argv()], {"PORT": "8123", "HOST": "0.0.0.0"}, "http://127.0.0.1:8123/healthz"),
        ([_serve_argv("--port", "9000")], {"PORT": "8000"}, "http://127.0.0.1:9000/healthz"),
        ([_serve_argv("--port=9001", "--host", "::")], {}, "http://[::1]:9001/healthz"),
        (
            [["tini", "-g", "--", "sh", "-c", "xinyuan migrate && exec xinyuan serve"]],
            {"PORT": "8080"},
            "http://127.0.0.1:8080/healthz",
        ),
        (
            [["tini", "-g", "--", f"{VENV}/xinyuan", "worker"], [f"{VENV}/python", f"{VENV}/xinyuan", "worker"]],
            {},
            None,
        ),
    ],
)
def test_the_check_asks_the_serving_port_and_nothing_of_a_worker(
    argvs: list[list[str]], env: dict[str, str], url: str | None
) -> None:
    assert target(argvs, env) == url


def test_processes_are_read_from_proc(tmp_path: Path) -> None:
    for pid, argv in ((1, ["tini", "-g", "--", "xinyuan", "worker"]), (7, [])):
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "cmdline").write_bytes(b"".join(a.encode() + b"\0" for a in argv))
    (tmp_path / "self").mkdir()
    assert commands(tmp_path) == [["tini", "-g", "--", "xinyuan", "worker"]]
    assert target(commands(tmp_path), {"PORT": "8000"}) is None


class _Status(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status)
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    httpd = HTTPServer(("127.0.0.1", 0), _Status)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    _Status.status = 200


def test_healthy_only_on_a_200(server: HTTPServer) -> None:
    url = f"http://127.0.0.1:{server.server_address[1]}/healthz"
    assert healthy(url)
    _Status.status = 503
    assert not healthy(url)
    server.shutdown()
    server.server_close()
    assert not healthy(url)  # refused
    assert healthy(None)  # a worker
