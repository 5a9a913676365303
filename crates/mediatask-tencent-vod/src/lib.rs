//! Tencent Cloud VOD AIGC provider for mediatask (TC3-HMAC-SHA256).
