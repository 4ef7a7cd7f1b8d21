"""Latency of `mediaItems.list` and `mediaItems.search` over HTTP with keep-alive: first
pages, pages reached by following `nextPageToken` (the walk, and one deep page requested
again and again), date-filtered and album searches; `GET /healthz` is the baseline measured
in the same run. Then the same SQL as the store sends, timed alone (SQLite in process,
PostgreSQL by EXPLAIN ANALYZE through psql), with its plan.

Usage: python3 listing.py URL TOKEN ALBUM_ID DEPTH REPEATS DB USER_ID CLIENT_ID
(DB is the SQLite file or a postgres:// URL.)
"""

import base64
import sqlite3
import statistics
import subprocess
import sys
import time

import requests

PAGE = 100
# A year of the decade the items span, and one day in it.
YEAR_RANGE = {"ranges": [{"startDate": {"year": 2019, "month": 1, "day": 1},
                          "endDate": {"year": 2019, "month": 12, "day": 31}}]}
ONE_DAY = {"dates": [{"year": 2019, "month": 6, "day": 15}]}
# The same day of every year: served by the month-day index.
EVERY_15_JUNE = {"dates": [{"month": 6, "day": 15}]}


def percentile(values, p):
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


class Api:
    def __init__(self, url, token):
        self.url = url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def timed(self, method, path, **kwargs):
        started = time.perf_counter()
        response = self.session.request(method, f"{self.url}{path}", **kwargs)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            sys.exit(f"{method} {path}: {response.status_code} {response.text[:300]}")
        body = response.json() if path != "/healthz" else {}
        return elapsed, body

    def page(self, kind, body, token=None):
        """One page of `list` (kind 'list') or `search`; returns (ms, items, next token)."""
        if kind == "list":
            params = {"pageSize": PAGE}
            if token:
                params["pageToken"] = token
            ms, page = self.timed("GET", "/v1/mediaItems", params=params)
        else:
            request = dict(body, pageSize=PAGE)
            if token:
                request["pageToken"] = token
            ms, page = self.timed("POST", "/v1/mediaItems:search", json=request)
        return ms, len(page.get("mediaItems", [])), page.get("nextPageToken")


class Table:
    def __init__(self, baseline_p50):
        self.baseline = baseline_p50
        self.rows = []

    def add(self, name, samples):
        p50, p99 = statistics.median(samples), percentile(samples, 99)
        self.rows.append((name, len(samples), p50, p99))
        print(f"   {name:<44} n={len(samples):<5} p50 {p50:7.2f} ms  p99 {p99:7.2f} ms"
              f"  (p50 {p50 / self.baseline:5.1f}x healthz)", flush=True)

    def results(self, backend):
        for name, _, p50, p99 in self.rows:
            key = name.split(" (")[0].replace(" ", "_").replace(",", "")
            verdict = "met" if p99 < 10 else "MISSED"
            print(f"RESULT {backend} {key} p50_ms {p50:.2f} p99_ms {p99:.2f} "
                  f"p50_x_healthz {p50 / self.baseline:.1f} goal_p99<10ms {verdict}")


def repeat(api, kind, body, token, times, budget_s=30):
    """`times` samples, or fewer (at least 20) when a slow call would run past the budget."""
    samples, started = [], time.perf_counter()
    while len(samples) < times and (len(samples) < 20 or time.perf_counter() - started < budget_s):
        samples.append(api.page(kind, body, token)[0])
    return samples


def walk(api, kind, body, depth):
    """Follows nextPageToken for up to `depth` pages; returns the page times and the token
    that fetched the last page reached (None if that was the first), to request it again."""
    times, token, fetched_with = [], None, None
    for _ in range(depth):
        ms, _, next_token = api.page(kind, body, token)
        times.append(ms)
        fetched_with = token
        if not next_token:
            break
        token = next_token
    return times, fetched_with


def store_key(page_token):
    """The store's keyset key inside a page token (`p1|fingerprint|key`)."""
    raw = base64.urlsafe_b64decode(page_token + "=" * (-len(page_token) % 4)).decode()
    return raw.split("|", 2)[2]


