"""A person at a browser, played with requests: keeps cookies, reads the server-rendered forms
(hidden fields, CSRF tokens, checkboxes, buttons) with html.parser and submits them the way a
browser would when a given button is clicked.

Shared by the Python client checks; it knows the pages' form fields (crates/albumen-web/src),
not the server's internals.
"""

from __future__ import annotations

import argparse
import html.parser
import sys
import traceback
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

import requests


class CheckFailed(Exception):
    """The client check failed; the message says which request got what."""


@dataclass
class Button:
    name: str | None
    value: str
    text: str


@dataclass
class Form:
    action: str
    method: str
    hidden: list[tuple[str, str]] = field(default_factory=list)
    checkboxes: list[tuple[str, str, bool]] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)

    def button(self, text_contains: str | None = None, value: str | None = None) -> Button:
        for button in self.buttons:
            if text_contains is not None and text_contains not in button.text:
                continue
            if value is not None and button.value != value:
                continue
            return button
        raise CheckFailed(
            f"no button (text containing {text_contains!r}, value {value!r}) in the form "
            f"posting to {self.action}; buttons: {self.buttons}"
        )

    def fields_for(self, clicked: Button | None, extra: dict[str, str] | None = None) -> list[tuple[str, str]]:
        """What a browser posts: hidden fields, ticked boxes, filled inputs, the clicked button."""
        fields = list(self.hidden)
        fields += [(name, value) for name, value, checked in self.checkboxes if checked]
        fields += list((extra or {}).items())
        if clicked is not None and clicked.name:
            fields.append((clicked.name, clicked.value))
        return fields


