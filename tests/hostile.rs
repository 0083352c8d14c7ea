//! Hostile nesting, through the real binary (a stack overflow aborts the
//! process: here it is a failed exit status, not a crashed harness): a
//! body of thousands of nested elements, a reply chain of thousands of
//! comments, a comment of thousands of nested quotes, and the thousands of
//! unclosed `<strong>`s an old editor left, which html5ever's adoption
//! agency turns into a tree thousands of levels deep. Every format must
//! finish; the Markdown site must keep every word, and its report must
//! name the item that was flattened. The exports are generated here.

use crate::util::{Run, run};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// The numbers N of the words `{prefix}N` in `text`.
fn numbered(text: &str, prefix: &str) -> BTreeSet<u32> {
    text.match_indices(prefix)
        .filter_map(|(at, _)| {
            let rest = &text[at + prefix.len()..];
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            rest[..digits].parse().ok()
        })
        .collect()
}

/// A published post.
pub fn item(id: u32, body: &str, comments: &str) -> String {
    format!(
        r#"<item><title>Post {id}</title><link>http://blog.example/?p={id}</link>
<guid isPermaLink="false">http://blog.example/?p={id}</guid>
<content:encoded><![CDATA[{body}]]></content:encoded>
<wp:post_id>{id}</wp:post_id><wp:post_date>2010-05-01 10:00:00</wp:post_date>
<wp:post_name>post-{id}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>{comments}</item>
"#
    )
}

/// An approved comment (`parent` 0: none).
pub fn comment(id: u32, parent: u32, text: &str) -> String {
    format!(
        "<wp:comment><wp:comment_id>{id}</wp:comment_id><wp:comment_author>Reader {id}</wp:comment_author>\
         <wp:comment_date>2010-05-02 10:00:00</wp:comment_date><wp:comment_content><![CDATA[{text}]]></wp:comment_content>\
         <wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type>\
         <wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
    )
}

/// An export of `items`, written to `dir/export.xml`.
pub fn export(dir: &Path, items: &[String]) {
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Blog</title><link>http://blog.example</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>http://blog.example</wp:base_site_url><wp:base_blog_url>http://blog.example</wp:base_blog_url>
{}</channel></rss>
"#,
        items.concat()
    );
    std::fs::write(dir.join("export.xml"), xml).unwrap();
}

/// `wxr convert export.xml --format markdown -o site` with `extra`.
fn site(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["convert", "export.xml", "--format", "markdown", "-o", "site"];
    args.extend(extra);
    let r = run(dir, &args);
    assert_eq!(r.code, 0, "the site is written\n{}", r.stderr);
    r
}

/// A file of the site.
fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join("site").join(rel)).unwrap_or_else(|e| {
        panic!(
            "{rel}: {e}; the site holds {:?}",
            crate::util::files(&dir.join("site"), &[])
        )
    })
}

/// The post's entry in `wxr-report.json`.
fn reported(dir: &Path, id: i64) -> Value {
    let report: Value = serde_json::from_str(&read(dir, "_wxr/wxr-report.json")).unwrap();
    let written = report["written"].as_array().expect("a list of written items");
    written
        .iter()
        .find(|w| w["id"] == id)
        .unwrap_or_else(|| panic!("item {id} is not in the report: {written:?}"))
        .clone()
}

/// The other formats and `wxr check` finish on the same export.
fn every_other_format_finishes(dir: &Path) {
    let runs: [&[&str]; 7] = [
        &["convert", "export.xml", "-o", "out.json"],
        &["convert", "export.xml", "--format", "jsonl", "-o", "out.jsonl"],
        &[
            "convert",
            "export.xml",
            "--format",
            "sql",
            "--dialect",
            "sqlite",
            "-o",
            "out.sql",
        ],
        &[
            "convert",
            "export.xml",
            "--format",
            "sql",
            "--dialect",
            "postgres",
            "-o",
            "pg.sql",
        ],
        &[
            "convert",
            "export.xml",
            "--format",
            "sql",
            "--dialect",
            "mysql",
            "-o",
            "my.sql",
        ],
        &["convert", "export.xml", "--format", "sqlite", "-o", "out.db"],
        &["check", "export.xml", "--offline"],
    ];
    for args in runs {
        let r = run(dir, args);
        assert_eq!(r.code, 0, "{args:?}\n{}", r.stderr);
    }
}

