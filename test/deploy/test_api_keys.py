"""API keys and usage plans on the emulator (test/deploy/stacks.ts, DeployKeysStack): a route that requires
a key refuses a call without one, or with a key of no usage plan, and answers a call with the key of the
plan on its stage. LocalStack checks the key against the stage's usage plans; it does not enforce the
plan's throttling or quota (its ApiKeyValidationHandler says so), so those are checked at synth only."""

import emulator


def key_value(keys) -> str:
    """The key's value, which CloudFormation read from the secret: the tests read it from the same secret."""
    secret = emulator.client("secretsmanager").get_secret_value(SecretId=keys["KeyValueSecretArn"])
    return secret["SecretString"]


def test_key_value_comes_from_the_secret(keys):
    key = emulator.client("apigateway").get_api_key(apiKey=keys["ApiKeyId"], includeValue=True)
    assert key["value"] == key_value(keys)
    assert key["enabled"] is True


def test_a_route_that_requires_a_key_refuses_a_call_without_one(keys):
    response = emulator.call("GET", keys["ApiId"], "/keyed")
    assert response.status_code == 403, response.text


def test_a_route_that_requires_a_key_refuses_a_key_of_no_plan(keys):
    response = emulator.call("GET", keys["ApiId"], "/keyed", headers={"x-api-key": "n0tAKeyOfAnyUsagePlan123"})
    assert response.status_code == 403, response.text


def test_a_route_that_requires_a_key_answers_the_plan_key(keys):
    response = emulator.call("GET", keys["ApiId"], "/keyed", headers={"x-api-key": key_value(keys)})
    assert response.status_code == 200, response.text
    assert response.json() == {"keyed": True}


def test_a_route_that_does_not_require_a_key_answers_without_one(keys):
    response = emulator.call("GET", keys["ApiId"], "/free")
    assert response.status_code == 200, response.text
    assert response.json() == {"free": True}
