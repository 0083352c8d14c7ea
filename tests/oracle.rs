//! The WordPress-rendering oracle: every published post and page of an
//! export, as the real WordPress core renders its content on the item's
//! own page (`tests/oracle/render.php`, Debian's `wordpress` through
//! `php-cli`), against wxr's Markdown for it, rendered as the generators
//! render Markdown (pulldown-cmark with GFM tables, strikethrough, task
//! lists and footnotes, raw HTML passed through). Both sides are parsed as
//! a browser parses them (html5ever) and compared by what a reader sees:
//!
//! * the blocks in order: their kind (heading with its level, paragraph,
//!   list item with the lists around it, quote, preformatted, table
//!   cell, caption) and their text, whitespace collapsed, a line break
//!   shown as `⏎`;
//! * the link targets, the image sources, the players' sources (iframes,
//!   video, audio, embeds) and the inline formatting spans (strong,
//!   emphasis, deleted, code) with their text.
//!
//! Tolerances, each with its reason:
//! * typographic substitutions are folded (curly quotes, dashes, ellipsis,
//!   `×`, non-breaking spaces): `wptexturize` makes them at display time
//!   and a generator's own typographer may or may not;
//! * `<b>`, `<i>`, `<s>` and `<tt>` are the spans `<strong>`, `<em>`,
//!   `<del>` and `<code>` (Markdown has one syntax for each pair);
//! * text that no browser shows (`<style>`, `<script>`) is not compared;
//! * a generic block (`<p>`, `<div>`, `<figure>`, `<dl>`…) is a boundary
//!   between texts, not a kind: a gallery's `<dl>` grid and a Markdown
//!   paragraph of images read the same;
//! * a link to a page of the site is compared through the site's
//!   redirects (`--redirects csv`): wxr points it at the page's new URL;
//! * an image's size variant (`-150x150` before the extension) is the
//!   same image: WordPress regenerates those sizes on import;
//! * a line break at the edge of a block shows nothing, and neither does
//!   a player's fallback content (inside `<audio>`, `<video>`, `<iframe>`,
//!   `<object>`) in a browser that plays it;
//! * a link to an attachment's page is compared as a link to its file: a
//!   static site has no attachment pages, and wxr links the image to its
//!   file;
//! * YouTube's `?feature=oembed` on a player's URL (the oEmbed stand-in of
//!   `render.php` writes it, as YouTube does) names the same video.
//!
//! Per export the test prints items identical / total and, for each item
//! that differs, the first difference; per run, the share of WordPress's
//! words (in blocks) that wxr's pages show. Every item that differs must be
//! listed in `tests/oracle/known-differences.txt` with a reason, and every
//! listed item must still differ: the list only shrinks. `WXR_BLESS=1`
//! rewrites it from the run (review the diff: a new line is a regression
//! unless its reason says otherwise).
//!
//! Runs on every fixture export, the corpus (`WXR_CORPUS`) and a generated
//! export (`../shared/tools/gen_wxr.py`). Needs `php` and WordPress
//! (`/usr/share/wordpress`, or `WXR_WORDPRESS`): skipped without them,
//! except with `WXR_REQUIRE_WORDPRESS` (set by `.ci/run`), where their
//! absence fails.

use crate::util::{bless, files, root, run};
use scraper::{Html, Node};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a reader sees of a rendered body.
#[derive(Debug, Default, PartialEq)]
struct View {
    blocks: Vec<(String, String)>,
    links: Vec<String>,
    images: Vec<String>,
    players: Vec<String>,
    spans: Vec<(String, String)>,
}

/// Elements that make a block of their own (a boundary between texts).
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "figure",
    "figcaption",
    "dl",
    "dt",
    "dd",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "nav",
    "address",
    "center",
    "hr",
    "details",
    "summary",
    "main",
    "form",
    "fieldset",
    "legend",
];