/// 2,500 nested `<div>`s: the words at the bottom are kept, as text, and
/// the report names the post; the posts around it are written too.
#[test]
fn thousands_of_nested_divs() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!(
        "{}<p>bottom <em>word</em></p>{}",
        "<div>".repeat(2500),
        "</div>".repeat(2500)
    );
    export(
        dir.path(),
        &[
            item(1, "<p>Before.</p>", ""),
            item(2, &format!("<p>Top.</p>{deep}<p>Tail.</p>"), ""),
            item(3, "<p>After.</p>", ""),
        ],
    );
    let r = site(dir.path(), &[]);
    for (id, text) in [(1, "Before."), (3, "After.")] {
        assert!(read(dir.path(), &format!("content/posts/post-{id}/index.md")).contains(text));
    }
    let md = read(dir.path(), "content/posts/post-2/index.md");
    for word in ["Top.", "bottom word", "Tail."] {
        assert!(md.contains(word), "{word:?} is lost:\n{md}");
    }
    let entry = reported(dir.path(), 2);
    let divs = entry["too_deep"]["html"]["div"].as_u64().unwrap_or(0);
    assert!(divs > 2000, "the flattened divs are reported: {entry}");
    assert!(entry["too_deep"]["html"]["p"].as_u64() == Some(1), "{entry}");
    assert!(reported(dir.path(), 1).get("too_deep").is_none());
    assert!(
        r.stderr.contains("item 2"),
        "the closing lines name the item:\n{}",
        r.stderr
    );
    every_other_format_finishes(dir.path());
}

/// A reply chain of 2,500 comments, each the parent of the next: every
/// comment is kept, the deep ones at the deepest level WordPress shows
/// (10), in order, and the report names them; `--comments none` finishes
/// too.
#[test]
fn a_reply_chain_of_thousands() {
    let dir = tempfile::tempdir().unwrap();
    let chain: String = (1..=2500)
        .map(|i| comment(i, i - 1, &format!("reply-{i}-text")))
        .collect();
    export(
        dir.path(),
        &[item(1, "<p>Post.</p>", &chain), item(2, "<p>Other.</p>", "")],
    );

    // A data file: nested `replies`, ten levels at most.
    site(dir.path(), &[]);
    let data: Value = serde_saphyr::from_str(&read(dir.path(), "data/comments/1.yaml")).unwrap();
    let mut level = &data["comments"];
    for depth in 1..10 {
        assert_eq!(level.as_array().map(Vec::len), Some(1), "level {depth}: {level}");
        level = &level[0]["replies"];
    }
    let last = level.as_array().expect("the tenth level");
    assert_eq!(last.len(), 2491, "comments 10 to 2500 side by side at the tenth level");
    let ids: Vec<i64> = last.iter().map(|c| c["id"].as_i64().unwrap_or(0)).collect();
    assert_eq!(ids, (10..=2500).collect::<Vec<_>>(), "in thread order");
    assert!(last.iter().all(|c| c["replies"].as_array().is_some_and(Vec::is_empty)));
    assert!(last[2490]["content"].as_str().unwrap_or("").contains("reply-2500-text"));
    let entry = reported(dir.path(), 1);
    assert_eq!(entry["comments"], 2500);
    let moved: Vec<i64> = serde_json::from_value(entry["too_deep"]["replies"].clone()).unwrap();
    assert_eq!(moved, (11..=2500).collect::<Vec<_>>(), "{entry}");
    assert!(read(dir.path(), "content/posts/post-2/index.md").contains("Other."));

    // Inline: every comment's text, each quoted ten levels at most.
    std::fs::remove_dir_all(dir.path().join("site")).unwrap();
    let r = site(dir.path(), &["--comments", "inline"]);
    let md = read(dir.path(), "content/posts/post-1/index.md");
    assert_eq!(numbered(&md, "reply-"), (1..=2500).collect(), "every reply is written");
    let deepest = md.lines().map(|l| l.matches('>').count()).max().unwrap_or(0);
    assert_eq!(deepest, 10, "replies are quoted ten levels deep at most");
    assert!(r.stderr.contains("item 1"), "{}", r.stderr);

    // None: nothing of the thread is written, the post is.
    std::fs::remove_dir_all(dir.path().join("site")).unwrap();
    site(dir.path(), &["--comments", "none"]);
    let md = read(dir.path(), "content/posts/post-1/index.md");
    assert!(md.contains("Post.") && !md.contains("reply-1-text"), "{md}");
    assert_eq!(reported(dir.path(), 1)["comments"], 2500);

    every_other_format_finishes(dir.path());
}

