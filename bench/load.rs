//! The load generator behind `bench/load.sh`: many connections run a mix of Library API calls
//! (list, search, get, raw upload + `batchCreate`, `=d` downloads whole and by `Range`) for a
//! fixed time against a seeded server, checking every answer; then every item the run knows
//! must read back with its bytes. Prints per-method latency percentiles and throughput.
//!
//! ```text
//! load --url URL --token TOKEN --photos DIR [--connections 64] [--seconds 60]
//! load --url URL --healthz [--connections 64] [--seconds 10]
//! ```
//!
//! The photos must carry no GPS tags (`=d` strips them, so their bytes would differ).
//! Errors are reported without URLs: base URLs are capabilities.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail, ensure};
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

/// What one request does, for the latency table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Call {
    Healthz,
    List,
    Search,
    Get,
    Upload,
    BatchCreate,
    Download,
    DownloadRange,
    /// The final check's batchGet (not part of the timed mix).
    VerifyGet,
}

impl Call {
    fn name(self) -> &'static str {
        match self {
            Self::Healthz => "GET /healthz",
            Self::List => "mediaItems.list",
            Self::Search => "mediaItems.search",
            Self::Get => "mediaItems.get",
            Self::Upload => "uploads (raw)",
            Self::BatchCreate => "mediaItems.batchCreate",
            Self::Download => "=d download",
            Self::DownloadRange => "=d with Range",
            Self::VerifyGet => "mediaItems.batchGet",
        }
    }
}

struct Args {
    url: String,
    token: String,
    photos: Option<PathBuf>,
    connections: usize,
    seconds: u64,
    healthz: bool,
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        url: String::new(),
        token: String::new(),
        photos: None,
        connections: 64,
        seconds: 60,
        healthz: false,
    };
    let mut given = std::env::args().skip(1);
    while let Some(flag) = given.next() {
        if flag == "--healthz" {
            args.healthz = true;
            continue;
        }
        let value = given
            .next()
            .with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--url" => args.url = value.trim_end_matches('/').to_owned(),
            "--token" => args.token = value,
            "--photos" => args.photos = Some(value.into()),
            "--connections" => args.connections = value.parse().context("--connections")?,
            "--seconds" => args.seconds = value.parse().context("--seconds")?,
            other => bail!("unknown argument {other}"),
        }
    }
    ensure!(!args.url.is_empty(), "--url is required");
    ensure!(
        args.healthz || (!args.token.is_empty() && args.photos.is_some()),
        "--token and --photos are required unless --healthz"
    );
    Ok(args)
}

/// An item and what its `=d` download must be.
#[derive(Clone)]
struct Item {
    id: String,
    base_url: String,
    photo: usize,
    len: usize,
    sha256: Vec<u8>,
}

/// What every connection shares.
struct Shared {
    http: Client,
    url: String,
    token: String,
    photos: Vec<Vec<u8>>,
    album_id: String,
    items: RwLock<Vec<Item>>,
    uploads: AtomicU64,
}

/// Latencies per call and the errors of one connection.
#[derive(Default)]
struct Tally {
    latencies: BTreeMap<Call, Vec<Duration>>,
    errors: BTreeMap<Call, Vec<String>>,
}

impl Tally {
    /// Runs one call, recording its latency on success and its error otherwise.
    async fn time<T>(&mut self, call: Call, work: impl Future<Output = Result<T>>) -> Option<T> {
        let started = Instant::now();
        match work.await {
            Ok(value) => {
                let took = started.elapsed();
                self.latencies.entry(call).or_default().push(took);
                Some(value)
            }
            Err(error) => {
                self.errors
                    .entry(call)
                    .or_default()
                    .push(format!("{error:#}"));
                None
            }
        }
    }

    fn merge(&mut self, other: Self) {
        for (call, mut times) in other.latencies {
            self.latencies.entry(call).or_default().append(&mut times);
        }
        for (call, mut errors) in other.errors {
            self.errors.entry(call).or_default().append(&mut errors);
        }
    }