/// The kind a block element gives the texts inside it, if any (list items
/// are the lists around them, below).
fn kind(e: &scraper::node::Element) -> Option<String> {
    let name = e.name();
    let caption = e.classes().any(|c| c == "wp-caption-text" || c == "gallery-caption");
    Some(match name {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => name.to_string(),
        "blockquote" => "quote".into(),
        "pre" => "pre".into(),
        "td" | "th" => "cell".into(),
        "figcaption" | "caption" => "caption".into(),
        _ if caption => "caption".into(),
        _ => return None,
    })
}

/// Folds what `wptexturize` and typographers substitute.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '`' | '\u{b4}' => out.push('\''),
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{2033}' | '\u{ab}' | '\u{bb}' => out.push('"'),
            '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}' => out.push('-'),
            '\u{2026}' => out.push_str("..."),
            '\u{d7}' => out.push('x'),
            '\u{a0}' | '\u{202f}' | '\u{2009}' | '\u{200b}' | '\u{feff}' => out.push(' '),
            c => out.push(c),
        }
    }
    // `--` and `---` become one dash; `''` a double quote.
    let mut s = out.replace("''", "\"");
    while s.contains("--") {
        s = s.replace("--", "-");
    }
    s
}

/// Whitespace collapsed, line breaks kept as `⏎` (none at the edges).
fn collapse(s: &str) -> String {
    let mut words = Vec::new();
    for part in s.split('\n') {
        let w: Vec<&str> = part.split_whitespace().collect();
        words.push(w.join(" "));
    }
    let joined = words.join(" ⏎ ");
    let mut out: Vec<&str> = joined.split_whitespace().collect();
    out.dedup_by(|a, b| *a == "⏎" && *b == "⏎");
    while out.first() == Some(&"⏎") {
        out.remove(0);
    }
    while out.last() == Some(&"⏎") {
        out.pop();
    }
    out.join(" ")
}

/// `-150x150` before the extension names a size of the same image.
fn image(src: &str) -> String {
    let src = src.trim();
    let (path, _) = src.split_once('?').unwrap_or((src, ""));
    let Some(dot) = path.rfind('.') else {
        return path.to_string();
    };
    let stem = &path[..dot];
    let stem = match stem.rfind('-') {
        Some(d) => {
            let size = &stem[d + 1..];
            let is_size = size.split_once('x').is_some_and(|(w, h)| {
                !w.is_empty() && !h.is_empty() && (w.bytes().chain(h.bytes())).all(|b| b.is_ascii_digit())
            });
            if is_size { &stem[..d] } else { stem }
        }
        None => stem,
    };
    format!("{stem}{}", &path[dot..])
}

