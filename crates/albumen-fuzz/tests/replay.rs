//! The corpora as ordinary tests: every committed input of every target, plus a fixed number
//! of mutants of each, must run without a panic, a broken invariant or a slow input. The
//! ignored tests are the long run and the writer of the media seeds (docs/FUZZING.md).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::{Duration, Instant};

use albumen_fuzz::corpus;
use albumen_fuzz::engine::{Finding, Report, Target, fuzz, replay};
use albumen_fuzz::targets::TARGETS;

/// Mutants of each corpus file in a plain `cargo test`.
const REPLAY_MUTANTS: usize = 200;
/// No single input may take longer than this, even unoptimised on a loaded machine (inputs
/// take milliseconds; the whole replay about 2.5 s of CPU in a debug build).
const REPLAY_SLOW: Duration = Duration::from_secs(5);

fn seeds(target: &Target) -> Vec<Vec<u8>> {
    corpus::load(target.name)
        .unwrap_or_else(|err| panic!("corpus/{} cannot be read: {err}", target.name))
        .into_iter()
        .map(|(_, bytes)| bytes)
        .collect()
}

fn describe(findings: &[Finding]) -> String {
    findings
        .iter()
        .take(5)
        .map(|f| {
            let shown = String::from_utf8_lossy(&f.input[..f.input.len().min(120)]).into_owned();
            format!("  {}: input {} bytes {shown:?}", f.what, f.input.len())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_target_has_a_seed_corpus() {
    for target in TARGETS {
        assert!(
            !seeds(target).is_empty(),
            "corpus/{}/ has no seed inputs",
            target.name
        );
    }
}

#[test]
fn every_corpus_file_and_its_mutants_run_clean() {
    let started = Instant::now();
    let mut failures = Vec::new();
    for target in TARGETS {
        let report = replay(target, &seeds(target), REPLAY_MUTANTS, 0x5eed, REPLAY_SLOW);
        if !report.findings.is_empty() {
            failures.push(format!("{}:\n{}", target.name, describe(&report.findings)));
        }
    }
    assert!(failures.is_empty(), "findings:\n{}", failures.join("\n"));
    // Wall time depends on the machine's load, so it is reported rather than asserted.
    println!("replay took {:?}", started.elapsed());
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn print_report(target: &Target, seconds: u64, report: &Report) {
    println!(
        "{:<18} {:>5}s {:>10} execs {:>6} outcomes {:>5} new inputs, slowest {:?} ({} bytes), {} findings",
        target.name,
        seconds,
        report.executions,
        report.outcomes.len(),
        report.novel.len(),
        report.slowest.0,
        report.slowest.1,
        report.findings.len()
    );
}

/// The long run: `FUZZ_SECONDS` per target (default 60), `FUZZ_TARGET` to pick one,
/// `FUZZ_SEED` to repeat a run. Findings are written to `fuzz-findings/<target>/` in this
/// crate, new-outcome inputs to `fuzz-new/<target>/` (to minimise and commit by hand).
#[test]
#[ignore = "long-running: FUZZ_SECONDS=600 cargo test --release --workspace --test replay -- --ignored fuzz_for_a_while"]
fn fuzz_for_a_while() {
    let seconds = env_or("FUZZ_SECONDS", 60u64);
    let seed = env_or("FUZZ_SEED", 1u64);
    let only = std::env::var("FUZZ_TARGET").ok();
    let slow = Duration::from_millis(env_or("FUZZ_SLOW_MS", 1_000u64));
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    println!("FUZZ_SEED={seed}: the same seed repeats this run exactly");
    let mut total_findings = 0;
    for target in TARGETS {
        if only.as_deref().is_some_and(|name| name != target.name) {
            continue;
        }
        let report = fuzz(
            target,
            &seeds(target),
            Duration::from_secs(seconds),
            seed,
            slow,
        );
        print_report(target, seconds, &report);
        for (dir, inputs) in [
            (
                "fuzz-findings",
                report.findings.iter().map(|f| &f.input).collect::<Vec<_>>(),
            ),
            ("fuzz-new", report.novel.iter().collect()),
        ] {
            let dir = base.join(dir).join(target.name);
            std::fs::create_dir_all(&dir).unwrap();
            for input in inputs {
                std::fs::write(dir.join(corpus::file_name_for(input)), input).unwrap();
            }
        }
        if !report.findings.is_empty() {
            println!("{}", describe(&report.findings));
        }
        total_findings += report.findings.len();
    }
    assert_eq!(total_findings, 0, "see fuzz-findings/");
}

/// Rewrites the signed base-URL token seeds (the media seeds come from albumen-media's
/// tests: docs/FUZZING.md): `cargo test --workspace --test replay -- --ignored write_token_seeds`.
#[test]
#[ignore = "rewrites committed corpus files"]
fn write_token_seeds() {
    use albumen_fuzz::targets::{FUZZ_NOW, SEED_SIGNING_KEY};
    use albumen_library::base_url::signing::{BaseUrlSigner, library_claims, picker_claims};

    let signer = BaseUrlSigner::new(SEED_SIGNING_KEY);
    let library = signer.sign(&library_claims("item-1", "user-1", FUZZ_NOW));
    let picker = signer.sign(&picker_claims("item-2", "user-2", FUZZ_NOW));
    let dir = corpus::dir("base_url_token");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, tail) in [
        ("signed-bare", library.clone()),
        ("signed-with-options", format!("{library}=w512-h384-c")),
        ("signed-download", format!("{library}=d")),
        ("signed-picker-video", format!("{picker}=dv")),
    ] {
        std::fs::write(dir.join(name), tail).unwrap();
    }
}
