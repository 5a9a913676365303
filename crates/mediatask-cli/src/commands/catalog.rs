//! `mediatask catalog <provider> …`: SoftSugar's public catalogues — avatar models, TTS voices
//! (QID and legacy), video templates, live-streaming scripts — one vendor page per call
//! (`--page`, `--page-size`) or by id (`--ids`), and the warming query of preheated files by
//! file id. Text shows a table and the paging footer (file URLs without their signed query);
//! JSON prints the vendor's typed page (or list).

use super::listing::unsupported;
use crate::cli::{CatalogArgs, Global};
use crate::exit::CliResult;
use crate::setup;

/// `mediatask catalog …`.
pub(crate) async fn run(global: &Global, args: &CatalogArgs) -> CliResult {
    setup::require_compiled(&args.provider)?;
    match args.provider.as_str() {
        #[cfg(feature = "softsugar")]
        "softsugar" => softsugar::run(global, &args.list).await,
        p => {
            let _ = global;
            Err(unsupported(
                p,
                "catalog",
                &format!(
                    "no public catalogue is documented for {p}; `catalog` supports softsugar (avatars, voices, templates, scripts, warming)"
                ),
            ))
        }
    }
}

#[cfg(feature = "softsugar")]
mod softsugar {
    use super::super::listing::{Table, footer, num, print_json, text, url};
    use crate::cli::{CatalogList, CatalogPage, Global, Output};
    use crate::exit::{CliResult, Failure};
    use crate::setup;
    use mediatask::vendors::softsugar::api::{
        AvatarModel, MaterialPackage, Page, PageRequest, VoiceModel, WarmingFile,
    };
    use serde::Serialize;

    /// What a catalogue call returned: one page, or the items asked for by id.
    enum Listing<T> {
        Page(Page<T>),
        Ids(Vec<T>),
    }

    fn gender(g: Option<i64>) -> String {
        match g {
            Some(0) => "unknown".into(),
            Some(1) => "female".into(),
            Some(2) => "male".into(),
            other => num(other),
        }
    }

    fn avatar_type(t: Option<i64>) -> String {
        match t {
            Some(1) => "normal".into(),
            Some(2) => "fast".into(),
            Some(3) => "static/dynamic".into(),
            Some(4) => "motion-edit".into(),
            other => num(other),
        }
    }

    /// Print `listing`: JSON as the vendor sent it, or a table (and the footer of a page).
    fn show<T: Serialize>(
        global: &Global,
        args: &CatalogPage,
        listing: Listing<T>,
        headers: &[&'static str],
        row: fn(&T) -> Vec<String>,
    ) -> CliResult {
        if global.output == Output::Json {
            return match &listing {
                Listing::Page(p) => print_json(p),
                Listing::Ids(items) => print_json(items),
            };
        }
        let mut table = Table::new(headers);
        let items = match &listing {
            Listing::Page(p) => &p.result,
            Listing::Ids(items) => items,
        };
        for item in items {
            table.push(row(item));
        }
        match &listing {
            Listing::Page(p) => {
                table.print("nothing on this page");
                let count = |v: Option<i64>| v.and_then(|n| u64::try_from(n).ok());
                let shown = p
                    .pagination
                    .page_no
                    .and_then(|n| u32::try_from(n).ok())
                    .unwrap_or(args.page.page);
                println!(
                    "{}",
                    footer(
                        shown,
                        count(p.pagination.number_pages),
                        count(p.pagination.number_records),
                        p.result.len(),
                        args.page.page_size
                    )
                );
            }
            Listing::Ids(items) => {
                table.print("none of these ids was found");
                println!("{} of {} ids found", items.len(), args.ids.len());
            }
        }
        Ok(crate::exit::OK)
    }

    fn avatar_row(a: &AvatarModel) -> Vec<String> {
        let ext = a.extend().ok().flatten().unwrap_or_default();
        vec![
            a.id.to_string(),
            text(a.material_name.as_deref()),
            text(ext.face_feature_id.as_deref()),
            gender(ext.gender),
            avatar_type(ext.avatar_type),
            text(a.update_time.as_deref()),
        ]
    }

    fn voice_row(v: &VoiceModel) -> Vec<String> {
        let ext = v.extend().ok().flatten().unwrap_or_default();
        vec![
            v.id.to_string(),
            text(v.material_name.as_deref()),
            text(ext.qid.as_deref()),
            text(ext.voice_name.as_deref()),
            text(Some(&ext.languages.join(","))),
            gender(ext.gender),
            url(ext.sample_url.as_deref()),
        ]
    }

    fn legacy_voice_row(v: &VoiceModel) -> Vec<String> {
        let ext = v.legacy_extend().ok().flatten().unwrap_or_default();
        vec![
            v.id.to_string(),
            text(v.material_name.as_deref()),
            text(ext.voice_id.as_deref()),
            text(ext.voice_name.as_deref()),
            text(ext.language.as_deref()),
            num(ext.vendor_id),
        ]
    }

    fn template_row(t: &MaterialPackage) -> Vec<String> {
        vec![
            t.id.to_string(),
            text(t.material_name.as_deref()),
            url(t.pkg_url.as_deref()),
            url(t.extend_url.as_deref()),
            text(t.update_time.as_deref()),
        ]
    }

    fn script_row(s: &MaterialPackage) -> Vec<String> {
        vec![
            s.id.to_string(),
            text(s.material_name.as_deref()),
            url(s.pkg_url.as_deref()),
            text(s.update_time.as_deref()),
        ]
    }

    fn warming_row(f: &WarmingFile) -> Vec<String> {
        let status = match f.status {
            Some(code) => format!("{code} {}", f.normalized_status()),
            None => "-".into(),
        };
        vec![
            text(f.file_id.as_deref()),
            text(f.task_id.as_deref()),
            status,
            url(f.file_url.as_deref()),
        ]
    }

    fn failed(what: &str) -> impl Fn(mediatask_core::Error) -> Failure + '_ {
        move |e| Failure::from_error(&format!("listing the softsugar {what}"), &e)
    }

