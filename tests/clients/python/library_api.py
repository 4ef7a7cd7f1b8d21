#!/usr/bin/env python3
"""The Photos Library API through Google's own Python client (google-api-python-client built
from the server's discovery document, google-auth credentials), as a real app uses it.

Credentials: the token JSON that `albumen tokens mint` printed for a Desktop client and the
Library scopes, refreshed once through the client_secret.json's token_uri. Uploads are not in
discovery, so they go through google-auth's AuthorizedSession (raw protocol), as apps do.
Every JSON method is called at least once: uploads and batchCreate at each album position,
enrichments of each kind, album and item reads, edits and pagination, search with each filter
kind, `baseUrl=d` downloads (same picture, EXIF kept, GPS gone) and refusals (51 ids, albumId
with filters, the shared-album methods). Prints one line per step, then `library api: passed`
or why not; exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Callable

import google.auth.transport.requests
import requests
from google.auth.transport.requests import AuthorizedSession
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from albumen_pages import CheckFailed, excerpt
from library_flows import LibraryFlows

NAME = "python library api"
SCOPES = [
    "https://www.googleapis.com/auth/photoslibrary.appendonly",
    "https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata",
    "https://www.googleapis.com/auth/photoslibrary.edit.appcreateddata",
]


class Steps:
    """Runs named steps in order, each on its own: one failing does not hide the others."""

    def __init__(self) -> None:
        self.results: list[tuple[str, bool]] = []

    def run(self, name: str, step: Callable[[], None]) -> None:
        try:
            step()
        except CheckFailed as err:
            self._failed(name, str(err))
        except HttpError as err:
            self._failed(name, describe_http_error(err))
        except Exception as err:  # noqa: BLE001 - reported per step, with the traceback
            self._failed(name, f"{type(err).__name__}: {err}\n{traceback.format_exc()}")
        else:
            self.results.append((name, True))
            print(f"ok      {name}", flush=True)

    def _failed(self, name: str, why: str) -> None:
        self.results.append((name, False))
        print(f"FAILED  {name}: {why}", file=sys.stderr, flush=True)

    @property
    def failures(self) -> list[str]:
        return [name for name, ok in self.results if not ok]


def describe_http_error(err: HttpError) -> str:
    body = err.content.decode("utf-8", "replace") if isinstance(err.content, bytes) else str(err.content)
    return f"HTTP {err.resp.status} from {err.uri}: {excerpt(body)}"


def load_json(path: str) -> dict:
    with open(path, encoding="utf-8") as file:
        data = json.load(file)
    if not isinstance(data, dict):
        raise CheckFailed(f"{path} holds a JSON {type(data).__name__}, not an object")
    return data


def credentials(client_secrets: str, tokens: str) -> Credentials:
    """User credentials from the minted tokens, refreshed once as a long-running app would."""
    installed = load_json(client_secrets).get("installed") or {}
    minted = load_json(tokens)
    for key in ("access_token", "refresh_token"):
        if not minted.get(key):
            raise CheckFailed(f"the minted tokens lack {key!r}: {minted}")
    creds = Credentials(
        token=minted["access_token"],
        refresh_token=minted["refresh_token"],
        token_uri=installed.get("token_uri"),
        client_id=installed.get("client_id"),
        client_secret=installed.get("client_secret"),
        scopes=SCOPES,
    )
    first = creds.token
    creds.refresh(google.auth.transport.requests.Request())
    if not creds.token or creds.token == first:
        raise CheckFailed("refreshing the Library credentials did not give a new access token")
    return creds


def discovery_service(base_url: str, creds: Credentials):
    """The client built from the server's discovery documents at both of their addresses."""
    service = build(
        "photoslibrary",
        "v1",
        credentials=creds,
        discoveryServiceUrl=f"{base_url}/$discovery/rest?version=v1",
        static_discovery=False,
        cache_discovery=False,
    )
    if not service._baseUrl.startswith(base_url + "/"):
        raise CheckFailed(f"the discovery document points the client at {service._baseUrl}, not at {base_url}")
    legacy = build(
        "photoslibrary",
        "v1",
        credentials=creds,
        discoveryServiceUrl=f"{base_url}/discovery/v1/apis/{{api}}/{{apiVersion}}/rest",
        static_discovery=False,
        cache_discovery=False,
    )
    for resource in ("albums", "mediaItems", "sharedAlbums"):
        ours, theirs = getattr(service, resource)(), getattr(legacy, resource)()
        methods = sorted(m for m in dir(ours) if not m.startswith("_"))
        if methods != sorted(m for m in dir(theirs) if not m.startswith("_")):
            raise CheckFailed(f"the two discovery addresses describe {resource} differently")
    print(f"        discovery: {service._baseUrl}, albums methods {sorted(m for m in dir(service.albums()) if not m.startswith('_'))}")
    return service


def run(args: argparse.Namespace) -> int:
    base_url = args.base_url.rstrip("/")
    creds = credentials(args.client_secrets, args.tokens)
    service = discovery_service(base_url, creds)
    flows = LibraryFlows(base_url, service, AuthorizedSession(creds), requests.Session())
    steps = Steps()
    for name, step in flows.steps():
        steps.run(name, step)
    failures = steps.failures
    print(f"        {len(steps.results) - len(failures)} of {len(steps.results)} steps passed")
    if failures:
        print(f"{NAME}: FAILED: {', '.join(failures)}", file=sys.stderr)
        return 1
    print(f"{NAME}: passed")
    return 0


def check_main(name: str, check: Callable[[argparse.Namespace], int], doc: str | None) -> int:
    """The command line shared by the Library checks: parse the server, the client's secrets
    and its minted tokens, run `check`, and always print a verdict named `name`."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--base-url", required=True, help="the server, e.g. http://127.0.0.1:8080")
    parser.add_argument("--client-secrets", required=True, help="a Desktop client's client_secret.json")
    parser.add_argument("--tokens", required=True, help="`albumen tokens mint --json` output for that client")
    args = parser.parse_args()
    try:
        return check(args)
    except CheckFailed as err:
        print(f"{name}: FAILED: {err}", file=sys.stderr)
    except HttpError as err:
        print(f"{name}: FAILED: {describe_http_error(err)}", file=sys.stderr)
    except Exception:  # noqa: BLE001 - the check's verdict must still be printed
        traceback.print_exc()
        print(f"{name}: FAILED (unexpected exception above)", file=sys.stderr)
    return 1


def main() -> int:
    return check_main(NAME, run, __doc__)


if __name__ == "__main__":
    sys.exit(main())
