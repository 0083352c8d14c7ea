//! `wxr check`, without the internet.
//!
//! `fixtures/check/offline.xml` has a comment for every offline finding;
//! its JSON report is a golden file (`WXR_BLESS=1` rewrites it), and a
//! table here states which codes each comment must get.
//! `fixtures/check/network.xml` has a ping for every network finding: its
//! hosts (`alive.test`, `slow.test`, …) are mapped by a test resolver to
//! servers this file starts on 127.0.0.1 — the shared tiny_http server
//! (`server.rs`) with this file's routes and raw `TcpListener`s for
//! byte-level faults — and any other name is
//! recorded and fails, so nothing can leak to a real network. Timeouts,
//! backoff and body limits are shortened so the suite runs in seconds.

use crate::server::Server;
use crate::util::{check_file, root, run};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use wxr::check::{self, Options};
use wxr::convert::RunError;
use wxr::http::MapResolver;
use wxr::merge::Inputs;
use wxr::read::{ReadOptions, Source};

fn dir() -> PathBuf {
    root().join("fixtures").join("check")
}

/// Comment id → the codes found on it.
fn codes(findings: &[check::Finding]) -> BTreeMap<i64, BTreeSet<String>> {
    let mut m: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
    for f in findings {
        if let Some(c) = f.comment_id {
            m.entry(c).or_default().insert(f.code.clone());
        }
    }
    m
}

fn expect(table: &[(i64, &[&str])]) -> BTreeMap<i64, BTreeSet<String>> {
    table
        .iter()
        .filter(|(_, c)| !c.is_empty())
        .map(|(id, c)| (*id, c.iter().map(|s| s.to_string()).collect()))
        .collect()
}

/// Differences between expected and found codes, one line per comment.
fn compare(want: &BTreeMap<i64, BTreeSet<String>>, got: &BTreeMap<i64, BTreeSet<String>>) -> Vec<String> {
    let ids: BTreeSet<&i64> = want.keys().chain(got.keys()).collect();
    ids.into_iter()
        .filter_map(|id| {
            let w = want.get(id).cloned().unwrap_or_default();
            let g = got.get(id).cloned().unwrap_or_default();
            (w != g).then(|| format!("comment {id}: want {w:?}, got {g:?}"))
        })
        .collect()
}

const OFFLINE: &[(i64, &[&str])] = &[
    (140, &["ping.self"]),
    (141, &["ping.self", "ping.self.unresolved"]),
    (142, &["ping.self", "ping.self.source_not_published"]),
    (143, &["ping.self", "ping.self.same_item"]),
    (144, &["ping.self", "ping.self.no_backlink"]),
    (150, &["ping.status.spam"]),
    (151, &["ping.status.pending"]),
    (152, &["ping.status.trash"]),
    (153, &["ping.source.missing"]),
    (154, &["ping.source.malformed"]),
    (155, &["ping.source.unsupported_scheme"]),
    (156, &["ping.source.has_credentials"]),
    (157, &["ping.source.private_address"]),
    (158, &["ping.source.reserved_domain"]),
    (159, &[]),
    (160, &["ping.duplicate"]),
    (161, &["ping.duplicate"]),
    (162, &["ping.duplicate_cross_type"]),
    (163, &["ping.akismet_spam"]),
    (164, &["ping.parent_set"]),
    (165, &["ping.self"]),
    (170, &["comment.orphan"]),
    (171, &["comment.parent_self"]),
    (172, &["comment.parent_cycle"]),
    (173, &["comment.parent_cycle"]),
    (174, &["comment.parent_after_child"]),
    (177, &[]),
    (180, &["comment.id_duplicate"]),
    (181, &["ping.target.not_published"]),
    (182, &["ping.target.pings_closed"]),
    (183, &["ping.target.not_published", "ping.target.unusual_type"]),
];

/// A report as JSON with the run's times and the version masked.
fn masked(json: &str) -> String {
    let mut v: Value = serde_json::from_str(json).expect("the report is JSON");
    v["started_at"] = "…".into();
    v["finished_at"] = "…".into();
    v["tool"]["version"] = "…".into();
    let mut s = serde_json::to_string_pretty(&v).unwrap();
    s.push('\n');
    s
}

#[test]
fn offline_fixture_gives_every_offline_finding() {
    let r = run(&dir(), &["check", "offline.xml", "--offline", "--format", "json"]);
    assert_eq!(r.code, 1, "errors found → exit 1: {}", r.stderr);
    let report: check::report::Report = serde_json::from_str(&r.stdout).unwrap();
    let problems = compare(&expect(OFFLINE), &codes(&report.findings));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(report.summary.fetched, 0);
    assert_eq!(
        report.summary.skipped.offline, 10,
        "the distinct external sources, not fetched"
    );
    if let Some(p) = check_file(&dir().join("offline.report.json"), &masked(&r.stdout)) {
        panic!("{p}");
    }
    // Every key of the schema is present on every finding.
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    for f in v["findings"].as_array().unwrap() {
        for k in [
            "code",
            "severity",
            "confidence",
            "where",
            "item_id",
            "item_status",
            "item_link",
            "comment_id",
            "comment_type",
            "comment_status",
            "source_url",
            "message",
            "evidence",
            "fix",
        ] {
            assert!(f.get(k).is_some(), "finding without {k}: {f}");
        }
        assert!(f["fix"].get("action").is_some() && f["fix"].get("new_value").is_some());
    }
}

#[test]
fn exit_codes_follow_fail_on_and_ignore() {
    let d = dir();
    assert_eq!(
        run(&d, &["check", "offline.xml", "--offline", "--fail-on", "never"]).code,
        0
    );
    // A partial export: the self-ping from a post not in it is a warning.
    let partial = run(
        &d,
        &[
            "check",
            "offline.xml",
            "--offline",
            "--partial-export",
            "--format",
            "json",
        ],
    );
    let report: check::report::Report = serde_json::from_str(&partial.stdout).unwrap();
    let f = report
        .findings
        .iter()
        .find(|f| f.code == "ping.self.unresolved")
        .unwrap();
    assert_eq!(
        (f.severity, f.fix.action),
        (check::Severity::Warning, check::Action::Review)
    );
    // Without errors, warnings fail only with --fail-on warning.
    let no_errors = [
        "--ignore",
        "ping.self",
        "--ignore",
        "ping.source",
        "--ignore",
        "comment.id_duplicate",
    ];
    let mut args = vec!["check", "offline.xml", "--offline", "-q"];
    args.extend(no_errors);
    assert_eq!(run(&d, &args).code, 0);
    args.extend(["--fail-on", "warning"]);
    assert_eq!(run(&d, &args).code, 1);
    assert_eq!(run(&d, &["check", "missing.xml"]).code, 3);
    assert_eq!(run(&d, &["check", "offline.xml", "--timeout", "-1"]).code, 2);
    assert_eq!(run(&d, &["check", "offline.xml", "--max-body-size", "lots"]).code, 2);
    assert_eq!(run(&d, &["check", "offline.xml", "--timeout", "1e300"]).code, 2);
    assert_eq!(run(&d, &["check", "offline.xml", "--max-cache-age", "1e300"]).code, 2);
    assert_eq!(run(&d, &["check", "offline.xml", "--max-body-size", "1e30"]).code, 2);
    assert_eq!(
        run(
            &d,
            &[
                "check",
                "offline.xml",
                "offline.xml",
                "--write-cleaned",
                "x.xml",
                "--offline"
            ]
        )
        .code,
        2
    );
}

