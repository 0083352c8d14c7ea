//! Golden tests of the reader: each case in `fixtures/read/` is run through
//! `wxr convert --format json --verbose` and its standard output, standard
//! error and exit code are compared with `<case>.json`, `<case>.stderr` and
//! `<case>.exit` (absent file = empty output, exit code 0).
//!
//! A case is either `<case>.xml` alone, or `<case>.args`: the arguments
//! after `convert`, one per line (inputs, `--salvage`…). `X.args` replaces
//! the plain run of `X.xml`; with `--format jsonl` in its arguments the
//! expected output is `<case>.jsonl`. `WXR_BLESS=1 cargo test` rewrites the
//! expected files; review them with `git diff fixtures/` before committing.

use crate::util::{self, check_file, fixtures, run};
use std::collections::BTreeMap;
use std::path::Path;

/// Every case: name → arguments after `convert`.
pub fn cases() -> BTreeMap<String, Vec<String>> {
    let dir = fixtures();
    let mut cases = BTreeMap::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures/read exists")
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in &names {
        if let Some(stem) = name.strip_suffix(".args") {
            let text = std::fs::read_to_string(dir.join(name)).expect("read args");
            cases.insert(
                stem.to_string(),
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(String::from)
                    .collect(),
            );
        }
    }
    for name in &names {
        if let Some(stem) = name.strip_suffix(".xml") {
            cases.entry(stem.to_string()).or_insert_with(|| vec![name.clone()]);
        }
    }
    cases
}

fn check_case(dir: &Path, case: &str, args: &[String]) -> Vec<String> {
    let jsonl = args.iter().any(|a| a == "jsonl");
    let mut all: Vec<&str> = vec!["convert", "--verbose"];
    if !args.iter().any(|a| a == "--format") {
        all.extend(["--format", "json"]);
    }
    all.extend(args.iter().map(String::as_str));
    let r = run(dir, &all);
    let mut problems = Vec::new();
    let exit = if r.code == 0 {
        String::new()
    } else {
        format!("{}\n", r.code)
    };
    let out_ext = if jsonl { "jsonl" } else { "json" };
    for (ext, actual) in [(out_ext, &r.stdout), ("stderr", &r.stderr), ("exit", &exit)] {
        if let Some(p) = check_file(&dir.join(format!("{case}.{ext}")), actual) {
            problems.push(p);
        }
    }
    if r.code == 0 && !jsonl {
        // The document must be valid JSON with every field of the contract.
        match serde_json::from_str::<serde_json::Value>(&r.stdout) {
            Ok(v) => problems.extend(
                crate::golden::contract_problems(&v)
                    .into_iter()
                    .map(|p| format!("{case}: {p}")),
            ),
            Err(e) => problems.push(format!("{case}: output is not JSON: {e}")),
        }
    }
    problems
}

