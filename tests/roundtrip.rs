//! Round trip of the Markdown bodies: the HTML WordPress would render for
//! a body, and the HTML its Markdown renders to (pulldown-cmark, GFM
//! tables and strikethrough), must show the same text, the same links,
//! images and code, and the same structure (paragraphs, list items,
//! headings, quotes, tables). Run on every fixture body and, with
//! `WXR_CORPUS`, on every body of the real exports.

use crate::util::{fixtures, root, run};
use scraper::{Html, Node};
use wxr::emit::markdown::body::{Context, filtered_html};
use wxr::emit::markdown::html::html_to_markdown;

#[derive(Debug, PartialEq)]
struct Shape {
    text: String,
    counts: Vec<(&'static str, usize)>,
    hrefs: Vec<String>,
    srcs: Vec<String>,
    code: Vec<String>,
}

const TAGS: &[&str] = &[
    "li",
    "ul",
    "ol",
    "a",
    "img",
    "pre",
    "blockquote",
    "table",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "del",
    "iframe",
    "figure",
    "figcaption",
    "hr",
    "video",
    "audio",
    "dl",
];

/// Text as a browser shows it in `<pre>`: `<br>` is a line break.
fn text_of(n: ego_tree::NodeRef<'_, Node>) -> String {
    n.descendants()
        .filter_map(|d| match d.value() {
            Node::Text(t) => Some(t.to_string()),
            Node::Element(e) if e.name() == "br" => Some("\n".to_string()),
            _ => None,
        })
        .collect()
}

fn shape(html: &str) -> Shape {
    let doc = Html::parse_fragment(html);
    let root = doc.root_element();
    // `<b>` and `<strong>` are both strong emphasis in Markdown, and so on.
    fn canonical(n: &str) -> &str {
        match n {
            "b" => "strong",
            "i" => "em",
            "s" | "strike" => "del",
            other => other,
        }
    }
    // Empty emphasis shows nothing, and Markdown has none.
    let empty = |n: &ego_tree::NodeRef<'_, Node>| {
        matches!(n.value(), Node::Element(e) if matches!(canonical(e.name()), "strong" | "em" | "del"))
            && n.descendants().all(|d| {
                d.value().as_text().is_none_or(|t| t.trim().is_empty()) && (d == *n || !d.value().is_element())
            })
    };
    let elems = move |name: &'static str| {
        root.descendants()
            .filter(move |n| matches!(n.value(), Node::Element(e) if canonical(e.name()) == name) && !empty(n))
    };
    let attrs = |name: &'static str, attr: &'static str| -> Vec<String> {
        elems(name)
            .filter_map(|n| {
                n.value()
                    .as_element()
                    .and_then(|e| e.attr(attr))
                    .map(|v| v.trim().replace(' ', "%20"))
            })
            .collect()
    };
    Shape {
        text: root.text().collect::<String>().split_whitespace().collect(),
        // An anchor without href is not a link, and Markdown has none.
        counts: TAGS
            .iter()
            .map(|t| {
                let n = if *t == "a" {
                    attrs("a", "href").len()
                } else {
                    elems(t).count()
                };
                (*t, n)
            })
            .collect(),
        hrefs: attrs("a", "href"),
        srcs: attrs("img", "src"),
        code: elems("pre")
            .map(|n| text_of(n).trim_end_matches('\n').to_string())
            .collect(),
    }
}

fn render(md: &str) -> String {
    let opts = pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(md, opts));
    html
}

/// The bodies of a converted export (its JSON model).
fn bodies(dir: &std::path::Path, file: &str) -> Vec<(String, String)> {
    let r = run(dir, &["convert", file, "--salvage"]);
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(&r.stdout) else {
        return Vec::new();
    };
    doc["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter(|i| i["type"] != "attachment" && i["type"] != "nav_menu_item")
                .map(|i| {
                    (
                        format!("{file} item {}", i["id"]),
                        i["content"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn check(bodies: &[(String, String)]) -> Vec<String> {
    let none = |_: i64| None;
    let keep = |_: &str| None;
    let cx = Context {
        attachment: &none,
        link: &keep,
        more: "<!--more-->",
    };
    let mut problems = Vec::new();
    for (name, content) in bodies {
        let (html, _) = filtered_html(content, &cx);
        let md = html_to_markdown(&html).markdown;
        let (want, got) = (shape(&html), shape(&render(&md)));
        if want != got {
            problems.push(format!("{name}:\n  html: {want:?}\n  back: {got:?}"));
        }
    }
    problems
}

#[test]
fn fixture_bodies_survive_the_round_trip() {
    let dir = fixtures();
    let mut all = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".xml") {
            all.extend(bodies(&dir, &name));
        }
    }
    assert!(all.len() > 40, "{} bodies", all.len());
    let problems = check(&all);
    assert!(
        problems.is_empty(),
        "{} of {} bodies differ:\n{}",
        problems.len(),
        all.len(),
        problems.join("\n")
    );
}

#[test]
fn corpus_bodies_survive_the_round_trip() {
    let Some(dir) = std::env::var_os("WXR_CORPUS").map(|d| root().join(d)) else {
        eprintln!("corpus round trip skipped: set WXR_CORPUS=../shared/corpus to run it");
        return;
    };
    let mut all = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".xml") {
            all.extend(bodies(&dir, &name));
        }
    }
    let problems = check(&all);
    assert!(
        problems.is_empty(),
        "{} of {} bodies differ:\n{}",
        problems.len(),
        all.len(),
        problems.join("\n")
    );
}