    fn error_count(&self) -> usize {
        self.errors.values().map(Vec::len).sum()
    }
}

/// A response's status must be `expected`; otherwise its status and the start of its body.
async fn expect_status(response: Response, expected: StatusCode) -> Result<Response> {
    if response.status() == expected {
        return Ok(response);
    }
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    let start: String = body.chars().take(300).collect();
    bail!("answered {status} (wanted {expected}): {start}")
}

async fn send(request: reqwest::RequestBuilder) -> Result<Response> {
    request.send().await.map_err(|e| e.without_url().into())
}

impl Shared {
    fn api(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let url = format!("{}{path}", self.url);
        self.http.request(method, url).bearer_auth(&self.token)
    }

    async fn json(&self, request: reqwest::RequestBuilder) -> Result<Value> {
        let response = expect_status(send(request).await?, StatusCode::OK).await?;
        response.json().await.map_err(|e| e.without_url().into())
    }

    fn random_item(&self, rng: &mut StdRng) -> Result<Item> {
        let items = self.items.read().map_err(|_| anyhow::anyhow!("poisoned"))?;
        ensure!(!items.is_empty(), "no items to pick from");
        let index = rng.random_range(0..items.len());
        items.get(index).cloned().context("picked an item")
    }

    async fn list(&self, rng: &mut StdRng) -> Result<()> {
        let size = match rng.random_range(0..3) {
            0 => 25,
            1 => 50,
            _ => 100,
        };
        let page = self
            .json(self.api(
                reqwest::Method::GET,
                &format!("/v1/mediaItems?pageSize={size}"),
            ))
            .await?;
        let listed = page
            .pointer("/mediaItems")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        ensure!(listed > 0, "an empty first page");
        Ok(())
    }

    async fn search(&self, rng: &mut StdRng) -> Result<()> {
        let body = match rng.random_range(0..3) {
            0 => json!({"albumId": self.album_id, "pageSize": 50}),
            1 => json!({"pageSize": 50, "filters": {"mediaTypeFilter": {"mediaTypes": ["PHOTO"]}}}),
            _ => json!({"pageSize": 50, "filters": {"dateFilter": {"ranges": [{
                "startDate": {"year": 2000, "month": 1, "day": 1},
                "endDate": {"year": 2099, "month": 12, "day": 31}
            }]}}}),
        };
        let request = self.api(reqwest::Method::POST, "/v1/mediaItems:search");
        let page = self.json(request.json(&body)).await?;
        ensure!(page.is_object(), "not a page: {page}");
        Ok(())
    }

    async fn get(&self, item: &Item) -> Result<()> {
        let path = format!("/v1/mediaItems/{}", item.id);
        let got = self.json(self.api(reqwest::Method::GET, &path)).await?;
        ensure!(
            got.pointer("/id") == Some(&json!(item.id)),
            "another item came back"
        );
        Ok(())
    }

    async fn upload(&self, bytes: Vec<u8>) -> Result<String> {
        let request = self
            .api(reqwest::Method::POST, "/v1/uploads")
            .header("content-type", "application/octet-stream")
            .header("x-goog-upload-content-type", "image/jpeg")
            .header("x-goog-upload-protocol", "raw")
            .header("x-goog-upload-file-name", "load.jpg")
            .body(bytes);
        let response = expect_status(send(request).await?, StatusCode::OK).await?;
        let token = response.text().await.map_err(|e| e.without_url())?;
        ensure!(!token.is_empty(), "an empty upload token");
        Ok(token)
    }

