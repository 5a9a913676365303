//! The result file server (a stand-in for the vendors' CDNs): small real files generated on the
//! fly — a WAV tone, an SRT, a 1×1 PNG, a tiny MP4 blob — behind signed URLs that expire like
//! the vendors' temporary storage URLs. Expired or tampered URLs get an OSS-style 403.

use crate::faults::{Fault, FaultTarget};
use crate::state::VendorCtx;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// Builds and checks result URLs.
#[derive(Debug)]
pub(crate) struct FileServer {
    key: [u8; 32],
    base: OnceLock<String>,
}

impl FileServer {
    pub(crate) fn new() -> Self {
        let mut key = [0u8; 32];
        for b in &mut key {
            *b = fastrand::u8(..);
        }
        FileServer {
            key,
            base: OnceLock::new(),
        }
    }

    pub(crate) fn set_base(&self, base: String) {
        let _ = self.base.set(base);
    }

    pub(crate) fn base(&self) -> &str {
        self.base.get().map_or("http://127.0.0.1", String::as_str)
    }

    fn sign(&self, vendor: &str, task: &str, file: &str, expires: i64) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("any key length");
        mac.update(format!("{vendor}/{task}/{file}:{expires}").as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// The signed URL of one result file.
    pub(crate) fn url(
        &self,
        vendor: &str,
        task: &str,
        file: &str,
        expires: DateTime<Utc>,
    ) -> String {
        let exp = expires.timestamp();
        let sig = self.sign(vendor, task, file, exp);
        format!(
            "{}/files/{vendor}/{task}/{file}?Expires={exp}&Signature={sig}",
            self.base()
        )
    }
}

/// State of the file router.
#[derive(Debug, Clone)]
pub(crate) struct FileState {
    pub(crate) server: Arc<FileServer>,
    pub(crate) vendors: Arc<HashMap<&'static str, Arc<VendorCtx>>>,
}

fn oss_error(code: &str, message: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>\n"
    );
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "application/xml")],
        body,
    )
        .into_response()
}

/// `GET /files/{vendor}/{task}/{file}?Expires=&Signature=`
pub(crate) async fn serve_file(
    State(state): State<FileState>,
    Path((vendor, task, file)): Path<(String, String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(ctx) = state.vendors.get(vendor.as_str()).cloned() else {
        return (StatusCode::NOT_FOUND, "no such bucket").into_response();
    };
    let fired = ctx.fire(FaultTarget::Download);
    for f in &fired {
        match f {
            Fault::ServerError { status } => {
                return StatusCode::from_u16(*status)
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
                    .into_response();
            }
            Fault::Slow { delay_ms } => {
                tokio::time::sleep(std::time::Duration::from_millis(*delay_ms)).await;
            }
            Fault::DropAfterAccept => return crate::wire::dropped_connection(),
            _ => {}
        }
    }
    let expires: i64 = query
        .get("Expires")
        .and_then(|e| e.parse().ok())
        .unwrap_or(0);
    let sig = query.get("Signature").map(String::as_str).unwrap_or("");
    let expected = state.server.sign(&vendor, &task, &file, expires);
    if !constant_eq(sig.as_bytes(), expected.as_bytes()) {
        ctx.count_download(true);
        return oss_error(
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        );
    }
    if expires <= Utc::now().timestamp() {
        ctx.count_download(true);
        return oss_error("AccessDenied", "Request has expired.");
    }
    ctx.count_download(false);
    let ext = file.rsplit('.').next().unwrap_or("");
    let (mime, bytes): (&str, Vec<u8>) = match ext {
        "wav" | "mp3" | "m4a" => ("audio/wav", wav_tone(1.0, 440.0)),
        "srt" => ("application/x-subrip", SRT.as_bytes().to_vec()),
        "png" | "jpg" => ("image/png", PNG_1X1.to_vec()),
        "mp4" | "webm" => ("video/mp4", tiny_mp4()),
        "zip" | "pkg" => ("application/zip", EMPTY_ZIP.to_vec()),
        _ => (
            "application/octet-stream",
            b"mediatask emulator file\n".to_vec(),
        ),
    };
    ([(header::CONTENT_TYPE, mime)], bytes).into_response()
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// A 16-bit mono 8 kHz WAV sine tone.
///
/// ```
/// let wav = mediatask_emulator::wav_tone(0.5, 440.0);
/// assert_eq!(&wav[..4], b"RIFF");
/// assert_eq!(wav.len(), 44 + 8000);
/// ```
pub fn wav_tone(seconds: f64, hz: f64) -> Vec<u8> {
    const RATE: u32 = 8000;
    let samples = (seconds * RATE as f64) as u32;
    let data_len = samples * 2;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for i in 0..samples {
        let t = i as f64 / RATE as f64;
        let v = (t * hz * std::f64::consts::TAU).sin() * 0.3 * i16::MAX as f64;
        out.extend_from_slice(&(v as i16).to_le_bytes());
    }
    out
}

/// The SRT served for subtitle results.
pub const SRT: &str = "1\n00:00:00,000 --> 00:00:01,500\nHello from the mediatask emulator.\n\n2\n00:00:01,500 --> 00:00:03,000\nThis subtitle was generated locally.\n";

/// A valid 1×1 transparent PNG.
pub const PNG_1X1: [u8; 67] = [
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

const EMPTY_ZIP: [u8; 22] = [
    0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

/// A tiny MP4 byte blob: an `ftyp` box and a `free` box (not playable; enough to be typed).
pub fn tiny_mp4() -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&24u32.to_be_bytes());
    out.extend_from_slice(b"ftypisom");
    out.extend_from_slice(&0x200u32.to_be_bytes());
    out.extend_from_slice(b"isommp41");
    let note = b"mediatask emulator";
    out.extend_from_slice(&(8 + note.len() as u32).to_be_bytes());
    out.extend_from_slice(b"free");
    out.extend_from_slice(note);
    out
}
