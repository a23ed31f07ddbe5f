"""A whole SQS workflow through boto 2 (Debian's python3-boto 2.49, boto.sqs, AWS Query protocol, signed
with SigV4: SQSConnection's auth capability is 'hmac-v4') against a Ferry server started with
--auth sigv4; driven by test/conformance/sdks.test.ts.

Usage: /usr/bin/python3 boto2_workflow.py <endpoint> <queue-name-prefix> <access-key-id> <secret-access-key>

boto 2 predates FIFO queues, tags, ListQueues pagination and message move tasks: its SQSConnection has
no method for them. FIFO sends and receives go through the connection's own generic request machinery
(get_object / get_status: boto's signing, HTTP and XML handling), as boto 2 users did; the rest is left
out. boto 2 sends a BinaryValue as given, so the caller base64-encodes it (and gets the base64 text
back). It verifies no MD5: every MD5 Ferry returns is checked here.

Every check that fails prints a "FAIL ..." line and the run goes on; the last line is "OK <checks>"
when all passed (exit 0), else "FAILED <n>" (exit 1).
"""
import base64
import hashlib
import json
import os
import struct
import sys
import time
from urllib.parse import urlparse

# boto 2 reads ~/.boto and /etc/boto.cfg and takes a proxy from the environment: neither may steer it.
os.environ["BOTO_CONFIG"] = "/dev/null"
for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
    os.environ.pop(var, None)

import boto  # noqa: E402
from boto.exception import SQSError  # noqa: E402
from boto.sqs.batchresults import BatchResults  # noqa: E402
from boto.sqs.connection import SQSConnection  # noqa: E402
from boto.sqs.message import Message, RawMessage  # noqa: E402
from boto.sqs.regioninfo import SQSRegionInfo  # noqa: E402

if len(sys.argv) != 5:
    sys.exit("usage: boto2_workflow.py <endpoint> <prefix> <access-key-id> <secret-access-key>")
endpoint, prefix, key_id, secret = sys.argv[1:]
REGION = "us-east-1"
ACCOUNT = "000000000000"
ep = urlparse(endpoint)

checks = 0
failures = 0


def check(ok, what):
    global checks, failures
    checks += 1
    if not ok:
        failures += 1
        print("FAIL " + what, flush=True)
    return ok


def connect(secret_key=secret):
    region = SQSRegionInfo(name=REGION, endpoint=ep.hostname)
    return SQSConnection(aws_access_key_id=key_id, aws_secret_access_key=secret_key, region=region,
                         is_secure=False, port=ep.port)


def expect_error(code, status, what, fn):
    """`fn` must raise boto's SQSError with this Query code and HTTP status (and a message)."""
    global checks, failures
    checks += 1
    try:
        fn()
    except SQSError as e:
        if e.error_code == code and e.status == status and e.message and e.type == "Sender":
            return e
        failures += 1
        print("FAIL %s: got %s %s %r type %r, expected %s (%d)" % (what, e.error_code, e.status, e.message, e.type, code, status))
        return e
    failures += 1
    print("FAIL %s: succeeded, expected %s (%d)" % (what, code, status))
    return None


def md5(s):
    return hashlib.md5(s.encode("utf-8")).hexdigest()


def md5_of_attributes(attrs):
    """AWS's MD5 of message attributes: names in byte order; length-prefixed name, data type, transport
    type (1 string, 2 binary) and value. `attrs` is boto 2's form (binary_value in base64)."""
    buf = b""

    def put(b):
        return struct.pack(">I", len(b)) + b

    for name in sorted(attrs, key=lambda n: n.encode("utf-8")):
        a = attrs[name]
        buf += put(name.encode("utf-8")) + put(a["data_type"].encode("utf-8"))
        if "binary_value" in a:
            buf += b"\x02" + put(base64.b64decode(a["binary_value"]))
        else:
            buf += b"\x01" + put(a["string_value"].encode("utf-8"))
    return hashlib.md5(buf).hexdigest()


sqs = connect()
check(sqs._required_auth_capability() == ["hmac-v4"], "boto 2 signs SQS requests with SigV4")
arn = lambda name: "arn:aws:sqs:%s:%s:%s" % (REGION, ACCOUNT, name)  # noqa: E731
base = "%s/%s" % (endpoint, ACCOUNT)