    /// One page (or the `--ids`) of a catalogue.
    async fn fetch<T, L, I>(
        args: &CatalogPage,
        what: &str,
        list: L,
        by_ids: I,
    ) -> CliResult<Listing<T>>
    where
        L: AsyncFnOnce(PageRequest) -> mediatask_core::Result<Page<T>>,
        I: AsyncFnOnce(Vec<i64>) -> mediatask_core::Result<Vec<T>>,
    {
        if args.ids.is_empty() {
            let page = PageRequest::page(args.page.page, args.page.page_size);
            list(page).await.map(Listing::Page).map_err(failed(what))
        } else {
            by_ids(args.ids.clone())
                .await
                .map(Listing::Ids)
                .map_err(failed(what))
        }
    }

    /// `catalog softsugar …`.
    pub(super) async fn run(global: &Global, list: &CatalogList) -> CliResult {
        let c = setup::softsugar_client(global)?;
        match list {
            CatalogList::Avatars(args) => {
                let got = fetch(
                    args,
                    "avatar models",
                    async |p| c.list_avatar_models(&p).await,
                    async |ids| c.avatar_models(&ids).await,
                )
                .await?;
                let headers = ["id", "name", "face feature id", "gender", "type", "updated"];
                show(global, args, got, &headers, avatar_row)
            }
            CatalogList::Voices {
                legacy: false,
                page: args,
            } => {
                let got = fetch(
                    args,
                    "TTS voices",
                    async |p| c.list_tts_voices(&p).await,
                    async |ids| c.tts_voices(&ids).await,
                )
                .await?;
                let headers = [
                    "id",
                    "name",
                    "qid",
                    "voice",
                    "languages",
                    "gender",
                    "sample",
                ];
                show(global, args, got, &headers, voice_row)
            }
            CatalogList::Voices {
                legacy: true,
                page: args,
            } => {
                let got = fetch(
                    args,
                    "legacy TTS voices",
                    async |p| c.list_legacy_tts_voices(&p).await,
                    async |ids| c.legacy_tts_voices(&ids).await,
                )
                .await?;
                let headers = ["id", "name", "voice id", "voice", "language", "vendor"];
                show(global, args, got, &headers, legacy_voice_row)
            }
            CatalogList::Templates(args) => {
                let got = fetch(
                    args,
                    "video templates",
                    async |p| c.list_video_templates(&p).await,
                    async |ids| c.video_templates(&ids).await,
                )
                .await?;
                let headers = ["id", "name", "package", "example video", "updated"];
                show(global, args, got, &headers, template_row)
            }
            CatalogList::Scripts(args) => {
                let got = fetch(
                    args,
                    "live scripts",
                    async |p| c.list_live_scripts(&p).await,
                    async |ids| c.live_scripts(&ids).await,
                )
                .await?;
                let headers = ["id", "name", "package", "updated"];
                show(global, args, got, &headers, script_row)
            }
            CatalogList::Warming { file_ids } => {
                let files = c
                    .query_file_warming(file_ids)
                    .await
                    .map_err(failed("preheated files"))?;
                if global.output == Output::Json {
                    return print_json(&files);
                }
                let mut table = Table::new(&["file id", "task", "status", "url"]);
                for f in &files {
                    table.push(warming_row(f));
                }
                table.print("none of these files has been preheated");
                println!("{} of {} file ids found", files.len(), file_ids.len());
                Ok(crate::exit::OK)
            }
        }
    }
}