    async fn batch_create(&self, upload_token: &str, into_album: bool) -> Result<(String, String)> {
        let items = json!([{"simpleMediaItem": {
            "uploadToken": upload_token, "fileName": "load.jpg"}}]);
        let body = if into_album {
            json!({"albumId": self.album_id, "newMediaItems": items})
        } else {
            json!({"newMediaItems": items})
        };
        let request = self.api(reqwest::Method::POST, "/v1/mediaItems:batchCreate");
        let result = self.json(request.json(&body)).await?;
        let created = result
            .pointer("/newMediaItemResults/0")
            .context("no result")?;
        ensure!(
            created.pointer("/status/message") == Some(&json!("Success")),
            "not created: {:?}",
            created.pointer("/status")
        );
        let id = created
            .pointer("/mediaItem/id")
            .and_then(Value::as_str)
            .context("no id")?;
        let base_url = created
            .pointer("/mediaItem/baseUrl")
            .and_then(Value::as_str)
            .context("no baseUrl")?;
        Ok((id.to_owned(), base_url.to_owned()))
    }

    /// A new distinct file: a photo with a trailer after its end marker (decoders ignore it).
    fn new_file(&self, photo: usize) -> Vec<u8> {
        let n = self.uploads.fetch_add(1, Ordering::Relaxed);
        let mut bytes = self.photos.get(photo).cloned().unwrap_or_default();
        bytes.extend_from_slice(format!("albumen-load {n}").as_bytes());
        bytes
    }

    async fn download(&self, item: &Item) -> Result<()> {
        let request = self.http.get(format!("{}=d", item.base_url));
        let response = expect_status(send(request).await?, StatusCode::OK).await?;
        let bytes = response.bytes().await.map_err(|e| e.without_url())?;
        ensure!(
            bytes.len() == item.len,
            "{} bytes, not {}",
            bytes.len(),
            item.len
        );
        ensure!(
            Sha256::digest(&bytes).to_vec() == item.sha256,
            "other bytes than uploaded for {}",
            item.id
        );
        Ok(())
    }

    async fn download_range(&self, item: &Item, rng: &mut StdRng) -> Result<()> {
        let photo = self.photos.get(item.photo).context("photo")?;
        let start = rng.random_range(0..photo.len());
        let end = rng.random_range(start..photo.len().min(start + 256 * 1024));
        let request = self
            .http
            .get(format!("{}=d", item.base_url))
            .header("range", format!("bytes={start}-{end}"));
        let response = expect_status(send(request).await?, StatusCode::PARTIAL_CONTENT).await?;
        let bytes = response.bytes().await.map_err(|e| e.without_url())?;
        ensure!(
            photo.get(start..=end) == Some(bytes.as_ref()),
            "range {start}-{end} of {} is wrong",
            item.id
        );
        Ok(())
    }

    /// Uploads a new file and creates its item; remembers it for the rest of the run.
    async fn create(&self, tally: &mut Tally, rng: &mut StdRng) -> Option<Item> {
        let photo = rng.random_range(0..self.photos.len());
        self.create_from(photo, tally, rng).await
    }

    async fn create_from(&self, photo: usize, tally: &mut Tally, rng: &mut StdRng) -> Option<Item> {
        let bytes = self.new_file(photo);
        let (len, sha256) = (bytes.len(), Sha256::digest(&bytes).to_vec());
        let upload_token = tally.time(Call::Upload, self.upload(bytes)).await?;
        let into_album = rng.random_range(0..4) == 0;
        let created = self.batch_create(&upload_token, into_album);
        let (id, base_url) = tally.time(Call::BatchCreate, created).await?;
        let item = Item {
            id,
            base_url,
            photo,
            len,
            sha256,
        };
        if let Ok(mut items) = self.items.write() {
            items.push(item.clone());
        }
        Some(item)
    }
}