# --- Queues, attributes, a dead-letter queue.
dlq = sqs.create_queue(prefix + "-dlq")
check(dlq.url == "%s/%s-dlq" % (base, prefix), "CreateQueue URL " + dlq.url)
std = sqs.create_queue(prefix + "-std", visibility_timeout=5)
check(std.url == "%s/%s-std" % (base, prefix), "CreateQueue URL " + std.url)
check(sqs.create_queue(prefix + "-std", visibility_timeout=5).url == std.url, "CreateQueue again with the same attributes")
expect_error("QueueAlreadyExists", 400, "CreateQueue with other attributes",
             lambda: sqs.create_queue(prefix + "-std", visibility_timeout=6))
check(std.get_timeout() == 5, "VisibilityTimeout %r" % std.get_timeout())
check(std.arn == arn(prefix + "-std"), "Queue.arn " + std.arn)

attrs = sqs.get_queue_attributes(std)
want = {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0",
        "ApproximateNumberOfMessagesDelayed": "0", "DelaySeconds": "0", "MaximumMessageSize": "1048576",
        "MessageRetentionPeriod": "345600", "ReceiveMessageWaitTimeSeconds": "0", "VisibilityTimeout": "5",
        "QueueArn": arn(prefix + "-std"), "SqsManagedSseEnabled": "true"}
check(all(attrs.get(k) == v for k, v in want.items()), "GetQueueAttributes All %r" % attrs)
check(attrs.get("CreatedTimestamp", "").isdigit() and attrs.get("LastModifiedTimestamp", "").isdigit(), "timestamps %r" % attrs)
one = sqs.get_queue_attributes(std, "DelaySeconds")
check(dict(one) == {"DelaySeconds": "0"}, "GetQueueAttributes one attribute %r" % one)
expect_error("InvalidAttributeName", 400, "GetQueueAttributes of an unknown attribute",
             lambda: sqs.get_queue_attributes(std, "Bogus"))
expect_error("InvalidAttributeValue", 400, "SetQueueAttributes VisibilityTimeout 43201",
             lambda: sqs.set_queue_attribute(std, "VisibilityTimeout", 43201))
expect_error("InvalidAttributeName", 400, "SetQueueAttributes of an unknown attribute",
             lambda: sqs.set_queue_attribute(std, "Bogus", "1"))

redrive = json.dumps({"deadLetterTargetArn": dlq.arn, "maxReceiveCount": 2})
check(std.set_attribute("RedrivePolicy", redrive) is True, "SetQueueAttributes RedrivePolicy")
check(std.set_attribute("ReceiveMessageWaitTimeSeconds", 0) is True, "SetQueueAttributes ReceiveMessageWaitTimeSeconds")
got = sqs.get_queue_attributes(std, "RedrivePolicy").get("RedrivePolicy")
check(got is not None and json.loads(got) == {"deadLetterTargetArn": dlq.arn, "maxReceiveCount": 2},
      "RedrivePolicy %r" % got)
sources = sqs.get_dead_letter_source_queues(dlq)
check([q.url for q in sources] == [std.url], "ListDeadLetterSourceQueues %r" % sources)
check(list(sqs.get_dead_letter_source_queues(std)) == [], "ListDeadLetterSourceQueues, none")

# GetQueueUrl (get_queue answers None for a missing queue) and ListQueues.
check(sqs.get_queue(prefix + "-std").url == std.url, "GetQueueUrl")
check(sqs.get_queue(prefix + "-std", owner_acct_id=ACCOUNT).url == std.url, "GetQueueUrl with QueueOwnerAWSAccountId")
check(sqs.get_queue(prefix + "-nope") is None, "GetQueueUrl of a missing queue: None")
expect_error("AWS.SimpleQueueService.NonExistentQueue", 400, "GetQueueUrl of a missing queue (raw)",
             lambda: sqs.get_object("GetQueueUrl", {"QueueName": prefix + "-nope"}, Message))
check(sorted(q.url for q in sqs.get_all_queues(prefix=prefix)) == [dlq.url, std.url], "ListQueues with a prefix")
check(list(sqs.get_all_queues(prefix=prefix + "-zzz")) == [], "ListQueues, none")

# Permissions (this account only: Ferry knows no other).
check(std.add_permission("perm1", ACCOUNT, "SendMessage") is True, "AddPermission")
policy = json.loads(sqs.get_queue_attributes(std, "Policy")["Policy"])
check(policy["Statement"][0]["Sid"] == "perm1" and policy["Statement"][0]["Action"] == "SQS:SendMessage",
      "Policy %r" % policy)
