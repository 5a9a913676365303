//! Reading the journal a CLI test's processes share, and the sample requests by name.

use mediatask_store::{JobFilter, JobRecord};
use std::time::{Duration, Instant};

/// Every job of the store at `url`, oldest first (by id: ULIDs sort by creation).
pub async fn jobs(url: &str) -> Vec<JobRecord> {
    let store = mediatask_store::open(url).await.unwrap();
    let rows = store.list(&JobFilter::all()).await.unwrap();
    store.close().await;
    let mut rows: Vec<JobRecord> = rows.into_iter().map(Result::unwrap).collect();
    rows.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
    rows
}

/// Wait until `pred` holds for the journal's jobs, or fail after 20 s.
pub async fn until_jobs(
    url: &str,
    what: &str,
    pred: impl Fn(&[JobRecord]) -> bool,
) -> Vec<JobRecord> {
    let start = Instant::now();
    loop {
        let j = jobs(url).await;
        if pred(&j) {
            return j;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}: {j:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The sample request of `provider`/`kind` as JSON text (see [`super::samples`]).
pub fn sample(provider: &str, kind: &str) -> String {
    super::samples()
        .into_iter()
        .find(|(p, k, _)| *p == provider && *k == kind)
        .map(|(_, _, v)| v.to_string())
        .unwrap_or_else(|| panic!("no sample request for {provider}/{kind}"))
}
