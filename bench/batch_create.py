"""Times `mediaItems.batchCreate` of a set of photos against the raw uploads of the same
files, over one keep-alive session. Each run uploads its own copies (made distinct by the
caller), then creates them all in one call. Prints per-run lines and RESULT lines.

Usage: python3 batch_create.py URL TOKEN RUN_DIR [RUN_DIR...]
"""

import os
import statistics
import sys
import time

import requests


def upload(session, url, path):
    with open(path, "rb") as f:
        body = f.read()
    response = session.post(
        f"{url}/v1/uploads",
        data=body,
        headers={
            "Content-Type": "application/octet-stream",
            "X-Goog-Upload-Content-Type": "image/jpeg",
            "X-Goog-Upload-Protocol": "raw",
            "X-Goog-Upload-File-Name": os.path.basename(path),
        },
    )
    response.raise_for_status()
    return response.text


def batch_create(session, url, tokens):
    items = [
        {"description": "", "simpleMediaItem": {"uploadToken": t, "fileName": name}}
        for name, t in tokens
    ]
    response = session.post(
        f"{url}/v1/mediaItems:batchCreate", json={"newMediaItems": items}
    )
    response.raise_for_status()
    results = response.json()["newMediaItemResults"]
    failed = [r for r in results if "mediaItem" not in r]
    if len(results) != len(items) or failed:
        sys.exit(f"batchCreate did not create every item: {failed[:3]}")


def main():
    url, token, run_dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    session.get(f"{url}/healthz").raise_for_status()  # open the connection
    upload_s, create_s = [], []
    for index, run_dir in enumerate(run_dirs, 1):
        paths = sorted(os.path.join(run_dir, n) for n in os.listdir(run_dir))
        for path in paths:  # read from the page cache in both phases
            with open(path, "rb") as f:
                f.read()
        started = time.perf_counter()
        tokens = [(os.path.basename(p), upload(session, url, p)) for p in paths]
        upload_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        batch_create(session, url, tokens)
        create_s.append(time.perf_counter() - started)
        print(
            f"   run {index}: {len(paths)} uploads {upload_s[-1] * 1000:.0f} ms, "
            f"batchCreate {create_s[-1] * 1000:.0f} ms"
        )
    count = len(paths)
    up, cr = statistics.median(upload_s), statistics.median(create_s)
    print(
        f"   median: {count} raw uploads {up * 1000:.0f} ms, "
        f"batchCreate of {count} {cr * 1000:.0f} ms ({cr * 1000 / count:.1f} ms per item)"
    )
    print(f"RESULT batch_create_ms {cr * 1000:.0f}")
    print(f"RESULT batch_create_to_uploads_ratio {cr / up:.2f}  (batchCreate / {count} raw uploads)")


if __name__ == "__main__":
    main()
