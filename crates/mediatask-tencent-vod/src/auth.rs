//! TC3-HMAC-SHA256 request signing (Tencent Cloud API 3.0), sans-IO: a pure function from
//! credentials, host, action, version, timestamp and the **exact body bytes** to every header the
//! request needs. Time is passed in; nothing here reads a clock or does I/O.
//!
//! Every stage is public so tests can pin Tencent's published worked example stage by stage
//! (<https://www.tencentcloud.com/document/product/266/34114>):
//!
//! 1. [`hashed_payload`] — lowercase hex SHA-256 of the body;
//! 2. [`canonical_request`] — `POST\n/\n\ncontent-type:…\nhost:…\n\n<signed headers>\n<hash>`;
//! 3. [`string_to_sign`] — algorithm, timestamp, credential scope with the **UTC** date, and the
//!    hash of the canonical request;
//! 4. [`derive_keys`] — `SecretDate`, `SecretService`, `SecretSigning`;
//! 5. [`signature`] and [`authorization`].
//!
//! ```
//! use mediatask_tencent_vod::auth::{sign, SignInput};
//! let input = SignInput::new("AKIDEXAMPLE", "secret", "vod.intl.tencentcloudapi.com", "DescribeTaskDetail", 1_551_113_065)
//!     .with_body(br#"{"TaskId":"t1"}"#);
//! let signed = sign(&input);
//! assert_eq!(signed.credential_date, "2019-02-25");
//! assert!(signed.authorization.starts_with("TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2019-02-25/vod/tc3_request, "));
//! ```

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::fmt;
use std::fmt::Write as _;

/// The signature algorithm name.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// The terminator of the credential scope.
pub const SCOPE_TERMINATOR: &str = "tc3_request";
/// The content type this crate sends (and signs).
pub const JSON_CONTENT_TYPE: &str = "application/json";

type HmacSha256 = Hmac<Sha256>;

/// Which headers are declared in `SignedHeaders`.
///
/// Tencent's English doc and every official SDK sign `content-type;host`; the current Chinese doc
/// revision also signs `x-tc-action`. The server accepts whatever list is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignedHeaderSet {
    /// `content-type;host` (default; the official SDKs' choice).
    #[default]
    ContentTypeHost,
    /// `content-type;host;x-tc-action` (the current Chinese doc revision).
    ContentTypeHostAction,
}

impl SignedHeaderSet {
    /// The `SignedHeaders` value.
    pub fn as_str(self) -> &'static str {
        match self {
            SignedHeaderSet::ContentTypeHost => "content-type;host",
            SignedHeaderSet::ContentTypeHostAction => "content-type;host;x-tc-action",
        }
    }
}

/// Everything the signer needs. Build with [`SignInput::new`] and the `with_*` methods.
#[derive(Clone)]
pub struct SignInput<'a> {
    /// SecretId.
    pub secret_id: &'a str,
    /// SecretKey (never printed).
    pub secret_key: &'a str,
    /// Temporary-credential token, sent as `X-TC-Token` (never printed).
    pub token: Option<&'a str>,
    /// Service in the credential scope (`vod`).
    pub service: &'a str,
    /// `Host` header value: `host[:port]` of the configured base URL.
    pub host: &'a str,
    /// `X-TC-Action`.
    pub action: &'a str,
    /// `X-TC-Version`.
    pub version: &'a str,
    /// `X-TC-Timestamp` (Unix seconds).
    pub timestamp: i64,
    /// `X-TC-Region`, when the API wants one.
    pub region: Option<&'a str>,
    /// `X-TC-Language` (`zh-CN` / `en-US`), optional.
    pub language: Option<&'a str>,
    /// `Content-Type`, byte-identical to the header sent.
    pub content_type: &'a str,
    /// The exact body bytes sent.
    pub body: &'a [u8],
    /// Which headers are signed.
    pub signed_headers: SignedHeaderSet,
}

