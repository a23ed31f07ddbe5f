"""A whole SQS workflow driven by boto3, run by the black-box tests with two interpreters:
the pyenv python3 (boto3 1.4x, AWS JSON protocol) and Debian's /usr/bin/python3 (python3-boto3 1.26,
AWS Query protocol). Usage: boto3_workflow.py <endpoint> <name-prefix>. Prints "OK <checks>"."""
import hashlib
import json
import sys

import boto3
import botocore

endpoint, prefix = sys.argv[1], sys.argv[2]
sqs = boto3.client(
    "sqs",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="AKIDBOTO",
    aws_secret_access_key="boto-secret",
)
checks = 0


def check(cond, what):
    global checks
    if not cond:
        print("FAILED: " + what, file=sys.stderr)
        sys.exit(1)
    checks += 1


def md5(s):
    return hashlib.md5(s.encode("utf-8")).hexdigest()


# Queues
url = sqs.create_queue(QueueName=prefix + "-std", Attributes={"VisibilityTimeout": "40"}, tags={"team": "py"})["QueueUrl"]
check(url.endswith("/000000000000/" + prefix + "-std"), "queue url " + url)
check(sqs.get_queue_url(QueueName=prefix + "-std")["QueueUrl"] == url, "get_queue_url")
check(url in sqs.list_queues(QueueNamePrefix=prefix)["QueueUrls"], "list_queues")
attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
check(attrs["VisibilityTimeout"] == "40" and attrs["MaximumMessageSize"] == "1048576", "attributes " + json.dumps(attrs))
sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "0", "ReceiveMessageWaitTimeSeconds": "1"})
check(sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "py"}, "tags")
sqs.tag_queue(QueueUrl=url, Tags={"env": "ci"})
sqs.untag_queue(QueueUrl=url, TagKeys=["team"])
check(sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "ci"}, "tag/untag")

# Messages with attributes
body = "hello \r\n <&> \u00e9\U0001F600"
sent = sqs.send_message(
    QueueUrl=url,
    MessageBody=body,
    MessageAttributes={
        "s": {"DataType": "String", "StringValue": "v"},
        "n": {"DataType": "Number", "StringValue": "1.5"},
        "b": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
    },
)
check(sent["MD5OfMessageBody"] == md5(body), "send md5")
got = sqs.receive_message(QueueUrl=url, AttributeNames=["All"], MessageAttributeNames=["All"], MaxNumberOfMessages=10, WaitTimeSeconds=2)
msgs = got.get("Messages", [])
check(len(msgs) == 1, "received one")
m = msgs[0]
check(m["Body"] == body, "body round trip: " + repr(m["Body"]))
check(m["MD5OfBody"] == md5(body), "receive md5")
check(m["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"], "attribute md5")
check(m["MessageAttributes"]["b"]["BinaryValue"] == b"\x00\xff", "binary attribute")
check(m["Attributes"]["ApproximateReceiveCount"] == "1", "receive count")
sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=100)
sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])

# Batches
res = sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "m%d" % i} for i in range(10)])
check(len(res["Successful"]) == 10 and not res.get("Failed"), "batch send")
seen = []
while len(seen) < 10:
    r = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
    ms = r.get("Messages", [])
    check(len(ms) > 0, "batch receive")
    seen += ms
    d = sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": x["ReceiptHandle"]} for i, x in enumerate(ms)])
    check(len(d["Successful"]) == len(ms), "batch delete")
check(sorted(x["Body"] for x in seen) == sorted("m%d" % i for i in range(10)), "batch bodies")

# Errors: the error code comes from x-amzn-query-error (JSON) or the XML (Query): both the Query code.
try:
    sqs.get_queue_url(QueueName=prefix + "-missing")
    check(False, "missing queue must fail")
except botocore.exceptions.ClientError as e:
    check(e.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue", "error code " + e.response["Error"]["Code"])
    check(e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, "error status")
try:
    sqs.get_queue_url(QueueName=prefix + "-missing")
except sqs.exceptions.QueueDoesNotExist:
    checks += 1
try:
    sqs.send_message(QueueUrl=url, MessageBody="bad \x01")
    check(False, "bad character must fail")
except botocore.exceptions.ClientError as e:
    check(e.response["Error"]["Code"] == "InvalidMessageContents", "InvalidMessageContents: " + e.response["Error"]["Code"])

# FIFO
furl = sqs.create_queue(QueueName=prefix + "-f.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
for i in range(3):
    sqs.send_message(QueueUrl=furl, MessageBody="f%d" % i, MessageGroupId="g")
dup = sqs.send_message(QueueUrl=furl, MessageBody="f0", MessageGroupId="g")
r = sqs.receive_message(QueueUrl=furl, MaxNumberOfMessages=10, AttributeNames=["All"])
check([x["Body"] for x in r["Messages"]] == ["f0", "f1", "f2"], "fifo order")
check(r["Messages"][0]["MessageId"] == dup["MessageId"], "dedup returns the original id")
check(int(r["Messages"][1]["Attributes"]["SequenceNumber"]) > int(r["Messages"][0]["Attributes"]["SequenceNumber"]), "sequence numbers")

# Dead-letter queue
dlq = sqs.create_queue(QueueName=prefix + "-dlq")["QueueUrl"]
dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
src = sqs.create_queue(QueueName=prefix + "-src", Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "1"})})["QueueUrl"]
sqs.send_message(QueueUrl=src, MessageBody="poison")
r = sqs.receive_message(QueueUrl=src)
sqs.change_message_visibility(QueueUrl=src, ReceiptHandle=r["Messages"][0]["ReceiptHandle"], VisibilityTimeout=0)
check(not sqs.receive_message(QueueUrl=src).get("Messages"), "moved on the second receive")
check(sqs.receive_message(QueueUrl=dlq)["Messages"][0]["Body"] == "poison", "dead-lettered")
check(sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [src], "dead-letter sources")

for q in (url, furl, dlq, src):
    sqs.delete_queue(QueueUrl=q)
print("OK %d" % checks)
