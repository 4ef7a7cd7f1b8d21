#!/usr/bin/env python3
"""google-auth-oauthlib's InstalledAppFlow against Albumen, as a desktop app would use it.

The app part is the library, unmodified: InstalledAppFlow.from_client_secrets_file with the
client_secret.json the CLI printed, then run_local_server(port=0) (a loopback redirect, PKCE).
The person at the browser is a background thread: the flow "opens" the authorization URL in a
webbrowser controller registered here, which hands it to the thread; the thread signs in,
goes through the unverified-app warning and consent with requests, and finally GETs the
loopback redirect, which the flow's local server is waiting for.

Then: the credentials must have an access token, a refresh token and an ID token; refreshing
must change the access token; /v1/userinfo must name the user.

The server under test is plain http on loopback, so oauthlib's https-only check is turned off
(OAUTHLIB_INSECURE_TRANSPORT). Like Google, the server reports granted scopes in long form
(https://www.googleapis.com/auth/userinfo.email for `email`), which makes oauthlib raise on
the scope change unless OAUTHLIB_RELAX_TOKEN_SCOPE is set, as Google's own users must set it.
"""

from __future__ import annotations

import argparse
import os
import queue
import sys
import threading
import traceback
import urllib.parse
import webbrowser

os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
os.environ["OAUTHLIB_RELAX_TOKEN_SCOPE"] = "1"

import google.auth.transport.requests  # noqa: E402
import google.oauth2.id_token  # noqa: E402
import requests  # noqa: E402
from google_auth_oauthlib.flow import InstalledAppFlow  # noqa: E402

from albumen_pages import Browser, CheckFailed, check_userinfo, excerpt, run_check  # noqa: E402

PICKER = "https://www.googleapis.com/auth/photospicker.mediaitems.readonly"
SCOPES = ["openid", "email", PICKER]
BROWSER_NAME = "albumen-client-check"


class HandOver(webbrowser.BaseBrowser):
    """A webbrowser controller that gives the URL to the thread playing the person."""

    def __init__(self, urls: queue.Queue) -> None:
        super().__init__(BROWSER_NAME)
        self.urls = urls

    def open(self, url, new=0, autoraise=True):
        self.urls.put(url)
        return True


def person(base_url: str, email: str, password: str, urls: queue.Queue, outcome: dict) -> None:
    """Waits for the authorization URL and goes through it as the user would."""
    loopback = None
    try:
        url = urls.get(timeout=60)
        outcome["authorization_url"] = url
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        outcome["redirect_uri"] = (query.get("redirect_uri") or [""])[0]
        if not url.startswith(base_url + "/o/oauth2/"):
            raise CheckFailed(f"the flow opened {url}, not the server's authorization endpoint")
        browser = Browser(base_url)
        loopback = browser.authorize(url, email, password, "allow")
        outcome["steps"] = browser.steps
        outcome["redirect"] = loopback
        if not loopback.startswith("http://localhost:"):
            raise CheckFailed(f"the server redirected to {loopback}, not to the flow's loopback server")
        # The browser's last hop: the flow's local server takes the code and says so.
        done = requests.get(loopback, timeout=30)
        if done.status_code != 200:
            raise CheckFailed(f"the loopback server answered HTTP {done.status_code}: {excerpt(done.text)}")
    except Exception as err:  # reported by the main thread
        outcome["error"] = err
        outcome["traceback"] = "" if isinstance(err, CheckFailed) else traceback.format_exc()
        # Unblock run_local_server, which waits for exactly one request on the loopback.
        redirect_uri = outcome.get("redirect_uri", "")
        if loopback is None and redirect_uri.startswith("http://localhost:"):
            try:
                requests.get(f"{redirect_uri}?error=client_check_failed", timeout=5)
            except requests.RequestException:
                pass


def run(args: argparse.Namespace) -> None:
    base_url = args.base_url.rstrip("/")
    urls: queue.Queue = queue.Queue()
    webbrowser.register(BROWSER_NAME, None, HandOver(urls))
    flow = InstalledAppFlow.from_client_secrets_file(args.client_secrets, scopes=SCOPES)
    client_config = flow.client_config
    for key in ("auth_uri", "token_uri"):
        if not client_config[key].startswith(base_url + "/"):
            raise CheckFailed(f"client_secret.json's {key} is {client_config[key]}, not on {base_url}")

    outcome: dict = {}
    thread = threading.Thread(
        target=person, args=(base_url, args.email, args.password, urls, outcome), daemon=True
    )
    thread.start()
    try:
        creds = flow.run_local_server(
            host="localhost",
            port=0,
            open_browser=True,
            browser=BROWSER_NAME,
            authorization_prompt_message="Authorization URL: {url}",
            success_message="The client check received the code; you may close this window.",
            timeout_seconds=90,
        )
    except Exception as err:
        thread.join(timeout=5)
        if "error" in outcome:
            raise CheckFailed(f"the browser part failed: {outcome['error']}\n{outcome['traceback']}") from err
        raise CheckFailed(
            f"run_local_server raised {type(err).__name__}: {err} (pages seen: {outcome.get('steps')}, "
            f"redirect: {outcome.get('redirect')})"
        ) from err
    thread.join(timeout=30)
    if "error" in outcome:
        raise CheckFailed(f"the browser part failed: {outcome['error']}\n{outcome['traceback']}")
    print(f"pages seen: {' -> '.join(outcome.get('steps', []))}")
    if "consent" not in outcome.get("steps", []):
        raise CheckFailed(f"a first authorization never showed the consent page: {outcome.get('steps')}")

    if not creds.token:
        raise CheckFailed("the credentials have no access token")
    if not creds.refresh_token:
        raise CheckFailed("the credentials have no refresh token (a desktop app's code exchange must return one)")
    if not creds.id_token:
        raise CheckFailed("the credentials have no ID token although `openid` was asked for")
    granted = set(creds.granted_scopes or [])
    if PICKER not in granted:
        raise CheckFailed(f"the Picker scope was not granted; granted scopes: {sorted(granted)}")

    # google-auth verifies the ID token against the PEM certificates at the URL the
    # client_secret.json names (auth_provider_x509_cert_url), as apps do with Google's.
    # verify_token (not verify_oauth2_token, which insists on Google's issuer name).
    claims = google.oauth2.id_token.verify_token(
        creds.id_token,
        google.auth.transport.requests.Request(),
        audience=creds.client_id,
        certs_url=f"{base_url}/oauth2/v1/certs",
        clock_skew_in_seconds=10,
    )
    if claims.get("email") != args.email or claims.get("iss") != base_url:
        raise CheckFailed(f"the verified ID token says {claims}")

    first = creds.token
    creds.refresh(google.auth.transport.requests.Request())
    if not creds.token or creds.token == first:
        raise CheckFailed("refreshing the credentials did not give a new access token")
    if not creds.valid:
        raise CheckFailed(f"the refreshed credentials are not valid (expiry {creds.expiry})")

    check_userinfo(base_url, creds.token, args.email)


def main() -> int:
    return run_check("python installed app flow", __doc__, "a Desktop client", run)


if __name__ == "__main__":
    sys.exit(main())
