"""Behaviours that take minutes on SQS, tested in milliseconds against Ferry's manual clock."""

import json


def test_message_returns_after_visibility_timeout(ferry, sqs):
    url = sqs.create_queue(QueueName="jobs", Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="resize image 42")

    assert len(sqs.receive_message(QueueUrl=url)["Messages"]) == 1
    assert sqs.receive_message(QueueUrl=url).get("Messages", []) == []  # in flight

    ferry.advance(31)  # the consumer "crashed"; 31 s pass on Ferry's clock, none for real
    again = sqs.receive_message(QueueUrl=url, AttributeNames=["ApproximateReceiveCount"])  # (older boto3 knows only this name)
    assert again["Messages"][0]["Attributes"]["ApproximateReceiveCount"] == "2"


def test_fifo_deduplication_window_is_five_minutes(ferry, sqs):
    url = sqs.create_queue(QueueName="invoices.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    send = dict(QueueUrl=url, MessageBody="invoice 7", MessageGroupId="customer-1", MessageDeduplicationId="inv-7")

    first = sqs.send_message(**send)
    assert sqs.send_message(**send)["MessageId"] == first["MessageId"]  # a duplicate within 5 min: dropped
    ferry.advance(5 * 60 + 1)
    assert sqs.send_message(**send)["MessageId"] != first["MessageId"]  # after the window: a new message


def test_failing_message_reaches_the_dead_letter_queue(ferry, sqs):
    dlq = sqs.create_queue(QueueName="jobs-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})
    url = sqs.create_queue(QueueName="jobs", Attributes={"VisibilityTimeout": "10", "RedrivePolicy": policy})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="poison")

    for _ in range(2):  # a consumer that fails twice: receives, never deletes
        assert len(sqs.receive_message(QueueUrl=url)["Messages"]) == 1
        ferry.advance(11)
    assert sqs.receive_message(QueueUrl=url).get("Messages", []) == []  # the third receive moves it

    moved = ferry.wait_for("dlq", queue="jobs", body="poison")
    assert moved["deadLetterQueue"] == "jobs-dlq"
    assert sqs.receive_message(QueueUrl=dlq)["Messages"][0]["Body"] == "poison"


def test_reset_gave_this_test_an_empty_server(ferry, sqs):
    assert sqs.list_queues().get("QueueUrls", []) == []