fn view(html: &str, link: &dyn Fn(&str) -> String) -> View {
    let doc = Html::parse_fragment(html);
    let root = doc.root_element();
    let mut v = View::default();
    // The current text: its block element and kind.
    let mut current: Option<(ego_tree::NodeId, String, String)> = None;
    // In a `<pre>`, the block of the last text (a line of it).
    let mut last_inner: Option<ego_tree::NodeId> = None;
    let flush = |v: &mut View, current: &mut Option<(ego_tree::NodeId, String, String)>| {
        if let Some((_, k, t)) = current.take() {
            let pre = k.ends_with("pre");
            let t = if pre {
                fold(t.trim_matches('\n'))
            } else {
                collapse(&fold(&t))
            };
            if !t.trim().is_empty() {
                v.blocks.push((k, t));
            }
        }
    };
    for n in root.descendants() {
        let hidden = n.ancestors().any(|a| {
            a.value().as_element().is_some_and(|e| {
                matches!(
                    e.name(),
                    "style" | "script" | "template" | "noscript" | "audio" | "video" | "object" | "iframe"
                )
            })
        });
        if hidden {
            continue;
        }
        let in_pre = || {
            n.ancestors()
                .any(|a| a.value().as_element().is_some_and(|e| e.name() == "pre"))
        };
        let text = match n.value() {
            // A line end is a space, but in `<pre>`.
            Node::Text(t) if in_pre() => Some(t.to_string()),
            Node::Text(t) => Some(t.replace(['\n', '\r'], " ")),
            Node::Element(e) if e.name() == "br" => Some("\n".to_string()),
            Node::Element(e) => {
                let attr = |a: &str| e.attr(a).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
                match e.name() {
                    "a" => v.links.extend(attr("href").map(|h| link(&h))),
                    "img" => v.images.extend(attr("src").map(|s| image(&s))),
                    "iframe" | "embed" | "video" | "audio" | "source" => {
                        v.players.extend(attr("src").map(|s| s.replace("?feature=oembed", "")))
                    }
                    "object" => v.players.extend(attr("data")),
                    name @ ("strong" | "b" | "em" | "i" | "del" | "s" | "strike" | "code" | "tt") => {
                        let t = collapse(&fold(
                            &n.descendants()
                                .filter_map(|d| match d.value() {
                                    Node::Text(t) => Some(t.replace(['\n', '\r'], " ")),
                                    Node::Element(e) if e.name() == "br" => Some("\n".to_string()),
                                    _ => None,
                                })
                                .collect::<String>(),
                        ));
                        // A code block's `<code>` is the block itself.
                        let block_code = name == "code" && in_pre();
                        if !block_code && !t.is_empty() {
                            let k = match name {
                                "b" => "strong",
                                "i" => "em",
                                "s" | "strike" => "del",
                                "tt" => "code",
                                k => k,
                            };
                            v.spans.push((k.to_string(), t));
                        }
                    }
                    _ => {}
                }
                None
            }
            _ => None,
        };
        let Some(text) = text else { continue };
        // The nearest block, and the kinds of the blocks around the text.
        // In an item, its kind is the lists around it, as deep as a
        // browser indents them (a list nested without its `<li>` too).
        let mut block = None;
        let mut kinds = Vec::new();
        let mut item = false;
        for a in n.ancestors() {
            let Some(e) = a.value().as_element() else { continue };
            if !BLOCKS.contains(&e.name()) {
                continue;
            }
            block.get_or_insert(a.id());
            match e.name() {
                "li" if !item => {
                    item = true;
                    kinds.push("li".to_string());
                }
                "ul" | "ol" if item => kinds.push(e.name().to_string()),
                _ => kinds.extend(kind(e)),
            }
        }
        kinds.reverse();
        // Inside a `<pre>`, a block is a line of it.
        let pre = n
            .ancestors()
            .find(|a| a.value().as_element().is_some_and(|e| e.name() == "pre"));
        let mut text = text;
        if let Some(pre) = pre {
            if let Some((b, _, t)) = &current
                && *b == pre.id()
                && last_inner != block
                && !t.ends_with('\n')
            {
                text.insert(0, '\n');
            }
            last_inner = block;
            block = Some(pre.id());
            kinds.retain(|k| k != "caption");
            kinds.dedup();
        }
        let block = block.unwrap_or(root.id());
        let k = if kinds.is_empty() {
            "p".to_string()
        } else {
            kinds.join(" ")
        };
        match &mut current {
            Some((b, ck, t)) if *b == block && *ck == k => t.push_str(&text),
            _ => {
                flush(&mut v, &mut current);
                current = Some((block, k, text));
            }
        }
    }
    flush(&mut v, &mut current);
    v
}

/// The first difference between two views, if any.
fn first_difference(want: &View, got: &View) -> Option<String> {
    fn seq<T: PartialEq + std::fmt::Debug>(what: &str, w: &[T], g: &[T]) -> Option<String> {
        if w == g {
            return None;
        }
        let i = w
            .iter()
            .zip(g)
            .position(|(a, b)| a != b)
            .unwrap_or(w.len().min(g.len()));
        Some(format!(
            "{what} #{}: WordPress {:?}, wxr {:?} ({} vs {})",
            i + 1,
            w.get(i),
            g.get(i),
            w.len(),
            g.len()
        ))
    }
    seq("block", &want.blocks, &got.blocks)
        .or_else(|| seq("link", &want.links, &got.links))
        .or_else(|| seq("image", &want.images, &got.images))
        .or_else(|| seq("player", &want.players, &got.players))
        .or_else(|| seq("span", &want.spans, &got.spans))
}

