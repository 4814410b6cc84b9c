"""RegionalApi on the emulator: SQS standard and FIFO queues, and an `awsService` route to EventBridge
whose events reach a queue (test/deploy/stacks.ts, DeployRegionalStack)."""

import json
import uuid

import emulator


def test_sqs_route_queues_the_body_with_the_header_as_attribute(regional):
    body = {"type": "signup", "data": {"user": "u-1", "note": "it's \"quoted\""}}
    response = emulator.call(
        "POST", regional["ApiId"], "/events", json=body, headers={"X-Tenant-Id": "tenant-7"}
    )
    assert response.status_code == 200, response.text
    message_id = response.json()["messageId"]
    [message] = emulator.receive(regional["EventsQueueUrl"])
    assert message["MessageId"] == message_id
    assert json.loads(message["Body"]) == body
    assert message["MessageAttributes"]["tenant"] == {"StringValue": "tenant-7", "DataType": "String"}


def test_sqs_route_validates_the_body_before_queueing(regional):
    response = emulator.call("POST", regional["ApiId"], "/events", json={"data": {}})
    assert response.status_code == 400
    too_long = emulator.call("POST", regional["ApiId"], "/events", json={"type": "x" * 65})
    assert too_long.status_code == 400
    assert emulator.receive(regional["EventsQueueUrl"], wait_seconds=2) == []


def test_fifo_route_sets_the_group_and_deduplicates_by_key(regional):
    key = f"order-{uuid.uuid4()}"
    path = "/customers/c-9/orders"
    first = emulator.call("POST", regional["ApiId"], path, json={"sku": "a"}, headers={"Idempotency-Key": key})
    again = emulator.call("POST", regional["ApiId"], path, json={"sku": "a"}, headers={"Idempotency-Key": key})
    assert first.status_code == 200, first.text
    assert again.status_code == 200, again.text
    messages = emulator.receive(regional["OrdersQueueUrl"], expected=2, wait_seconds=5)
    assert len(messages) == 1
    [message] = messages
    assert json.loads(message["Body"]) == {"sku": "a"}
    assert message["Attributes"]["MessageGroupId"] == "c-9"
    assert message["Attributes"]["MessageDeduplicationId"] == key


def test_aws_service_route_puts_the_event_on_the_bus(regional):
    detail = {"orderId": "o-5", "note": "it's"}
    response = emulator.call("POST", regional["ApiId"], "/bus", json=detail)
    assert response.status_code == 200, response.text
    assert response.json() == {"failed": 0}
    [message] = emulator.receive(regional["ForwardedQueueUrl"])
    event = json.loads(message["Body"])
    assert event["source"] == "deploy.orders"
    assert event["detail-type"] == "OrderPlaced"
    assert event["detail"] == detail


def test_aws_integration_refuses_a_content_type_it_has_no_template_for(regional):
    # A body that is valid JSON: LocalStack validates any content type against the JSON model (a
    # divergence, docs/DEPLOY-TESTS.md); API Gateway validates none for text/plain and refuses it with 415.
    response = emulator.call(
        "POST", regional["ApiId"], "/events", data='{"type": "x"}', headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415, response.text
    assert emulator.receive(regional["EventsQueueUrl"], wait_seconds=2) == []