/// A comment of 3,000 nested `<blockquote>`s, inline: the word at the
/// bottom is kept, and the report names the comment.
#[test]
fn a_comment_of_thousands_of_nested_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{}deepest-word{}",
        "<blockquote>".repeat(3000),
        "</blockquote>".repeat(3000)
    );
    let comments = comment(7, 0, "A plain reply.") + &comment(8, 7, &text);
    export(dir.path(), &[item(1, "<p>Post.</p>", &comments)]);
    let r = site(dir.path(), &["--comments", "inline"]);
    let md = read(dir.path(), "content/posts/post-1/index.md");
    assert!(md.contains("A plain reply."), "{md}");
    assert!(md.contains("deepest-word"), "the bottom of the quotes is lost");
    let entry = reported(dir.path(), 1);
    assert_eq!(entry["too_deep"]["comment_html"], serde_json::json!([8]), "{entry}");
    assert!(r.stderr.contains("item 1"), "{}", r.stderr);

    // As data, the text is the comment's HTML, whole.
    std::fs::remove_dir_all(dir.path().join("site")).unwrap();
    site(dir.path(), &[]);
    let yaml = read(dir.path(), "data/comments/1.yaml");
    assert!(yaml.contains("deepest-word"), "the data file holds the text");
    every_other_format_finishes(dir.path());
}

/// 5,000 paragraphs, each with a `<strong>` never closed (66 KB): every
/// paragraph's text is written, and the report names the post.
#[test]
fn thousands_of_unclosed_strongs() {
    let dir = tempfile::tempdir().unwrap();
    let body: String = (0..5000).map(|i| format!("<p><strong>para-{i} </p>\n")).collect();
    export(dir.path(), &[item(1, &body, ""), item(2, "<p>Next.</p>", "")]);
    let r = site(dir.path(), &[]);
    let md = read(dir.path(), "content/posts/post-1/index.md");
    assert_eq!(
        numbered(&md, "para-"),
        (0..5000).collect(),
        "every paragraph is written"
    );
    assert!(read(dir.path(), "content/posts/post-2/index.md").contains("Next."));
    let entry = reported(dir.path(), 1);
    assert!(
        entry["too_deep"]["html"]["strong"].as_u64().unwrap_or(0) > 4000,
        "{entry}"
    );
    assert!(r.stderr.contains("item 1"), "{}", r.stderr);
    every_other_format_finishes(dir.path());
}

/// Comments are written by strangers: their HTML reaches the site cut down
/// to a safe subset, their URLs only when `http`, `https` or `mailto` and
/// written so that Markdown cannot be broken out of, their names as text.
/// Inline and as data, for comments and for pings.
#[test]
fn comment_html_and_urls_cannot_run() {
    let tmp = tempfile::tempdir().unwrap();
    let hostile = |id: u32, kind: &str, name: &str, url: &str, text: &str| {
        format!(
            "<wp:comment><wp:comment_id>{id}</wp:comment_id><wp:comment_author><![CDATA[{name}]]></wp:comment_author>\
             <wp:comment_author_url><![CDATA[{url}]]></wp:comment_author_url>\
             <wp:comment_date>2010-05-02 10:00:00</wp:comment_date><wp:comment_content><![CDATA[{text}]]></wp:comment_content>\
             <wp:comment_approved>1</wp:comment_approved><wp:comment_type>{kind}</wp:comment_type>\
             <wp:comment_parent>0</wp:comment_parent></wp:comment>"
        )
    };
    let comments = [
        hostile(1, "comment", "Mallory", "http://x.example/)[click](javascript:alert(1)", "word1 <script>alert(2)</script>"),
        hostile(2, "comment", "<img src=x onerror=alert(3)>", "javascript:alert(4)", "word2 <iframe src=\"https://evil.example/\"></iframe>"),
        hostile(3, "comment", "Eve", "https://eve.example/", "word3 <svg onload=\"alert(5)\"><circle/></svg> <img src=\"a.png\" onerror=\"alert(6)\"> <a href=\"javascript:alert(7)\">link7</a>"),
        hostile(4, "pingback", "[x](javascript:alert(8))", "javascript:alert(9)", "word4"),
        hostile(5, "pingback", "Fine ping", "https://ping.example/a(b)", "word5"),
    ]
    .concat();
    export(tmp.path(), &[item(1, "<p>Body</p>", &comments)]);
    for (mode, file) in [
        ("inline", "content/posts/post-1/index.md"),
        ("data", "data/comments/1.yaml"),
    ] {
        let _ = std::fs::remove_dir_all(tmp.path().join("site"));
        site(tmp.path(), &["--ssg", "hugo", "--comments", mode]);
        let text = read(tmp.path(), file);
        for gone in [
            "<script",
            "alert(2)",
            "<iframe",
            "<svg",
            "onload=\"",
            "onerror=\"",
            "href=\"javascript",
        ] {
            assert!(!text.contains(gone), "{mode}: {gone:?} in\n{text}");
        }
        // A `javascript:` left is text: escaped, or inside an encoded URL
        // (data fields are plain strings).
        for (at, _) in text.match_indices("](javascript").filter(|_| mode == "inline") {
            assert!(text[..at].ends_with('\\'), "{mode}: a javascript: link in\n{text}");
        }
        assert!(
            !text.contains(": javascript") && !text.contains("url: javascript"),
            "{mode}:\n{text}"
        );
        // Inline, a ping shows its title and link; as data, its text too.
        let pings_text: &[&str] = if mode == "data" { &["word4", "word5"] } else { &[] };
        for kept in ["word1", "word2", "word3", "link7", "Mallory", "Eve"]
            .iter()
            .chain(pings_text)
        {
            assert!(text.contains(kept), "{mode}: {kept:?} lost in\n{text}");
        }
        assert!(text.contains("https://ping.example/a%28b%29"), "{mode}:\n{text}");
        // A name is text: escaped inline; as data, a plain string the
        // theme's templates escape.
        if mode == "inline" {
            assert!(
                text.contains("&lt;img src=x onerror=alert(3)"),
                "{mode}: the name is text\n{text}"
            );
        }
        assert!(
            !text.contains("](http://x.example/)"),
            "{mode}: a link broken out of\n{text}"
        );
    }
}