/// Markdown rendered as the generators render it.
fn render(md: &str) -> String {
    use pulldown_cmark::Options;
    let opts =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES | Options::ENABLE_TASKLISTS;
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(md, opts));
    html
}

/// The Markdown of a written file, without its front matter.
fn body(file: &str) -> &str {
    for fence in ["---\n", "+++\n"] {
        if let Some(rest) = file.strip_prefix(fence)
            && let Some(end) = rest.find(&format!("\n{fence}"))
        {
            return &rest[end + fence.len() + 1..];
        }
    }
    file
}

/// php and WordPress, if here.
fn wordpress() -> Option<(PathBuf, PathBuf)> {
    let dir = std::env::var_os("WXR_WORDPRESS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/wordpress"));
    let php = Command::new("php")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if php && dir.join("wp-settings.php").is_file() {
        return Some((PathBuf::from("php"), dir));
    }
    let why = "the WordPress oracle needs php-cli and WordPress (Debian: apt-get install php-cli php-mbstring wordpress; or WXR_WORDPRESS=DIR)";
    assert!(
        std::env::var_os("WXR_REQUIRE_WORDPRESS").is_none(),
        "{why}; .ci/run installs them"
    );
    eprintln!("oracle skipped: {why}");
    None
}

/// The oracle's result for one export: per item, its first difference.
struct Outcome {
    total: usize,
    differing: BTreeMap<String, String>,
    /// Words of WordPress's pages that wxr's show, and all of them.
    words: (usize, usize),
}

