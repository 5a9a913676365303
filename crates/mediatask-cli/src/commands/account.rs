//! `mediatask account <provider> balance|bills`: ai-xjc credits, voice quotas and credit
//! consumption (`user/balance`, `user/bill/list`); SoftSugar task bills and voice bills
//! (`/api/assist/bill/list`, `/api/assist/bill/voice/list`). Bills are one vendor page per
//! call (`--page`, `--page-size`): a table plus the paging footer in text, the vendor's typed
//! page in JSON.

use super::listing::unsupported;
#[cfg(any(feature = "xjc", feature = "softsugar"))]
use super::listing::{Table, footer, num, print_json, text};
use crate::cli::{AccountAction, AccountArgs, Global};
#[cfg(any(feature = "xjc", feature = "softsugar"))]
use crate::cli::{BillArgs, Output, PageArgs};
use crate::exit::CliResult;
#[cfg(any(feature = "xjc", feature = "softsugar"))]
use crate::exit::Failure;
use crate::setup;

/// `mediatask account …`.
pub(crate) async fn run(global: &Global, args: &AccountArgs) -> CliResult {
    setup::require_compiled(&args.provider)?;
    match (&args.action, args.provider.as_str()) {
        #[cfg(feature = "xjc")]
        (AccountAction::Balance, "xjc") => xjc::balance(global).await,
        #[cfg(feature = "xjc")]
        (AccountAction::Bills(bills), "xjc") => xjc::bills(global, bills).await,
        #[cfg(feature = "softsugar")]
        (AccountAction::Bills(bills), "softsugar") => softsugar::bills(global, bills).await,
        (AccountAction::Balance, p) => {
            let _ = global;
            let also = if p == "softsugar" {
                "; SoftSugar documents bills only: `mediatask account softsugar bills --owner <id>`"
            } else {
                ""
            };
            Err(unsupported(
                p,
                "account balance",
                &format!(
                    "no balance endpoint is documented for {p}; `account balance` supports xjc{also}"
                ),
            ))
        }
        (AccountAction::Bills(_), p) => Err(unsupported(
            p,
            "account bills",
            &format!(
                "no bill endpoint is documented for {p}; `account bills` supports xjc and softsugar"
            ),
        )),
    }
}

/// The SoftSugar-only bill flags that were given.
#[cfg(feature = "xjc")]
fn softsugar_flags(b: &BillArgs) -> Vec<&'static str> {
    [
        (b.owner.is_some(), "--owner"),
        (b.algo_type.is_some(), "--algo-type"),
        (b.algo_group.is_some(), "--algo-group"),
        (b.from.is_some(), "--from"),
        (b.to.is_some(), "--to"),
        (b.voice, "--voice"),
        (b.channel.is_some(), "--channel"),
        (b.engine.is_some(), "--engine"),
        (b.stat_range.is_some(), "--stat-range"),
    ]
    .into_iter()
    .filter_map(|(set, flag)| set.then_some(flag))
    .collect()
}

/// An input error naming flags that do not apply.
#[cfg(any(feature = "xjc", feature = "softsugar"))]
fn reject_flags(flags: &[&str], scope: &str) -> CliResult<()> {
    match flags {
        [] => Ok(()),
        [one] => Err(Failure::input(format!("{one} applies to {scope} only"))),
        many => Err(Failure::input(format!(
            "{} apply to {scope} only",
            many.join(", ")
        ))),
    }
}

#[cfg(feature = "xjc")]
mod xjc {
    use super::*;
    use mediatask::vendors::xjc::api::account::DEFAULT_FIRST_PAGE;

    /// `account xjc balance`.
    pub(super) async fn balance(global: &Global) -> CliResult {
        let client = setup::xjc_client(global)?;
        let b = client
            .balance()
            .await
            .map_err(|e| Failure::from_error("reading the xjc balance", &e))?;
        if global.output == Output::Json {
            return print_json(&b);
        }
        println!("credits: {}", num(b.balance));
        println!(
            "LITE voices: {} used of {}",
            num(b.voice_lite_used_quantity),
            num(b.voice_lite_total_quantity)
        );
        println!(
            "PRO voices: {} used of {}",
            num(b.voice_pro_used_quantity),
            num(b.voice_pro_total_quantity)
        );
        Ok(crate::exit::OK)
    }

