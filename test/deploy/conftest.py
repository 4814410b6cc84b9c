"""Fixtures of the deploy tests: the HTTP backend on 127.0.0.1 and the stacks deployed to LocalStack.

Run through `npm run test:deploy` (scripts/deploy-test.sh), which synthesizes test/deploy/app.ts, starts
LocalStack and sets DEPLOY_TEST_ENDPOINT, DEPLOY_TEST_OUTDIR and DEPLOY_TEST_BACKEND_PORT.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import emulator  # noqa: E402


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


@pytest.fixture(scope="session", autouse=True)
def backend():
    port = int(os.environ["DEPLOY_TEST_BACKEND_PORT"])
    server = ThreadingHTTPServer(("127.0.0.1", port), Backend)
    server.timeout = 5
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()


class Deployments:
    """Deploys a synthesized stack once per session under a stack name; deletes them all at the end."""

    def __init__(self, outdir: Path) -> None:
        self.outdir = outdir
        self.deployed: dict[str, dict[str, str]] = {}

    def deploy(self, artifact: str, stack_name: str | None = None) -> dict[str, str]:
        name = stack_name or artifact
        self.deployed[name] = emulator.deploy(name, emulator.template_body(self.outdir, artifact))
        return self.deployed[name]

    def get(self, artifact: str) -> dict[str, str]:
        if artifact not in self.deployed and emulator.exists(artifact):
            # Left deployed by an earlier run (DEPLOY_TEST_KEEP_STACKS=1): brought up to date.
            return self.deploy(artifact)
        return self.deployed.get(artifact) or self.deploy(artifact)

    def delete_all(self) -> None:
        errors = []
        for name in list(self.deployed):
            try:
                emulator.delete(name)
            except Exception as error:  # every stack is tried; the first failure is reported
                errors.append(error)
            self.deployed.pop(name)
        if errors:
            raise errors[0]


@pytest.fixture(scope="session")
def deployments():
    deployments = Deployments(Path(os.environ.get("DEPLOY_TEST_OUTDIR", ".deploy/cdk.out")))
    yield deployments
    # DEPLOY_TEST_KEEP_STACKS=1 leaves them deployed, to call them by hand against a running emulator.
    if os.environ.get("DEPLOY_TEST_KEEP_STACKS") != "1":
        deployments.delete_all()


@pytest.fixture(scope="session")
def edge(deployments):
    return deployments.get("DeployEdge")


@pytest.fixture(scope="session")
def regional(deployments):
    return deployments.get("DeployRegional")


@pytest.fixture(scope="session")
def files(deployments):
    return deployments.get("DeployS3")


@pytest.fixture(scope="session")
def private(deployments):
    return deployments.get("DeployPrivate")