#[test]
fn report_formats() {
    let d = dir();
    let jsonl = run(&d, &["check", "offline.xml", "--offline", "--format", "jsonl"]);
    let records: Vec<Value> = jsonl.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records.last().unwrap()["record"], "summary");
    assert!(records.iter().any(|r| r["record"] == "source"));
    let findings = records.iter().filter(|r| r["record"] == "finding").count();
    let json = run(&d, &["check", "offline.xml", "--offline", "--format", "json"]);
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(findings, v["findings"].as_array().unwrap().len());
    let md = run(&d, &["check", "offline.xml", "--offline", "--format", "markdown"]);
    assert!(md.stdout.starts_with("# Pingback audit"), "{}", md.stdout);
    assert!(md.stdout.contains("## error ("));
    assert!(md.stdout.contains("`ping.self.no_backlink` comment #144 on item #10"));
    let human = run(&d, &["check", "offline.xml", "--offline"]);
    let out = &human.stdout;
    assert!(out.contains("ping.self.unresolved"), "{out}");
    assert!(!out.contains("[ping.self]"), "infos only with -v");
    // Grouped by post, by its title, the worst first; each finding with
    // why and what to do, naming the comment.
    let hello = out.find("\n“Hello” (#10)\n").expect("the post's heading");
    let draft = out.find("\n“Draft post” (#12, draft)\n").expect("a draft's heading");
    assert!(hello < draft, "the post with errors first: {out}");
    assert!(
        out.contains(
            "  error    pingback 144  blog.test/?p=13  [ping.self.no_backlink]\n           \
             Item #13 no longer links to this item: the link was edited out.\n           → delete comment 144\n"
        ),
        "{out}"
    );
    assert!(out.contains("→ move comment 171 to the top of its thread"), "{out}");
    assert_eq!(out.matches("#10)").count(), 1, "one heading per post: {out}");
    // What to do over all, with every id, plurals right.
    assert!(
        out.contains("  delete 12 comments: 141, 142, 143, 144, 150, 153, 154, 155, 157, 158, 160, 161\n"),
        "{out}"
    );
    assert!(out.contains("  mark 1 comment as spam: 163\n"), "{out}");
    assert!(out.contains("Summary: 9 errors · 14 warnings · 11 info\n"), "{out}");
    assert!(out.contains("writes the 8 ids of the errors to delete"), "{out}");
    assert!(!out.contains("(s)"), "{out}");
    let verbose = run(&d, &["check", "offline.xml", "--offline", "-v"]);
    assert!(
        verbose.stdout.contains("A self-ping from item #11"),
        "{}",
        verbose.stdout
    );
    assert!(verbose.stdout.contains("[ping.self]"));
    // One page: every finding a row, the only script the page's own, no
    // link but to a web page.
    let html = run(&d, &["check", "offline.xml", "--offline", "--format", "html"]);
    let page = scraper::Html::parse_document(&html.stdout);
    let select = |css: &str| page.select(&scraper::Selector::parse(css).unwrap()).collect::<Vec<_>>();
    assert_eq!(select("#findings tbody tr").len(), findings, "{}", html.stdout);
    assert_eq!(select("script").len(), 1);
    assert_eq!(select("tr[data-action=delete]").len(), 13);
    for a in select("a") {
        let href = a.value().attr("href").unwrap();
        assert!(href.starts_with("http://") || href.starts_with("https://"), "{href}");
        assert_eq!(a.value().attr("rel"), Some("nofollow noreferrer"));
    }
    assert!(html.stdout.contains("javascript:alert(1)</td>"), "shown as text");
    // Deterministic.
    assert_eq!(
        masked(&json.stdout),
        masked(&run(&d, &["check", "offline.xml", "--offline", "--format", "json"]).stdout)
    );
}

