"""A small Celery app on kombu's SQS transport, pointed at Ferry (test/conformance/frameworks.test.ts).

Configured by the environment:
  FERRY_URL           Ferry's base URL, e.g. http://127.0.0.1:9324
  CELERY_QUEUE_PREFIX prefix of the SQS queues kombu creates (one per test run)
  CELERY_RESULT_DIR   directory of Celery's filesystem result backend (shared by worker and sender)
  AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY  the credentials boto3 signs with

The worker: `python3 -m celery -A celery_app worker -P solo` with this directory on PYTHONPATH.
The sender: `python3 celery_app.py` sends tasks with apply_async, waits for their results through the
result backend, checks them and prints "OK <n>".
"""

import os
import sys
import time
from urllib.parse import urlsplit

from celery import Celery

_ferry = urlsplit(os.environ["FERRY_URL"])

# The main name is the module's, so tasks are named celery_app.<fn> in the worker and the sender alike.
app = Celery("celery_app")
app.conf.update(
    # sqs://host:port: kombu turns it into the endpoint http://host:port (is_secure False). With no
    # user:password in the URL, boto3 takes the credentials from the environment.
    broker_url=f"sqs://{_ferry.hostname}:{_ferry.port}",
    broker_transport_options={
        "region": "us-east-1",
        "is_secure": False,
        "queue_name_prefix": os.environ["CELERY_QUEUE_PREFIX"],
        # Only to make the test quick: 1 s long polls (default 10 s), polls 0.2 s apart (default 1 s).
        "wait_time_seconds": 1,
        "polling_interval": 0.2,
    },
    # Fail at once rather than retry when Ferry cannot be reached.
    broker_connection_retry_on_startup=False,
    result_backend="file://" + os.environ["CELERY_RESULT_DIR"],
)


@app.task
def add(x, y):
    return x + y


@app.task
def shout(text):
    return text.upper() + "!"


@app.task(bind=True, max_retries=3)
def flaky(self, marker):
    """Fails on its first run, succeeds on the retry (Celery re-publishes the task with a countdown)."""
    path = os.path.join(os.environ["CELERY_RESULT_DIR"], marker)
    if not os.path.exists(path):
        open(path, "w").close()
        raise self.retry(countdown=1)
    return f"retried {self.request.retries}"


@app.task
def broken():
    raise ValueError("broken on purpose")


def _check(ok, what):
    if not ok:
        print(f"FAIL: {what}", file=sys.stderr)
        sys.exit(1)


def main():
    started = time.monotonic()
    results = [add.apply_async((i, i * 10)) for i in range(5)]
    results.append(shout.apply_async(("héllo ferry",), countdown=1))
    results.append(flaky.apply_async((f"flaky-{os.getpid()}",)))
    values = [r.get(timeout=60) for r in results]
    _check(values[:5] == [i + i * 10 for i in range(5)], f"add results {values[:5]}")
    _check(values[5] == "HÉLLO FERRY!", f"shout result {values[5]!r}")
    _check(values[6] == "retried 1", f"flaky result {values[6]!r}")

    failed = broken.apply_async()
    try:
        failed.get(timeout=60)
        _check(False, "broken() raised nothing")
    except ValueError as e:
        _check("broken on purpose" in str(e), f"broken() error {e!r}")
    _check(failed.state == "FAILURE", f"broken() state {failed.state}")
    print(f"OK {len(values) + 1} in {time.monotonic() - started:.1f}s")


if __name__ == "__main__":
    main()
