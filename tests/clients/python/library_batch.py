#!/usr/bin/env python3
"""Batch requests through google-api-python-client's `new_batch_http_request()`, as a real app
sends them to the discovery document's `batchPath`: good and bad calls mixed in one batch, and
each callback must get its own answer (its created album, its listing, its 400 for an unknown
item and for 51 ids, its 401 for a part sent with a bad token, which the client retries once after refreshing
and which stays 401 because the part carries its own token).

Credentials as in library_api.py. Prints one line per call, then `library batch: passed` or why
not; exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import sys

import httplib2
from googleapiclient.errors import HttpError

from albumen_pages import CheckFailed
from library_api import check_main, credentials, describe_http_error, discovery_service

NAME = "library batch"


def expect_ok(answers: dict, request_id: str) -> dict:
    response, error = answers[request_id]
    if error is not None:
        raise CheckFailed(f"{request_id}: expected success, got {describe_http_error(error)}")
    if not isinstance(response, dict):
        raise CheckFailed(f"{request_id}: expected a JSON object, got {response!r}")
    return response


def expect_error(answers: dict, request_id: str, status: int, message: str | None = None) -> None:
    response, error = answers[request_id]
    if not isinstance(error, HttpError):
        raise CheckFailed(f"{request_id}: expected HTTP {status}, got the answer {response!r}")
    if error.resp.status != status:
        raise CheckFailed(f"{request_id}: expected HTTP {status}, got {describe_http_error(error)}")
    if message is not None and message not in error.content.decode("utf-8", "replace"):
        raise CheckFailed(f"{request_id}: expected {message!r} in {describe_http_error(error)}")


def run(args: argparse.Namespace) -> int:
    base_url = args.base_url.rstrip("/")
    creds = credentials(args.client_secrets, args.tokens)
    service = discovery_service(base_url, creds)

    answers: dict[str, tuple[object, Exception | None]] = {}

    def callback(request_id: str, response: object, exception: Exception | None) -> None:
        if request_id in answers:
            raise CheckFailed(f"the callback of {request_id} ran twice")
        answers[request_id] = (response, exception)
        outcome = f"HTTP {exception.resp.status}" if isinstance(exception, HttpError) else "ok"
        print(f"        {request_id}: {outcome}", flush=True)

    batch = service.new_batch_http_request(callback=callback)
    if batch._batch_uri != f"{base_url}/batch":
        raise CheckFailed(f"the client sends batches to {batch._batch_uri}, not {base_url}/batch")
    batch.add(service.albums().create(body={"album": {"title": "Batch one"}}), request_id="create-one")
    batch.add(service.mediaItems().get(mediaItemId="no-such-item"), request_id="missing-item")
    batch.add(service.albums().create(body={"album": {"title": "Batch two"}}), request_id="create-two")
    fifty_one = [f"id{i}" for i in range(51)]
    batch.add(service.mediaItems().batchGet(mediaItemIds=fifty_one), request_id="fifty-one")
    # Its own (bad) token, on an http without credentials, so the client cannot replace it.
    bad = service.albums().list(pageSize=5)
    bad.http = httplib2.Http()
    bad.headers["authorization"] = "Bearer not-a-real-token"
    batch.add(bad, request_id="bad-token")
    batch.add(service.albums().list(pageSize=50), request_id="list")
    batch.execute()

    expected = {"create-one", "missing-item", "create-two", "fifty-one", "bad-token", "list"}
    if set(answers) != expected:
        raise CheckFailed(f"callbacks ran for {sorted(answers)}, expected {sorted(expected)}")
    one = expect_ok(answers, "create-one")
    two = expect_ok(answers, "create-two")
    if one.get("title") != "Batch one" or two.get("title") != "Batch two" or one.get("id") == two.get("id"):
        raise CheckFailed(f"the two created albums came back as {one} and {two}")
    expect_error(answers, "missing-item", 400, "Invalid media item ID.")
    expect_error(answers, "fifty-one", 400, "Request must have less than 50 media item ids.")
    expect_error(answers, "bad-token", 401)
    listing = expect_ok(answers, "list")
    titles = {album.get("title") for album in listing.get("albums", [])}
    if "Batch one" not in titles and "Batch two" not in titles:
        # Parts may run in any order at Google; here they run in order, so the list follows
        # both creations.
        raise CheckFailed(f"the listing after the creations shows {sorted(titles)}")

    # What the batch created is there for a direct call too.
    fetched = service.albums().get(albumId=one["id"]).execute()
    if fetched.get("title") != "Batch one":
        raise CheckFailed(f"albums.get of the batch-created album gave {fetched}")
    print(f"{NAME}: passed")
    return 0


def main() -> int:
    return check_main(NAME, run, __doc__)


if __name__ == "__main__":
    sys.exit(main())