fn compare(export: &Path, php: &Path, wp: &Path) -> Outcome {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = export.to_str().unwrap();
    let model = dir.join("model.json");
    let r = run(
        dir,
        &["convert", file, "--salvage", "-q", "-o", model.to_str().unwrap()],
    );
    if r.code != 0 {
        // Not an export (the fixtures of errors): nothing is rendered.
        return Outcome {
            total: 0,
            differing: BTreeMap::new(),
            words: (0, 0),
        };
    }
    let out = dir.join("wordpress.json");
    let script = root().join("tests/oracle/render.php");
    let php_run = Command::new(php)
        .arg(&script)
        .arg(&model)
        .arg(&out)
        .arg(wp)
        .output()
        .expect("php runs");
    assert!(
        php_run.status.success(),
        "{}: render.php failed:\n{}",
        export.display(),
        String::from_utf8_lossy(&php_run.stderr)
    );
    let wordpress: BTreeMap<String, String> =
        serde_json::from_slice(&std::fs::read(&out).unwrap()).expect("render.php writes JSON");
    let site = dir.join("site");
    let r = run(
        dir,
        &[
            "convert",
            file,
            "--salvage",
            "-q",
            "-f",
            "markdown",
            "--ssg",
            "plain",
            "--path",
            "{id}.md",
            "--comments",
            "none",
            "--redirects",
            "csv",
            "-o",
            site.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}: {}", export.display(), r.stderr);
    // Old paths of the site and their new URLs.
    let mut moved = HashMap::new();
    for f in files(&site, &[]) {
        if f.extension().is_some_and(|e| e == "csv") {
            for line in std::fs::read_to_string(&f).unwrap().lines().skip(1) {
                if let Some((old, new)) = line.split_once(',') {
                    moved.insert(decoded(old.trim_matches('"')), new.trim_matches('"').to_string());
                }
            }
        }
    }
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&model).unwrap()).unwrap();
    // Attachment pages, by their URLs, and the attachment's file.
    let mut files_of = HashMap::new();
    for i in doc["items"].as_array().into_iter().flatten() {
        if let (Some(id), Some(file)) = (i["id"].as_i64(), i["attachment_url"].as_str()) {
            for page in [
                format!("?attachment_id={id}"),
                format!("?p={id}"),
                format!("/?attachment_id={id}"),
                format!("/?p={id}"),
            ] {
                files_of.insert(page, file.to_string());
            }
            if let Some(l) = i["link"].as_str() {
                files_of.insert(l.trim_end_matches('/').to_string(), file.to_string());
            }
        }
    }
    let base = doc["site"]["link"]
        .as_str()
        .unwrap_or("")
        .trim_end_matches('/')
        .to_string();
    let host = base
        .split("://")
        .nth(1)
        .map(|h| h.split('/').next().unwrap_or(h).to_string());
    let link = |href: &str| -> String {
        let bare = href.trim_end_matches('/');
        if let Some(file) = files_of
            .get(bare)
            .or_else(|| bare.strip_prefix(&base).and_then(|p| files_of.get(p)))
        {
            return file.clone();
        }
        let path = match href.split_once("://") {
            Some((_, rest)) if host.as_deref().is_some_and(|h| rest.split('/').next() == Some(h)) => {
                let p = &rest[rest.find('/').unwrap_or(rest.len())..];
                if p.is_empty() { "/".to_string() } else { p.to_string() }
            }
            Some(_) => return href.to_string(),
            None => href.to_string(),
        };
        let (p, frag) = match path.split_once('#') {
            Some((p, f)) => (p.to_string(), format!("#{f}")),
            None => (path.clone(), String::new()),
        };
        match moved.get(&decoded(&p)) {
            Some(new) => format!("{new}{frag}"),
            None => href.to_string(),
        }
    };
    let keep = |h: &str| h.to_string();
    let mut differing = BTreeMap::new();
    let mut words = (0, 0);
    for (id, html) in &wordpress {
        let md = std::fs::read_to_string(site.join(format!("{id}.md")));
        let want = view(html, &link);
        let got = md.map(|md| view(&render(body(&md)), &keep));
        let (kept, all) = words_kept(&want, got.as_ref().ok());
        words.0 += kept;
        words.1 += all;
        let diff = match &got {
            Err(_) => Some("no page written".to_string()),
            Ok(got) => first_difference(&want, got),
        };
        if let Some(d) = diff {
            let lost = if kept < all {
                format!(" [{} words lost]", all - kept)
            } else {
                String::new()
            };
            differing.insert(id.clone(), format!("{d}{lost}"));
        }
    }
    Outcome {
        total: wordpress.len(),
        differing,
        words,
    }
}

/// Of the words WordPress shows in an item's blocks, how many wxr's page
/// shows too (as a multiset: a word lost twice counts twice), and how many
/// there are.
fn words_kept(want: &View, got: Option<&View>) -> (usize, usize) {
    let words = |v: &View| -> HashMap<String, usize> {
        let mut m = HashMap::new();
        for (_, t) in &v.blocks {
            for w in t.split_whitespace().filter(|w| *w != "⏎") {
                *m.entry(w.to_string()).or_insert(0) += 1;
            }
        }
        m
    };
    let w = words(want);
    let g = got.map(words).unwrap_or_default();
    let all = w.values().sum();
    let kept = w.iter().map(|(k, n)| (*n).min(g.get(k).copied().unwrap_or(0))).sum();
    (kept, all)
}

/// A URL path with its percent-escapes decoded (WordPress writes them in
/// lower case, the redirects as the export has them).
fn decoded(path: &str) -> String {
    let b = path.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `tests/oracle/known-differences.txt`: `export id reason` lines.
fn known() -> BTreeMap<(String, String), String> {
    let text = std::fs::read_to_string(root().join("tests/oracle/known-differences.txt")).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut parts = l.splitn(3, ' ');
            Some((
                (parts.next()?.to_string(), parts.next()?.to_string()),
                parts.next().unwrap_or("").to_string(),
            ))
        })
        .collect()
}