/// One connection's loop until `until`: the mix, weighted as an app that mostly reads.
async fn connection(shared: Arc<Shared>, seed: u64, until: Instant) -> Tally {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut tally = Tally::default();
    while Instant::now() < until {
        let roll = rng.random_range(0..100);
        if roll < 10 {
            shared.create(&mut tally, &mut rng).await;
            continue;
        }
        if roll < 35 {
            tally.time(Call::List, shared.list(&mut rng)).await;
            continue;
        }
        if roll < 55 {
            tally.time(Call::Search, shared.search(&mut rng)).await;
            continue;
        }
        let Ok(item) = shared.random_item(&mut rng) else {
            continue;
        };
        if roll < 75 {
            tally.time(Call::Get, shared.get(&item)).await;
        } else if roll < 90 {
            tally.time(Call::Download, shared.download(&item)).await;
        } else {
            let ranged = shared.download_range(&item, &mut rng);
            tally.time(Call::DownloadRange, ranged).await;
        }
    }
    tally
}

/// `GET /healthz` in a loop: the baseline.
async fn healthz(http: Client, url: String, until: Instant) -> Tally {
    let mut tally = Tally::default();
    while Instant::now() < until {
        let call = async {
            let response = send(http.get(format!("{url}/healthz"))).await?;
            expect_status(response, StatusCode::OK)
                .await?
                .bytes()
                .await?;
            Ok(())
        };
        tally.time(Call::Healthz, call).await;
    }
    tally
}

fn read_photos(dir: &PathBuf) -> Result<Vec<Vec<u8>>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    let photos: Vec<Vec<u8>> = paths.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    ensure!(!photos.is_empty(), "no photos in {}", dir.display());
    Ok(photos)
}

/// An album holding one item of every photo, each checked byte for byte. A photo whose `=d`
/// differs (location tags stripped) leaves the pool, as its downloads cannot be compared.
async fn seed(shared: &mut Shared) -> Result<()> {
    let request = shared.api(reqwest::Method::POST, "/v1/albums");
    let album = shared
        .json(request.json(&json!({"album": {"title": "Load test"}})))
        .await?;
    shared.album_id = album
        .pointer("/id")
        .and_then(Value::as_str)
        .context("album id")?
        .to_owned();
    let mut tally = Tally::default();
    let mut rng = StdRng::seed_from_u64(0);
    let mut kept = Vec::new();
    for photo in 0..shared.photos.len() {
        let item = shared.create_from(photo, &mut tally, &mut rng).await;
        let item = item.context("seeding failed")?;
        if shared.download(&item).await.is_ok() {
            kept.push(photo);
        }
    }
    ensure!(!kept.is_empty(), "no photo downloads unchanged");
    let photos = std::mem::take(&mut shared.photos);
    let items = std::mem::take(
        shared
            .items
            .get_mut()
            .map_err(|_| anyhow::anyhow!("poisoned"))?,
    );
    for (new_index, old_index) in kept.iter().enumerate() {
        shared
            .photos
            .push(photos.get(*old_index).cloned().unwrap_or_default());
        let item = items
            .iter()
            .find(|i| i.photo == *old_index)
            .context("seed item")?;
        let item = Item {
            photo: new_index,
            ..item.clone()
        };
        shared
            .items
            .get_mut()
            .map_err(|_| anyhow::anyhow!("poisoned"))?
            .push(item);
    }
    ensure!(
        tally.error_count() == 0,
        "seeding failed: {:?}",
        tally.errors
    );
    Ok(())
}

/// Every item the run created (and the seed) is in the library and serves its bytes.
async fn verify(shared: &Shared, tally: &mut Tally) -> Result<usize> {
    let items = shared
        .items
        .read()
        .map_err(|_| anyhow::anyhow!("poisoned"))?
        .clone();
    for chunk in items.chunks(50) {
        let query: Vec<String> = chunk
            .iter()
            .map(|i| format!("mediaItemIds={}", i.id))
            .collect();
        let path = format!("/v1/mediaItems:batchGet?{}", query.join("&"));
        let got = tally
            .time(
                Call::VerifyGet,
                shared.json(shared.api(reqwest::Method::GET, &path)),
            )
            .await
            .context("batchGet failed")?;
        let results = got
            .pointer("/mediaItemResults")
            .and_then(Value::as_array)
            .context("no results")?;
        ensure!(results.len() == chunk.len(), "batchGet lost results");
        let mut downloads = Vec::new();
        for (result, item) in results.iter().zip(chunk) {
            ensure!(
                result.pointer("/mediaItem/id") == Some(&json!(item.id)),
                "lost {}",
                item.id
            );
            let base_url = result
                .pointer("/mediaItem/baseUrl")
                .and_then(Value::as_str)
                .context("baseUrl")?;
            let fresh = Item {
                base_url: base_url.to_owned(),
                ..item.clone()
            };
            downloads.push(async move { shared.download(&fresh).await });
        }
        futures::future::try_join_all(downloads).await?;
    }
    Ok(items.len())
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len().max(1));
    sorted
        .get(rank - 1)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

