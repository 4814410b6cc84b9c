"""S3ProxyApi on the emulator: GET, HEAD, byte ranges, conditional reads, a missing key, PUT (binary),
DELETE and listing, under the key prefix of the bucket (test/deploy/stacks.ts, DeployS3Stack)."""

import hashlib

import pytest

import emulator

CONTENT = b"hello, deploy tests\n" * 10


@pytest.fixture(scope="module")
def stored(files):
    """An object put straight into the bucket under the API's key prefix."""
    emulator.client("s3").put_object(
        Bucket=files["BucketName"], Key="public/docs/readme.txt", Body=CONTENT, ContentType="text/plain"
    )
    return files


def test_get_answers_the_object_with_its_headers(stored):
    response = emulator.call("GET", stored["ApiId"], "/files/docs/readme.txt")
    assert response.status_code == 200, response.text
    assert response.content == CONTENT
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.headers["ETag"].strip('"') == hashlib.md5(CONTENT).hexdigest()
    assert response.headers["Last-Modified"]


def test_head_answers_the_headers_without_a_body(stored):
    response = emulator.call("HEAD", stored["ApiId"], "/files/docs/readme.txt")
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["ETag"].strip('"') == hashlib.md5(CONTENT).hexdigest()


def test_range_answers_part_of_the_object(stored):
    response = emulator.call("GET", stored["ApiId"], "/files/docs/readme.txt", headers={"Range": "bytes=0-4"})
    assert response.status_code == 206, response.text
    assert response.content == CONTENT[:5]
    assert response.headers["Content-Range"] == f"bytes 0-4/{len(CONTENT)}"


def test_if_none_match_answers_not_modified(stored):
    etag = emulator.call("HEAD", stored["ApiId"], "/files/docs/readme.txt").headers["ETag"]
    response = emulator.call("GET", stored["ApiId"], "/files/docs/readme.txt", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""


def test_if_match_with_another_etag_answers_precondition_failed(stored):
    response = emulator.call("GET", stored["ApiId"], "/files/docs/readme.txt", headers={"If-Match": '"0000"'})
    assert response.status_code == 412
    assert response.json()["type"] == "PRECONDITION_FAILED"


def test_missing_key_answers_the_templates_404(stored):
    response = emulator.call("GET", stored["ApiId"], "/files/docs/missing.txt")
    assert response.status_code == 404
    body = response.json()
    assert body["type"] == "NOT_FOUND"
    assert body["message"] == "Not Found"
    assert "requestId" in body
    # Nothing of S3's own: no bucket name, no XML.
    assert stored["BucketName"] not in response.text


def test_put_stores_a_binary_body_under_the_prefix_and_delete_removes_it(stored):
    # On the API that names application/octet-stream as binary ('*/*' is never binary on LocalStack), and
    # without the validator, since LocalStack refuses a non-JSON body on any validated method: both are
    # divergences (docs/DEPLOY-TESTS.md).
    binary_api = stored["BinaryApiId"]
    emulator.drop_request_validator(binary_api, "/files/{key+}", "PUT")
    payload = bytes(range(256)) * 8
    key = "uploads/blob.bin"
    put = emulator.call(
        "PUT", binary_api, f"/files/{key}", data=payload, headers={"Content-Type": "application/octet-stream"}
    )
    assert put.status_code == 200, put.text
    assert put.json() == {"message": "Stored"}
    s3 = emulator.client("s3")
    stored_object = s3.get_object(Bucket=stored["BucketName"], Key=f"public/{key}")
    assert stored_object["Body"].read() == payload
    assert stored_object["ContentType"] == "application/octet-stream"

    read = emulator.call("GET", binary_api, f"/files/{key}", headers={"Accept": "application/octet-stream"})
    assert read.status_code == 200
    assert read.content == payload

    deleted = emulator.call("DELETE", stored["ApiId"], f"/files/{key}")
    assert deleted.status_code == 204
    assert s3.list_objects_v2(Bucket=stored["BucketName"], Prefix=f"public/{key}")["KeyCount"] == 0


def test_keys_outside_the_prefix_are_out_of_reach(stored):
    emulator.client("s3").put_object(Bucket=stored["BucketName"], Key="private.txt", Body=b"secret")
    response = emulator.call("GET", stored["ApiId"], "/files/..%2Fprivate.txt")
    assert response.status_code in (400, 404)
    assert b"secret" not in response.content


def test_listing_answers_the_keys_under_the_prefix(stored):
    response = emulator.call("GET", stored["ApiId"], "/files", params={"prefix": "docs/"})
    if response.status_code == 500 and "Error in template" in response.text:
        pytest.skip(
            "LocalStack cannot render the listing's response template: its Velocity engine (airspeed) gives "
            "Python strings none of Java's String methods that API Gateway's has (startsWith, indexOf, "
            "substring, length), so they render empty. See docs/DEPLOY-TESTS.md, Divergences. "
            f"Emulator answered: {response.text[:200]}"
        )
    assert response.status_code == 200, response.text
    listing = response.json()
    assert [o["key"] for o in listing["objects"]] == ["docs/readme.txt"]
    assert listing["objects"][0]["size"] == len(CONTENT)
    assert listing["cursor"] is None
