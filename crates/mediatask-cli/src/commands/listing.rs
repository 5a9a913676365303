//! Output shared by the list commands (`account`, `catalog`, `task phases`): one JSON document,
//! aligned text tables whose vendor text is made terminal-safe, the paging footer
//! ("page X of Y … next: --page X+1"), URLs shown without their signed query, and the error
//! for an operation a provider does not document.

// Only the SoftSugar and ai-xjc commands list anything (and only SoftSugar's show URLs).
#![cfg_attr(not(feature = "softsugar"), allow(dead_code))]

use crate::exit::{self, CliResult, Failure};
use serde::Serialize;
use std::fmt::Display;

/// Widest text cell, in terminal columns.
const MAX_CELL: usize = 48;
/// Widest URL cell (a URL cut short is useless, so it gets more room).
const MAX_URL: usize = 120;

/// Print `v` as one JSON line.
pub(crate) fn print_json(v: &impl Serialize) -> CliResult {
    let text = serde_json::to_string(v)
        .map_err(|e| Failure::other(exit::OTHER, format!("cannot serialise the output: {e}")))?;
    println!("{text}");
    Ok(exit::OK)
}

/// The error for `what` on a provider that does not document it (exit 2, one line).
pub(crate) fn unsupported(provider: &str, what: &str, hint: &str) -> Failure {
    let e = mediatask_core::Error::new(mediatask_core::ErrorKind::Unsupported, hint)
        .with_provider(provider);
    Failure::from_error(what, &e)
}

/// Columns a character takes in a terminal (CJK and full-width forms take two).
fn char_width(c: char) -> usize {
    let wide = matches!(
        c as u32,
        0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
    );
    if wide { 2 } else { 1 }
}

fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Vendor text as one table cell: control characters become spaces, long text is cut with
/// `…`, and absent or empty text is `-`.
pub(crate) fn text(s: Option<&str>) -> String {
    clip(s, MAX_CELL)
}

fn clip(s: Option<&str>, max: usize) -> String {
    let s: String = s
        .map(str::trim)
        .unwrap_or("")
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if s.is_empty() {
        return "-".to_owned();
    }
    if width(&s) <= max {
        return s;
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        if used + char_width(c) > max - 1 {
            break;
        }
        used += char_width(c);
        out.push(c);
    }
    out.push('…');
    out
}

/// A number (or anything displayable) as a cell, `-` when absent.
pub(crate) fn num<T: Display>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

/// A URL cell without its query string: signed URLs are bearer credentials for the file
/// (`--output json` keeps them whole).
pub(crate) fn url(u: Option<&str>) -> String {
    clip(u.map(|u| u.split(['?', '#']).next().unwrap_or(u)), MAX_URL)
}

/// An aligned text table.
#[derive(Debug)]
pub(crate) struct Table {
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers.
    pub(crate) fn new(headers: &[&'static str]) -> Self {
        Table {
            headers: headers.to_vec(),
            rows: Vec::new(),
        }
    }

    /// Add a row (one cell per header).
    pub(crate) fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// Print the header and rows, or `empty` when there are no rows.
    pub(crate) fn print(&self, empty: &str) {
        if self.rows.is_empty() {
            println!("{empty}");
            return;
        }
        let mut widths: Vec<usize> = self.headers.iter().map(|h| width(h)).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(width(cell));
            }
        }
        let line = |cells: Vec<&str>| {
            let mut out = String::new();
            for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
                out.push_str(cell);
                if i + 1 < widths.len() {
                    out.push_str(&" ".repeat(w - width(cell) + 2));
                }
            }
            println!("{}", out.trim_end());
        };
        line(self.headers.clone());
        for row in &self.rows {
            line(row.iter().map(String::as_str).collect());
        }
    }
}

/// The paging footer of page `page` (from 1): "page X of Y (N records); next: --page X+1".
/// Without a page count, another page is assumed when this one was full.
pub(crate) fn footer(
    page: u32,
    pages: Option<u64>,
    records: Option<u64>,
    page_len: usize,
    page_size: u32,
) -> String {
    let page = u64::from(page);
    let records_text = records
        .map(|n| format!(" ({n} records)"))
        .unwrap_or_default();
    match pages {
        Some(_) if records == Some(0) => "no records".to_owned(),
        Some(pages) if page > pages => {
            format!("page {page} of {pages}{records_text}: past the last page")
        }
        Some(pages) if page < pages => {
            format!(
                "page {page} of {pages}{records_text}; next: --page {}",
                page + 1
            )
        }
        Some(pages) => format!("page {page} of {pages}{records_text}"),
        None if page_len > 0 && page_len >= page_size as usize => {
            format!("page {page}{records_text}; next: --page {}", page + 1)
        }
        None => format!("page {page}{records_text}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footer_names_the_next_page_only_when_there_is_one() {
        assert_eq!(
            footer(1, Some(3), Some(23), 10, 10),
            "page 1 of 3 (23 records); next: --page 2"
        );
        assert_eq!(
            footer(3, Some(3), Some(23), 3, 10),
            "page 3 of 3 (23 records)"
        );
        assert_eq!(
            footer(5, Some(3), Some(23), 0, 10),
            "page 5 of 3 (23 records): past the last page"
        );
        assert_eq!(footer(1, Some(0), Some(0), 0, 10), "no records");
        assert_eq!(footer(2, None, None, 10, 10), "page 2; next: --page 3");
        assert_eq!(footer(2, None, None, 4, 10), "page 2");
    }

    #[test]
    fn cells_are_terminal_safe_and_urls_lose_their_query() {
        assert_eq!(text(Some("a\u{1b}[31mb\n")), "a [31mb");
        assert_eq!(text(None), "-");
        assert_eq!(text(Some("  ")), "-");
        let long = "长".repeat(40);
        let cut = text(Some(&long));
        assert!(cut.ends_with('…') && width(&cut) <= MAX_CELL, "{cut}");
        assert_eq!(
            url(Some("http://h/f/a.png?Expires=1&Signature=s")),
            "http://h/f/a.png"
        );
        assert_eq!(num::<i64>(None), "-");
        assert_eq!(num(Some(3)), "3");
    }
}
