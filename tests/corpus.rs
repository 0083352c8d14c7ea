//! Conformance on real exports: every file of `../shared/corpus` converts
//! (except `wpimporter-malformed.xml`, which must fail with exit code 3),
//! and the model's counts match counts taken from the raw files by plain
//! text search. Runs when `WXR_CORPUS` names the corpus directory
//! (`.ci/run` sets it); a plain `cargo test` skips it with one line.

use crate::util::{root, run};
use std::path::PathBuf;

pub fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("WXR_CORPUS")?;
    let dir = root().join(dir);
    assert!(
        dir.is_dir(),
        "WXR_CORPUS is set but {} is not a directory",
        dir.display()
    );
    Some(dir)
}

/// Occurrences of `needle` in `hay`.
fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

/// Comments of `kind` counted in the raw text (bare or CDATA form).
fn count_comment_type(raw: &str, kind: &str) -> usize {
    count(raw, &format!("<wp:comment_type>{kind}</wp:comment_type>"))
        + count(raw, &format!("<wp:comment_type><![CDATA[{kind}]]></wp:comment_type>"))
}

#[test]
fn corpus_converts_with_matching_counts() {
    let Some(dir) = corpus_dir() else {
        eprintln!("corpus tests skipped: set WXR_CORPUS=../shared/corpus to run them");
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    assert!(files.len() >= 9, "expected the 9 corpus files, found {}", files.len());
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let r = run(&dir, &["convert", &name]);
        if name == "wpimporter-malformed.xml" {
            assert_eq!(r.code, 3, "{name} must fail as input error: {}", r.stderr);
            assert!(r.stdout.is_empty(), "{name}: nothing on stdout");
            assert!(
                r.stderr.contains("not well-formed") || r.stderr.contains("not a WordPress export"),
                "{}",
                r.stderr
            );
            continue;
        }
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let doc: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
        let problems = crate::golden::contract_problems(&doc);
        assert!(problems.is_empty(), "{name}: {problems:?}");
        let raw = std::fs::read_to_string(&path).unwrap();
        let items = doc["items"].as_array().unwrap();
        let comments: Vec<&serde_json::Value> = items.iter().flat_map(|i| i["comments"].as_array().unwrap()).collect();
        let meta: usize = items.iter().map(|i| i["meta"].as_array().unwrap().len()).sum();
        let of_type = |t: &str| comments.iter().filter(|c| c["type"] == t).count();
        assert_eq!(items.len(), count(&raw, "<item>"), "{name}: items");
        assert_eq!(comments.len(), count(&raw, "<wp:comment>"), "{name}: comments");
        assert_eq!(
            of_type("pingback"),
            count_comment_type(&raw, "pingback"),
            "{name}: pingbacks"
        );
        assert_eq!(
            of_type("trackback"),
            count_comment_type(&raw, "trackback"),
            "{name}: trackbacks"
        );
        assert_eq!(meta, count(&raw, "<wp:postmeta>"), "{name}: postmeta");
        assert_eq!(
            doc["authors"].as_array().unwrap().len(),
            count(&raw, "<wp:author>") + count(&raw, "<wp:wp_author>"),
            "{name}: authors"
        );
        assert_eq!(
            doc["terms"].as_array().unwrap().len(),
            count(&raw, "<wp:category>") + count(&raw, "<wp:tag>") + count(&raw, "<wp:term>"),
            "{name}: terms"
        );
        let ids = items.iter().filter(|i| i["id"].is_number()).count();
        assert_eq!(ids, count(&raw, "<wp:post_id>"), "{name}: items with an id");
        // Every item's content, byte for byte, against an independent
        // reading of the raw text of its <content:encoded>.
        let chunks: Vec<&str> = raw.split("<item>").skip(1).collect();
        assert_eq!(chunks.len(), items.len());
        for (item, chunk) in items.iter().zip(chunks) {
            let expected = element_text(chunk, "content:encoded").unwrap_or_default();
            assert_eq!(
                item["content"].as_str().unwrap(),
                expected,
                "{name}: content of item {}",
                item["id"]
            );
        }
    }
}

/// The text of the first `<tag>…</tag>` in `chunk`: CDATA sections taken
/// literally, the five XML entities and numeric references decoded
/// elsewhere. Enough for the corpus, written apart from the reader.
fn element_text(chunk: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = chunk.find(&open)? + open.len();
    let end = start + chunk[start..].find(&format!("</{tag}>"))?;
    let mut rest = &chunk[start..end];
    let mut out = String::new();
    while !rest.is_empty() {
        match rest.find("<![CDATA[") {
            Some(0) => {
                let body = &rest[9..];
                let close = body.find("]]>").expect("closed CDATA");
                out.push_str(&body[..close]);
                rest = &body[close + 3..];
            }
            Some(n) => {
                out.push_str(&unescape(&rest[..n]));
                rest = &rest[n..];
            }
            None => {
                out.push_str(&unescape(rest));
                rest = "";
            }
        }
    }
    Some(out)
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let semi = amp + rest[amp..].find(';').expect("entity ends");
        let name = &rest[amp + 1..semi];
        match name {
            "amp" => out.push('&'),
            "lt" => out.push('<'),
            "gt" => out.push('>'),
            "quot" => out.push('"'),
            "apos" => out.push('\''),
            _ => {
                let n = name
                    .strip_prefix("#x")
                    .map_or_else(|| name[1..].parse().unwrap(), |h| u32::from_str_radix(h, 16).unwrap());
                out.push(char::from_u32(n).unwrap());
            }
        }
        rest = &rest[semi + 1..];
    }
    out.push_str(rest);
    out
}
