"""The HTTP backend of the deploy stacks' HTTP integrations, on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Backend(BaseHTTPRequestHandler):
    """The HTTP integration's backend: `/echo` answers the body it got, byte for byte, with its content
    type; `/legacy/status/NNN` answers NNN; any other path answers what it received as JSON."""

    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        if url.path == "/echo":
            self._send(200, body, self.headers.get("Content-Type", "application/octet-stream"))
            return
        status = 200
        if url.path.startswith("/legacy/status/"):
            status = int(url.path.rsplit("/", 1)[1])
        received = {
            "method": self.command,
            "path": url.path,
            "query": parse_qs(url.query),
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode("utf-8", "replace"),
        }
        self._send(status, json.dumps(received).encode(), "application/json", {"X-Backend": "deploy-test"})

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _answer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def start_backend(port: int) -> ThreadingHTTPServer:
    """Serves Backend on 127.0.0.1:port in a daemon thread; the caller shuts it down."""
    server = ThreadingHTTPServer(("127.0.0.1", port), Backend)
    server.timeout = 5
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    return server
