"""The emulator itself: it listens on the loopback address only."""

import os

import psutil
import pytest

import emulator


def test_emulator_listens_only_on_the_loopback_address():
    if emulator.ON_AWS:
        pytest.skip("No emulator: DEPLOY_TEST_TARGET=aws.")
    pid = os.environ.get("DEPLOY_TEST_EMULATOR_PID")
    if not pid:
        pytest.fail("DEPLOY_TEST_EMULATOR_PID is not set: run the tests with `npm run test:deploy`.")
    process = psutil.Process(int(pid))
    listening = [
        connection.laddr
        for member in [process, *process.children(recursive=True)]
        for connection in member.net_connections(kind="inet")
        if connection.status == psutil.CONN_LISTEN or connection.type == 2  # SOCK_DGRAM: bound sockets
    ]
    assert listening, "the emulator's process listens on nothing"
    assert {address.ip for address in listening} == {"127.0.0.1"}, listening