impl fmt::Debug for SignInput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignInput")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"***")
            .field("token", &self.token.map(|_| "***"))
            .field("service", &self.service)
            .field("host", &self.host)
            .field("action", &self.action)
            .field("version", &self.version)
            .field("timestamp", &self.timestamp)
            .field("region", &self.region)
            .field("content_type", &self.content_type)
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

impl<'a> SignInput<'a> {
    /// A VOD (`service = "vod"`, version `2018-07-17`) JSON request with an empty body.
    pub fn new(
        secret_id: &'a str,
        secret_key: &'a str,
        host: &'a str,
        action: &'a str,
        timestamp: i64,
    ) -> Self {
        SignInput {
            secret_id,
            secret_key,
            token: None,
            service: crate::generated::tables::SERVICE,
            host,
            action,
            version: crate::generated::tables::API_VERSION,
            timestamp,
            region: None,
            language: None,
            content_type: JSON_CONTENT_TYPE,
            body: b"",
            signed_headers: SignedHeaderSet::default(),
        }
    }
    /// Set the exact body bytes.
    pub fn with_body(mut self, body: &'a [u8]) -> Self {
        self.body = body;
        self
    }
    /// Set the service of the credential scope.
    pub fn with_service(mut self, service: &'a str) -> Self {
        self.service = service;
        self
    }
    /// Set the API version.
    pub fn with_version(mut self, version: &'a str) -> Self {
        self.version = version;
        self
    }
    /// Set the content type.
    pub fn with_content_type(mut self, content_type: &'a str) -> Self {
        self.content_type = content_type;
        self
    }
    /// Set the region (`X-TC-Region`).
    pub fn with_region(mut self, region: Option<&'a str>) -> Self {
        self.region = region;
        self
    }
    /// Set the temporary-credential token (`X-TC-Token`).
    pub fn with_token(mut self, token: Option<&'a str>) -> Self {
        self.token = token;
        self
    }
    /// Set the language (`X-TC-Language`).
    pub fn with_language(mut self, language: Option<&'a str>) -> Self {
        self.language = language;
        self
    }
    /// Choose the signed header list.
    pub fn with_signed_headers(mut self, set: SignedHeaderSet) -> Self {
        self.signed_headers = set;
        self
    }
}

/// The three derived keys (raw bytes). Debug prints `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct DerivedKeys {
    /// `HMAC("TC3" + SecretKey, Date)`.
    pub secret_date: [u8; 32],
    /// `HMAC(SecretDate, service)`.
    pub secret_service: [u8; 32],
    /// `HMAC(SecretService, "tc3_request")`: the signing key.
    pub secret_signing: [u8; 32],
}

impl fmt::Debug for DerivedKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DerivedKeys(***)")
    }
}

/// Every stage of one signature plus the headers to send. Debug redacts the signature, the
/// `Authorization` and `X-TC-Token` values.
#[derive(Clone)]
pub struct Signed {
    /// Lowercase hex SHA-256 of the body.
    pub hashed_payload: String,
    /// The canonical request.
    pub canonical_request: String,
    /// Lowercase hex SHA-256 of the canonical request.
    pub hashed_canonical_request: String,
    /// `YYYY-MM-DD`, the UTC date of the timestamp.
    pub credential_date: String,
    /// `<date>/<service>/tc3_request`.
    pub credential_scope: String,
    /// The string to sign.
    pub string_to_sign: String,
    /// Derived keys.
    pub keys: DerivedKeys,
    /// Lowercase hex signature.
    pub signature: String,
    /// The `Authorization` header value.
    pub authorization: String,
    /// Every header to send, in a stable order (Authorization, Content-Type, Host, X-TC-*).
    pub headers: Vec<(&'static str, String)>,
}

impl fmt::Debug for Signed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                if k.eq_ignore_ascii_case("authorization") || k.eq_ignore_ascii_case("x-tc-token") {
                    (*k, "***")
                } else {
                    (*k, v.as_str())
                }
            })
            .collect();
        f.debug_struct("Signed")
            .field("hashed_payload", &self.hashed_payload)
            .field("credential_scope", &self.credential_scope)
            .field("signature", &"***")
            .field("headers", &headers)
            .finish()
    }
}

