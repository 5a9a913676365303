//! Redaction of secrets in headers, URLs and body snippets, for logs and error messages.

/// Header names whose values are never logged.
const SENSITIVE_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "authorization-token",
    "x-api-key",
    "x-tc-token",
    "cookie",
    "set-cookie",
    "token",
    "x-token",
    "access-token",
];

/// Query/JSON key fragments whose values are never logged (matched case-insensitively).
const SENSITIVE_KEYS: &[&str] = &[
    "sign",
    "token",
    "secret",
    "accesskey",
    "access_key",
    "appkey",
    "app_key",
    "apikey",
    "api_key",
    "password",
    "authorization",
    "credential",
    "x-amz-",
    "expires",
];

/// True when a header's value must be hidden.
///
/// ```
/// assert!(mediatask_http::redact::is_sensitive_header("Authorization"));
/// assert!(!mediatask_http::redact::is_sensitive_header("Content-Type"));
/// ```
pub fn is_sensitive_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    SENSITIVE_HEADERS.contains(&n.as_str()) || n.contains("signature") || n.contains("secret")
}

/// True when a query parameter or JSON key must be hidden.
pub fn is_sensitive_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    SENSITIVE_KEYS.iter().any(|s| k.contains(s))
}

/// Header pairs with sensitive values replaced by `***`.
pub fn redact_headers(headers: &[(String, String)]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            let v = if is_sensitive_header(k) {
                "***".to_owned()
            } else {
                v.clone()
            };
            (k.clone(), v)
        })
        .collect()
}

/// The headers of a response as (name, value) pairs, sensitive values replaced by `***` and
/// values that are not text shown lossily.
pub fn redact_header_map(headers: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            let v = if is_sensitive_header(k.as_str()) {
                "***".to_owned()
            } else {
                String::from_utf8_lossy(v.as_bytes()).into_owned()
            };
            (k.as_str().to_owned(), v)
        })
        .collect()
}

/// A URL with sensitive query values replaced by `***`.
///
/// ```
/// let u = mediatask_http::redact::redact_url("https://h/p?accessKey=AK&timestamp=1&sign=abc");
/// assert_eq!(u, "https://h/p?accessKey=***&timestamp=1&sign=***");
/// ```
pub fn redact_url(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let parts: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_sensitive_key(k) => format!("{k}=***"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{base}?{}", parts.join("&"))
}

/// A short, single-line, redacted excerpt of a response body for error messages: at most
/// `max_chars` characters, the values of sensitive JSON keys (strings, numbers, whole objects
/// and arrays) and URL query strings hidden.
///
/// ```
/// let s = mediatask_http::redact::snippet(br#"{"token":"abc","url":"https://x/y?sig=1"}"#, 200);
/// assert_eq!(s, r#"{"token":"***","url":"https://x/y?***"}"#);
/// ```
pub fn snippet(body: &[u8], max_chars: usize) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(max_chars * 4)]);
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let text = redact_json_values(&text);
    let text = redact_url_queries(&text);
    let mut out: String = text.chars().take(max_chars).collect();
    if text.chars().count() > max_chars {
        out.push('…');
    }
    out
}

/// Replace the value of every `"<sensitive key>":` with `"***"` (strings), `{***}` / `[***]`
/// (objects, arrays) or `***` (numbers); `true`, `false` and `null` are kept.
fn redact_json_values(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('"') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        // escape-aware, so a `\"` inside a string never shifts keys and values out of step
        let Some(end) = find_string_end(after) else {
            out.push_str(&rest[start..]);
            return out;
        };
        let key = &after[..end];
        out.push('"');
        out.push_str(key);
        out.push('"');
        rest = &after[end + 1..];
        let trimmed = rest.trim_start();
        if is_sensitive_key(key) && trimmed.starts_with(':') {
            let value = trimmed[1..].trim_start();
            if let Some(v) = value.strip_prefix('"') {
                match find_string_end(v) {
                    Some(vend) => {
                        out.push_str(":\"***\"");
                        rest = &v[vend + 1..];
                    }
                    None => {
                        // truncated body: hide the unterminated value entirely
                        out.push_str(":\"***");
                        return out;
                    }
                }
            } else if let Some(open @ ('{' | '[')) = value.chars().next() {
                // an object or array under a sensitive key: hide all of it
                let close = if open == '{' { '}' } else { ']' };
                match find_container_end(value) {
                    Some(vend) => {
                        out.push(':');
                        out.push(open);
                        out.push_str("***");
                        out.push(close);
                        rest = &value[vend + 1..];
                    }
                    None => {
                        out.push(':');
                        out.push(open);
                        out.push_str("***");
                        return out;
                    }
                }
            } else {
                // a bare number (a numeric key or code) is hidden; true/false/null say nothing
                let vend = value
                    .find(|c: char| c == ',' || c == '}' || c == ']' || c.is_whitespace())
                    .unwrap_or(value.len());
                let scalar = &value[..vend];
                if !scalar.is_empty() && !matches!(scalar, "true" | "false" | "null") {
                    out.push_str(":***");
                    rest = &value[vend..];
                }
            }
        }
    }
    out.push_str(rest);
    out
}

