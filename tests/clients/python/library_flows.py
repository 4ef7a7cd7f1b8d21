"""The Library API check's steps: uploads, batchCreate at every album position, enrichments,
albums and media items read, edited and paged, downloads and refusals. Searches with each
filter kind live in library_search.py. Each step keeps what later steps need in `self`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime

import requests
from google.auth.transport.requests import AuthorizedSession
from PIL import Image

from albumen_pages import CheckFailed, excerpt
from library_images import MAKE, TestPhoto, exif_facts, make_jpeg, same_pixels
from library_search import SearchChecks, call, expect_error, ids_of


def photos() -> dict[str, TestPhoto]:
    """Six distinct JPEGs: five dated (one with GPS), one without a capture time."""
    return {
        "A": make_jpeg("alps.jpg", 1, datetime(2019, 3, 14, 12, 0, 0)),
        "B": make_jpeg("picnic.jpg", 2, datetime(2019, 7, 4, 12, 0, 0)),
        "C": make_jpeg("xmas.jpg", 3, datetime(2020, 12, 25, 12, 0, 0), gps=True),
        "D": make_jpeg("anniversary.jpg", 4, datetime(2021, 3, 14, 12, 0, 0)),
        "E": make_jpeg("summer.jpg", 5, datetime(2022, 6, 1, 12, 0, 0), size=(480, 640)),
        "F": make_jpeg("scan.jpg", 6, None),
    }


class LibraryFlows(SearchChecks):
    def __init__(self, base_url: str, service, uploads: AuthorizedSession, anonymous: requests.Session) -> None:
        self.base_url = base_url
        self.service = service
        self.uploads = uploads
        self.anonymous = anonymous
        self.photos = photos()
        self.tokens: dict[str, str] = {}
        self.ids: dict[str, str] = {}  # photo key -> media item id
        self.album_id = ""
        self.enrichments: dict[str, str] = {}

    def steps(self) -> list[tuple[str, Callable[[], None]]]:
        return [
            ("uploads (raw, AuthorizedSession)", self.upload_all),
            ("albums.create", self.create_album),
            ("mediaItems.batchCreate LAST_IN_ALBUM", self.create_last),
            ("mediaItems.batchCreate FIRST_IN_ALBUM", self.create_first),
            ("mediaItems.batchCreate AFTER_MEDIA_ITEM", self.create_after_item),
            ("albums.addEnrichment text AFTER_MEDIA_ITEM", self.enrich_text),
            ("mediaItems.batchCreate AFTER_ENRICHMENT_ITEM", self.create_after_enrichment),
            ("mediaItems.batchCreate without album, fileName and description", self.create_outside_album),
            ("mediaItems.batchCreate of identical bytes (dedup)", self.create_duplicate),
            ("albums.addEnrichment location FIRST_IN_ALBUM, map LAST_IN_ALBUM", self.enrich_location_and_map),
            ("mediaItems.search albumId (album order)", self.search_album_order),
            ("albums.batchAddMediaItems", self.batch_add),
            ("albums.batchRemoveMediaItems", self.batch_remove),
            ("albums.get", self.get_album),
            ("albums.patch title and coverPhotoMediaItemId", self.patch_album),
            ("albums.list (pages, excludeNonAppCreatedData)", self.list_albums),
            ("mediaItems.get", self.get_item),
            ("mediaItems.batchGet (with an unknown id)", self.batch_get),
            ("mediaItems.list (pages)", self.list_items),
            ("mediaItems.patch description", self.patch_item),
            *self.search_steps(),
            ("baseUrl=d download (same image, EXIF kept, GPS gone)", self.download),
            ("baseUrl renditions (bare, =w256-h256-c, =w100; no EXIF; 304)", self.renditions),
            ("refusal: batchGet with 51 ids", self.refuse_51_ids),
            ("refusal: shared albums (403)", self.refuse_sharing),
        ]

    # --- uploads and creation -----------------------------------------------------------------

    def upload_all(self, only: str | None = None) -> None:
        for key, photo in self.photos.items():
            if only is not None and key != only:
                continue
            response = self.uploads.post(
                f"{self.base_url}/v1/uploads",
                data=photo.data,
                headers={
                    "Content-Type": "application/octet-stream",
                    "X-Goog-Upload-Content-Type": "image/jpeg",
                    "X-Goog-Upload-Protocol": "raw",
                    "X-Goog-Upload-File-Name": photo.name,
                },
                timeout=60,
            )
            if response.status_code != 200:
                raise CheckFailed(f"POST /v1/uploads ({photo.name}) answered HTTP {response.status_code}: {excerpt(response.text)}")
            token = response.text
            if not token or token.strip() != token or token.startswith("{"):
                raise CheckFailed(f"the upload token for {photo.name} is not a bare text token: {token!r}")
            self.tokens[key] = token

    def create_album(self) -> None:
        album = call(self.service.albums().create(body={"album": {"title": "Client check trip"}}))
        if album.get("title") != "Client check trip" or not album.get("id"):
            raise CheckFailed(f"albums.create answered {album}")
        if album.get("isWriteable") is not True or not str(album.get("productUrl", "")).startswith("http"):
            raise CheckFailed(f"a new app album must be writeable and have a productUrl: {album}")
        if album.get("mediaItemsCount", "0") != "0":
            raise CheckFailed(f"a new album counts {album.get('mediaItemsCount')!r} items: {album}")
        self.album_id = album["id"]

    def batch_create(self, keys: list[str], position: dict | None = None, album: bool = True, extra: dict | None = None) -> list[dict]:
        body: dict = {
            "newMediaItems": [
                {"simpleMediaItem": {"uploadToken": self.tokens[key], **(extra or {}).get("simple", {})}, **(extra or {}).get("item", {})}
                for key in keys
            ]
        }
        if album:
            body["albumId"] = self.album_id
        if position is not None:
            body["albumPosition"] = position
        answer = call(self.service.mediaItems().batchCreate(body=body))
        results = answer.get("newMediaItemResults") or []
        if len(results) != len(keys):
            raise CheckFailed(f"batchCreate of {len(keys)} items answered {len(results)} results: {answer}")
        items = []
        for key, result in zip(keys, results):
            status = result.get("status") or {}
            if status.get("message") not in ("Success", "OK") or status.get("code", 0) != 0:
                raise CheckFailed(f"batchCreate of {self.photos[key].name} failed: {result}")
            if "code" in status:
                raise CheckFailed(f"a successful status must omit code 0 (proto3 JSON): {status}")
            if result.get("uploadToken") != self.tokens[key]:
                raise CheckFailed(f"the result does not echo the upload token: {result}")
            item = result.get("mediaItem") or {}
            if not item.get("id"):
                raise CheckFailed(f"a successful result has no mediaItem id: {result}")
            self.check_item(key, item)
            self.ids[key] = item["id"]
            items.append(item)
        return items

    def check_item(self, key: str, item: dict, filename: str | None = None) -> None:
        """The MediaItem fields a client relies on, against what was uploaded."""
        photo = self.photos[key]
        metadata = item.get("mediaMetadata") or {}
        expected = {
            "mimeType": "image/jpeg",
            "filename": filename or photo.name,
            "width": str(photo.width),
            "height": str(photo.height),
        }
        got = {
            "mimeType": item.get("mimeType"),
            "filename": item.get("filename"),
            "width": metadata.get("width"),
            "height": metadata.get("height"),
        }
        if got != expected:
            raise CheckFailed(f"{photo.name}: expected {expected} (int64 sizes as strings), got {got} in {item}")
        if photo.taken is not None and metadata.get("creationTime") != photo.taken.strftime("%Y-%m-%dT%H:%M:%SZ"):
            raise CheckFailed(f"{photo.name} was taken {photo.taken}; creationTime is {metadata.get('creationTime')!r}")
        if not metadata.get("creationTime"):
            raise CheckFailed(f"{photo.name} has no creationTime: {item}")
        camera = metadata.get("photo")
        if not isinstance(camera, dict) or camera.get("cameraMake") != MAKE or "video" in metadata:
            raise CheckFailed(f"{photo.name}: mediaMetadata.photo should name the camera {MAKE!r}: {metadata}")
        lens = {k: camera.get(k) for k in ("isoEquivalent", "apertureFNumber", "focalLength", "exposureTime")}
        if lens != {"isoEquivalent": 200, "apertureFNumber": 2.8, "focalLength": 35, "exposureTime": "0.008s"}:
            raise CheckFailed(f"{photo.name}: ISO 200, f/2.8, 35 mm (JSON numbers) and '0.008s' expected: {camera}")
        if not str(item.get("baseUrl", "")).startswith("http") or not str(item.get("productUrl", "")).startswith("http"):
            raise CheckFailed(f"{photo.name} lacks a baseUrl or productUrl: {item}")

    def create_last(self) -> None:
        self.batch_create(["A", "B"], {"position": "LAST_IN_ALBUM"})

    def create_first(self) -> None:
        self.batch_create(["C"], {"position": "FIRST_IN_ALBUM"})

    def create_after_item(self) -> None:
        self.batch_create(["D"], {"position": "AFTER_MEDIA_ITEM", "relativeMediaItemId": self.ids["A"]})

    def enrich(self, item: dict, position: dict) -> str:
        body = {"newEnrichmentItem": item, "albumPosition": position}
        answer = call(self.service.albums().addEnrichment(albumId=self.album_id, body=body))
        enrichment_id = (answer.get("enrichmentItem") or {}).get("id")
        if not enrichment_id or set(answer) != {"enrichmentItem"}:
            raise CheckFailed(f"addEnrichment answered {answer}, expected {{'enrichmentItem': {{'id': ...}}}}")
        return enrichment_id

    def enrich_text(self) -> None:
        self.enrichments["text"] = self.enrich(
            {"textEnrichment": {"text": "Day two: the lake"}},
            {"position": "AFTER_MEDIA_ITEM", "relativeMediaItemId": self.ids["D"]},
        )

    def create_after_enrichment(self) -> None:
        self.batch_create(["E"], {"position": "AFTER_ENRICHMENT_ITEM", "relativeEnrichmentItemId": self.enrichments["text"]})

    def create_outside_album(self) -> None:
        # fileName overrides the upload-time name, so the item check expects the new one.
        self.photos["F"].name = "scan-renamed.jpg"
        extra = {"simple": {"fileName": "scan-renamed.jpg"}, "item": {"description": "A scanned page"}}
        [item] = self.batch_create(["F"], album=False, extra=extra)
        if item.get("description") != "A scanned page":
            raise CheckFailed(f"batchCreate's description is not on the item: {item}")

    def create_duplicate(self) -> None:
        """Bytes already in the library resolve to the existing item, as at Google."""
        first = self.tokens["B"]
        self.upload_all(only="B")
        [item] = self.batch_create(["B"])
        if item["id"] != self.ids["B"] or self.tokens["B"] == first:
            raise CheckFailed(f"a second upload of {self.photos['B'].name} made a new item {item['id']}, not {self.ids['B']}")

    def enrich_location_and_map(self) -> None:
        paris = {"locationName": "Paris", "latlng": {"latitude": 48.8566, "longitude": 2.3522}}
        lyon = {"locationName": "Lyon", "latlng": {"latitude": 45.764, "longitude": 4.8357}}
        self.enrichments["location"] = self.enrich({"locationEnrichment": {"location": paris}}, {"position": "FIRST_IN_ALBUM"})
        self.enrichments["map"] = self.enrich({"mapEnrichment": {"origin": paris, "destination": lyon}}, {"position": "LAST_IN_ALBUM"})
        if len(set(self.enrichments.values())) != 3:
            raise CheckFailed(f"enrichment ids are not distinct: {self.enrichments}")

    # --- album contents -----------------------------------------------------------------------

    def album_order(self) -> list[str]:
        """The album's media items in album order, as photo keys (enrichments are not listed)."""
        by_id = {v: k for k, v in self.ids.items()}
        found = ids_of(self.search_all({"albumId": self.album_id, "pageSize": 2}))
        return [by_id.get(i, i) for i in found]

    def expect_album(self, expected: list[str], after: str) -> None:
        order = self.album_order()
        if order != expected:
            raise CheckFailed(f"after {after} the album holds {order}, expected {expected}")

    def search_album_order(self) -> None:
        self.expect_album(["C", "A", "D", "E", "B"], "the positioned batchCreates")

    def batch_add(self) -> None:
        answer = call(self.service.albums().batchAddMediaItems(albumId=self.album_id, body={"mediaItemIds": [self.ids["F"]]}))
        if answer != {}:
            raise CheckFailed(f"batchAddMediaItems answered {answer}, expected {{}}")
        self.expect_album(["C", "A", "D", "E", "B", "F"], "batchAddMediaItems (appends)")

    def batch_remove(self) -> None:
        body = {"mediaItemIds": [self.ids["A"], self.ids["F"]]}
        answer = call(self.service.albums().batchRemoveMediaItems(albumId=self.album_id, body=body))
        if answer != {}:
            raise CheckFailed(f"batchRemoveMediaItems answered {answer}, expected {{}}")
        self.expect_album(["C", "D", "E", "B"], "batchRemoveMediaItems")
        # Removing from an album keeps the item in the library.
        call(self.service.mediaItems().get(mediaItemId=self.ids["A"]))

    def get_album(self) -> None:
        album = call(self.service.albums().get(albumId=self.album_id))
        if album.get("id") != self.album_id or album.get("mediaItemsCount") != "4":
            raise CheckFailed(f"albums.get: expected 4 items (an int64 string), got {album}")

    def patch_album(self) -> None:
        albums = self.service.albums()
        titled = call(albums.patch(id=self.album_id, updateMask="title", body={"id": self.album_id, "title": "Client check trip (edited)"}))
        if titled.get("title") != "Client check trip (edited)":
            raise CheckFailed(f"albums.patch title answered {titled}")
        covered = call(albums.patch(id=self.album_id, updateMask="coverPhotoMediaItemId", body={"coverPhotoMediaItemId": self.ids["E"]}))
        if covered.get("coverPhotoMediaItemId") != self.ids["E"] or not covered.get("coverPhotoBaseUrl"):
            raise CheckFailed(f"albums.patch cover answered {covered}")
        again = call(albums.get(albumId=self.album_id))
        if (again.get("title"), again.get("coverPhotoMediaItemId")) != ("Client check trip (edited)", self.ids["E"]):
            raise CheckFailed(f"albums.get after the patches: {again}")

    def list_albums(self) -> None:
        second = call(self.service.albums().create(body={"album": {"title": "Client check second"}}))
        for exclude in (False, True):
            seen: list[str] = []
            request, pages = self.service.albums().list(pageSize=1, excludeNonAppCreatedData=exclude), 0
            while request is not None:
                page = call(request)
                pages += 1
                seen += [album["id"] for album in page.get("albums", [])]
                request = self.service.albums().list_next(request, page)
                if pages > 10:
                    raise CheckFailed(f"albums.list kept paging: {seen}")
            if sorted(seen) != sorted([self.album_id, second["id"]]):
                raise CheckFailed(f"albums.list (excludeNonAppCreatedData={exclude}) gave {seen} in {pages} pages")

    # --- media items --------------------------------------------------------------------------

    def get_item(self) -> None:
        item = call(self.service.mediaItems().get(mediaItemId=self.ids["A"]))
        if item.get("id") != self.ids["A"]:
            raise CheckFailed(f"mediaItems.get answered {item}")
        self.check_item("A", item)

    def batch_get(self) -> None:
        ids = [self.ids["B"], self.ids["A"], "AKnownToNobody0000000000"]
        answer = call(self.service.mediaItems().batchGet(mediaItemIds=ids))
        results = answer.get("mediaItemResults") or []
        got = [(r.get("mediaItem") or {}).get("id") for r in results[:2]]
        if got != ids[:2] or len(results) != 3:
            raise CheckFailed(f"batchGet must answer in the order asked: {answer}")
        status = results[2].get("status") or {}
        if "mediaItem" in results[2] or status.get("code") != 3 or status.get("message") != "Invalid media item ID.":
            raise CheckFailed(f"an unknown id's slot should be status 3 'Invalid media item ID.': {results[2]}")

    def list_items(self) -> None:
        request, seen, pages = self.service.mediaItems().list(pageSize=4), [], 0
        while request is not None:
            page = call(request)
            pages += 1
            seen += ids_of(page)
            request = self.service.mediaItems().list_next(request, page)
            if pages > 10:
                raise CheckFailed(f"mediaItems.list kept paging: {seen}")
        if sorted(seen) != sorted(self.ids.values()) or pages < 2:
            raise CheckFailed(f"mediaItems.list with pageSize 4 gave {len(seen)} ids in {pages} pages; expected the {len(self.ids)} items")

    def patch_item(self) -> None:
        body = {"id": self.ids["F"], "description": "Edited by the client check"}
        item = call(self.service.mediaItems().patch(id=self.ids["F"], updateMask="description", body=body))
        if item.get("description") != body["description"]:
            raise CheckFailed(f"mediaItems.patch answered {item}")
        again = call(self.service.mediaItems().get(mediaItemId=self.ids["F"]))
        if again.get("description") != body["description"]:
            raise CheckFailed(f"mediaItems.get after the patch: {again}")

    # --- bytes and refusals -------------------------------------------------------------------

    def download(self) -> None:
        for key in ("C", "A"):
            item = call(self.service.mediaItems().get(mediaItemId=self.ids[key]))
            response = self.anonymous.get(item["baseUrl"] + "=d", timeout=60)
            if response.status_code != 200:
                raise CheckFailed(f"GET baseUrl=d of {key} answered HTTP {response.status_code}: {excerpt(response.text)}")
            original, downloaded = self.photos[key].data, response.content
            if not same_pixels(original, downloaded):
                raise CheckFailed(f"the =d download of {key} is not the uploaded picture")
            before, after = exif_facts(original), exif_facts(downloaded)
            if after["gps"]:
                raise CheckFailed(f"the =d download of {key} still has GPS tags {after['gps']}")
            if (after["taken"], after["make"]) != (before["taken"], before["make"]):
                raise CheckFailed(f"=d must keep EXIF other than location: before {before}, after {after}")
            print(f"        {key}: {len(original)} bytes up, {len(downloaded)} down, GPS before {bool(before['gps'])}, after {bool(after['gps'])}")

    def renditions(self) -> None:
        item = call(self.service.mediaItems().get(mediaItemId=self.ids["A"]))
        photo = self.photos["A"]
        scale = min(512 / photo.width, 512 / photo.height, 1)
        expected = {
            "": (round(photo.width * scale), round(photo.height * scale)),
            "=w256-h256-c": (256, 256),
            "=w100": (100, round(photo.height * 100 / photo.width)),
        }
        for options, size in expected.items():
            response = self.anonymous.get(item["baseUrl"] + options, timeout=60)
            if response.status_code != 200 or response.headers.get("content-type") != "image/jpeg":
                raise CheckFailed(f"GET baseUrl{options} answered HTTP {response.status_code} {response.headers.get('content-type')}")
            picture = Image.open(io.BytesIO(response.content))
            if picture.size != size:
                raise CheckFailed(f"baseUrl{options} is {picture.size}, expected {size}")
            if len(picture.getexif()):
                raise CheckFailed(f"baseUrl{options} carries EXIF")
            tag = response.headers.get("etag")
            again = self.anonymous.get(item["baseUrl"] + options, headers={"If-None-Match": tag}, timeout=60)
            if again.status_code != 304:
                raise CheckFailed(f"revalidating baseUrl{options} answered HTTP {again.status_code}, not 304")
            print(f"        baseUrl{options or ' (bare)'}: {picture.size[0]}x{picture.size[1]} JPEG, {len(response.content)} bytes")

    def refuse_51_ids(self) -> None:
        ids = [f"{self.ids['A']}"] + [f"AUnknown{n:04d}" for n in range(50)]
        error = expect_error(self.service.mediaItems().batchGet(mediaItemIds=ids), 400, "INVALID_ARGUMENT")
        if "50" not in error.reason:
            raise CheckFailed(f"the 51-id refusal does not name the limit: {error.reason!r}")

    def refuse_sharing(self) -> None:
        refusals = [
            self.service.sharedAlbums().list(),
            self.service.sharedAlbums().get(shareToken="some-share-token"),
            self.service.sharedAlbums().join(body={"shareToken": "some-share-token"}),
            self.service.sharedAlbums().leave(body={"shareToken": "some-share-token"}),
            self.service.albums().share(albumId=self.album_id, body={"sharedAlbumOptions": {"isCollaborative": True}}),
            self.service.albums().unshare(albumId=self.album_id, body={}),
        ]
        for request in refusals:
            error = expect_error(request, 403, "PERMISSION_DENIED")
            if error.reason != "Request had insufficient authentication scopes.":
                raise CheckFailed(f"{request.method} {request.uri}: unexpected 403 text {error.reason!r}")

