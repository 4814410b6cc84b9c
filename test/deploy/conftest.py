"""Fixtures of the deploy tests: the HTTP backend on 127.0.0.1 and the stacks deployed to LocalStack.

Run through `npm run test:deploy` (scripts/deploy-test.sh), which synthesizes test/deploy/app.ts, starts
LocalStack and sets DEPLOY_TEST_ENDPOINT, DEPLOY_TEST_OUTDIR and DEPLOY_TEST_BACKEND_PORT.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import emulator  # noqa: E402
from backend import start_backend  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def backend():
    server = start_backend(int(os.environ["DEPLOY_TEST_BACKEND_PORT"]))
    yield f"http://127.0.0.1:{server.server_port}"
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


@pytest.fixture(scope="session")
def keys(deployments):
    return deployments.get("DeployKeys")
