//! [`CallbackTokens`]: unguessable path tokens for vendors that sign nothing (Vozo, ai-xjc,
//! SoftSugar's account URL). A token is `hex(HMAC-SHA256(key, scope))` truncated to 128 bits,
//! so nothing is stored per job: the receiver recomputes it from the job id in the path.

use crate::Secret;
use crate::secret::ct_eq;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Derives and checks per-job (and per-account) path tokens.
///
/// ```
/// use mediatask_webhook::{CallbackTokens, Secret};
/// let tokens = CallbackTokens::new(Secret::new("a long random key of the deployment"));
/// let t = tokens.job_token("vozo", "01JD5N5Z8Q4R7W2X9Y3A6B8C0D");
/// assert_eq!(t.len(), 32);
/// assert!(tokens.check_job("vozo", "01JD5N5Z8Q4R7W2X9Y3A6B8C0D", &t));
/// assert!(!tokens.check_job("vozo", "01JD5N5Z8Q4R7W2X9Y3A6B8C0E", &t));
/// assert!(!tokens.check_job("xjc", "01JD5N5Z8Q4R7W2X9Y3A6B8C0D", &t));
/// ```
#[derive(Clone, Debug)]
pub struct CallbackTokens {
    key: Secret,
}

impl CallbackTokens {
    /// Tokens keyed by `key` (keep it secret and stable: changing it invalidates the URLs of
    /// jobs in flight, which then finish by polling).
    pub fn new(key: Secret) -> Self {
        CallbackTokens { key }
    }

    fn derive(&self, scope: &str) -> String {
        // HMAC accepts keys of any length: `new_from_slice` cannot fail for it.
        let mut mac = match Hmac::<Sha256>::new_from_slice(self.key.expose().as_bytes()) {
            Ok(m) => m,
            Err(_) => return String::new(),
        };
        mac.update(scope.as_bytes());
        let out = mac.finalize().into_bytes();
        hex::encode(&out[..16])
    }

    /// The token for one job of one vendor (goes into the callback URL passed on submit).
    pub fn job_token(&self, provider: &str, job_id: &str) -> String {
        self.derive(&format!("job\n{provider}\n{job_id}"))
    }

    /// The token of a vendor's account-level URL (SoftSugar: one URL for every job).
    pub fn account_token(&self, provider: &str) -> String {
        self.derive(&format!("account\n{provider}"))
    }

    /// Whether `token` is the job's token (constant time).
    pub fn check_job(&self, provider: &str, job_id: &str, token: &str) -> bool {
        let expected = self.job_token(provider, job_id);
        !expected.is_empty() && ct_eq(expected.as_bytes(), token.as_bytes())
    }

    /// Whether `token` is the vendor's account token (constant time).
    pub fn check_account(&self, provider: &str, token: &str) -> bool {
        let expected = self.account_token(provider);
        !expected.is_empty() && ct_eq(expected.as_bytes(), token.as_bytes())
    }
}