/// Lowercase hex SHA-256 of `body`.
///
/// ```
/// assert_eq!(
///     mediatask_tencent_vod::auth::hashed_payload(b""),
///     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/// );
/// ```
pub fn hashed_payload(body: &[u8]) -> String {
    hex_lower(&Sha256::digest(body))
}

/// Lowercase hex of a byte string (table-driven: this runs three times per signature).
fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 0x0f) as usize] as char);
    }
    out
}

/// The UTC date (`YYYY-MM-DD`) of a Unix timestamp — never the local date.
///
/// ```
/// // 1551113065 is 2019-02-26 in UTC+8 but 2019-02-25 in UTC.
/// assert_eq!(mediatask_tencent_vod::auth::credential_date(1_551_113_065), "2019-02-25");
/// ```
pub fn credential_date(timestamp: i64) -> String {
    let (year, month, day) = civil_from_days(timestamp.div_euclid(86_400));
    let mut s = String::with_capacity(10);
    if (0..=9999).contains(&year) {
        push_digits(&mut s, year as u32, 4);
    } else {
        let _ = write!(s, "{year:04}");
    }
    s.push('-');
    push_digits(&mut s, month, 2);
    s.push('-');
    push_digits(&mut s, day, 2);
    s
}

fn push_digits(out: &mut String, mut value: u32, width: usize) {
    let mut buf = [b'0'; 4];
    for slot in buf[..width].iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
    for b in &buf[..width] {
        out.push(*b as char);
    }
}

/// Days since 1970-01-01 → proleptic Gregorian (year, month, day), UTC (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The canonical request of a POST to `/` with no query string.
///
/// Header values are trimmed and lowercased as the spec requires (the `content-type` value is
/// lowercased in the canonical form only; the header sent keeps its own bytes).
pub fn canonical_request(
    content_type: &str,
    host: &str,
    action: &str,
    signed_headers: SignedHeaderSet,
    hashed_payload: &str,
) -> String {
    let mut s = String::with_capacity(160 + host.len() + content_type.len());
    s.push_str("POST\n/\n\n");
    s.push_str("content-type:");
    push_lower_trimmed(&mut s, content_type);
    s.push_str("\nhost:");
    push_lower_trimmed(&mut s, host);
    s.push('\n');
    if signed_headers == SignedHeaderSet::ContentTypeHostAction {
        s.push_str("x-tc-action:");
        push_lower_trimmed(&mut s, action);
        s.push('\n');
    }
    s.push('\n');
    s.push_str(signed_headers.as_str());
    s.push('\n');
    s.push_str(hashed_payload);
    s
}

fn push_lower_trimmed(out: &mut String, value: &str) {
    for c in value.trim().chars() {
        out.push(c.to_ascii_lowercase());
    }
}

/// `<date>/<service>/tc3_request`.
pub fn credential_scope(date: &str, service: &str) -> String {
    let mut s = String::with_capacity(date.len() + service.len() + 2 + SCOPE_TERMINATOR.len());
    s.push_str(date);
    s.push('/');
    s.push_str(service);
    s.push('/');
    s.push_str(SCOPE_TERMINATOR);
    s
}

/// The string to sign: algorithm, timestamp, scope, hex SHA-256 of the canonical request.
pub fn string_to_sign(
    timestamp: i64,
    credential_scope: &str,
    hashed_canonical_request: &str,
) -> String {
    let mut s = String::with_capacity(
        ALGORITHM.len() + 24 + credential_scope.len() + hashed_canonical_request.len(),
    );
    s.push_str(ALGORITHM);
    s.push('\n');
    let _ = write!(s, "{timestamp}");
    s.push('\n');
    s.push_str(credential_scope);
    s.push('\n');
    s.push_str(hashed_canonical_request);
    s
}

fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

/// Derive `SecretDate`, `SecretService`, `SecretSigning` from the SecretKey.
pub fn derive_keys(secret_key: &str, date: &str, service: &str) -> DerivedKeys {
    let mut k = Vec::with_capacity(3 + secret_key.len());
    k.extend_from_slice(b"TC3");
    k.extend_from_slice(secret_key.as_bytes());
    let secret_date = hmac(&k, date.as_bytes());
    let secret_service = hmac(&secret_date, service.as_bytes());
    let secret_signing = hmac(&secret_service, SCOPE_TERMINATOR.as_bytes());
    DerivedKeys {
        secret_date,
        secret_service,
        secret_signing,
    }
}

/// Lowercase hex `HMAC(SecretSigning, StringToSign)`.
pub fn signature(secret_signing: &[u8; 32], string_to_sign: &str) -> String {
    hex_lower(&hmac(secret_signing, string_to_sign.as_bytes()))
}

/// The `Authorization` header value.
pub fn authorization(
    secret_id: &str,
    credential_scope: &str,
    signed_headers: SignedHeaderSet,
    signature: &str,
) -> String {
    let signed = signed_headers.as_str();
    let mut s = String::with_capacity(
        ALGORITHM.len()
            + 50
            + secret_id.len()
            + credential_scope.len()
            + signed.len()
            + signature.len(),
    );
    s.push_str(ALGORITHM);
    s.push_str(" Credential=");
    s.push_str(secret_id);
    s.push('/');
    s.push_str(credential_scope);
    s.push_str(", SignedHeaders=");
    s.push_str(signed);
    s.push_str(", Signature=");
    s.push_str(signature);
    s
}

/// Sign one request: every stage plus all headers (`Authorization`, `Content-Type`, `Host`,
/// `X-TC-Action`, `X-TC-Version`, `X-TC-Timestamp`, and `X-TC-Region` / `X-TC-Token` /
/// `X-TC-Language` when set).
pub fn sign(input: &SignInput<'_>) -> Signed {
    let hashed_payload = hashed_payload(input.body);
    let canonical_request = canonical_request(
        input.content_type,
        input.host,
        input.action,
        input.signed_headers,
        &hashed_payload,
    );
    let hashed_canonical_request = hex_lower(&Sha256::digest(canonical_request.as_bytes()));
    let credential_date = credential_date(input.timestamp);
    let credential_scope = credential_scope(&credential_date, input.service);
    let string_to_sign = string_to_sign(
        input.timestamp,
        &credential_scope,
        &hashed_canonical_request,
    );
    let keys = derive_keys(input.secret_key, &credential_date, input.service);
    let signature = signature(&keys.secret_signing, &string_to_sign);
    let authorization = authorization(
        input.secret_id,
        &credential_scope,
        input.signed_headers,
        &signature,
    );

    let mut headers: Vec<(&'static str, String)> = Vec::with_capacity(9);
    headers.push(("Authorization", authorization.clone()));
    headers.push(("Content-Type", input.content_type.to_owned()));
    headers.push(("Host", input.host.to_owned()));
    headers.push(("X-TC-Action", input.action.to_owned()));
    headers.push(("X-TC-Version", input.version.to_owned()));
    headers.push(("X-TC-Timestamp", input.timestamp.to_string()));
    if let Some(region) = input.region.filter(|r| !r.is_empty()) {
        headers.push(("X-TC-Region", region.to_owned()));
    }
    if let Some(token) = input.token.filter(|t| !t.is_empty()) {
        headers.push(("X-TC-Token", token.to_owned()));
    }
    if let Some(language) = input.language.filter(|l| !l.is_empty()) {
        headers.push(("X-TC-Language", language.to_owned()));
    }
    Signed {
        hashed_payload,
        canonical_request,
        hashed_canonical_request,
        credential_date,
        credential_scope,
        string_to_sign,
        keys,
        signature,
        authorization,
        headers,
    }
}
