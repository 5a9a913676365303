//! Server-side TC3-HMAC-SHA256 verification (vendors.md §1.3), written independently of the
//! client signer so each checks the other: the canonical request is rebuilt from the request
//! as received (method, path, query, the declared signed headers, the exact body bytes).

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

/// Lowercase hex SHA-256.
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// The parsed `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tc3Authorization {
    pub(crate) secret_id: String,
    pub(crate) date: String,
    pub(crate) service: String,
    pub(crate) signed_headers: Vec<String>,
    pub(crate) signature: String,
}

/// Parse `TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=a;b, Signature=hex`.
pub(crate) fn parse_authorization(value: &str) -> Option<Tc3Authorization> {
    let rest = value.strip_prefix("TC3-HMAC-SHA256 ")?;
    let mut credential = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(", ") {
        let (k, v) = part.split_once('=')?;
        match k.trim() {
            "Credential" => credential = Some(v),
            "SignedHeaders" => signed = Some(v),
            "Signature" => signature = Some(v),
            _ => return None,
        }
    }
    let mut scope = credential?.split('/');
    let secret_id = scope.next()?.to_owned();
    let date = scope.next()?.to_owned();
    let service = scope.next()?.to_owned();
    if scope.next()? != "tc3_request" || scope.next().is_some() {
        return None;
    }
    Some(Tc3Authorization {
        secret_id,
        date,
        service,
        signed_headers: signed?.split(';').map(str::to_owned).collect(),
        signature: signature?.to_owned(),
    })
}

/// The canonical request (step 1). `headers` are (lowercase name, value) of the signed headers
/// in the declared order.
pub(crate) fn canonical_request(
    method: &str,
    uri: &str,
    query: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> String {
    let canonical_headers: String = headers
        .iter()
        .map(|(k, v)| format!("{k}:{}\n", v.trim().to_ascii_lowercase()))
        .collect();
    let signed: Vec<&str> = headers.iter().map(|(k, _)| k.as_str()).collect();
    format!(
        "{method}\n{uri}\n{query}\n{canonical_headers}\n{}\n{}",
        signed.join(";"),
        sha256_hex(body)
    )
}

/// The string to sign (step 2).
pub(crate) fn string_to_sign(timestamp: i64, date: &str, service: &str, canonical: &str) -> String {
    format!(
        "TC3-HMAC-SHA256\n{timestamp}\n{date}/{service}/tc3_request\n{}",
        sha256_hex(canonical.as_bytes())
    )
}

/// The signature (steps 3–4).
pub(crate) fn signature(
    secret_key: &str,
    date: &str,
    service: &str,
    string_to_sign: &str,
) -> String {
    let k_date = hmac(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let k_service = hmac(&k_date, service.as_bytes());
    let k_signing = hmac(&k_service, b"tc3_request");
    hex::encode(hmac(&k_signing, string_to_sign.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Vector A of vendors.md §1.4 (Tencent's published worked example).
    #[test]
    fn reproduces_tencent_vector_a() {
        let body = br#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
        assert_eq!(
            sha256_hex(body),
            "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
        );
        let headers = vec![
            (
                "content-type".to_owned(),
                "application/json; charset=utf-8".to_owned(),
            ),
            ("host".to_owned(), "cvm.tencentcloudapi.com".to_owned()),
        ];
        let canonical = canonical_request("POST", "/", "", &headers, body);
        assert_eq!(
            sha256_hex(canonical.as_bytes()),
            "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
        );
        let sts = string_to_sign(1551113065, "2019-02-25", "cvm", &canonical);
        assert_eq!(
            signature(
                "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
                "2019-02-25",
                "cvm",
                &sts
            ),
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
        let auth = parse_authorization("TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168").unwrap();
        assert_eq!(auth.signed_headers, ["content-type", "host"]);
        assert_eq!(auth.service, "cvm");
        assert!(parse_authorization("Bearer x").is_none());
        assert!(
            parse_authorization("TC3-HMAC-SHA256 Credential=a/b/c/d, SignedHeaders=x, Signature=y")
                .is_none()
        );
    }
}