/// The index of the bracket closing the object or array `s` starts with (strings skipped,
/// nesting counted); `None` when the text ends first.
fn find_container_end(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if in_string {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => in_string = false,
                _ => escaped = false,
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn find_string_end(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(i),
            _ => escaped = false,
        }
    }
    None
}

/// Hide everything after `?` in any `http(s)://` URL inside free text.
fn redact_url_queries(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("http") {
        let (head, tail) = rest.split_at(pos);
        out.push_str(head);
        if !(tail.starts_with("http://") || tail.starts_with("https://")) {
            out.push_str("http");
            rest = &tail[4..];
            continue;
        }
        let end = tail
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == '<' || c == '>')
            .unwrap_or(tail.len());
        let url = &tail[..end];
        match url.split_once('?') {
            Some((b, _)) => {
                out.push_str(b);
                out.push_str("?***");
            }
            None => out.push_str(url),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_redacted() {
        let h = vec![
            ("Authorization".to_owned(), "Bearer sk".to_owned()),
            ("authorization-token".to_owned(), "tok".to_owned()),
            ("X-TC-Token".to_owned(), "sts".to_owned()),
            ("Content-Type".to_owned(), "application/json".to_owned()),
        ];
        let r = redact_headers(&h);
        assert_eq!(r[0].1, "***");
        assert_eq!(r[1].1, "***");
        assert_eq!(r[2].1, "***");
        assert_eq!(r[3].1, "application/json");
    }

    #[test]
    fn snippet_is_bounded_and_single_line() {
        let body = format!("<html>\n<body>{}</body></html>", "x".repeat(1000));
        let s = snippet(body.as_bytes(), 50);
        assert!(s.chars().count() <= 51);
        assert!(!s.contains('\n'));
    }

    #[test]
    fn escaped_quotes_do_not_shift_keys_and_values() {
        let body = br#"{"note":"say \"hi\" ","token":"tok-1","a":"\\","secret_key":"sk-2"}"#;
        let s = snippet(body, 500);
        assert!(!s.contains("tok-1") && !s.contains("sk-2"), "{s}");
        assert!(s.contains(r#"say \"hi\""#), "{s}");
    }

    #[test]
    fn objects_arrays_and_numbers_under_sensitive_keys_are_hidden() {
        let body = br#"{"token":{"value":"tok-obj","exp":1},"keys":["k-1"],"secret":["s-1",{"x":"s-2"}],"sign":987654,"authorization":null,"code":7,"msg":"ok"}"#;
        let s = snippet(body, 500);
        for secret in ["tok-obj", "s-1", "s-2", "987654"] {
            assert!(!s.contains(secret), "{secret} in {s}");
        }
        assert_eq!(
            s,
            r#"{"token":{***},"keys":["k-1"],"secret":[***],"sign":***,"authorization":null,"code":7,"msg":"ok"}"#
        );
        // a brace or bracket inside a string does not end the hidden value early
        let s = snippet(br#"{"token":{"a":"}","b":"tok-2"},"n":1}"#, 500);
        assert!(!s.contains("tok-2"), "{s}");
        assert!(s.ends_with(r#""n":1}"#), "{s}");
    }

    #[test]
    fn a_truncated_object_under_a_sensitive_key_is_hidden_to_the_end() {
        let s = snippet(br#"{"secret_key":{"v":"sk-cut"#, 500);
        assert!(!s.contains("sk-cut"), "{s}");
        assert_eq!(s, r#"{"secret_key":{***"#);
    }

    #[test]
    fn snippet_survives_invalid_utf8_and_unterminated_strings() {
        let s = snippet(b"\xff\xfe{\"token\":\"abc", 100);
        assert!(!s.is_empty());
        assert!(!s.contains("abc"), "{s}");
    }
}
