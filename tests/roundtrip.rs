//! Round trip of the Markdown bodies: the HTML WordPress would render for
//! a body, and the HTML its Markdown renders to (pulldown-cmark, GFM
//! tables, strikethrough and footnotes), must show the same text, the same
//! links, images and code, and the same structure (paragraphs, list items,
//! headings, quotes, tables). Footnotes are compared on their own: as many
//! references, and the same footnote texts (WordPress's back links and
//! the renderer's labels left out). Run on hand-written samples, every fixture body and, with
//! `WXR_CORPUS`, on every body of the real exports.

use crate::util::{fixtures, root, run};
use scraper::{Html, Node};
use wxr::emit::markdown::body::{Context, filtered_html};
use wxr::transform::html::html_to_markdown;

#[derive(Debug, PartialEq)]
struct Shape {
    text: String,
    counts: Vec<(&'static str, usize)>,
    hrefs: Vec<String>,
    srcs: Vec<String>,
    code: Vec<String>,
    footnote_refs: usize,
    footnotes: Vec<String>,
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

/// Footnotes, as WordPress renders them and as pulldown-cmark does.
struct Footnotes {
    /// WordPress's lists whose items all have an id, and the ids.
    lists: Vec<ego_tree::NodeId>,
    ids: Vec<String>,
}

impl Footnotes {
    fn find(root: ego_tree::NodeRef<'_, Node>) -> Footnotes {
        let mut f = Footnotes {
            lists: Vec::new(),
            ids: Vec::new(),
        };
        for n in root.descendants() {
            let Some(e) = n.value().as_element() else { continue };
            if e.name() != "ol" || !e.classes().any(|c| c == "wp-block-footnotes") {
                continue;
            }
            let ids: Option<Vec<String>> = n
                .children()
                .filter(|c| c.value().is_element())
                .map(|li| {
                    li.value()
                        .as_element()
                        .filter(|e| e.name() == "li")
                        .and_then(|e| e.id())
                        .map(String::from)
                })
                .collect();
            if let Some(ids) = ids.filter(|i| !i.is_empty()) {
                f.lists.push(n.id());
                f.ids.extend(ids);
            }
        }
        f
    }

    /// A footnotes list, or a footnote definition.
    fn is_list(&self, n: &ego_tree::NodeRef<'_, Node>) -> bool {
        self.lists.contains(&n.id()) || has_class(n, "div", "footnote-definition")
    }

    /// A reference to a footnote that has a text (one without stays a
    /// number).
    fn is_ref(&self, n: &ego_tree::NodeRef<'_, Node>) -> bool {
        let Some(e) = n.value().as_element() else { return false };
        e.name() == "sup"
            && (e.classes().any(|c| c == "footnote-reference")
                || e.attr("data-fn").is_some_and(|id| self.ids.iter().any(|i| i == id)))
    }
}

/// A reference as WordPress writes it: its link (to the footnote's id) is
/// not in the Markdown, which has `[^N]`, or only the number when the
/// footnote has no text.
fn is_wp_ref(n: &ego_tree::NodeRef<'_, Node>) -> bool {
    n.value()
        .as_element()
        .is_some_and(|e| e.name() == "sup" && (e.attr("data-fn").is_some() || e.classes().any(|c| c == "fn")))
}

fn has_class(n: &ego_tree::NodeRef<'_, Node>, name: &str, class: &str) -> bool {
    n.value()
        .as_element()
        .is_some_and(|e| e.name() == name && e.classes().any(|c| c == class))
}

/// The text of a footnote, without its back link or label.
fn footnote_text(n: ego_tree::NodeRef<'_, Node>) -> String {
    let skip = |d: &ego_tree::NodeRef<'_, Node>| {
        d.ancestors().any(|a| {
            has_class(&a, "sup", "footnote-definition-label")
                || a.value()
                    .as_element()
                    .is_some_and(|e| e.name() == "a" && e.attr("href").is_some_and(|h| h.ends_with("-link")))
        })
    };
    n.descendants()
        .filter(|d| !skip(d))
        .filter_map(|d| d.value().as_text().map(|t| t.to_string()))
        .collect::<String>()
        .split_whitespace()
        .collect()
}

fn shape(html: &str) -> Shape {
    let doc = Html::parse_fragment(html);
    let root = doc.root_element();
    let notes = Footnotes::find(*root);
    // Footnotes lists and references are compared on their own.
    let outside = |n: &ego_tree::NodeRef<'_, Node>| {
        !n.ancestors()
            .chain(std::iter::once(*n))
            .any(|a| notes.is_list(&a) || notes.is_ref(&a))
    };
    let mut footnotes: Vec<String> = root
        .descendants()
        .filter(|n| notes.is_list(n))
        .flat_map(|n| {
            if has_class(&n, "div", "footnote-definition") {
                vec![footnote_text(n)]
            } else {
                n.children()
                    .filter(|c| c.value().is_element())
                    .map(footnote_text)
                    .collect()
            }
        })
        .collect();
    // WordPress lists them in the meta's order, Markdown by first reference.
    footnotes.sort();
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
    let elems = |name: &'static str| {
        root.descendants().filter(move |n| {
            matches!(n.value(), Node::Element(e) if canonical(e.name()) == name)
                && !empty(n)
                && outside(n)
                && !(name == "a" && n.parent().is_some_and(|p| is_wp_ref(&p)))
        })
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
        text: root
            .descendants()
            .filter(|n| outside(n))
            .filter_map(|n| n.value().as_text().map(|t| t.to_string()))
            .collect::<String>()
            .split_whitespace()
            .collect(),
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
        footnote_refs: root.descendants().filter(|n| notes.is_ref(n)).count(),
        footnotes,
    }
}