/// The exports of one run: a name (as in the list) and a path.
fn oracle(exports: &[(String, PathBuf)], scope: &str) {
    let Some((php, wp)) = wordpress() else { return };
    let known = known();
    let mut report = String::new();
    let mut found = BTreeMap::new();
    let (mut same, mut all) = (0, 0);
    let (mut kept, mut words) = (0, 0);
    for (name, path) in exports {
        let o = compare(path, &php, &wp);
        if o.total == 0 {
            continue;
        }
        let identical = o.total - o.differing.len();
        kept += o.words.0;
        words += o.words.1;
        same += identical;
        all += o.total;
        report += &format!("{name}: {identical} / {} identical\n", o.total);
        for (id, d) in &o.differing {
            report += &format!("  {id}: {d}\n");
            found.insert((name.clone(), id.clone()), d.clone());
        }
    }
    let in_scope = |k: &(String, String)| exports.iter().any(|(n, _)| *n == k.0);
    // The known differences of this run, by reason.
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for (k, reason) in &known {
        if in_scope(k) {
            *reasons.entry(tag(reason)).or_default() += 1;
        }
    }
    let reasons: Vec<String> = reasons.iter().map(|(r, n)| format!("{r} {n}")).collect();
    eprintln!(
        "oracle ({scope}): {same} / {all} items identical; words kept {kept} / {words} ({:.3}%); known differences: {}\n{report}",
        100.0 * kept as f64 / words.max(1) as f64,
        reasons.join(", ")
    );
    let new: Vec<String> = found
        .keys()
        .filter(|k| !known.contains_key(*k))
        .map(|(e, i)| format!("{e} {i}"))
        .collect();
    let fixed: Vec<String> = known
        .keys()
        .filter(|k| in_scope(k) && !found.contains_key(*k))
        .map(|(e, i)| format!("{e} {i}"))
        .collect();
    if bless() && (!new.is_empty() || !fixed.is_empty()) {
        let path = root().join("tests/oracle/known-differences.txt");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let mut lines: Vec<String> = text
            .lines()
            .filter(|l| {
                let mut p = l.splitn(3, ' ');
                let key = (p.next().unwrap_or("").to_string(), p.next().unwrap_or("").to_string());
                l.starts_with('#') || l.trim().is_empty() || !in_scope(&key) || found.contains_key(&key)
            })
            .map(String::from)
            .collect();
        lines.extend(
            new.iter()
                .map(|k| format!("{k} open: {}", found[&key_of(k)].chars().take(100).collect::<String>())),
        );
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        return;
    }
    assert!(
        new.is_empty(),
        "{} items render differently from WordPress and are not known differences (tests/oracle/known-differences.txt):\n{}",
        new.len(),
        new.join("\n")
    );
    assert!(
        fixed.is_empty(),
        "these known differences are gone: remove them from tests/oracle/known-differences.txt (WXR_BLESS=1):\n{}",
        fixed.join("\n")
    );
}

/// A reason's name: its first word, or `open: ` and the next.
fn tag(reason: &str) -> String {
    let mut words = reason.split_whitespace();
    match words.next() {
        Some("open:") => format!("open: {}", words.next().unwrap_or("")),
        Some(w) => w.to_string(),
        None => String::new(),
    }
}

fn key_of(k: &str) -> (String, String) {
    let (e, i) = k.split_once(' ').unwrap();
    (e.to_string(), i.to_string())
}

/// Every export among the fixtures, named by its path under `fixtures/`.
#[test]
fn fixtures_render_as_wordpress_renders_them() {
    let dir = root().join("fixtures");
    let exports: Vec<(String, PathBuf)> = files(&dir, &[])
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .map(|p| (format!("fixtures/{}", p.strip_prefix(&dir).unwrap().display()), p))
        .collect();
    oracle(&exports, "fixtures");
}

