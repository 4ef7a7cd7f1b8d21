//! Runs targets: the replay of a corpus (plus a fixed number of mutants per file) that
//! `cargo test` does, and the long run that keeps every mutant reaching a new outcome.
//!
//! With no coverage instrumentation on stable, "new" means a new outcome signature: each
//! target summarises what its parser did (which error, which facts) in a short string, and
//! an input producing an unseen summary joins the pool to be mutated further. Everything
//! is seeded, so a run repeats exactly with the same `seed` (which is how to reproduce a crash
//! that takes the process down, such as a stack overflow).

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use crate::mutate::mutate;

/// What a target's parser did with one input: `Ok` with an outcome signature, or `Err`
/// with the invariant it broke.
pub type Outcome = Result<String, String>;

/// One parser under fuzzing.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The corpus directory name, e.g. `field_mask`.
    pub name: &'static str,
    /// What the target reaches, for docs/FUZZING.md and reports.
    pub covers: &'static str,
    /// Feeds one input to the parser.
    pub run: fn(&[u8]) -> Outcome,
    /// Tokens of the input language, inserted by the mutator.
    pub dictionary: &'static [&'static [u8]],
    /// The longest input worth trying (parsers refuse longer ones before parsing).
    pub max_len: usize,
}

/// Something a run found.
#[derive(Debug, Clone)]
pub struct Finding {
    pub input: Vec<u8>,
    pub what: String,
}

/// The result of a replay or a long run of one target.
#[derive(Debug, Default)]
pub struct Report {
    pub executions: u64,
    pub outcomes: BTreeSet<String>,
    /// Panics, broken invariants and inputs slower than the run's time bound.
    pub findings: Vec<Finding>,
    /// The slowest input: its duration and length.
    pub slowest: (Duration, usize),
    /// Mutants that reached a new outcome (candidates for the corpus).
    pub novel: Vec<Vec<u8>>,
}

impl Report {
    fn record(
        &mut self,
        input: &[u8],
        elapsed: Duration,
        outcome: Outcome,
        slow: Duration,
    ) -> bool {
        self.executions += 1;
        if elapsed > self.slowest.0 {
            self.slowest = (elapsed, input.len());
        }
        if elapsed > slow {
            self.findings.push(Finding {
                input: input.to_vec(),
                what: format!("took {elapsed:?} (bound {slow:?})"),
            });
        }
        match outcome {
            Ok(signature) => self.outcomes.insert(signature),
            Err(broken) => {
                self.findings.push(Finding {
                    input: input.to_vec(),
                    what: broken,
                });
                false
            }
        }
    }
}

/// Runs `target` on `input`, turning a panic into a broken invariant.
pub fn run_once(target: &Target, input: &[u8]) -> (Outcome, Duration) {
    let started = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(|| (target.run)(input)))
        .unwrap_or_else(|payload| Err(format!("panicked: {}", panic_message(payload.as_ref()))));
    (outcome, started.elapsed())
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-text panic".to_owned())
}

/// Every seed, then `mutants_per_seed` mutants of each (seeded by `seed`); an input slower
/// than `slow` is a finding.
pub fn replay(
    target: &Target,
    seeds: &[Vec<u8>],
    mutants_per_seed: usize,
    seed: u64,
    slow: Duration,
) -> Report {
    let mut report = Report::default();
    let mut rng = StdRng::seed_from_u64(seed);
    for input in seeds {
        let (outcome, elapsed) = run_once(target, input);
        report.record(input, elapsed, outcome, slow);
    }
    for parent in seeds {
        for _ in 0..mutants_per_seed {
            let input = mutate(&mut rng, parent, seeds, target.dictionary, target.max_len);
            let (outcome, elapsed) = run_once(target, &input);
            report.record(&input, elapsed, outcome, slow);
        }
    }
    report
}

/// The pool a long run mutates at most keeps this many inputs.
const MAX_POOL: usize = 20_000;

/// Mutates from `seeds` for `duration`, keeping mutants that reach new outcomes.
pub fn fuzz(
    target: &Target,
    seeds: &[Vec<u8>],
    duration: Duration,
    seed: u64,
    slow: Duration,
) -> Report {
    let mut report = Report::default();
    let mut pool: Vec<Vec<u8>> = seeds.to_vec();
    if pool.is_empty() {
        pool.push(Vec::new());
    }
    for input in seeds {
        let (outcome, elapsed) = run_once(target, input);
        report.record(input, elapsed, outcome, slow);
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let started = Instant::now();
    while started.elapsed() < duration {
        // Check the clock once per batch: it is cheap, but not free.
        for _ in 0..64 {
            let parent = pool.choose(&mut rng).cloned().unwrap_or_default();
            let input = mutate(&mut rng, &parent, &pool, target.dictionary, target.max_len);
            let (outcome, elapsed) = run_once(target, &input);
            if report.record(&input, elapsed, outcome, slow) && pool.len() < MAX_POOL {
                report.novel.push(input.clone());
                pool.push(input);
            }
        }
    }
    report
}