#[test]
fn delete_ids_and_cleaned_export() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = tmp.path().join("ids.txt");
    let clean = tmp.path().join("clean.xml");
    let r = run(
        &dir(),
        &[
            "check",
            "offline.xml",
            "--offline",
            "-q",
            "--emit-delete-ids",
            ids.to_str().unwrap(),
            "--write-cleaned",
            clean.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let listed: Vec<i64> = std::fs::read_to_string(&ids)
        .unwrap()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    // Errors whose fix is `delete`, not warnings or infos.
    assert_eq!(listed, [141, 142, 143, 144, 153, 154, 155, 158]);
    // The cleaned export: those comments gone, the reply to one of them
    // re-parented, everything else as it was.
    let doc = |path: &std::path::Path| -> Value {
        let r = run(&dir(), &["convert", path.to_str().unwrap(), "-q"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        serde_json::from_str(&r.stdout).unwrap()
    };
    let before = doc(&dir().join("offline.xml"));
    let after = doc(&clean);
    let comments = |d: &Value| -> BTreeMap<i64, Value> {
        d["items"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|i| i["comments"].as_array().unwrap().iter().cloned())
            .map(|c| {
                (
                    c["id"].as_i64().unwrap() * 1000 + i64::from(c["content"].as_str().unwrap().len() as u16),
                    c,
                )
            })
            .collect()
    };
    let (b, a) = (comments(&before), comments(&after));
    assert_eq!(b.len() - a.len(), listed.len());
    for (k, c) in &b {
        let id = c["id"].as_i64().unwrap();
        if listed.contains(&id) {
            assert!(!a.contains_key(k), "{id} must be gone");
        } else if id == 177 {
            assert_eq!(c["parent"], 153);
            assert_eq!(a[k]["parent"], Value::Null, "177 replied to 153, which is deleted");
        } else {
            assert_eq!(a.get(k), Some(c), "comment {id} changed");
        }
    }
    let mut b_items = before["items"].clone();
    let mut a_items = after["items"].clone();
    for items in [&mut b_items, &mut a_items] {
        for i in items.as_array_mut().unwrap() {
            i["comments"] = Value::Null;
        }
    }
    assert_eq!(a_items, b_items, "items are unchanged");
    // Byte for byte: the removed blocks are the only difference in size.
    let original = std::fs::read(dir().join("offline.xml")).unwrap();
    let cleaned = std::fs::read(&clean).unwrap();
    assert!(cleaned.len() < original.len());
    assert!(cleaned.starts_with(&original[..original.windows(6).position(|w| w == b"<item>").unwrap()]));
}

/// A UTF-16 export (which the reader reads) is cleaned too, into UTF-16:
/// the same copy as of the UTF-8 export, in the export's own encoding and
/// BOM. Before, the cleaner took its bytes for UTF-8 and failed.
#[test]
fn a_utf16_export_is_cleaned_in_utf16() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(dir().join("offline.xml")).unwrap().replacen(
        "encoding=\"UTF-8\"",
        "encoding=\"UTF-16\"",
        1,
    );
    let utf16 = |text: &str| -> Vec<u8> {
        "\u{feff}"
            .encode_utf16()
            .chain(text.encode_utf16())
            .flat_map(u16::to_le_bytes)
            .collect()
    };
    std::fs::write(tmp.path().join("utf8.xml"), &text).unwrap();
    std::fs::write(tmp.path().join("utf16.xml"), utf16(&text)).unwrap();
    for name in ["utf8.xml", "utf16.xml"] {
        let out = format!("clean-{name}");
        let r = run(tmp.path(), &["check", name, "--offline", "-q", "--write-cleaned", &out]);
        assert_eq!(r.code, 1, "{name}: {}", r.stderr);
    }
    let clean8 = std::fs::read_to_string(tmp.path().join("clean-utf8.xml")).unwrap();
    assert!(clean8.len() < text.len(), "comments removed");
    assert_eq!(
        std::fs::read(tmp.path().join("clean-utf16.xml")).unwrap(),
        utf16(&clean8)
    );
}

/// `--write-cleaned` knows WordPress's namespace as the reader does: here
/// declared without its trailing slash (`xmlns:wp="…/export/1.2"`, a form
/// of real exports), the same comments go as with the usual form.
/// (Regression: the cleaner had its own namespace test, removed nothing
/// and still exited 0.)
#[test]
fn cleaned_export_with_the_namespace_written_without_its_slash() {
    let tmp = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(dir().join("offline.xml")).unwrap();
    let declared = r#"xmlns:wp="http://wordpress.org/export/1.2/""#;
    assert!(original.contains(declared));
    let input = tmp.path().join("no-slash.xml");
    std::fs::write(
        &input,
        original.replace(declared, r#"xmlns:wp="http://wordpress.org/export/1.2""#),
    )
    .unwrap();
    let clean = tmp.path().join("clean.xml");
    let r = run(
        tmp.path(),
        &["check", "no-slash.xml", "--offline", "--write-cleaned", "clean.xml"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("clean.xml: 8 comments removed, 1 reply re-parented"),
        "{}",
        r.stderr
    );
    let cleaned = std::fs::read_to_string(&clean).unwrap();
    for id in [141, 142, 143, 144, 153, 154, 155, 158] {
        assert!(
            !cleaned.contains(&format!("<wp:comment_id>{id}</wp:comment_id>")),
            "comment {id} must be gone"
        );
    }
}

/// A comment written with two `<wp:comment_id>`s is the comment of the last
/// one, for the reader that makes the report and for the cleaner that
/// removes what it lists (the cleaner kept the first, found none of the
/// ids and wrote nothing).
#[test]
fn cleaned_export_takes_the_comment_id_the_report_took() {
    let tmp = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(dir().join("offline.xml")).unwrap();
    let id = "<wp:comment_id>141</wp:comment_id>";
    assert_eq!(original.matches(id).count(), 1);
    let input = tmp.path().join("two-ids.xml");
    std::fs::write(
        &input,
        original.replace(id, &format!("<wp:comment_id>9141</wp:comment_id>{id}")),
    )
    .unwrap();
    let r = run(
        tmp.path(),
        &["check", "two-ids.xml", "--offline", "--write-cleaned", "clean.xml"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("clean.xml: 8 comments removed, 1 reply re-parented"),
        "{}",
        r.stderr
    );
    let cleaned = std::fs::read_to_string(tmp.path().join("clean.xml")).unwrap();
    assert!(!cleaned.contains(id) && !cleaned.contains("9141"));
}

/// A deletion is keyed by item and comment: comment ids are unique in one
/// WordPress database, not in a merged or crafted export. Here a
/// legitimate comment on another item has the id of a broken pingback
/// (141 on item 10); the cleaned copy and `--pingbacks verified` remove
/// only the pingback (both removed the comment too).
#[test]
fn deletions_name_the_item_as_well_as_the_comment() {
    let tmp = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(dir().join("offline.xml")).unwrap();
    let other = "<item><title>Other</title><wp:post_id>9999</wp:post_id><wp:post_type>post</wp:post_type>\
<wp:status>publish</wp:status><wp:comment><wp:comment_id>141</wp:comment_id>\
<wp:comment_author>Reader</wp:comment_author><wp:comment_author_url>https://www.lemonde.fr/un-article/</wp:comment_author_url>\
<wp:comment_content>[&#8230;] Keep me [&#8230;]</wp:comment_content>\
<wp:comment_approved>1</wp:comment_approved><wp:comment_type>pingback</wp:comment_type>\
<wp:comment_parent>0</wp:comment_parent></wp:comment></item>\n";
    let at = original.rfind("</channel>").unwrap();
    let input = tmp.path().join("two.xml");
    std::fs::write(&input, format!("{}{other}{}", &original[..at], &original[at..])).unwrap();
    let r = run(
        tmp.path(),
        &[
            "check",
            "two.xml",
            "--offline",
            "-f",
            "json",
            "-o",
            "report.json",
            "--write-cleaned",
            "clean.xml",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let cleaned = std::fs::read_to_string(tmp.path().join("clean.xml")).unwrap();
    assert!(cleaned.contains("Keep me"), "the other item's comment 141 must stay");
    assert_eq!(cleaned.matches("<wp:comment_id>141</wp:comment_id>").count(), 1);
    let r = run(
        tmp.path(),
        &[
            "convert",
            "two.xml",
            "--pingbacks",
            "verified",
            "--check-report",
            "report.json",
            "-o",
            "out.json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = std::fs::read_to_string(tmp.path().join("out.json")).unwrap();
    assert!(
        out.contains("Keep me"),
        "--pingbacks verified must keep the other item's 141"
    );
}

/// A cleaned copy that cannot be made says why, in the cleaner's words,
/// and writes nothing. Here the export is cut short inside its last item:
/// `--salvage` lets the check read the complete items, but the copy of a
/// damaged export is refused, as an input error (exit code 3).
#[test]
fn cleaned_export_errors_reach_the_user() {
    let tmp = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(dir().join("offline.xml")).unwrap();
    let cut = original.rfind("<item>").unwrap() + "<item>".len();
    let input = tmp.path().join("damaged.xml");
    std::fs::write(&input, &original[..cut]).unwrap();
    let none = std::collections::BTreeSet::new();
    let why = check::cleaned::write_cleaned(&input, &tmp.path().join("probe.xml"), &none).unwrap_err();
    assert!(matches!(why, check::cleaned::CleanError::Xml { .. }), "{why}");
    assert!(why.to_string().starts_with("XML error at byte "), "{why}");
    let r = run(
        tmp.path(),
        &[
            "check",
            "damaged.xml",
            "--offline",
            "-q",
            "--salvage",
            "--write-cleaned",
            "clean.xml",
        ],
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    let line = format!("wxr: error: clean.xml: cannot write the cleaned copy of damaged.xml: {why}\n");
    assert!(r.stderr.contains(&line), "want {line:?} in:\n{}", r.stderr);
    assert!(!tmp.path().join("clean.xml").exists());
}

/// Ids to delete that are not in the export given (not the one the report
/// comes from): the copy is refused with the ids, an output error.
#[test]
fn a_cleaned_copy_of_another_export_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut opts = Options::new();
    opts.offline = true;
    let input = Inputs::new(vec![Source::Path(dir().join("offline.xml"))], ReadOptions::default());
    let report = check::run(&input, &opts, None).unwrap().report;
    let other = tmp.path().join("other.xml");
    std::fs::write(&other, "<rss><channel><item><title>x</title></item></channel></rss>").unwrap();
    let clean = tmp.path().join("clean.xml");
    let err = check::repair(&report, check::Severity::Error, None, Some((&other, &clean))).unwrap_err();
    assert!(
        matches!(&err, RunError::Clean { source: check::cleaned::CleanError::NotFound(ids), .. }
            if ids.iter().map(|r| r.comment).collect::<Vec<_>>() == [141, 142, 143, 144, 153, 154, 155, 158]
                && ids.iter().all(|r| r.item.is_some())),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "{}: cannot write the cleaned copy of {}: 8 comments to delete are not in the file (141 on item 10, 142 on item 10, 143 on item 10, 144 on item 10, 153 on item 10…): nothing was written",
            clean.display(),
            other.display()
        )
    );
    assert_eq!(err.exit_code(), 5);
    assert!(!clean.exists());
}

#[test]
fn convert_leaves_out_the_pings_a_report_marks() {
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("report.json");
    run(
        &dir(),
        &[
            "check",
            "offline.xml",
            "--offline",
            "--format",
            "json",
            "-o",
            report.to_str().unwrap(),
        ],
    );
    let pings = |args: &[&str]| -> BTreeSet<i64> {
        let mut all = vec!["convert", "offline.xml", "-q"];
        all.extend(args);
        let r = run(&dir(), &all);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v: Value = serde_json::from_str(&r.stdout).unwrap();
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|i| i["comments"].as_array().unwrap().iter())
            .filter(|c| c["type"] != "comment")
            .map(|c| c["id"].as_i64().unwrap())
            .collect()
    };
    let all = pings(&[]);
    assert_eq!(all.len(), 24);
    assert!(pings(&["--pingbacks", "drop"]).is_empty());
    let kept = pings(&["--pingbacks", "verified", "--check-report", report.to_str().unwrap()]);
    let gone: BTreeSet<i64> = all.difference(&kept).copied().collect();
    // Every ping whose finding says delete, whatever its severity.
    assert_eq!(
        gone,
        [141, 142, 143, 144, 150, 152, 153, 154, 155, 157, 158, 160, 161]
            .into_iter()
            .collect()
    );
    let r = run(&dir(), &["convert", "offline.xml", "--pingbacks", "verified"]);
    assert_eq!(r.code, 2, "verified needs a report");
}

/// Two outputs of one run may not name the same file, by any name (the
/// second replaced the first): a usage error, before anything is written.
/// A device takes both.
#[cfg(unix)]
#[test]
fn two_outputs_may_not_name_one_file() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(dir().join("offline.xml"), tmp.path().join("offline.xml")).unwrap();
    std::fs::write(tmp.path().join("old.txt"), "old\n").unwrap();
    std::os::unix::fs::symlink("old.txt", tmp.path().join("link.txt")).unwrap();
    std::os::unix::fs::symlink("new.txt", tmp.path().join("dangling.txt")).unwrap();
    std::fs::hard_link(tmp.path().join("old.txt"), tmp.path().join("hard.txt")).unwrap();
    let cases: &[&[&str]] = &[
        &["-o", "x.txt", "--emit-delete-ids", "x.txt"],
        &["-o", "x.txt", "--write-cleaned", "./x.txt"],
        &["--emit-delete-ids", "ids.txt", "--cache=ids.txt"],
        &["-o", "old.txt", "--emit-delete-ids", "link.txt"],
        &["-o", "hard.txt", "--emit-delete-ids", "old.txt"],
        &["-o", "dangling.txt", "--write-cleaned", "new.txt"],
    ];
    for extra in cases {
        let mut args = vec!["check", "offline.xml", "--offline"];
        args.extend(*extra);
        let r = run(tmp.path(), &args);
        assert_eq!(r.code, 2, "{extra:?}: {}", r.stderr);
        assert!(r.stderr.contains("name the same file"), "{extra:?}: {}", r.stderr);
        for name in ["x.txt", "ids.txt", "new.txt"] {
            assert!(!tmp.path().join(name).exists(), "{extra:?}: {name} written");
        }
        assert_eq!(std::fs::read_to_string(tmp.path().join("old.txt")).unwrap(), "old\n");
    }
    let r = run(
        tmp.path(),
        &[
            "check",
            "offline.xml",
            "--offline",
            "-q",
            "-o",
            "/dev/null",
            "--emit-delete-ids",
            "/dev/null",
        ],
    );
    assert_eq!(r.code, 1, "the findings: {}", r.stderr);
}

/// The report `--check-report` reads is an input: no output replaces it,
/// by its name or as a file of the site (`_wxr/wxr-report.json`, the site's own
/// report); before, `-o report.json` wrote the model over it.
#[test]
fn no_output_replaces_the_check_report() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(dir().join("offline.xml"), tmp.path().join("offline.xml")).unwrap();
    std::fs::create_dir_all(tmp.path().join("site/_wxr")).unwrap();
    for report in ["report.json", "site/_wxr/wxr-report.json"] {
        let r = run(
            tmp.path(),
            &[
                "check",
                "offline.xml",
                "--offline",
                "--format",
                "json",
                "-o",
                report,
                "-q",
            ],
        );
        assert_eq!(r.code, 1, "{}", r.stderr);
    }
    for (report, output) in [
        ("report.json", &["-o", "report.json"][..]),
        ("report.json", &["-o", "./report.json"][..]),
        ("site/_wxr/wxr-report.json", &["--format", "markdown", "-o", "site"][..]),
    ] {
        let written = std::fs::read(tmp.path().join(report)).unwrap();
        let mut args = vec![
            "convert",
            "offline.xml",
            "--pingbacks",
            "verified",
            "--check-report",
            report,
        ];
        args.extend(output);
        let r = run(tmp.path(), &args);
        assert_eq!(r.code, 5, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr
                .contains(&format!("cannot write the output: it is the input {report} ")),
            "{args:?}: {}",
            r.stderr
        );
        assert_eq!(std::fs::read(tmp.path().join(report)).unwrap(), written, "{args:?}");
    }
}

// ---- the network -------------------------------------------------------

const BACKLINK: &str = r#"<a href="http://blog.test/2009/05/hello/">Hello</a>"#;

fn html(body: &str) -> String {
    format!("<!DOCTYPE html><html><head><title>A blog</title></head><body>{body}</body></html>")
}

/// An endless body: `prefix`, then `x` forever, slowly if `delay`.
struct Endless {
    prefix: Vec<u8>,
    pos: usize,
    delay: Option<Duration>,
    stop: Arc<AtomicBool>,
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.stop.load(Ordering::Relaxed) {
            return Ok(0);
        }
        if let Some(d) = self.delay {
            std::thread::sleep(d);
            if buf.is_empty() {
                return Ok(0);
            }
            buf[0] = b'x';
            return Ok(1);
        }
        let mut n = 0;
        while n < buf.len() {
            buf[n] = self.prefix.get(self.pos).copied().unwrap_or(b'x');
            self.pos += 1;
            n += 1;
        }
        Ok(n)
    }
}

/// A few KB of gzip that inflate to 8 MB, compressed once before any
/// request: compressing it while the client waits (slow in a debug build
/// on a loaded machine) would turn the expected truncation into a timeout.
static GZIP_BOMB: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(b"<html><body><p>").unwrap();
    enc.write_all(&vec![b'x'; 8 << 20]).unwrap();
    enc.finish().unwrap()
});

/// The shared server, answering with this file's routes.
fn start_server() -> Server {
    std::sync::LazyLock::force(&GZIP_BOMB);
    Server::start(respond)
}

fn respond(req: tiny_http::Request, path: &str, hit: usize, stop: Arc<AtomicBool>) {
    use tiny_http::{Header, Response, StatusCode};
    let header = |k: &str, v: &str| Header::from_bytes(k.as_bytes(), v.as_bytes()).unwrap();
    let page =
        |body: &str| Response::from_string(html(body)).with_header(header("Content-Type", "text/html; charset=utf-8"));
    let redirect = |status: u16, to: &str| {
        Response::from_string("")
            .with_status_code(StatusCode(status))
            .with_header(header("Location", to))
    };
    let status = |code: u16| Response::from_string(html("no")).with_status_code(StatusCode(code));
    let cookie = req
        .headers()
        .iter()
        .any(|h| h.field.equiv("Cookie") && h.value.as_str().contains("seen=1"));
    let _ = match path {
        "/links-back" | "/shared-target" => req.respond(page(BACKLINK)),
        "/variant-https" => req.respond(page(r#"<a href="https://www.blog.test/2009/05/hello">x</a>"#)),
        "/variant-p" => req.respond(page(r#"<a href="http://blog.test/?p=10&amp;replytocom=3">x</a>"#)),
        "/variant-relative" => req.respond(
            Response::from_string(
                r#"<html><head><base href="http://www.blog.test/2009/05/x/"></head><body><a href="../hello/">x</a></body></html>"#,
            )
            .with_header(header("Content-Type", "text/html")),
        ),
        "/no-link" | "/no-link-tb" => req.respond(page(r#"<a href="http://elsewhere.test/">elsewhere</a>"#)),
        "/links-other-post" => req.respond(page(r#"<a href="http://blog.test/2009/06/second/">second</a>"#)),
        "/text-in-comment" => req.respond(page(
            "<!-- <a href=\"http://blog.test/2009/05/hello/\">x</a> --> see http://blog.test/2009/05/hello/",
        )),
        "/404" => req.respond(status(404)),
        "/410" => req.respond(status(410)),
        "/403" => req.respond(status(403)),
        "/429" => req.respond(status(429).with_header(header("Retry-After", "0"))),
        "/451" => req.respond(status(451)),
        "/500" => req.respond(status(500)),
        "/flaky" if hit == 1 => req.respond(status(503).with_header(header("Retry-After", "0"))),
        "/retry-after" if hit == 1 => req.respond(status(503).with_header(header("Retry-After", "30"))),
        "/retry-after" => req.respond(page(BACKLINK)),
        "/pause" => {
            std::thread::sleep(Duration::from_millis(300));
            req.respond(page(BACKLINK))
        }
        "/flaky" => req.respond(page(BACKLINK)),
        "/301" => req.respond(redirect(301, "/links-back")),
        "/307" => req.respond(redirect(307, "http://alive.test/links-back")),
        "/moved/away/" => req.respond(redirect(301, "/")),
        "/" => req.respond(page("Welcome to the home page")),
        "/loop-a" => req.respond(redirect(302, "/loop-b")),
        "/loop-b" => req.respond(redirect(302, "/loop-a")),
        p if p.starts_with("/chain-") => {
            let n: u32 = p[7..].parse().unwrap_or(0);
            req.respond(redirect(302, &format!("/chain-{}", n + 1)))
        }
        "/cookie" if cookie => req.respond(page(BACKLINK)),
        "/cookie" => req.respond(redirect(302, "/cookie").with_header(header("Set-Cookie", "seen=1; Path=/"))),
        "/bad-location" => req.respond(Response::from_string("").with_status_code(StatusCode(302))),
        "/slow" => {
            std::thread::sleep(Duration::from_millis(1500));
            req.respond(page(BACKLINK))
        }
        "/trickle" => req.respond(Response::new(
            StatusCode(200),
            vec![header("Content-Type", "text/html")],
            Endless {
                prefix: Vec::new(),
                pos: 0,
                delay: Some(Duration::from_millis(100)),
                stop,
            },
            None,
            None,
        )),
        "/huge" | "/huge-link-early" => {
            let prefix = if path == "/huge" { String::new() } else { html(BACKLINK) };
            req.respond(Response::new(
                StatusCode(200),
                vec![header("Content-Type", "text/html")],
                Endless {
                    prefix: format!("<html><body>{prefix}<p>").into_bytes(),
                    pos: 0,
                    delay: None,
                    stop,
                },
                None,
                None,
            ))
        }
        "/gzip-bomb" => {
            let body = GZIP_BOMB.clone();
            assert!(body.len() < 64 * 1024, "the bomb is small on the wire");
            req.respond(
                Response::from_data(body)
                    .with_header(header("Content-Type", "text/html"))
                    .with_header(header("Content-Encoding", "gzip")),
            )
        }
        "/pdf" => req.respond(
            Response::from_data(b"%PDF-1.4 http://blog.test/2009/05/hello/".to_vec())
                .with_header(header("Content-Type", "application/pdf")),
        ),
        "/plain" => req.respond(
            Response::from_string("Links of the week: http://blog.test/2009/05/hello/ (great).")
                .with_header(header("Content-Type", "text/plain; charset=utf-8")),
        ),
        "/latin1" => req.respond(
            Response::from_data(
                [b"<html><head><title>Caf\xe9 cr\xe8me</title></head><body>".as_ref(), BACKLINK.as_bytes(), b"</body></html>"]
                    .concat(),
            )
            .with_header(header("Content-Type", "text/html; charset=iso-8859-1")),
        ),
        "/bogus-charset" => req.respond(
            Response::from_data([b"<html><title>\xff\xfe</title>".as_ref(), BACKLINK.as_bytes()].concat())
                .with_header(header("Content-Type", "text/html; charset=x-bogus")),
        ),
        "/shared" => req.respond(page(
            r#"<a href="http://blog.test/2009/05/hello/">1</a><a href="http://blog.test/2009/06/second/">2</a><a href="http://blog.test/2009/07/third/">3</a>"#,
        )),
        // The French blog's sources (french_blog_post_like_its_author_would_see_it).
        "/2010/02/veille-marketing-semaine-6/" | "/liens-du-vendredi-2010/" => req.respond(page(FRENCH_BACKLINK)),
        "/2010/04/09/liens-du-vendredi/" => req.respond(redirect(301, "/liens-du-vendredi-2010/")),
        "/blogue/2010/03/notre-infolettre-fait-peau-neuve/" => req.respond(page("<p>Notre infolettre fait peau neuve.</p>")),
        _ => req.respond(status(404)),
    };
}

const FRENCH_BACKLINK: &str =
    r#"<a href="http://blog.example/2010/02/infolettre-cinq-erreurs-qui-font-fuir-vos-abonnes/">cinq erreurs</a>"#;

/// A raw server: `serve` gets each accepted connection.
fn raw(serve: fn(TcpStream)) -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            std::thread::spawn(move || serve(s));
        }
    });
    addr
}

/// A port nothing listens on.
fn refused() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

/// A listener whose accept queue is full: connecting hangs (Linux drops
/// the SYN). The returned streams and listener must be kept alive.
fn black_hole() -> (SocketAddr, TcpListener, Vec<TcpStream>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let mut held = Vec::new();
    for _ in 0..4096 {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(100)) {
            Ok(s) => held.push(s),
            Err(_) => break,
        }
    }
    (addr, l, held)
}

fn read_request(s: &mut TcpStream) {
    let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
    let mut buf = [0u8; 4096];
    let _ = s.read(&mut buf);
}

struct Net {
    server: Server,
    resolver: Arc<MapResolver>,
    _hole: (TcpListener, Vec<TcpStream>),
}

fn network() -> Net {
    let server = start_server();
    let (hole, listener, held) = black_hole();
    let resolver = MapResolver::new()
        .map("alive.test", server.addr)
        .map("slow.test", server.addr)
        .map("big.test", server.addr)
        .map("blog.test", server.addr)
        .map("refused.test", refused())
        .map(
            "reset.test",
            raw(|mut s| {
                read_request(&mut s);
                drop(s);
            }),
        )
        .map(
            "tlsbroken.test",
            raw(|mut s| {
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
            }),
        )
        .map(
            "garbage.test",
            raw(|mut s| {
                read_request(&mut s);
                let _ = s.write_all(b"HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\nok");
            }),
        )
        .map("blackhole.test", hole)
        .nxdomain("gone-domain.test")
        .temporary("flaky-dns.test");
    Net {
        server,
        resolver: Arc::new(resolver),
        _hole: (listener, held),
    }
}

fn fast_options(resolver: Arc<MapResolver>) -> Options {
    let mut o = Options::new();
    o.resolver = resolver;
    o.net.allow_private = true;
    o.net.timeout = Duration::from_millis(700);
    o.net.connect_timeout = Duration::from_millis(300);
    o.net.retries = 1;
    o.net.backoff = Duration::from_millis(10);
    o.net.max_retry_after = Duration::from_millis(50);
    o.net.max_body = 64 * 1024;
    o.net.host_interval = Duration::ZERO;
    // The network is there: alive.test answers (where the test resolver
    // maps it).
    o.probe_url = "http://alive.test/probe".into();
    o
}

const NETWORK: &[(i64, &[&str])] = &[
    (200, &[]),
    (201, &["ping.backlink.variant"]),
    (202, &["ping.backlink.variant"]),
    (203, &["ping.backlink.variant"]),
    (204, &["ping.backlink.missing"]),
    (205, &["ping.backlink.missing"]),
    (206, &["ping.backlink.missing"]),
    (207, &["ping.backlink.missing"]),
    (208, &["ping.source.http_not_found"]),
    (209, &["ping.source.http_gone"]),
    (210, &["ping.source.http_forbidden", "ping.backlink.unverifiable"]),
    (211, &["ping.source.http_rate_limited", "ping.backlink.unverifiable"]),
    (212, &["ping.source.http_client_error"]),
    (213, &["ping.source.http_server_error"]),
    (214, &[]),
    (215, &["ping.source.redirect_permanent"]),
    (216, &["ping.source.redirect_temporary"]),
    (217, &["ping.source.redirect_to_root"]),
    (218, &["ping.source.redirect_loop"]),
    (219, &["ping.source.redirect_limit"]),
    (220, &["ping.source.redirect_temporary"]),
    (221, &["ping.source.redirect_invalid"]),
    (222, &["ping.source.timeout"]),
    (223, &["ping.source.timeout"]),
    (224, &["ping.source.truncated", "ping.backlink.unverifiable"]),
    (225, &["ping.source.truncated"]),
    (226, &["ping.source.truncated", "ping.backlink.unverifiable"]),
    (227, &["ping.source.not_html", "ping.backlink.unverifiable"]),
    (228, &[]),
    (229, &[]),
    (230, &["ping.source.charset_fallback"]),
    (231, &["ping.source.dns_nxdomain"]),
    (232, &["ping.source.dns_error"]),
    (233, &["ping.source.connect_refused"]),
    (234, &["ping.source.connection_reset"]),
    (235, &["ping.source.tls_error"]),
    (236, &["ping.source.protocol_error"]),
    (237, &["ping.source.connect_timeout"]),
    (238, &[]),
    (239, &[]),
    (240, &[]),
    (241, &["ping.duplicate"]),
];

fn network_input() -> Inputs {
    Inputs::new(vec![Source::Path(dir().join("network.xml"))], ReadOptions::default())
}

#[test]
fn every_network_finding_from_local_servers() {
    let net = network();
    let opts = fast_options(net.resolver.clone());
    let started = std::time::Instant::now();
    let out = check::run(&network_input(), &opts, None).expect("the check runs");
    let elapsed = started.elapsed();
    let got = codes(&out.report.findings);
    let problems = compare(&expect(NETWORK), &got);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        net.resolver.unknown.lock().unwrap().is_empty(),
        "a name leaked: {:?}",
        net.resolver.unknown
    );
    assert_eq!(out.exit_code, 1);
    let s = &net.server;
    assert_eq!(s.hits("/shared"), 1, "three pings, one fetch");
    assert_eq!(
        s.hits("/links-back"),
        3,
        "200 and 241 share one fetch; 301 and 307 lead there"
    );
    assert_eq!(s.hits("/flaky"), 2, "503 retried once");
    assert_eq!(s.hits("/500"), 2, "5xx retried");
    assert_eq!(s.hits("/404"), 1, "404 never retried");
    assert_eq!(s.hits("/loop-a"), 1, "the loop is seen at the first revisit");
    assert_eq!(s.hits("/cookie"), 2, "a redirect that sets a cookie is no loop");
    let by = |id: i64, code: &str| {
        out.report
            .findings
            .iter()
            .find(|f| f.comment_id == Some(id) && f.code == code)
            .unwrap_or_else(|| panic!("{id} {code}"))
            .clone()
    };
    assert_eq!(
        by(205, "ping.backlink.missing").severity,
        check::Severity::Warning,
        "trackback"
    );
    assert_eq!(
        by(204, "ping.backlink.missing").severity,
        check::Severity::Error,
        "pingback"
    );
    assert_eq!(
        by(206, "ping.backlink.missing").evidence["links_to_items"],
        serde_json::json!([11])
    );
    let moved = by(215, "ping.source.redirect_permanent");
    assert_eq!(moved.fix.action, check::Action::RewriteSource);
    assert_eq!(moved.fix.new_value, "http://alive.test/links-back");
    assert_eq!(by(202, "ping.backlink.variant").evidence["rule"], "query_id");
    assert_eq!(
        by(232, "ping.source.dns_error").evidence["attempts"],
        2,
        "temporary DNS failure retried"
    );
    assert_eq!(
        by(231, "ping.source.dns_nxdomain").evidence["attempts"],
        2,
        "one confirmation"
    );
    assert_eq!(
        by(219, "ping.source.redirect_limit").evidence["hops"]
            .as_array()
            .unwrap()
            .len(),
        11
    );
    // The page read: the title decoded from Latin-1, the body capped.
    let source = |u: &str| {
        out.report
            .sources
            .iter()
            .find(|s| s.url == u)
            .unwrap()
            .fetch
            .clone()
            .unwrap()
    };
    assert_eq!(source("http://alive.test/latin1").title.as_deref(), Some("Café crème"));
    let huge = source("http://big.test/huge");
    assert!(huge.truncated && huge.bytes_read == 64 * 1024);
    assert!(
        source("http://big.test/gzip-bomb").truncated,
        "the cap applies after decompression"
    );
    assert_eq!(source("http://alive.test/cookie").hops.len(), 2);
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}");
    // The findings as a golden file: everything but the words of the
    // operating system's and the client's error messages.
    let mut findings = serde_json::to_value(&out.report.findings).unwrap();
    for f in findings.as_array_mut().unwrap() {
        let f = f.as_object_mut().unwrap();
        f.remove("message");
        if let Some(e) = f.get_mut("evidence").and_then(Value::as_object_mut) {
            e.remove("error");
        }
    }
    let mut text = serde_json::to_string_pretty(&findings).unwrap();
    text.push('\n');
    if let Some(p) = check_file(&dir().join("network.findings.json"), &text) {
        panic!("{p}");
    }
}

#[test]
fn offline_makes_no_request() {
    let net = network();
    let mut opts = fast_options(net.resolver.clone());
    opts.offline = true;
    let out = check::run(&network_input(), &opts, None).unwrap();
    assert!(net.resolver.asked.lock().unwrap().is_empty());
    assert!(net.server.hits.lock().unwrap().is_empty());
    assert_eq!(out.report.summary.fetched, 0);
    assert!(out.report.summary.skipped.offline > 30);
    assert_eq!(out.exit_code, 0, "nothing wrong offline");
}

#[test]
fn private_addresses_are_not_fetched_unless_allowed() {
    let net = network();
    let mut opts = fast_options(net.resolver.clone());
    opts.net.allow_private = false;
    let out = check::run(&network_input(), &opts, None).unwrap();
    assert_eq!(
        net.server.take_paths(),
        ["/probe"],
        "nothing but the probe the user named reached the loopback server"
    );
    let f = out
        .report
        .findings
        .iter()
        .find(|f| f.comment_id == Some(200))
        .expect("a finding for the source that resolves to 127.0.0.1");
    assert_eq!(f.code, "ping.source.private_address");
}

#[test]
fn an_offline_machine_is_inconclusive_not_broken() {
    let resolver = Arc::new(
        [
            "alive.test",
            "slow.test",
            "big.test",
            "refused.test",
            "reset.test",
            "tlsbroken.test",
            "garbage.test",
            "blackhole.test",
            "gone-domain.test",
            "flaky-dns.test",
        ]
        .iter()
        .enumerate()
        // Some names "do not exist", the others fail for now: an offline
        // machine can answer either way (macOS says "not known").
        .fold(MapResolver::new(), |r, (n, h)| {
            if n % 2 == 0 { r.temporary(h) } else { r.nxdomain(h) }
        }),
    );
    let opts = fast_options(resolver);
    let out = check::run(&network_input(), &opts, None).unwrap();
    assert_eq!(out.exit_code, 4);
    assert!(
        out.report
            .summary
            .diagnostics
            .iter()
            .any(|d| d.code == "check.network_unavailable")
    );
    assert!(
        !out.report
            .findings
            .iter()
            .any(|f| f.code.starts_with("ping.source.dns")),
        "no source condemned"
    );
}

/// An export of one post (`http://blog.net/hello/`, id 10) pinged by
/// each of `sources`, written into `dir` as `name`.
fn pinged_export(dir: &std::path::Path, name: &str, sources: &[&str]) {
    let mut pings = String::new();
    for (n, url) in sources.iter().enumerate() {
        pings += &format!(
            "<wp:comment><wp:comment_id>{}</wp:comment_id><wp:comment_author_url>{url}</wp:comment_author_url>\
             <wp:comment_approved>1</wp:comment_approved><wp:comment_type>pingback</wp:comment_type></wp:comment>\n",
            n + 1
        );
    }
    let export = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:wp=\"http://wordpress.org/export/1.2/\">\
         <channel><link>http://blog.net</link><wp:wxr_version>1.2</wp:wxr_version>\
         <wp:base_site_url>http://blog.net</wp:base_site_url>\n<item><title>Hello</title>\
         <link>http://blog.net/hello/</link><wp:post_id>10</wp:post_id><wp:post_name>hello</wp:post_name>\
         <wp:status>publish</wp:status><wp:post_type>post</wp:post_type>\n{pings}</item></channel></rss>\n"
    );
    std::fs::write(dir.join(name), export).unwrap();
}

/// On a machine without DNS every name "does not exist": three pings from
/// one host were three certain `dns_nxdomain` errors to delete (the old
/// guard wanted three failing hosts). A failure counts only once the probe
/// has answered: unless it does, the run is inconclusive and advises
/// nothing; when it does, the name is gone; when every source answers,
/// nothing is probed.
#[test]
fn a_failure_counts_only_once_the_probe_answers() {
    let server = start_server();
    let tmp = tempfile::tempdir().unwrap();
    pinged_export(
        tmp.path(),
        "one-host.xml",
        &[
            "http://gone-blog.net/a",
            "http://gone-blog.net/b",
            "http://gone-blog.net/c",
        ],
    );
    let input = Inputs::new(
        vec![Source::Path(tmp.path().join("one-host.xml"))],
        ReadOptions::default(),
    );
    let no_dns = MapResolver::new().nxdomain("gone-blog.net").nxdomain("probe.net");
    let mut opts = fast_options(Arc::new(no_dns));
    opts.probe_url = "http://probe.net/".into();
    let out = check::run(&input, &opts, None).unwrap();
    assert_eq!(out.exit_code, 4);
    let d = &out.report.summary.diagnostics;
    assert!(
        d.iter()
            .any(|d| d.code == "check.network_unavailable" && d.message.contains("http://probe.net/")),
        "{d:?}"
    );
    assert!(out.report.findings.is_empty(), "{:?}", out.report.findings);
    assert!(out.report.delete_ids(check::Severity::Info).is_empty());

    let probe_answers = Arc::new(
        MapResolver::new()
            .nxdomain("gone-blog.net")
            .map("probe.net", server.addr),
    );
    opts.resolver = probe_answers.clone();
    let out = check::run(&input, &opts, None).unwrap();
    assert_eq!(out.exit_code, 1);
    assert_eq!(server.take_paths(), ["/"], "probed once");
    assert!(out.report.summary.diagnostics.is_empty());
    for f in &out.report.findings {
        assert_eq!(f.code, "ping.source.dns_nxdomain");
        assert_eq!(
            (f.confidence, f.fix.action),
            (check::Confidence::Certain, check::Action::Delete)
        );
    }
    assert_eq!(out.report.delete_ids(check::Severity::Error), [1, 2, 3]);

    let sources_answer = Arc::new(MapResolver::new().map("gone-blog.net", server.addr));
    opts.resolver = sources_answer.clone();
    let out = check::run(&input, &opts, None).unwrap();
    assert_eq!(out.exit_code, 1, "three 404s");
    assert!(!sources_answer.asked.lock().unwrap().iter().any(|h| h == "probe.net"));
    assert_eq!(server.take_paths(), ["/a", "/b", "/c"]);
}

/// `--probe-url` on the command line: a source nothing listens on is
/// judged when the probe answers, and leaves the run inconclusive, with
/// an empty list of ids to delete, when it does not.
#[test]
fn the_probe_url_is_an_option() {
    let server = start_server();
    let tmp = tempfile::tempdir().unwrap();
    let dead = refused();
    pinged_export(tmp.path(), "dead.xml", &[&format!("http://{dead}/gone")]);
    let check = |probe: &str| {
        run(
            tmp.path(),
            &[
                "check",
                "dead.xml",
                "--allow-private",
                "--retries",
                "0",
                "--format",
                "json",
                "--probe-url",
                probe,
                "--emit-delete-ids",
                "ids.txt",
            ],
        )
    };
    let r = check(&format!("http://{}/", refused()));
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stdout.contains("check.network_unavailable"), "{}", r.stdout);
    assert!(!r.stdout.contains("ping.source.connect_refused"), "{}", r.stdout);
    assert_eq!(std::fs::read_to_string(tmp.path().join("ids.txt")).unwrap(), "");
    let r = check(&format!("http://{}/", server.addr));
    assert_eq!(r.code, 0, "a warning: {}", r.stderr);
    assert!(r.stdout.contains("ping.source.connect_refused"), "{}", r.stdout);
    for bad in ["ftp://probe.net/", "probe.net", "http://"] {
        let r = check(bad);
        assert_eq!(r.code, 2, "{bad}: {}", r.stderr);
        assert!(r.stderr.contains("--probe-url"), "{bad}: {}", r.stderr);
    }
    let help = run(tmp.path(), &["check", "--help"]);
    assert!(help.stdout.contains("--probe-url <URL>"), "{}", help.stdout);
    assert!(
        help.stdout.contains("[default: https://wordpress.org/]"),
        "{}",
        help.stdout
    );
}

#[test]
fn one_host_at_a_time_hosts_in_parallel() {
    let server = start_server();
    let resolver = MapResolver::new()
        .map("a.test", server.addr)
        .map("b.test", server.addr)
        .map("c.test", server.addr);
    let mut opts = fast_options(Arc::new(MapResolver::new())).net;
    opts.host_interval = Duration::from_millis(100);
    opts.concurrency = 3;
    let client = check::net::Client::new(Arc::new(resolver), opts);
    // Three pages on one host: one after the other, an interval apart.
    let same: Vec<String> = (0..3).map(|n| format!("http://a.test/pause?{n}")).collect();
    let t = std::time::Instant::now();
    let r = check::net::fetch_all(&client, &same, None);
    assert!(r.values().all(|f| f.status == Some(200)));
    assert!(
        t.elapsed() >= Duration::from_millis(3 * 300 + 2 * 100),
        "{:?}",
        t.elapsed()
    );
    let arrivals: Vec<std::time::Instant> = server.log.lock().unwrap().iter().map(|(_, at, _)| *at).collect();
    assert_eq!(arrivals.len(), 3);
    for w in arrivals.windows(2) {
        assert!(
            w[1] - w[0] >= Duration::from_millis(400),
            "the host got two requests at once"
        );
    }
    // Three hosts: at the same time.
    let spread = vec![
        "http://a.test/pause".to_string(),
        "http://b.test/pause".into(),
        "http://c.test/pause".into(),
    ];
    let t = std::time::Instant::now();
    check::net::fetch_all(&client, &spread, None);
    assert!(
        t.elapsed() < Duration::from_millis(800),
        "hosts were not fetched in parallel: {:?}",
        t.elapsed()
    );
    // An honest User-Agent on every request.
    for (_, _, ua) in server.log.lock().unwrap().iter() {
        assert!(ua.starts_with("wxr/") && ua.contains("pingback audit"), "{ua}");
    }
}

#[test]
fn deadlines_hold_against_slow_names_and_trickling_bodies() {
    let server = start_server();
    let resolver = MapResolver::new()
        .map("alive.test", server.addr)
        .slow("slow-dns.test", Duration::from_secs(3));
    let mut opts = fast_options(Arc::new(MapResolver::new())).net;
    opts.retries = 0;
    opts.timeout = Duration::from_millis(500);
    let client = check::net::Client::new(Arc::new(resolver), opts);
    let t = std::time::Instant::now();
    let f = client.fetch("http://slow-dns.test/x");
    assert!(
        t.elapsed() < Duration::from_millis(1500),
        "a hanging resolver held the fetch {:?}",
        t.elapsed()
    );
    assert_eq!(f.error.unwrap().kind, wxr::http::ErrorKind::DnsError);
    let t = std::time::Instant::now();
    let f = client.fetch("http://alive.test/trickle");
    assert!(
        t.elapsed() < Duration::from_millis(1500),
        "a trickling body held the fetch {:?}",
        t.elapsed()
    );
    assert_eq!(f.error.unwrap().kind, wxr::http::ErrorKind::Timeout);
}

#[test]
fn retry_after_is_honoured_up_to_the_cap() {
    let server = start_server();
    let mut opts = fast_options(Arc::new(MapResolver::new())).net;
    opts.max_retry_after = Duration::from_millis(400);
    let client = check::net::Client::new(Arc::new(MapResolver::new().map("alive.test", server.addr)), opts);
    let t = std::time::Instant::now();
    let f = client.fetch("http://alive.test/retry-after");
    let waited = t.elapsed();
    assert_eq!((f.status, f.attempts), (Some(200), 2));
    assert!(waited >= Duration::from_millis(380), "Retry-After ignored: {waited:?}");
    assert!(
        waited < Duration::from_secs(5),
        "Retry-After: 30 not capped: {waited:?}"
    );
}

#[test]
fn a_file_that_is_not_a_cache_is_refused_not_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    let precious = tmp.path().join("notes.txt");
    std::fs::write(&precious, "my notes\n").unwrap();
    one_ping_export(tmp.path());
    let notes = precious.to_str().unwrap();
    // `--cache FILE` (no `=`): FILE is an input, not the cache.
    let r = run(tmp.path(), &["check", "one.xml", "--cache", notes, "--offline"]);
    assert_eq!(r.code, 3, "notes.txt read as an export: {}", r.stderr);
    // `--cache=FILE` of a file that is not a cache: refused before any fetch.
    let arg = format!("--cache={notes}");
    let r = run(
        tmp.path(),
        &["check", "one.xml", &arg, "--allow-private", "--retries", "0"],
    );
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("not a wxr check cache"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&precious).unwrap(), "my notes\n");
    // The cache may not be an input either.
    let arg = format!("--cache={}", tmp.path().join("one.xml").display());
    let r = run(tmp.path(), &["check", "one.xml", &arg, "--offline"]);
    assert_eq!(r.code, 5, "{}", r.stderr);
}

