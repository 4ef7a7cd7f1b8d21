"""`mediaItems.search` through the discovery client, one step per filter kind, and the call
helpers every Library step uses (a failed call names its request and the server's answer).

The photos (library_flows.photos) were taken on 2019-03-14 (A), 2019-07-04 (B), 2020-12-25 (C),
2021-03-14 (D), 2022-06-01 (E); F has no capture time, so no date filter may match it.
Albumen classifies nothing and the API cannot star or archive, so content categories and
FAVORITES match nothing while NONE, exclusions and includeArchivedMedia change nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from googleapiclient.errors import HttpError

from albumen_pages import CheckFailed, excerpt

ALL = {"A", "B", "C", "D", "E", "F"}


def request_line(request) -> str:
    body = request.body.decode("utf-8", "replace") if isinstance(request.body, bytes) else request.body
    return f"{request.method} {request.uri}" + (f" body {body}" if body else "")


def call(request) -> dict:
    """Executes a discovery request; an HTTP error becomes a CheckFailed with both sides."""
    try:
        answer = request.execute(num_retries=0)
    except HttpError as err:
        content = err.content.decode("utf-8", "replace") if isinstance(err.content, bytes) else str(err.content)
        raise CheckFailed(f"{request_line(request)} -> HTTP {err.resp.status}: {excerpt(content)}") from err
    if not isinstance(answer, dict):
        raise CheckFailed(f"{request_line(request)} answered a JSON {type(answer).__name__}: {answer!r}")
    return answer


def expect_error(request, status: int, rpc_status: str) -> HttpError:
    """Executes a request that must fail with Google's envelope; returns the client's error."""
    try:
        answer = request.execute(num_retries=0)
    except HttpError as err:
        content = err.content.decode("utf-8", "replace") if isinstance(err.content, bytes) else str(err.content)
        try:
            envelope = json.loads(content).get("error") or {}
        except ValueError:
            envelope = {}
        got = (err.resp.status, envelope.get("code"), envelope.get("status"))
        if got != (status, status, rpc_status) or not err.reason or err.reason != envelope.get("message"):
            raise CheckFailed(
                f"{request_line(request)} -> HTTP {err.resp.status} {excerpt(content)}; expected {status} "
                f"{rpc_status} in the envelope, with a message the client surfaces (reason {err.reason!r})"
            ) from err
        print(f"        {request.method} {request.uri.split('?')[0]} -> {status} {err.reason}")
        return err
    raise CheckFailed(f"{request_line(request)} answered 200 {answer}; expected HTTP {status} {rpc_status}")


def ids_of(page: dict | list) -> list[str]:
    items = page if isinstance(page, list) else page.get("mediaItems", [])
    return [item["id"] for item in items]


class SearchChecks:
    """Mixed into LibraryFlows, which provides `service`, `ids` (photo key -> item id) and
    `album_id`."""

    service: object
    ids: dict[str, str]
    album_id: str

    def search_all(self, body: dict) -> list[dict]:
        """Every item a search finds, following nextPageToken (a body field) with search_next."""
        media_items = self.service.mediaItems()
        request, items, pages = media_items.search(body=body), [], 0
        while request is not None:
            page = call(request)
            pages += 1
            if "mediaItems" in page and not page["mediaItems"]:
                raise CheckFailed(f"an empty page must omit mediaItems (proto3 JSON): {page}")
            items += page.get("mediaItems", [])
            request = media_items.search_next(request, page)
            if pages > 20:
                raise CheckFailed(f"search {body} kept paging")
        return items

    def keys(self, body: dict) -> list[str]:
        by_id = {v: k for k, v in self.ids.items()}
        return [by_id.get(i, i) for i in ids_of(self.search_all(body))]

    def expect(self, filters: dict, expected: set[str], what: str) -> None:
        found = self.keys({"filters": filters, "pageSize": 3})
        if set(found) != expected or len(found) != len(set(found)):
            raise CheckFailed(f"{what}: filters {filters} found {sorted(found)}, expected {sorted(expected)}")

    def search_steps(self) -> list[tuple[str, Callable[[], None]]]:
        return [
            ("mediaItems.search unfiltered (newest first, pages)", self.search_unfiltered),
            ("mediaItems.search dateFilter dates", self.search_dates),
            ("mediaItems.search dateFilter ranges", self.search_ranges),
            ("mediaItems.search orderBy with a date filter", self.search_order_by),
            ("mediaItems.search mediaTypeFilter", self.search_media_types),
            ("mediaItems.search featureFilter", self.search_features),
            ("mediaItems.search contentFilter", self.search_content),
            ("mediaItems.search includeArchivedMedia", self.search_archived),
            ("mediaItems.search excludeNonAppCreatedData", self.search_app_created),
            ("refusal: search with albumId and filters", self.refuse_album_with_filters),
        ]

    def search_unfiltered(self) -> None:
        items = self.search_all({"pageSize": 2})
        if sorted(ids_of(items)) != sorted(self.ids.values()):
            raise CheckFailed(f"an unfiltered search found {ids_of(items)}, expected all of {self.ids}")
        times = [item["mediaMetadata"]["creationTime"] for item in items]
        if times != sorted(times, reverse=True):
            raise CheckFailed(f"an unfiltered search is not newest first: {times}")

    def search_dates(self) -> None:
        self.expect({"dateFilter": {"dates": [{"year": 2019}]}}, {"A", "B"}, "a year")
        self.expect({"dateFilter": {"dates": [{"year": 2019, "month": 7}]}}, {"B"}, "a month of a year")
        self.expect({"dateFilter": {"dates": [{"year": 2020, "month": 12, "day": 25}]}}, {"C"}, "a day")
        self.expect({"dateFilter": {"dates": [{"month": 3, "day": 14}]}}, {"A", "D"}, "a day in any year")
        self.expect({"dateFilter": {"dates": [{"year": 2019}, {"year": 2022, "month": 6, "day": 1}]}}, {"A", "B", "E"}, "two dates")
        self.expect({"dateFilter": {"dates": [{"year": 2018}]}}, set(), "a year without photos")

    def search_ranges(self) -> None:
        span = {"startDate": {"year": 2019, "month": 6, "day": 1}, "endDate": {"year": 2021, "month": 3, "day": 14}}
        self.expect({"dateFilter": {"ranges": [span]}}, {"B", "C", "D"}, "an inclusive range")
        self.expect(
            {"dateFilter": {"ranges": [span], "dates": [{"year": 2022, "month": 6, "day": 1}]}},
            {"B", "C", "D", "E"},
            "a range or a date",
        )
        months = {"startDate": {"year": 2020, "month": 12}, "endDate": {"year": 2022, "month": 6}}
        self.expect({"dateFilter": {"ranges": [months]}}, {"C", "D", "E"}, "a range of months")

    def search_order_by(self) -> None:
        span = {"startDate": {"year": 2019, "month": 1, "day": 1}, "endDate": {"year": 2022, "month": 12, "day": 31}}
        for order_by, expected in (
            ("MediaMetadata.creation_time", ["A", "B", "C", "D", "E"]),
            ("MediaMetadata.creation_time desc", ["E", "D", "C", "B", "A"]),
        ):
            body = {"filters": {"dateFilter": {"ranges": [span]}}, "orderBy": order_by, "pageSize": 2}
            found = self.keys(body)
            if found != expected:
                raise CheckFailed(f"orderBy {order_by!r} gave {found}, expected {expected}")

    def search_media_types(self) -> None:
        self.expect({"mediaTypeFilter": {"mediaTypes": ["PHOTO"]}}, ALL, "PHOTO")
        self.expect({"mediaTypeFilter": {"mediaTypes": ["ALL_MEDIA"]}}, ALL, "ALL_MEDIA")
        self.expect({"mediaTypeFilter": {"mediaTypes": ["VIDEO"]}}, set(), "VIDEO")
        self.expect(
            {"mediaTypeFilter": {"mediaTypes": ["PHOTO"]}, "dateFilter": {"dates": [{"year": 2019}]}},
            {"A", "B"},
            "PHOTO and a year",
        )

    def search_features(self) -> None:
        self.expect({"featureFilter": {"includedFeatures": ["FAVORITES"]}}, set(), "FAVORITES")
        self.expect({"featureFilter": {"includedFeatures": ["NONE"]}}, ALL, "NONE")

    def search_content(self) -> None:
        self.expect({"contentFilter": {"includedContentCategories": ["LANDSCAPES"]}}, set(), "an included category")
        self.expect({"contentFilter": {"includedContentCategories": ["NONE"]}}, ALL, "NONE")
        self.expect({"contentFilter": {"excludedContentCategories": ["SCREENSHOTS", "DOCUMENTS"]}}, ALL, "excluded categories")

    def search_archived(self) -> None:
        self.expect({"includeArchivedMedia": True}, ALL, "includeArchivedMedia")
        self.expect({"includeArchivedMedia": True, "dateFilter": {"dates": [{"year": 2021}]}}, {"D"}, "archived and a year")

    def search_app_created(self) -> None:
        self.expect({"excludeNonAppCreatedData": True}, ALL, "excludeNonAppCreatedData")
        self.expect({"excludeNonAppCreatedData": True, "dateFilter": {"dates": [{"year": 2020}]}}, {"C"}, "app-created and a year")

    def refuse_album_with_filters(self) -> None:
        body = {"albumId": self.album_id, "filters": {"mediaTypeFilter": {"mediaTypes": ["PHOTO"]}}}
        expect_error(self.service.mediaItems().search(body=body), 400, "INVALID_ARGUMENT")