class _FormParser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.title = ""
        self._form: Form | None = None
        self._button: Button | None = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "title":
            self._in_title = True
        elif tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            name = a.get("name")
            if name is None:
                return
            if kind == "hidden":
                self._form.hidden.append((name, a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                self._form.checkboxes.append((name, a.get("value", "on"), "checked" in a))
            elif kind == "submit":
                self._form.buttons.append(Button(name, a.get("value", ""), a.get("value", "")))
            else:
                self._form.inputs.append(name)
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            self._button = Button(a.get("name"), a.get("value", ""), "")
            self._form.buttons.append(self._button)

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "form":
            self._form = None
        elif tag == "button":
            if self._button is not None:
                self._button.text = " ".join(self._button.text.split())
            self._button = None

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._button is not None:
            self._button.text += data


@dataclass
class Page:
    url: str
    status: int
    html: str
    title: str
    forms: list[Form]

    def form(self, action: str) -> Form:
        for form in self.forms:
            if form.action == action:
                return form
        raise CheckFailed(
            f"expected a form posting to {action} on {self.url} (HTTP {self.status}, "
            f"title {self.title!r}); forms: {[f.action for f in self.forms]}; page:\n{excerpt(self.html)}"
        )


class _TextParser(html.parser.HTMLParser):
    """The visible text of a page, without its style sheet and scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "head"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script", "head") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def excerpt(text: str, limit: int = 1500) -> str:
    """A response body for a failure message: an HTML page's visible text, or the text."""
    if "<html" in text[:200].lower() or "<!doctype" in text[:200].lower():
        parser = _TextParser()
        parser.feed(text)
        text = "[page text] " + " | ".join(parser.parts)
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + " [...]"


def parse(url: str, response: requests.Response) -> Page:
    parser = _FormParser()
    parser.feed(response.text)
    return Page(url, response.status_code, response.text, parser.title.strip(), parser.forms)


class Browser:
    """A cookie-keeping session against one server that never follows redirects by itself."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.origin = urllib.parse.urlsplit(self.base_url).netloc
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "albumen-client-check (python requests)"
        self.steps: list[str] = []

    def absolute(self, url: str) -> str:
        return urllib.parse.urljoin(self.base_url + "/", url)

    def is_server(self, url: str) -> bool:
        return urllib.parse.urlsplit(self.absolute(url)).netloc == self.origin

    def get(self, url: str) -> requests.Response:
        return self.session.get(self.absolute(url), allow_redirects=False, timeout=30)

    def post(self, url: str, fields: list[tuple[str, str]]) -> requests.Response:
        return self.session.post(self.absolute(url), data=fields, allow_redirects=False, timeout=30)

    def page(self, url: str, expect_status: int = 200) -> Page:
        response = self.get(url)
        if response.status_code != expect_status:
            raise CheckFailed(
                f"GET {url} answered HTTP {response.status_code}, expected {expect_status}; "
                f"Location: {response.headers.get('Location')!r}; body:\n{excerpt(response.text)}"
            )
        return parse(self.absolute(url), response)

    def submit(self, page: Page, action: str, clicked: Button | None, extra: dict[str, str] | None = None) -> requests.Response:
        form = page.form(action)
        if form.method != "post":
            raise CheckFailed(f"the form posting to {action} on {page.url} has method {form.method!r}")
        return self.post(form.action, form.fields_for(clicked, extra))

    def sign_in_on(self, page: Page, email: str, password: str) -> requests.Response:
        """Fills in the sign-in form of `page` (keeping its hidden `continue`) and posts it."""
        form = page.form("/signin")
        for needed in ("email", "password"):
            if needed not in form.inputs:
                raise CheckFailed(f"the sign-in form on {page.url} has no {needed!r} field: {form}")
        if "csrf_token" not in dict(form.hidden):
            raise CheckFailed(f"the sign-in form on {page.url} carries no csrf_token: {form}")
        response = self.submit(page, "/signin", form.button("Sign in"), {"email": email, "password": password})
        if response.status_code not in (302, 303):
            raise CheckFailed(
                f"POST /signin as {email} answered HTTP {response.status_code}, expected a redirect "
                f"(303); body:\n{excerpt(response.text)}"
            )
        self.steps.append("sign-in")
        return response

    def sign_in(self, email: str, password: str) -> None:
        self.sign_in_on(self.page("/signin"), email, password)

    def authorize(self, url: str, email: str, password: str, decision: str = "allow", max_steps: int = 10) -> str:
        """Follows an authorization URL as a person would: signs in when sent to sign in,
        chooses the account, acknowledges the unverified-app warning, ticks what the consent
        page ticks and clicks the decision. Returns the Location that leaves the server (the
        app's redirect URI, with the code). Records the pages seen in `steps`."""
        response = self.get(url)
        current = self.absolute(url)
        for _ in range(max_steps):
            status = response.status_code
            if status in (301, 302, 303, 307, 308):
                location = response.headers.get("Location", "")
                if not location:
                    raise CheckFailed(f"{current} answered HTTP {status} without a Location")
                target = self.absolute(location) if self.is_server(location) else location
                if not self.is_server(location):
                    self.steps.append("redirect to the app")
                    return target
                path = urllib.parse.urlsplit(target).path
                if path == "/signin":
                    page = self.page(target)
                    continue_to = dict(page.form("/signin").hidden).get("continue", "")
                    if not continue_to.startswith("/o/oauth2/"):
                        raise CheckFailed(
                            f"the sign-in page at {target} would continue to {continue_to!r}, "
                            f"not back to the authorization request"
                        )
                    response, current = self.sign_in_on(page, email, password), target
                    continue
                response, current = self.get(target), target
                continue
            if status != 200:
                raise CheckFailed(
                    f"{current} answered HTTP {status} during authorization; body:\n{excerpt(response.text)}"
                )
            page = parse(current, response)
            form = page.form("/o/oauth2/continue")
            for needed in ("request", "csrf_token"):
                if needed not in dict(form.hidden):
                    raise CheckFailed(f"the {page.title!r} page's form has no hidden {needed!r}: {form}")
            if any(b.name == "decision" for b in form.buttons):
                self.steps.append("consent")
                clicked = form.button(value=decision)
            elif "<details" in page.html and any("(unsafe)" in b.text for b in form.buttons):
                self.steps.append("unverified-app warning")
                clicked = form.button(text_contains="(unsafe)")
            elif any(b.text.startswith("Continue as") for b in form.buttons):
                self.steps.append("account chooser")
                clicked = form.button(text_contains=email)
            else:
                raise CheckFailed(
                    f"unrecognised authorization page {page.title!r} at {current}; buttons "
                    f"{form.buttons}; page:\n{excerpt(page.html)}"
                )
            response, current = self.post(form.action, form.fields_for(clicked)), self.absolute(form.action)
        raise CheckFailed(f"the authorization did not leave the server within {max_steps} steps: {self.steps}")


def check_userinfo(base_url: str, access_token: str, email: str) -> None:
    """/v1/userinfo with the token must name the signed-in user."""
    userinfo = requests.get(
        f"{base_url}/v1/userinfo", headers={"Authorization": f"Bearer {access_token}"}, timeout=30
    )
    if userinfo.status_code != 200:
        raise CheckFailed(f"GET /v1/userinfo answered HTTP {userinfo.status_code}: {excerpt(userinfo.text)}")
    info = userinfo.json()
    if info.get("email") != email:
        raise CheckFailed(f"/v1/userinfo names {info.get('email')!r}, expected {email!r}: {info}")


def run_check(name: str, doc: str, client_kind: str, run: Callable[[argparse.Namespace], None]) -> int:
    """Parses the common arguments, runs one client check and prints `NAME: passed` or why not."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--base-url", required=True, help="the server, e.g. http://127.0.0.1:8080")
    parser.add_argument("--client-secrets", required=True, help=f"{client_kind}'s client_secret.json")
    parser.add_argument("--email", required=True, help="a user allowed to authorize the app (a test user)")
    parser.add_argument("--password", required=True)
    args = parser.parse_args()
    try:
        run(args)
    except CheckFailed as err:
        print(f"{name}: FAILED: {err}", file=sys.stderr)
        return 1
    except Exception:
        traceback.print_exc()
        print(f"{name}: FAILED (unexpected exception above)", file=sys.stderr)
        return 1
    print(f"{name}: passed")
    return 0