check(std.remove_permission("perm1") is True, "RemovePermission")
expect_error("InvalidParameterValue", 400, "RemovePermission of a missing label", lambda: std.remove_permission("perm1"))

# --- Messages: a body of every awkward kind, attributes of every type, MD5s.
std.set_message_class(RawMessage)
body = 'a & b < c > "d" \'e\'\r\nline two\ttab é 😀 &amp; &#xD; ]]>'
attrs = {
    "str": {"data_type": "String", "string_value": "x & <y>\r\n\"z\""},
    "num": {"data_type": "Number", "string_value": "-12.50"},
    "bin": {"data_type": "Binary", "binary_value": base64.b64encode(b"\x00\x01\xfe\xff").decode()},
    "custom.name": {"data_type": "String.foo", "string_value": "custom"},
    "numint": {"data_type": "Number.int", "string_value": "007"},
}
sent = sqs.send_message(std, body, message_attributes=attrs)
# boto 2 keeps SendMessage's MD5OfMessageBody as an attribute of that name (its `md5` is MD5OfBody).
check(getattr(sent, "MD5OfMessageBody", None) == md5(body), "SendMessage MD5OfMessageBody %r" % getattr(sent, "MD5OfMessageBody", None))
check(sent.md5_message_attributes == md5_of_attributes(attrs),
      "SendMessage MD5OfMessageAttributes %s, expected %s" % (sent.md5_message_attributes, md5_of_attributes(attrs)))
check(len(sent.id) == 36, "MessageId %r" % sent.id)

msgs = sqs.receive_message(std, number_messages=10, wait_time_seconds=2, attributes="All", message_attributes=["All"])
check(len(msgs) == 1, "ReceiveMessage: %d messages" % len(msgs))
if msgs:
    m = msgs[0]
    check(m.get_body() == body, "received body %r" % m.get_body())
    check(m.md5 == md5(body) and m.id == sent.id, "received MD5OfBody and MessageId")
    check(dict(m.message_attributes) == attrs, "received attributes %r" % dict(m.message_attributes))
    check(m.md5_message_attributes == md5_of_attributes(attrs), "received MD5OfMessageAttributes")
    a = m.attributes
    check(a.get("ApproximateReceiveCount") == "1" and a.get("SenderId") == ACCOUNT
          and a.get("SentTimestamp", "").isdigit() and a.get("ApproximateFirstReceiveTimestamp", "").isdigit(),
          "system attributes %r" % dict(a))
    only = sqs.receive_message(std, visibility_timeout=0, message_attributes=["num", "bin"])
    check(len(only) == 0, "the message is in flight")
    check(sqs.change_message_visibility(std, m.receipt_handle, 0) is True, "ChangeMessageVisibility 0")
    only = sqs.receive_message(std, wait_time_seconds=1, message_attributes=["num", "bin"])
    sub = {k: attrs[k] for k in ("num", "bin")}
    check(len(only) == 1 and dict(only[0].message_attributes) == sub
          and only[0].md5_message_attributes == md5_of_attributes(sub),
          "selected attributes %r" % [dict(x.message_attributes) for x in only])
    check(len(only) == 1 and dict(only[0].attributes) == {}, "no system attributes unless asked")
    if only:
        check(only[0].attributes == {} and sqs.delete_message(std, only[0]) is True, "DeleteMessage")

expect_error("ReceiptHandleIsInvalid", 404, "DeleteMessage with an invalid receipt handle",
             lambda: sqs.delete_message_from_handle(std, "bogus"))
expect_error("ReceiptHandleIsInvalid", 404, "ChangeMessageVisibility with an invalid receipt handle",
             lambda: sqs.change_message_visibility(std, "bogus", 10))
expect_error("InvalidParameterValue", 400, "ReceiveMessage with MaxNumberOfMessages 11",
             lambda: sqs.receive_message(std, number_messages=11))
expect_error("InvalidMessageContents", 400, "SendMessage with a body holding U+0000",
             lambda: sqs.send_message(std, "a\x00b"))
expect_error("InvalidParameterValue", 400, "SendMessage with a BinaryValue that is not base64",
             lambda: sqs.send_message(std, "x", message_attributes={"b": {"data_type": "Binary", "binary_value": "%%%"}}))

