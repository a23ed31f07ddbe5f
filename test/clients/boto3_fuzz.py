"""A short fuzz of parameter values through boto3 (reliability suite, test/reliability/pythonFuzz.test.ts).
Usage: boto3_fuzz.py <endpoint> <seed> <seconds>. Client-side validation is off, so wrong types and
out-of-range values reach the server as boto3 serializes them (JSON with the pyenv boto3 1.4x, Query with
Debian's 1.26). Every call must get a success or a well-formed 4xx SQS error (an error code), never a 5xx,
a dropped connection or a timeout; the queue used stays usable. No retries: one attempt per call.
Prints "OK <calls sent> <4xx answers> <not sendable>" or "FAILED: ..." (exit 1)."""
import random
import sys
import time

import boto3
import botocore
from botocore.config import Config

endpoint, seed, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
rnd = random.Random(seed)
sqs = boto3.client(
    "sqs",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="AKIDFUZZ",
    aws_secret_access_key="fuzz-secret",
    config=Config(parameter_validation=False, retries={"total_max_attempts": 1}, read_timeout=30, connect_timeout=5),
)
prefix = "pyfuzz%d" % (seed % 100000)
url = sqs.create_queue(QueueName=prefix)["QueueUrl"]
fifo = sqs.create_queue(QueueName=prefix + ".fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]


def nasty():
    return rnd.choice(
        [
            "",
            " ",
            "x" * rnd.choice([1, 80, 81, 256, 1025, 70000]),
            "\u00e9\u4e2d\U0001f600",
            "\x00\x01\x1f",
            "\ufffe\uffff",
            "<xml>&amp;</xml>",
            '{"a":',
            "-1",
            "0",
            "1e400",
            "NaN",
            "9" * 30,
            "1.5",
            "true",
            "All",
            "%00%ZZ",
            "arn:aws:sqs:us-east-1:000000000000:" + prefix,
            url,
            None,
            -1,
            0,
            2**31,
            2**63,
            1.5,
            float("inf"),
            True,
            [],
            ["All"],
            {},
            {"k": "v"},
        ]
    )


def attrs():
    return {rnd.choice(["VisibilityTimeout", "DelaySeconds", "MaximumMessageSize", "RedrivePolicy", "Policy", "FifoQueue", "Bogus", ""]): nasty()}


def msg_attrs():
    return {rnd.choice(["a", "", "x" * 300, "AWS.x", ".a"]): {"DataType": rnd.choice(["String", "Number", "Binary", "Bogus", "", nasty()]), "StringValue": nasty()}}


OPS = [
    lambda: sqs.send_message(QueueUrl=rnd.choice([url, fifo]), MessageBody=nasty(), DelaySeconds=nasty(), MessageAttributes=msg_attrs()),
    lambda: sqs.send_message(QueueUrl=fifo, MessageBody="b", MessageGroupId=nasty(), MessageDeduplicationId=nasty()),
    lambda: sqs.receive_message(QueueUrl=rnd.choice([url, fifo]), MaxNumberOfMessages=nasty(), VisibilityTimeout=nasty(), WaitTimeSeconds=rnd.choice([0, nasty()])),
    lambda: sqs.receive_message(QueueUrl=url, AttributeNames=[nasty()], MessageAttributeNames=[nasty()], MessageSystemAttributeNames=[nasty()], WaitTimeSeconds=0),
    lambda: sqs.delete_message(QueueUrl=url, ReceiptHandle=nasty()),
    lambda: sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=nasty(), VisibilityTimeout=nasty()),
    lambda: sqs.create_queue(QueueName=rnd.choice([prefix + "-c", nasty()]), Attributes=attrs()),
    lambda: sqs.set_queue_attributes(QueueUrl=url, Attributes=attrs()),
    lambda: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[nasty(), nasty()]),
    lambda: sqs.get_queue_url(QueueName=nasty()),
    lambda: sqs.list_queues(QueueNamePrefix=nasty(), MaxResults=nasty()),
    lambda: sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": nasty(), "MessageBody": nasty()} for _ in range(rnd.choice([0, 1, 2, 11]))]),
    lambda: sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": nasty(), "ReceiptHandle": nasty()}]),
    lambda: sqs.tag_queue(QueueUrl=url, Tags={rnd.choice(["k", "", "x" * 200, "aws:x", "\u00e9"]): nasty()}),
    lambda: sqs.list_message_move_tasks(SourceArn=nasty(), MaxResults=nasty()),
    lambda: sqs.start_message_move_task(SourceArn=nasty(), MaxNumberOfMessagesPerSecond=nasty()),
]

sent = errors = unsendable = 0
end = time.time() + seconds
while time.time() < end:
    op = rnd.choice(OPS)
    try:
        op()
        sent += 1
    except botocore.exceptions.ClientError as e:
        sent += 1
        status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        code = e.response.get("Error", {}).get("Code", "")
        if status >= 500 or status < 400 or not code:
            print("FAILED: HTTP %s code %r: %s" % (status, code, str(e)[:300]), file=sys.stderr)
            sys.exit(1)
        errors += 1
    except (botocore.exceptions.ConnectionError, botocore.exceptions.ReadTimeoutError, botocore.exceptions.HTTPClientError) as e:
        print("FAILED: no answer: %s" % e, file=sys.stderr)
        sys.exit(1)
    except (TypeError, ValueError, AttributeError, KeyError, UnicodeError, OverflowError, botocore.exceptions.ParamValidationError):
        # boto3 could not serialize the value: nothing was sent.
        unsendable += 1

# Still usable afterwards.
sqs.send_message(QueueUrl=url, MessageBody="after the fuzz")
got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
if not any(m["Body"] == "after the fuzz" for m in got) and int(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"]) == 0:
    print("FAILED: the message sent after the fuzz is not there", file=sys.stderr)
    sys.exit(1)
print("OK %d %d %d" % (sent, errors, unsendable))