    /// `account xjc bills`: `GET /api/model/v5/user/bill/list?pn=&ds=`.
    pub(super) async fn bills(global: &Global, args: &BillArgs) -> CliResult {
        reject_flags(&softsugar_flags(args), "softsugar bills")?;
        let PageArgs { page, page_size } = args.page;
        let client = setup::xjc_client(global)?;
        let pn = page - 1 + DEFAULT_FIRST_PAGE;
        let bills = client
            .bill_list(pn, page_size)
            .await
            .map_err(|e| Failure::from_error("listing the xjc bills", &e))?;
        if global.output == Output::Json {
            return print_json(&bills);
        }
        let mut table = Table::new(&["time", "type", "duration (s)", "fee (credits)"]);
        for b in &bills.list {
            table.push(vec![
                text(b.time.as_deref()),
                text(b.kind.as_deref()),
                num(b.duration),
                num(b.fee),
            ]);
        }
        table.print("no bills on this page");
        let total = bills.total.and_then(|t| u64::try_from(t).ok());
        let pages = total.map(|t| t.div_ceil(u64::from(page_size)));
        println!(
            "{}",
            footer(page, pages, total, bills.list.len(), page_size)
        );
        Ok(crate::exit::OK)
    }
}

#[cfg(feature = "softsugar")]
mod softsugar {
    use super::*;
    use crate::cli::StatRange;
    use chrono::{Duration, Local, NaiveDate, NaiveDateTime};
    use mediatask::vendors::softsugar::api::{
        BillingList, BillingRequest, PageRequest, Pagination, VoiceBillingRequest,
    };

    const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