#[test]
fn corpus_renders_as_wordpress_renders_it() {
    let Some(dir) = std::env::var_os("WXR_CORPUS").map(|d| root().join(d)) else {
        eprintln!("oracle on the corpus skipped: set WXR_CORPUS=../shared/corpus to run it");
        return;
    };
    let exports: Vec<(String, PathBuf)> = files(&dir, &[])
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .map(|p| (format!("corpus/{}", p.file_name().unwrap().to_string_lossy()), p))
        .collect();
    oracle(&exports, "corpus");
}

#[test]
fn generated_export_renders_as_wordpress_renders_it() {
    let generator = root().join("../shared/tools/gen_wxr.py");
    if !generator.is_file() {
        eprintln!("oracle on a generated export skipped: no ../shared/tools/gen_wxr.py");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let export = tmp.path().join("generated.xml");
    let ok = Command::new("python3")
        .arg(&generator)
        .args(["--posts", "300", "--seed", "12", "--quiet", "-o"])
        .arg(&export)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "gen_wxr.py runs");
    oracle(&[("generated/seed-12-300".to_string(), export)], "generated");
}

/// The comparison itself catches what a reader would see lost.
#[test]
fn the_comparison_sees_what_a_reader_sees() {
    let keep = |h: &str| h.to_string();
    let v = |html: &str| view(html, &keep);
    // A list gone, a word glued to the next, a lost link, a lost line
    // break, a lost image: each is a difference.
    let list = "<p>a</p><ul><li>one</li><li>two</li></ul>";
    assert!(first_difference(&v(list), &v("<p>a</p>")).is_some());
    assert!(
        first_difference(
            &v("<p>a <a href=\"/x\">b</a> c</p>"),
            &v("<p>a <a href=\"/x\">b</a>c</p>")
        )
        .is_some()
    );
    assert!(first_difference(&v("<p>a <a href=\"/x\">b</a></p>"), &v("<p>a b</p>")).is_some());
    assert!(first_difference(&v("<p>a<br>b</p>"), &v("<p>a b</p>")).is_some());
    assert_eq!(first_difference(&v("<p>a\nb</p>"), &v("<p>a b</p>")), None);
    assert!(first_difference(&v("<pre>a\nb</pre>"), &v("<pre>a b</pre>")).is_some());
    assert!(first_difference(&v("<p><img src=\"/a.jpg\"></p>"), &v("<p></p>")).is_some());
    assert!(first_difference(&v("<ol><li>a</li></ol>"), &v("<ul><li>a</li></ul>")).is_some());
    assert!(first_difference(&v("<h2>a</h2>"), &v("<h3>a</h3>")).is_some());
    assert!(first_difference(&v("<p><strong>a</strong> b</p>"), &v("<p>a b</p>")).is_some());
    // The named tolerances.
    assert_eq!(
        first_difference(&v("<p>l\u{2019}été \u{2014} “x”…</p>"), &v("<p>l'été -- \"x\"...</p>")),
        None
    );
    assert_eq!(
        first_difference(&v("<p><b>a</b></p>"), &v("<p><strong>a</strong></p>")),
        None
    );
    assert_eq!(
        first_difference(&v("<div><p>a</p></div><style>p{}</style>"), &v("<p>a</p>")),
        None
    );
    assert_eq!(
        first_difference(
            &v("<p><img src=\"/u/a-150x150.jpg\"></p>"),
            &v("<p><img src=\"/u/a.jpg\"></p>")
        ),
        None
    );
    assert_eq!(
        first_difference(
            &v("<audio><source src=\"/a.mp3\"><a href=\"/a.mp3\">/a.mp3</a></audio>"),
            &v("<audio controls><source src=\"/a.mp3\"></audio>")
        ),
        None
    );
}
