"""pytest fixtures for testing code that uses SQS, against Ferry.

One Ferry for the whole session, started as `ferry serve --port 0`: it picks a free port and prints one
JSON line first on stdout, {"ferry":"listening","url":...,"port":...,"pid":...}, which is how this fixture
learns where it is. Each test then gets an empty server (reset through the admin API) and a boto3 client.

Ferry runs with --clock manual (time stands still until a test advances it: visibility timeouts, delays,
retention and deduplication windows follow) and --skip-cooldowns (a reset that deletes queues lets the
next test create them again at once; AWS makes a deleted name wait 60 s, and PurgeQueue too).

FERRY_COMMAND says how to run Ferry (default: `npx --no-install ferry`, the ferry-sqs package installed
in the current directory's node_modules), e.g. FERRY_COMMAND="ferry" or "node /path/to/dist/bin/ferry.cjs".
"""

import json
import os
import shlex
import subprocess
import threading
import urllib.error
import urllib.request

import boto3
import pytest

FERRY_COMMAND = shlex.split(os.environ.get("FERRY_COMMAND", "npx --no-install ferry"))


class Ferry:
    """The admin API (/_ferry/) of a running Ferry: reset, the manual clock, waiting for message events."""

    def __init__(self, url):
        self.url = url

    def _call(self, method, route, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.url}/_ferry/{route}", data=data, method=method)
        req.add_header("content-type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=330) as res:
                return json.load(res)
        except urllib.error.HTTPError as e:
            raise AssertionError(f"ferry admin {route}: {e.code} {e.read().decode()}") from None

    def reset(self, delete_queues=False):
        return self._call("POST", "reset", {"deleteQueues": delete_queues})

    def advance(self, seconds):
        return self._call("POST", "clock", {"advanceSeconds": seconds})

    def wait_for(self, event, queue=None, body=None, message_id=None, timeout_ms=5000):
        """The first matching message event (sent, received, deleted, dlq); an error after timeout_ms."""
        query = {"event": event, "timeoutMs": timeout_ms}
        for key, value in (("queue", queue), ("body", body), ("messageId", message_id)):
            if value is not None:
                query[key] = value
        return self._call("POST", "wait", query)


@pytest.fixture(scope="session")
def ferry_server():
    args = ["serve", "--storage", "memory", "--port", "0", "--clock", "manual", "--skip-cooldowns", "--log-level", "warn"]
    proc = subprocess.Popen([*FERRY_COMMAND, *args], stdout=subprocess.PIPE, text=True)
    # Never hang the session on a Ferry that does not start.
    watchdog = threading.Timer(30, proc.kill)
    watchdog.start()
    first = proc.stdout.readline()
    watchdog.cancel()
    if not first:
        raise RuntimeError(f"ferry exited with code {proc.wait()} before listening")
    url = json.loads(first)["url"]
    # Keep reading stdout (log lines) so Ferry never blocks on a full pipe.
    threading.Thread(target=proc.stdout.read, daemon=True).start()
    yield Ferry(url)
    proc.terminate()  # SIGTERM: Ferry shuts down gracefully and exits 0
    assert proc.wait(timeout=30) == 0


@pytest.fixture
def ferry(ferry_server):
    """The session's Ferry, emptied: every queue of the previous test deleted."""
    ferry_server.reset(delete_queues=True)
    return ferry_server


@pytest.fixture
def sqs(ferry):
    return boto3.client(
        "sqs",
        endpoint_url=ferry.url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
