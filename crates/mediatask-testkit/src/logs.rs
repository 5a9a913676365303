//! Capture `tracing` output (at TRACE level) into a buffer, to assert what logs contain.

use std::io::Write;
use std::sync::{Arc, Mutex};

/// A shared, growable log buffer.
#[derive(Clone, Default, Debug)]
pub struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl LogBuffer {
    /// Everything logged so far.
    pub fn contents(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("log lock")).into_owned()
    }
}

impl Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Install a TRACE-level subscriber for the current thread; logs go to the returned buffer
/// until the guard drops. Use with `#[tokio::test(flavor = "current_thread")]`.
///
/// **Put log-capture tests in a test binary of their own** (`tests/<name>_logs.rs`): `tracing`
/// caches per process whether a call site is enabled, so a call site first hit by another test
/// thread without a subscriber may stay disabled for the capturing thread, and the test would
/// pass vacuously or flake. One capturing test per binary avoids that.
///
/// ```
/// let (buf, _guard) = mediatask_testkit::logs::capture();
/// tracing::info!(token = "***", "hello");
/// assert!(buf.contents().contains("hello"));
/// ```
pub fn capture() -> (LogBuffer, tracing::subscriber::DefaultGuard) {
    let buf = LogBuffer::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    (buf, guard)
}
