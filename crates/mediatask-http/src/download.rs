//! Result downloads: plain GETs of artifact URLs, with no credentials, a size cap and a clear
//! error when a URL has expired.

use mediatask_core::{Error, ErrorKind, Operation, Result};
use std::path::Path;
use tokio::io::AsyncWriteExt;

/// Download `url` to `dest` (created or truncated) without any credentials. Returns the bytes
/// written. A 403/404/410 answer is reported as an expired or missing result URL.
pub async fn download(url: &str, dest: &Path, max_bytes: u64) -> Result<u64> {
    let shown = crate::redact::redact_url(url);
    let client = reqwest::Client::builder().build().map_err(|e| {
        Error::new(ErrorKind::Config, "cannot build download client").with_source(e)
    })?;
    let mut resp = client.get(url).send().await.map_err(|e| {
        Error::new(ErrorKind::Transport, format!("download of {shown} failed"))
            .with_operation(Operation::Result)
            .with_source(e.without_url())
    })?;
    let status = resp.status().as_u16();
    if matches!(status, 403 | 404 | 410) {
        return Err(Error::new(
            ErrorKind::NotFound,
            format!("result URL {shown} answered HTTP {status}: it has expired or was removed; poll the task again for a fresh URL if the vendor offers one"),
        )
        .with_http_status(status)
        .with_operation(Operation::Result));
    }
    if !(200..300).contains(&status) {
        return Err(crate::protocol::classify_http_status(
            status,
            &format!("download of {shown} failed"),
        )
        .with_operation(Operation::Result));
    }
    let mut file = tokio::fs::File::create(dest).await.map_err(|e| {
        Error::new(
            ErrorKind::Config,
            format!("cannot create {}", dest.display()),
        )
        .with_source(e)
    })?;
    let mut written = 0u64;
    while let Some(chunk) = resp.chunk().await.map_err(|e| {
        Error::new(ErrorKind::Transport, format!("download of {shown} broke"))
            .with_source(e.without_url())
    })? {
        written += chunk.len() as u64;
        if written > max_bytes {
            return Err(Error::new(
                ErrorKind::Decode,
                format!("download of {shown} exceeds {max_bytes} bytes"),
            ));
        }
        file.write_all(&chunk).await.map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("cannot write {}", dest.display()),
            )
            .with_source(e)
        })?;
    }
    file.flush()
        .await
        .map_err(|e| Error::new(ErrorKind::Config, "flush failed").with_source(e))?;
    Ok(written)
}