    /// `--from` / `--to`: a date (its first or last second) or a date and time.
    fn parse_time(flag: &str, value: &str, end_of_day: bool) -> CliResult<NaiveDateTime> {
        let v = value.trim();
        for format in [TIME_FORMAT, "%Y-%m-%dT%H:%M:%S"] {
            if let Ok(t) = NaiveDateTime::parse_from_str(v, format) {
                return Ok(t);
            }
        }
        let day = NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
            Failure::input(format!(
                "{flag} must be YYYY-MM-DD or YYYY-MM-DD HH:MM:SS, got `{value}`"
            ))
        })?;
        let (h, m, s) = if end_of_day { (23, 59, 59) } else { (0, 0, 0) };
        day.and_hms_opt(h, m, s)
            .ok_or_else(|| Failure::input(format!("{flag}: `{value}` is not a valid time")))
    }

    /// The billing period: `--from`/`--to`, by default the 30 days up to now (local time).
    fn period(args: &BillArgs) -> CliResult<(String, String)> {
        let end = match &args.to {
            Some(t) => parse_time("--to", t, true)?,
            None => Local::now().naive_local(),
        };
        let start = match &args.from {
            Some(f) => parse_time("--from", f, false)?,
            None => end - Duration::days(30),
        };
        Ok((
            start.format(TIME_FORMAT).to_string(),
            end.format(TIME_FORMAT).to_string(),
        ))
    }

    fn unit(u: Option<i64>) -> String {
        match u {
            Some(1) => "ms".into(),
            Some(2) => "s".into(),
            Some(3) => "count".into(),
            other => num(other),
        }
    }

    fn status(s: Option<i64>) -> String {
        match s {
            Some(3) => "3 cancelled".into(),
            Some(5) => "5 done".into(),
            Some(9) => "9 error".into(),
            other => num(other),
        }
    }

    fn print_footer(page: &PageArgs, p: &Pagination, page_len: usize) {
        let count = |v: Option<i64>| v.and_then(|n| u64::try_from(n).ok());
        let shown = p
            .page_no
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(page.page);
        println!(
            "{}",
            footer(
                shown,
                count(p.number_pages),
                count(p.number_records),
                page_len,
                page.page_size
            )
        );
    }

    /// `account softsugar bills [--voice]`.
    pub(super) async fn bills(global: &Global, args: &BillArgs) -> CliResult {
        let owner = args.owner.ok_or_else(|| {
            Failure::input(
                "`--owner <account id>` is required for softsugar bills (SoftSugar's `owner`: the account owning the tasks)",
            )
        })?;
        if !args.voice {
            let voice_only: Vec<&str> = [
                (args.channel.is_some(), "--channel"),
                (args.engine.is_some(), "--engine"),
                (args.stat_range.is_some(), "--stat-range"),
            ]
            .into_iter()
            .filter_map(|(set, flag)| set.then_some(flag))
            .collect();
            reject_flags(&voice_only, "softsugar voice bills (`--voice`)")?;
        } else if args.algo_group.is_some() {
            reject_flags(
                &["--algo-group"],
                "softsugar task bills (without `--voice`)",
            )?;
        }
        let (start, end) = period(args)?;
        let page = PageRequest::page(args.page.page, args.page.page_size);
        let client = setup::softsugar_client(global)?;
        if args.voice {
            let request = VoiceBillingRequest {
                owner,
                algo_type: args.algo_type.unwrap_or(31),
                bill_start_time: start,
                bill_end_time: end,
                algo_sub_type1: args.channel.clone().unwrap_or_default(),
                algo_sub_type2: args.engine.clone().unwrap_or_default(),
                stat_range: match args.stat_range.unwrap_or(StatRange::Daily) {
                    StatRange::Daily => "1".into(),
                    StatRange::Monthly => "2".into(),
                },
                page,
            };
            let list = client
                .list_voice_bills(&request)
                .await
                .map_err(|e| Failure::from_error("listing the softsugar voice bills", &e))?;
            if global.output == Output::Json {
                return print_json(&list);
            }
            let mut table = Table::new(&[
                "id", "date", "month", "type", "channel", "engine", "value", "unit",
            ]);
            for b in &list.page.result {
                table.push(vec![
                    num(b.id),
                    text(b.billing_date.as_deref()),
                    text(b.billing_month.as_deref()),
                    num(b.algo_type),
                    text(b.algo_sub_type1.as_deref()),
                    text(b.algo_sub_type2.as_deref()),
                    num(b.billing_value),
                    unit(b.billing_unit),
                ]);
            }
            table.print("no voice bills on this page");
            print_footer(&args.page, &list.page.pagination, list.page.result.len());
            return Ok(crate::exit::OK);
        }
        let algo_type = args.algo_type.unwrap_or(14);
        let request = BillingRequest {
            owner,
            algo_group: args.algo_group.unwrap_or(algo_type),
            algo_type,
            bill_start_time: start,
            bill_end_time: end,
            page,
        };
        let list: BillingList<_> = client
            .list_bills(&request)
            .await
            .map_err(|e| Failure::from_error("listing the softsugar bills", &e))?;
        if global.output == Output::Json {
            return print_json(&list);
        }
        let mut table = Table::new(&[
            "id",
            "task",
            "type",
            "value",
            "unit",
            "billed at",
            "status",
            "spec",
            "message",
        ]);
        for b in &list.page.result {
            table.push(vec![
                num(b.id),
                num(b.task_id),
                num(b.algo_type),
                num(b.billing_value),
                unit(b.billing_unit),
                text(b.billing_time.as_deref()),
                status(b.status),
                text(b.algo_sub_type1.as_deref()),
                text(b.message.as_deref()),
            ]);
        }
        table.print("no bills on this page");
        if let Some(used) = &list.used_sum {
            let mut line = format!("used on this page: {used}");
            if let (Some(k2), Some(k4)) = (&list.used_model2k_sum, &list.used_model4k_sum) {
                line.push_str(&format!(" (2K models {k2}, 4K models {k4})"));
            }
            println!("{line}");
        }
        print_footer(&args.page, &list.page.pagination, list.page.result.len());
        Ok(crate::exit::OK)
    }
}