# Default Message class: boto 2 base64-encodes the body itself.
std.set_message_class(Message)
w = std.write(std.new_message("through Message"))
check(w.id is not None and len(w.id) == 36, "Queue.write MessageId")
r = std.read(wait_time_seconds=2)
check(r is not None and r.get_body() == "through Message" and r.md5 == md5(base64.b64encode(b"through Message").decode()),
      "Queue.read decodes the body %r" % (r and r.get_body()))
if r is not None:
    check(std.delete_message(r) is True, "Queue.delete_message")
std.set_message_class(RawMessage)

# --- Delay and a long poll that a delayed message ends.
sqs.send_message(std, "delayed", delay_seconds=1)
check(sqs.get_queue_attributes(std, "ApproximateNumberOfMessagesDelayed")["ApproximateNumberOfMessagesDelayed"] == "1",
      "ApproximateNumberOfMessagesDelayed")
t0 = time.monotonic()
got = sqs.receive_message(std, wait_time_seconds=5)
took = time.monotonic() - t0
check(len(got) == 1 and got[0].get_body() == "delayed" and 0.5 <= took < 4,
      "long poll ended by the delayed message after %.1fs: %r" % (took, [x.get_body() for x in got]))
for x in got:
    sqs.delete_message(std, x)

# --- Batches with a partial failure.
battrs = {"k": {"data_type": "String", "string_value": "v"}, "b": {"data_type": "Binary", "binary_value": "AQID"}}
res = sqs.send_message_batch(std, [("one", "first", 0), ("two", "second", 0, battrs), ("bad", "third", 901)])
check(sorted(e["id"] for e in res.results) == ["one", "two"], "SendMessageBatch successes %r" % res.results)
check(all(e["message_md5"] == md5({"one": "first", "two": "second"}[e["id"]]) for e in res.results),
      "SendMessageBatch MD5OfMessageBody")
check(len(res.errors) == 1 and res.errors[0]["id"] == "bad" and res.errors[0]["error_code"] == "InvalidParameterValue"
      and res.errors[0]["sender_fault"] == "true" and res.errors[0].get("error_message"),
      "SendMessageBatch failure %r" % res.errors)
expect_error("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400, "SendMessageBatch with repeated ids",
             lambda: sqs.send_message_batch(std, [("x", "1", 0), ("x", "2", 0)]))
expect_error("AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400, "SendMessageBatch of 11",
             lambda: sqs.send_message_batch(std, [(str(i), "m", 0) for i in range(11)]))

got = []
for _ in range(3):
    got += sqs.receive_message(std, number_messages=10, wait_time_seconds=1, visibility_timeout=30, message_attributes=["All"])
    if len(got) >= 2:
        break
check(sorted(x.get_body() for x in got) == ["first", "second"], "received the batch %r" % [x.get_body() for x in got])
for x in got:
    if x.get_body() == "second":
        check(x.md5_message_attributes == md5_of_attributes(battrs), "batch message attributes MD5")
bogus = RawMessage()
bogus.id, bogus.receipt_handle = "bogus", "bogus"
cv = sqs.change_message_visibility_batch(std, [(x, 0) for x in got] + [(bogus, 0)])
# boto 2 collects result entries whose element ends in "MessageBatchResultEntry": not
# ChangeMessageVisibilityBatchResultEntry, so only the failure is read back (as against AWS).
check(len(cv.errors) == 1 and cv.errors[0]["id"] == "bogus" and cv.errors[0]["error_code"] == "ReceiptHandleIsInvalid"
      and cv.errors[0]["sender_fault"] == "true", "ChangeMessageVisibilityBatch failure %r" % cv.errors)
again = []
for _ in range(3):
    again += sqs.receive_message(std, number_messages=10, wait_time_seconds=1)
    if len(again) >= 2:
        break
check(len(again) == 2, "visible again after ChangeMessageVisibilityBatch: %d" % len(again))
dl = sqs.delete_message_batch(std, again + [bogus])
check(sorted(e["id"] for e in dl.results) == sorted(x.id for x in again), "DeleteMessageBatch successes")
check(len(dl.errors) == 1 and dl.errors[0]["id"] == "bogus" and dl.errors[0]["error_code"] == "ReceiptHandleIsInvalid",
      "DeleteMessageBatch failure %r" % dl.errors)

