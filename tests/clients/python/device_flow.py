#!/usr/bin/env python3
"""The OAuth device flow ("TVs and limited-input devices") against Albumen, with plain
requests as a TV app would do it: ask /device/code for a user code, show it, poll /token
while a person enters the code at /device (another requests session, signed in) and allows,
respecting the server's polling interval, until the tokens arrive.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import requests

from albumen_pages import Browser, CheckFailed, check_userinfo, excerpt, parse, run_check

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
SCOPE = "openid email"


def load_client(path: str) -> tuple[str, str]:
    with open(path, encoding="utf-8") as file:
        data = json.load(file)
    section = data.get("installed") or data.get("web") or {}
    if not section.get("client_id") or not section.get("client_secret"):
        raise CheckFailed(f"{path} has no client_id and client_secret under 'installed': {data}")
    return section["client_id"], section["client_secret"]


def json_of(response: requests.Response, what: str) -> dict:
    try:
        body = response.json()
    except ValueError as err:
        raise CheckFailed(f"{what} answered HTTP {response.status_code} with a non-JSON body: {excerpt(response.text)}") from err
    if not isinstance(body, dict):
        raise CheckFailed(f"{what} answered a JSON {type(body).__name__}, not an object: {body}")
    return body


def approve(base_url: str, email: str, password: str, user_code: str, verification_url: str) -> None:
    """The person: opens the verification URL on a phone, signs in, types the code, allows."""
    browser = Browser(base_url)
    browser.sign_in(email, password)
    page = browser.page(verification_url)
    form = page.form("/device")
    if "user_code" not in form.inputs:
        raise CheckFailed(f"the /device form has no user_code field: {form}")
    entered = browser.submit(page, "/device", form.button("Next"), {"user_code": user_code})
    if entered.status_code != 200:
        raise CheckFailed(f"POST /device with user_code {user_code!r} answered HTTP {entered.status_code}: {excerpt(entered.text)}")
    consent = parse(browser.absolute("/device"), entered)
    decide_form = consent.form("/device/decide")
    decided = browser.submit(consent, "/device/decide", decide_form.button(value="allow"))
    if decided.status_code != 200:
        raise CheckFailed(f"POST /device/decide (allow) answered HTTP {decided.status_code}: {excerpt(decided.text)}")
    if "Success" not in decided.text:
        raise CheckFailed(f"POST /device/decide (allow) did not say it succeeded: {excerpt(decided.text)}")


def run(args: argparse.Namespace) -> None:
    base_url = args.base_url.rstrip("/")
    client_id, client_secret = load_client(args.client_secrets)

    started_response = requests.post(
        f"{base_url}/device/code", data={"client_id": client_id, "scope": SCOPE}, timeout=30
    )
    started = json_of(started_response, "POST /device/code")
    if started_response.status_code != 200:
        raise CheckFailed(f"POST /device/code answered HTTP {started_response.status_code}: {started}")
    for key in ("device_code", "user_code", "verification_url", "expires_in", "interval"):
        if key not in started:
            raise CheckFailed(f"POST /device/code's answer lacks {key!r}: {started}")
    if started["verification_url"] != f"{base_url}/device":
        raise CheckFailed(f"verification_url is {started['verification_url']!r}, expected {base_url}/device")
    user_code = started["user_code"]
    if not isinstance(user_code, str) or len(user_code.replace("-", "")) < 6:
        raise CheckFailed(f"user_code {user_code!r} is not a code a person can type")
    interval = int(started["interval"])
    if not 1 <= interval <= 30:
        raise CheckFailed(f"an unusable polling interval: {interval}")
    print(f"go to {started['verification_url']} and enter {started['user_code']} (polling every {interval} s)")

    token_fields = {
        "client_id": client_id,
        "client_secret": client_secret,
        "device_code": started["device_code"],
        "grant_type": DEVICE_GRANT,
    }

    def poll() -> tuple[int, dict]:
        response = requests.post(f"{base_url}/token", data=token_fields, timeout=30)
        return response.status_code, json_of(response, "POST /token (device_code)")

    status, body = poll()
    if (status, body.get("error")) != (428, "authorization_pending"):
        raise CheckFailed(f"the first poll, before anyone approved, answered HTTP {status} {body}; expected 428 authorization_pending")

    approve(base_url, args.email, args.password, started["user_code"], started["verification_url"])

    deadline = time.monotonic() + 90
    polls = 1
    while True:
        if time.monotonic() > deadline:
            raise CheckFailed(f"no tokens within 90 s of approving ({polls} polls)")
        time.sleep(interval)
        status, body = poll()
        polls += 1
        if status == 200:
            break
        error = body.get("error")
        if status == 428 and error == "authorization_pending":
            continue
        if status in (400, 403, 429) and error == "slow_down":
            interval += 5  # RFC 8628 section 3.5
            continue
        raise CheckFailed(f"polling /token answered HTTP {status} {body} after the user allowed")

    for key in ("access_token", "refresh_token", "id_token", "expires_in"):
        if not body.get(key):
            raise CheckFailed(f"the device flow's token answer lacks {key!r}: {body}")
    if body.get("token_type") != "Bearer":
        raise CheckFailed(f"token_type is {body.get('token_type')!r}, expected 'Bearer'")
    check_userinfo(base_url, body["access_token"], args.email)
    print(f"tokens after {polls} polls")


def main() -> int:
    return run_check("python device flow", __doc__, "a TV client", run)


if __name__ == "__main__":
    sys.exit(main())