fn report(tally: &mut Tally, seconds: f64) {
    println!(
        "{:<24} {:>8} {:>7} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "call", "count", "errors", "per s", "p50 ms", "p90 ms", "p99 ms", "max ms"
    );
    let calls: Vec<Call> = tally
        .latencies
        .keys()
        .chain(tally.errors.keys())
        .copied()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut total = 0;
    for call in calls {
        let times = tally.latencies.entry(call).or_default();
        times.sort();
        let errors = tally.errors.get(&call).map_or(0, Vec::len);
        if call != Call::VerifyGet {
            total += times.len();
        }
        println!(
            "{:<24} {:>8} {:>7} {:>8.1} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
            call.name(),
            times.len(),
            errors,
            times.len() as f64 / seconds,
            percentile(times, 0.50),
            percentile(times, 0.90),
            percentile(times, 0.99),
            percentile(times, 1.0),
        );
    }
    println!(
        "RESULT requests {total} in {seconds:.1} s: {:.1} per s",
        total as f64 / seconds
    );
    println!("RESULT errors {}", tally.error_count());
    for (call, errors) in &tally.errors {
        for error in errors.iter().take(5) {
            println!("  error in {}: {error}", call.name());
        }
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = parse_args()?;
    let http = Client::builder()
        .pool_max_idle_per_host(args.connections)
        .timeout(Duration::from_secs(60))
        .build()?;
    let duration = Duration::from_secs(args.seconds);
    let mut tally = Tally::default();
    if args.healthz {
        let until = Instant::now() + duration;
        let started = Instant::now();
        let handles: Vec<_> = (0..args.connections)
            .map(|_| tokio::spawn(healthz(http.clone(), args.url.clone(), until)))
            .collect();
        for handle in handles {
            tally.merge(handle.await?);
        }
        report(&mut tally, started.elapsed().as_secs_f64());
        ensure!(tally.error_count() == 0, "errors");
        return Ok(());
    }
    let photos = read_photos(args.photos.as_ref().context("--photos")?)?;
    let mut shared = Shared {
        http,
        url: args.url.clone(),
        token: args.token.clone(),
        photos,
        album_id: String::new(),
        items: RwLock::new(Vec::new()),
        uploads: AtomicU64::new(0),
    };
    seed(&mut shared).await?;
    let seeded = shared.items.read().map(|i| i.len()).unwrap_or_default();
    println!(
        "seeded {seeded} items; {} connections for {} s",
        args.connections, args.seconds
    );
    let shared = Arc::new(shared);
    let started = Instant::now();
    let until = started + duration;
    let handles: Vec<_> = (0..args.connections)
        .map(|c| tokio::spawn(connection(shared.clone(), c as u64 + 1, until)))
        .collect();
    for handle in handles {
        tally.merge(handle.await?);
    }
    let seconds = started.elapsed().as_secs_f64();
    let checked = Instant::now();
    let verified = verify(&shared, &mut tally).await;
    report(&mut tally, seconds);
    let verified = verified?;
    println!(
        "RESULT verified {verified} items ({} created in the run): none lost, every one serves \
         its bytes ({:.1} s)",
        verified - seeded,
        checked.elapsed().as_secs_f64()
    );
    ensure!(tally.error_count() == 0, "{} errors", tally.error_count());
    Ok(())
}