# --- maxReceiveCount: after two receives the third attempt moves the message to the dead-letter queue.
sqs.send_message(std, "poison")
for i in range(2):
    got = sqs.receive_message(std, wait_time_seconds=1, visibility_timeout=0)
    check(len(got) == 1 and got[0].get_body() == "poison", "receive %d of the poison message" % (i + 1))
check(sqs.receive_message(std, wait_time_seconds=1) == [], "the poison message left the source queue")
dead = sqs.receive_message(dlq, wait_time_seconds=2, attributes="All")
check(len(dead) == 1 and dead[0].get_body() == "poison" and dead[0].attributes.get("ApproximateReceiveCount") == "3",
      "the poison message in the dead-letter queue %r" % [(x.get_body(), dict(x.attributes)) for x in dead])

# --- PurgeQueue.
sqs.send_message(std, "to purge")
check(sqs.purge_queue(std) is True, "PurgeQueue")
check(sqs.receive_message(std, wait_time_seconds=1) == [], "nothing after PurgeQueue")

# --- FIFO, through boto 2's generic calls (its send_message knows no MessageGroupId).
fifo = sqs.get_object("CreateQueue", {"QueueName": prefix + ".fifo", "Attribute.1.Name": "FifoQueue",
                                      "Attribute.1.Value": "true", "Attribute.2.Name": "ContentBasedDeduplication",
                                      "Attribute.2.Value": "true"}, type(std))
check(fifo.url == "%s/%s.fifo" % (base, prefix), "CreateQueue FIFO " + fifo.url)
fifo.connection = sqs


def fifo_send(body, group, dedup=None):
    params = {"MessageBody": body, "MessageGroupId": group}
    if dedup:
        params["MessageDeduplicationId"] = dedup
    return sqs.get_object("SendMessage", params, RawMessage, fifo.id, verb="POST")


a1 = fifo_send("f1", "g")
a2 = fifo_send("f1", "g")
check(a1.id == a2.id and getattr(a1, "SequenceNumber", "") == getattr(a2, "SequenceNumber", "x"),
      "content-based deduplication: the same MessageId and SequenceNumber")
b1 = fifo_send("f2", "g", "dedup-1")
b2 = fifo_send("f2 again", "g", "dedup-1")
check(b1.id == b2.id and b1.id != a1.id, "explicit MessageDeduplicationId: %r %r" % (b1.id, b2.id))
check(getattr(b1, "MD5OfMessageBody", None) == md5("f2"), "FIFO SendMessage MD5OfMessageBody")
check(int(getattr(b1, "SequenceNumber", "0")) > int(getattr(a1, "SequenceNumber", "0")), "SequenceNumber grows")
expect_error("MissingParameter", 400, "FIFO SendMessage without MessageGroupId",
             lambda: sqs.get_object("SendMessage", {"MessageBody": "x"}, RawMessage, fifo.id, verb="POST"))
got = sqs.receive_message(fifo, number_messages=10, wait_time_seconds=1, attributes="All")
check([x.get_body() for x in got] == ["f1", "f2"], "FIFO order %r" % [x.get_body() for x in got])
check(all(x.attributes.get("MessageGroupId") == "g" for x in got)
      and [x.attributes.get("MessageDeduplicationId") for x in got][1:] == ["dedup-1"],
      "FIFO system attributes %r" % [dict(x.attributes) for x in got])
res = sqs.delete_message_batch(fifo, got)
check(len(res.results) == 2 and not res.errors, "DeleteMessageBatch FIFO")

# --- Errors: a request signed with the wrong secret; a deleted queue.
bad = connect("wrong-secret")
expect_error("SignatureDoesNotMatch", 403, "a request signed with the wrong secret", lambda: bad.get_all_queues())
check(sqs.delete_queue(std) is True, "DeleteQueue")
expect_error("AWS.SimpleQueueService.NonExistentQueue", 400, "SendMessage to a deleted queue",
             lambda: sqs.send_message(std, "x"))
expect_error("AWS.SimpleQueueService.NonExistentQueue", 400, "DeleteQueue again", lambda: sqs.delete_queue(std))
for q in (dlq, fifo):
    check(sqs.delete_queue(q) is True, "DeleteQueue " + q.url)

if failures:
    print("FAILED %d" % failures)
    sys.exit(1)
print("OK %d" % checks)
