//! Reading request JSON and task handles given inline, from a file, or from stdin (`-`).

use crate::exit::{CliResult, Failure};
use mediatask_core::TaskHandle;
use serde_json::Value;
use std::io::Read;

/// Read text from `-` (stdin), an inline JSON value (starts with `{` or `[`), or a file path.
pub(crate) fn read_source(what: &str, source: &str) -> CliResult<String> {
    let trimmed = source.trim_start();
    if source == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| Failure::input(format!("cannot read the {what} from stdin: {e}")))?;
        Ok(s)
    } else if trimmed.starts_with('{') || trimmed.starts_with('[') {
        Ok(source.to_owned())
    } else {
        std::fs::read_to_string(source)
            .map_err(|e| Failure::input(format!("cannot read the {what} file `{source}`: {e}")))
    }
}

/// Parse a request JSON object.
pub(crate) fn read_request(source: &str) -> CliResult<Value> {
    let text = read_source("request", source)?;
    let value: Value = serde_json::from_str(&text).map_err(|e| {
        Failure::input(format!(
            "the request is not valid JSON ({e}); pass an object inline, a file path or `-` for stdin"
        ))
    })?;
    if !value.is_object() {
        return Err(Failure::input("the request must be a JSON object"));
    }
    Ok(value)
}

/// Parse a task handle (as printed by `mediatask submit`).
pub(crate) fn read_handle(source: &str) -> CliResult<TaskHandle> {
    let text = read_source("handle", source)?;
    // tolerate a JSON-lines file: take the last non-empty line that parses
    serde_json::from_str(text.trim())
        .or_else(|e| {
            text.lines()
                .rev()
                .filter(|l| !l.trim().is_empty())
                .find_map(|l| serde_json::from_str(l).ok())
                .ok_or(e)
        })
        .map_err(|e| {
            Failure::input(format!(
                "not a task handle ({e}); pass the JSON printed by `mediatask submit`, inline, as a file path, or `-` for stdin"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_inline_and_files() {
        let h = TaskHandle::new("vozo", "lip_sync", "abc");
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(read_handle(&json).unwrap(), h);
        let dir = std::env::temp_dir().join(format!("mediatask-cli-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("h.json");
        std::fs::write(&path, format!("{json}\n")).unwrap();
        assert_eq!(read_handle(path.to_str().unwrap()).unwrap(), h);
        assert!(read_handle("{not json").is_err());
        assert!(read_request("[1]").is_err());
        assert!(read_request(r#"{"a": 1}"#).is_ok());
        assert!(read_request("/no/such/file.json").is_err());
        std::fs::remove_dir_all(dir).ok();
    }
}