def main():
    url, token, album, depth, repeats, db, user, client = sys.argv[1:9]
    depth, repeats = int(depth), int(repeats)
    backend = "postgres" if db.startswith("postgres") else "sqlite"
    api = Api(url, token)
    api.timed("GET", "/healthz")  # open the connection
    for _ in range(20):  # warm caches and the pool
        api.page("list", None)
    healthz = [api.timed("GET", "/healthz")[0] for _ in range(repeats)]
    table = Table(statistics.median(healthz))
    table.add("GET /healthz (baseline)", healthz)

    table.add("list, first page", repeat(api, "list", None, None, repeats))
    times, deep = walk(api, "list", None, depth)
    table.add(f"list, walk of {len(times)} pages", times)
    table.add(f"list, page {len(times)} again", repeat(api, "list", None, deep, repeats))
    list_deep = store_key(deep)

    year = {"filters": {"dateFilter": YEAR_RANGE}}
    table.add("search year 2019, first page", repeat(api, "search", year, None, repeats))
    times, year_deep = walk(api, "search", year, depth)
    table.add(f"search year 2019, walk of {len(times)} pages", times)
    day = {"filters": {"dateFilter": ONE_DAY}}
    table.add("search one day, first page", repeat(api, "search", day, None, repeats))
    yearly = {"filters": {"dateFilter": EVERY_15_JUNE}}
    table.add("search every 15 June, first page", repeat(api, "search", yearly, None, repeats))
    times, _ = walk(api, "search", yearly, depth)
    table.add(f"search every 15 June, walk of {len(times)} pages", times)

    in_album = {"albumId": album}
    table.add("search album, first page", repeat(api, "search", in_album, None, repeats))
    times, album_deep = walk(api, "search", in_album, depth)
    table.add(f"search album, walk of {len(times)} pages", times)
    table.add(f"search album, page {len(times)} again",
              repeat(api, "search", in_album, album_deep, repeats))
    table.results(backend)

    print(f"== store queries alone ({backend}, the SQL the store sends)")
    queries = store_queries(user, client, album, list_deep, store_key(album_deep))
    for name, sql in queries:
        if backend == "sqlite":
            sqlite_alone(db, name, sql, repeats)
        else:
            postgres_alone(db, name, sql)


COLUMNS = ("id, user_id, client_id, blob_key, size, mime_type, filename, description, kind, "
           "width, height, creation_time, capture_date, camera_make, camera_model, "
           "focal_length, aperture_f_number, iso_equivalent, exposure_time, fps, duration, "
           "video_status, has_location, is_favorite, is_archived, created_at")


def store_queries(user, client, album, list_key, album_position):
    """The store's SQL (crates/albumen-store/src/media_search.rs) with values inlined."""
    base = f"SELECT {COLUMNS} FROM media_items WHERE user_id = '{user}' AND client_id = '{client}'"
    order = f" ORDER BY creation_time DESC, id DESC LIMIT {PAGE + 1}"
    micros, item = list_key.split(":", 1)
    now = int(time.time() * 1_000_000)
    filtered = f"{base} AND is_archived = FALSE AND creation_time <= {now}"
    year = (" AND capture_date IS NOT NULL AND (((capture_date / 10000) * 10000 + "
            "((capture_date / 100) % 100) * 100 + (capture_date % 100) * 1 "
            "BETWEEN 20190101 AND 20191231))")
    day = (" AND capture_date IS NOT NULL AND ((TRUE AND (capture_date / 10000) = 2019"
           " AND ((capture_date / 100) % 100) = 6 AND (capture_date % 100) = 15))")
    every_15_june = " AND capture_date IS NOT NULL AND ((capture_date % 10000) = 615)"
    album_sql = (f"SELECT {COLUMNS}, e.position FROM album_entries e JOIN media_items "
                 f"ON media_items.id = e.media_item_id WHERE e.album_id = '{album}' "
                 f"AND e.position > {album_position} ORDER BY e.position LIMIT {PAGE + 1}")
    return [
        ("list, first page", base + order),
        ("list, deep page", f"{base} AND creation_time <= {micros} AND (creation_time < "
                            f"{micros} OR id < '{item}')" + order),
        ("search year 2019, first page", filtered + year + order),
        ("search one day, first page", filtered + day + order),
        ("search every 15 June, first page", filtered + every_15_june + order),
        ("search album, deep page", album_sql),
    ]


def sqlite_alone(path, name, sql, repeats):
    connection = sqlite3.connect(path)
    plan = [row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + sql)]
    samples, began = [], time.perf_counter()
    while len(samples) < repeats and (len(samples) < 5 or time.perf_counter() - began < 10):
        started = time.perf_counter()
        connection.execute(sql).fetchall()
        samples.append((time.perf_counter() - started) * 1000)
    print(f"   {name:<44} n={len(samples):<4} p50 {statistics.median(samples):7.2f} ms  p99 "
          f"{percentile(samples, 99):7.2f} ms   plan: {' | '.join(plan)}")


def postgres_alone(url, name, sql):
    runs = []
    plan = ""
    for _ in range(5):
        out = subprocess.run(["psql", url, "-XAtc", "EXPLAIN (ANALYZE, BUFFERS) " + sql],
                             check=True, capture_output=True, text=True).stdout
        runs.append(float(out.split("Execution Time: ")[1].split(" ms")[0]))
        plan = out
    top = [line.strip() for line in plan.splitlines() if "->" in line or line.startswith(("Limit", "Sort", "Index", "Nested"))]
    print(f"   {name:<44} median execution {statistics.median(runs):7.2f} ms of 5   "
          f"plan: {' | '.join(top[:4])}")


if __name__ == "__main__":
    main()