#[test]
fn reader_goldens() {
    let dir = fixtures();
    let cases = cases();
    assert!(cases.len() >= 30, "fixtures/read has only {} cases", cases.len());
    let mut problems = Vec::new();
    for (case, args) in &cases {
        problems.extend(check_case(&dir, case, args));
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

/// Fields every object of the model must have (`../shared/spec/model.md`).
const SITE: &[&str] = &[
    "title",
    "link",
    "description",
    "language",
    "base_site_url",
    "base_blog_url",
    "wxr_version",
    "generator",
];
const AUTHOR: &[&str] = &["id", "login", "email", "display_name", "first_name", "last_name"];
const TERM: &[&str] = &["id", "taxonomy", "slug", "name", "description", "parent", "meta"];
const ITEM: &[&str] = &[
    "id",
    "type",
    "status",
    "title",
    "slug",
    "link",
    "guid",
    "author",
    "date",
    "date_gmt",
    "content",
    "excerpt",
    "parent",
    "menu_order",
    "comment_status",
    "ping_status",
    "password",
    "sticky",
    "attachment_url",
    "terms",
    "meta",
    "comments",
];
const ITEM_TERM: &[&str] = &["taxonomy", "slug", "name"];
const META: &[&str] = &["key", "value"];
const COMMENT: &[&str] = &[
    "id",
    "type",
    "status",
    "parent",
    "author",
    "author_email",
    "author_url",
    "author_ip",
    "date",
    "date_gmt",
    "content",
    "user_id",
    "meta",
];

/// Missing contract fields in a JSON document of the model.
pub fn contract_problems(doc: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut need = |v: &serde_json::Value, fields: &[&str], what: &str| {
        for f in fields {
            if v.get(f).is_none() {
                out.push(format!("{what} lacks \"{f}\""));
            }
        }
    };
    need(doc, &["model_version", "site", "authors", "terms", "items"], "document");
    need(&doc["site"], SITE, "site");
    let list = |v: &serde_json::Value| v.as_array().cloned().unwrap_or_default();
    for a in list(&doc["authors"]) {
        need(&a, AUTHOR, "author");
    }
    for t in list(&doc["terms"]) {
        need(&t, TERM, "term");
        for m in list(&t["meta"]) {
            need(&m, META, "term meta");
        }
    }
    for i in list(&doc["items"]) {
        need(&i, ITEM, "item");
        for t in list(&i["terms"]) {
            need(&t, ITEM_TERM, "item term");
        }
        for m in list(&i["meta"]) {
            need(&m, META, "item meta");
        }
        for c in list(&i["comments"]) {
            need(&c, COMMENT, "comment");
            for m in list(&c["meta"]) {
                need(&m, META, "comment meta");
            }
        }
    }
    out
}

/// JSON Lines holds exactly the records of the JSON document, in order.
#[test]
fn jsonl_matches_json_on_every_fixture() {
    let dir = fixtures();
    for (case, args) in cases() {
        if args.iter().any(|a| a == "--format") {
            continue;
        }
        let mut json_args: Vec<&str> = vec!["convert", "--format", "json"];
        json_args.extend(args.iter().map(String::as_str));
        let doc = run(&dir, &json_args);
        // A failed run has nothing to compare; header records after the
        // items are only in JSON Lines, by design and with a warning.
        if doc.code != 0 || doc.stderr.contains("wxr.late_header") {
            continue;
        }
        let mut jsonl_args = json_args.clone();
        jsonl_args[2] = "jsonl";
        let lines = run(&dir, &jsonl_args);
        assert_eq!(lines.code, 0, "{case}: jsonl failed where json succeeded");
        let doc: serde_json::Value = serde_json::from_str(&doc.stdout).expect("json");
        let mut rebuilt = serde_json::json!({"authors": [], "terms": [], "items": []});
        for line in lines.stdout.lines() {
            let mut rec: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
            let obj = rec.as_object_mut().expect("object");
            let kind = obj.remove("record").expect("record field");
            match kind.as_str().expect("string") {
                "site" => {
                    rebuilt["model_version"] = obj.remove("model_version").expect("model_version on site");
                    rebuilt["site"] = rec;
                }
                "author" => rebuilt["authors"].as_array_mut().unwrap().push(rec),
                "term" => rebuilt["terms"].as_array_mut().unwrap().push(rec),
                "item" => rebuilt["items"].as_array_mut().unwrap().push(rec),
                other => panic!("{case}: unknown record type {other}"),
            }
        }
        assert_eq!(rebuilt, doc, "{case}: jsonl and json disagree");
    }
}

/// Standard input and gzip give the same document as the plain file.
#[test]
fn stdin_and_gzip_read_like_the_file() {
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;
    let dir = fixtures();
    let tmp = tempfile::tempdir().expect("tempdir");
    for case in [
        "wxr-1.2-every-field",
        "french-blog-post",
        "encoding-iso-8859-1",
        "cdata-split",
    ] {
        let path = dir.join(format!("{case}.xml"));
        let bytes = std::fs::read(&path).expect("fixture exists");
        let plain = run(&dir, &["convert", &format!("{case}.xml")]);
        assert_eq!(plain.code, 0, "{case}: {}", plain.stderr);

        let gz = tmp.path().join(format!("{case}.xml.gz"));
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(&bytes).unwrap();
        std::fs::write(&gz, enc.finish().unwrap()).unwrap();
        let zipped = run(&dir, &["convert", gz.to_str().unwrap()]);
        assert_eq!(zipped.code, 0, "{case}.gz: {}", zipped.stderr);
        assert_eq!(zipped.stdout, plain.stdout, "{case}: gzip input differs");

        let mut child = util::wxr(&dir)
            .args(["convert", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        child.stdin.take().unwrap().write_all(&bytes).unwrap();
        let out: util::Run = child.wait_with_output().unwrap().into();
        assert_eq!(out.code, 0, "{case} on stdin: {}", out.stderr);
        assert_eq!(out.stdout, plain.stdout, "{case}: stdin input differs");
    }
}

/// The code units of `text` in UTF-32, big-endian or not, after a BOM or not.
fn utf32(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(text.len() * 4 + 4);
    let units = bom.then_some('\u{FEFF}').into_iter().chain(text.chars());
    for c in units {
        let u = u32::from(c);
        bytes.extend_from_slice(&if big_endian { u.to_be_bytes() } else { u.to_le_bytes() });
    }
    bytes
}

/// A UTF-32 export, with a BOM or (when it opens with an XML declaration)
/// without, in either byte order, reads exactly like its UTF-8 original:
/// the same document and the same diagnostics.
#[test]
fn utf32_reads_like_utf8() {
    let dir = fixtures();
    let tmp = tempfile::tempdir().expect("tempdir");
    for case in ["french-blog-post", "wxr-1.2-every-field", "control-chars"] {
        let name = format!("{case}.xml");
        let text = std::fs::read_to_string(dir.join(&name)).expect("a UTF-8 fixture");
        let plain = run(&dir, &["convert", "--verbose", &name]);
        assert_eq!(plain.code, 0, "{case}: {}", plain.stderr);
        for (big_endian, bom) in [(false, true), (true, true), (false, false), (true, false)] {
            assert!(bom || text.starts_with("<?xml"), "{case} has no declaration");
            let path = tmp.path().join(format!("{case}-{big_endian}-{bom}.xml"));
            std::fs::write(&path, utf32(&text, big_endian, bom)).unwrap();
            let path = path.to_str().unwrap();
            let wide = run(&dir, &["convert", "--verbose", path]);
            let what = format!("{case} in UTF-32 (big-endian {big_endian}, BOM {bom})");
            assert_eq!(wide.code, 0, "{what}: {}", wide.stderr);
            assert_eq!(wide.stdout, plain.stdout, "{what}: the document differs");
            assert_eq!(
                wide.stderr.replace(path, &name),
                plain.stderr,
                "{what}: the diagnostics differ"
            );
            let info = run(&dir, &["info", path]);
            let encoding = if big_endian { "(UTF-32BE" } else { "(UTF-32LE" };
            assert!(info.stdout.contains(encoding), "{what}: {}", info.stdout);
        }
    }
}