/// `check --format markdown` (for an issue or a wiki) links a source only
/// when it is a web page, and writes the rest as text.
#[test]
fn the_markdown_audit_links_only_web_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let ping = |id: u32, url: &str| {
        format!(
            "<wp:comment><wp:comment_id>{id}</wp:comment_id><wp:comment_author>P</wp:comment_author>\
             <wp:comment_author_url><![CDATA[{url}]]></wp:comment_author_url>\
             <wp:comment_content>x</wp:comment_content><wp:comment_approved>1</wp:comment_approved>\
             <wp:comment_type>pingback</wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment>"
        )
    };
    let pings = [
        ping(1, "javascript:alert(1)"),
        ping(2, "http://a.example/x><script>alert(2)</script>"),
    ]
    .concat();
    export(tmp.path(), &[item(1, "<p>Body</p>", &pings)]);
    let r = run(
        tmp.path(),
        &["check", "export.xml", "--offline", "-f", "markdown", "-o", "audit.md"],
    );
    assert!(r.code <= 1, "{}", r.stderr);
    let md = std::fs::read_to_string(tmp.path().join("audit.md")).unwrap();
    assert!(!md.contains("<javascript:") && !md.contains("<script>"), "{md}");
    assert!(
        md.contains("<http://a.example/x%3E%3Cscript%3Ealert%282%29%3C/script%3E>"),
        "{md}"
    );
}

/// A Jetpack contact-form submission (`feedback`) holds the sender's
/// e-mail and IP address in its body: it is not published, and its title
/// is not in the site's report either; it is reported as not public.
#[test]
fn contact_form_submissions_are_not_published() {
    let tmp = tempfile::tempdir().unwrap();
    let feedback = item(
        2,
        "AUTHOR: Jane<br>AUTHOR EMAIL: jane@private.example<br>AUTHOR IP: 192.0.2.7",
        "",
    )
    .replace("<title>Post 2</title>", "<title>Jane - jane@private.example</title>")
    .replace(
        "<wp:post_type>post</wp:post_type>",
        "<wp:post_type>feedback</wp:post_type>",
    );
    export(tmp.path(), &[item(1, "<p>Body</p>", ""), feedback]);
    site(tmp.path(), &["--ssg", "jekyll"]);
    for f in crate::util::files(&tmp.path().join("site"), &[]) {
        let text = std::fs::read_to_string(tmp.path().join("site").join(&f)).unwrap_or_default();
        assert!(
            !text.contains("jane@private.example") && !text.contains("192.0.2.7"),
            "{}:\n{text}",
            f.display()
        );
    }
    let report = read(tmp.path(), "_wxr/wxr-report.json");
    assert!(report.contains("feedback items are not public"), "{report}");
}