/// `--cache=FIFO` opened the named pipe and waited for a writer forever:
/// anything but a regular file is refused (exit 5), before the export is
/// read. The run is given 20 seconds.
#[cfg(unix)]
#[test]
fn a_cache_that_is_no_regular_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    one_ping_export(tmp.path());
    let made = std::process::Command::new("mkfifo")
        .arg(tmp.path().join("cache.fifo"))
        .status()
        .unwrap();
    assert!(made.success());
    std::fs::create_dir(tmp.path().join("folder")).unwrap();
    for cache in ["--cache=cache.fifo", "--cache=folder", "--cache=/dev/null"] {
        let mut child = crate::util::wxr(tmp.path())
            .args(["check", "one.xml", cache, "--allow-private", "--retries", "0"])
            .args(["--probe-url", "http://127.0.0.1:9/"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while child.try_wait().unwrap().is_none() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let finished = child.try_wait().unwrap().is_some();
        if !finished {
            let _ = child.kill();
        }
        let r: crate::util::Run = child.wait_with_output().unwrap().into();
        assert!(finished, "{cache}: the run waited");
        assert_eq!(r.code, 5, "{cache}: {}", r.stderr);
        assert!(r.stderr.contains("not a regular file"), "{cache}: {}", r.stderr);
    }
}

/// An export with one ping from a loopback page (port 9, discard:
/// nothing answers), written into `dir` as `one.xml`.
fn one_ping_export(dir: &std::path::Path) {
    let export = std::fs::read_to_string(self::dir().join("network.xml")).unwrap();
    let first = export.find("\t\t<wp:comment>").unwrap();
    let last = export.find("\t</item>").unwrap();
    let one = format!(
        "{}\t\t<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author_url>http://127.0.0.1:9/x</wp:comment_author_url>\
         <wp:comment_approved>1</wp:comment_approved><wp:comment_type>pingback</wp:comment_type></wp:comment>\n{}",
        &export[..first],
        &export[last..]
    );
    std::fs::write(dir.join("one.xml"), one).unwrap();
}

#[test]
fn a_user_agent_that_cannot_be_a_header_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    one_ping_export(tmp.path());
    for ua in ["x\r\ny", "x\ny", "bell\u{7}", "del\u{7f}"] {
        let r = run(
            tmp.path(),
            &[
                "check",
                "one.xml",
                "--allow-private",
                "--retries",
                "0",
                "--user-agent",
                ua,
            ],
        );
        assert_eq!(r.code, 2, "{ua:?}: {}", r.stderr);
        assert!(r.stderr.contains("invalid value"), "{ua:?}: {}", r.stderr);
        assert!(r.stderr.contains("--user-agent"), "{ua:?}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{ua:?}: {}", r.stderr);
    }
    // Any other text is sent as it is, tabs and non-ASCII letters included.
    // (tiny_http hangs up on a header that is not ASCII.)
    let answers = raw(|mut s| {
        read_request(&mut s);
        let _ = s.write_all(b"HTTP/1.1 204 No Content\r\n\r\n");
    });
    let probe = format!("http://{answers}/probe");
    let r = run(
        tmp.path(),
        &[
            "check",
            "one.xml",
            "--allow-private",
            "--retries",
            "0",
            "--user-agent",
            "wxr\tcafé",
            "--probe-url",
            &probe,
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 1, "the run is made, not refused: {}", r.stderr);
    assert!(r.stdout.contains("ping.source.connect_refused"), "{}", r.stdout);
}

#[test]
fn the_cache_replays_successes_and_404s_only() {
    let net = network();
    let tmp = tempfile::tempdir().unwrap();
    let mut opts = fast_options(net.resolver.clone());
    opts.cache = Some(tmp.path().join("cache.jsonl"));
    let first = check::run(&network_input(), &opts, None).unwrap();
    let second = check::run(&network_input(), &opts, None).unwrap();
    let s = &net.server;
    assert_eq!(s.hits("/404"), 1, "a 404 is replayed from the cache");
    assert_eq!(s.hits("/shared"), 1, "a success is replayed");
    assert_eq!(s.hits("/500"), 4, "a server error is fetched again (with its retry)");
    assert!(second.report.summary.cached > 10);
    assert_eq!(
        codes(&first.report.findings),
        codes(&second.report.findings),
        "same findings"
    );
}

/// The seed-like French post (`fixtures/read/french-blog-post.xml`) as its
/// author would want it audited. Its export holds two posts, so the four
/// self-pings from posts not in it are unresolved (deleted posts, or a
/// partial export) while the one from the second post, which still links,
/// is fine; a pingback without a source is broken; the reply to a missing
/// comment is an orphan. On the network: Julie's roundup still links back,
/// the agency's page is gone (404), the shop's trackback page no longer
/// mentions the post, the Friday links moved permanently and still link
/// back (rewrite the source), and the marketing-notes domain is gone.
#[test]
fn french_blog_post_like_its_author_would_see_it() {
    let server = start_server();
    let resolver = Arc::new(
        MapResolver::new()
            .map("carnet-julie.example.com", server.addr)
            .map("www.agence-boreale.example", server.addr)
            .map("boutique-verte.example", server.addr)
            .map("liens.example.net", server.addr)
            .map("alive.test", server.addr)
            .nxdomain("www.marketing-notes.example.org"),
    );
    let opts = fast_options(resolver.clone());
    let input = Inputs::new(
        vec![Source::Path(crate::util::fixtures().join("french-blog-post.xml"))],
        ReadOptions::default(),
    );
    let out = check::run(&input, &opts, None).unwrap();
    let want = expect(&[
        (1191, &["comment.orphan"]),
        (1192, &[]),
        (1195, &["ping.self", "ping.self.unresolved"]),
        (1196, &["ping.self"]),
        (1198, &["ping.source.http_not_found"]),
        (1199, &["ping.backlink.missing"]),
        (1200, &["ping.self", "ping.self.unresolved"]),
        (1201, &["ping.source.redirect_permanent"]),
        (1202, &["ping.self", "ping.self.unresolved"]),
        (1203, &["ping.source.dns_nxdomain"]),
        (1204, &["ping.source.missing"]),
        (1205, &["ping.self", "ping.self.unresolved"]),
    ]);
    let problems = compare(&want, &codes(&out.report.findings));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(resolver.unknown.lock().unwrap().is_empty());
    let tb = out.report.findings.iter().find(|f| f.comment_id == Some(1199)).unwrap();
    assert_eq!(tb.severity, check::Severity::Warning, "a trackback need not link back");
    assert_eq!(
        out.report.delete_ids(check::Severity::Error),
        [1195, 1198, 1200, 1202, 1203, 1204, 1205]
    );
}

/// Every real export checks offline: a report whose ping count is the
/// pingbacks and trackbacks counted in the raw file.
#[test]
fn corpus_checks_offline() {
    let Some(corpus) = crate::corpus::corpus_dir() else {
        eprintln!("check corpus test skipped: set WXR_CORPUS=../shared/corpus to run it");
        return;
    };
    let mut names: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".xml") && n != "wpimporter-malformed.xml")
        .collect();
    names.sort();
    assert!(names.len() >= 8);
    let mut pings = 0;
    for name in &names {
        let r = run(
            &corpus,
            &["check", name, "--offline", "--format", "json", "--fail-on", "never"],
        );
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let report: check::report::Report = serde_json::from_str(&r.stdout).unwrap();
        let raw = std::fs::read_to_string(corpus.join(name)).unwrap();
        let count = |kind: &str| {
            raw.matches(&format!("<wp:comment_type>{kind}</wp:comment_type>"))
                .count()
                + raw
                    .matches(&format!("<wp:comment_type><![CDATA[{kind}]]></wp:comment_type>"))
                    .count()
        };
        assert_eq!(
            report.summary.pings as usize,
            count("pingback") + count("trackback"),
            "{name}"
        );
        pings += report.summary.pings;
    }
    assert!(pings >= 8, "the corpus has pings: {pings}");
    let r = run(&corpus, &["check", "wpimporter-malformed.xml", "--offline"]);
    assert_eq!(r.code, 3);
}