fn render(md: &str) -> String {
    let opts = pulldown_cmark::Options::ENABLE_TABLES
        | pulldown_cmark::Options::ENABLE_STRIKETHROUGH
        | pulldown_cmark::Options::ENABLE_FOOTNOTES;
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(md, opts));
    html
}

/// A body: its name, content and `footnotes` postmeta.
type Body = (String, String, Option<String>);

/// The bodies of a converted export (its JSON model).
fn bodies(dir: &std::path::Path, file: &str) -> Vec<Body> {
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
                        i["meta"].as_array().and_then(|m| {
                            m.iter()
                                .find(|m| m["key"] == "footnotes")
                                .and_then(|m| m["value"].as_str())
                                .map(String::from)
                        }),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn check(bodies: &[Body]) -> Vec<String> {
    let keep = |_: &str| None;
    let mut problems = Vec::new();
    for (name, content, footnotes) in bodies {
        let cx = Context {
            media: wxr::transform::shortcodes::Media::NONE,
            reusable: &|_| None,
            link: &keep,
            more: "<!--more-->",
            footnotes: footnotes.as_deref(),
        };
        let (html, _) = filtered_html(content, &cx);
        let md = html_to_markdown(&html).markdown;
        let (want, got) = (shape(&html), shape(&render(&md)));
        if want != got {
            problems.push(format!("{name}:\n  html: {want:?}\n  back: {got:?}"));
        }
    }
    problems
}

/// Hand-written HTML with every construct, straight through the converter.
#[test]
fn html_samples_survive_the_round_trip() {
    let samples = [
        r#"<p>First <strong>bold</strong> paragraph with a <a href="https://example.com/a?b=1&amp;c=2">link</a> and *stars* to escape.</p>
<p>Second paragraph<br>with a line break.</p>
<ul><li>Item one<ul><li>Nested A</li><li>Nested B<ol><li>Deep 1</li><li>Deep 2</li></ol></li></ul></li><li>Item two</li></ul>
<table><thead><tr><th>Name</th><th>Value</th></tr></thead><tbody><tr><td>alpha</td><td>1 | pipe</td></tr><tr><td>beta</td><td><em>2</em></td></tr></tbody></table>
<pre class="lang-rust"><code>fn main() {
println!("hi &lt;there&gt;");
}
</code></pre>
<figure class="wp-block-image size-large"><img src="https://example.com/wp-content/uploads/2020/01/cat.jpg" alt="A cat"><figcaption>A <em>very</em> nice cat</figcaption></figure>
<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>"#,
        "<p>Un billet en français : « guillemets » et l’apostrophe… [caption id=\"x\"]légende[/caption]</p><h2>Titre</h2><blockquote><p>Citation</p><p>Deux</p></blockquote><hr><p>1. pas une liste, # pas un titre, _pas_ d'italique, a\\b</p>",
        "<p>Code <code>a `b` c</code> and <a href=\"/x y\" title=\"t &quot;q&quot; \\ r\">odd link</a></p><pre>line 1\n\n  line 3 with [brackets] and &amp;</pre>",
    ];
    for html in samples {
        let md = html_to_markdown(html).markdown;
        let back = render(&md);
        assert_eq!(
            shape(&back),
            shape(html),
            "\n--- markdown:\n{md}\n--- rendered:\n{back}"
        );
    }
}

/// The round trip on the bodies of every export in `dir`; at least
/// `min` bodies must be found.
fn every_body_survives(dir: &std::path::Path, min: usize) {
    let mut all = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".xml") {
            all.extend(bodies(dir, &name));
        }
    }
    assert!(all.len() > min, "{} bodies", all.len());
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
fn fixture_bodies_survive_the_round_trip() {
    every_body_survives(&fixtures(), 40);
}

#[test]
fn corpus_bodies_survive_the_round_trip() {
    let Some(dir) = std::env::var_os("WXR_CORPUS").map(|d| root().join(d)) else {
        eprintln!("corpus round trip skipped: set WXR_CORPUS=../shared/corpus to run it");
        return;
    };
    every_body_survives(&dir, 0);
}