/// A self-ping whose source URL uses an old slug of the source post
/// (`_wp_old_slug`, which WordPress still redirects) is resolved, not
/// `ping.self.unresolved` with the advice to delete it.
#[test]
fn a_self_ping_from_an_old_slug_is_resolved() {
    let tmp = tempfile::tempdir().unwrap();
    let post = |id: u32, slug: &str, body: &str, extra: &str| {
        format!(
            r#"<item><title>Post {id}</title><link>http://blog.example/2010/05/{slug}/</link>
<guid isPermaLink="false">http://blog.example/?p={id}</guid><content:encoded><![CDATA[{body}]]></content:encoded>
<wp:post_id>{id}</wp:post_id><wp:post_date>2010-05-0{id} 10:00:00</wp:post_date><wp:post_name>{slug}</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>{extra}</item>"#
        )
    };
    let old =
        "<wp:postmeta><wp:meta_key>_wp_old_slug</wp:meta_key><wp:meta_value>old-name</wp:meta_value></wp:postmeta>";
    let ping = "<wp:comment><wp:comment_id>7</wp:comment_id><wp:comment_author>Post 1</wp:comment_author>\
<wp:comment_author_url>http://blog.example/2010/05/old-name/</wp:comment_author_url>\
<wp:comment_content>[...] see [...]</wp:comment_content><wp:comment_approved>1</wp:comment_approved>\
<wp:comment_type>pingback</wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment>";
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Blog</title><link>http://blog.example</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>http://blog.example</wp:base_site_url><wp:base_blog_url>http://blog.example</wp:base_blog_url>
{}{}</channel></rss>"#,
        post(
            1,
            "new-name",
            r#"<a href="http://blog.example/2010/05/target/">target</a>"#,
            old
        ),
        post(2, "target", "Target", ping)
    );
    std::fs::write(tmp.path().join("old.xml"), xml).unwrap();
    let r = run(tmp.path(), &["check", "old.xml", "--offline", "-f", "json"]);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stderr));
    let codes: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["comment_id"] == 7)
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(codes.contains(&"ping.self"), "{codes:?}");
    assert!(
        !codes.iter().any(|c| c.starts_with("ping.self.unresolved")),
        "{codes:?}"
    );
}
