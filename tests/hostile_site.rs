//! `fixtures/hostile/site.xml` through every format and every generator:
//! what strangers write in comments, pings, names, URLs, titles, terms,
//! slugs and post types, and items and comments that must never be
//! published.
//!
//! * Every data format takes it: JSON and JSON Lines parse, the SQL of each
//!   dialect loads into SQLite (and PostgreSQL and MariaDB when
//!   `tests/with-databases.sh` started them, as in `tests/sql.rs`) with the
//!   model's rows, the SQLite database too.
//! * Every site (each generator, comments as data files and inline) is
//!   written inside its folder and nowhere else (the whole tree around it
//!   listed before and after; a dry run writes nothing), with file names
//!   any file system takes, and
//!   no private text outside the report folder `_wxr/`; `media.json` lists
//!   only what is published.
//! * Each site is built by the real generator (skipped with a line when it
//!   is not installed, as in `tests/ssg.rs`) into pages (and feed entries)
//!   where no element, attribute or URL can run a script or leave for
//!   another scheme, with no secret, and no report of wxr's published, in
//!   files any file system takes (but device names); every written item is
//!   the page at its URL (no term page or alias in its place), and the
//!   post's page shows its comments, sanitized, and its hostile title and
//!   commenters' names as text.
//!
//! Problems are collected and reported together, so that one failure does
//! not hide the others.

use crate::ssg::{aliases, astro_project, build, decoded, tool};
use crate::util::{files, root, wxr};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn export() -> PathBuf {
    root().join("fixtures/hostile/site.xml")
}

/// What must appear nowhere in a published site: the private, draft,
/// password-protected, pending, trashed and contact-form items, their
/// comments, the attachment of the private post and the image only it
/// shows, unapproved comments, e-mail and IP addresses, the password.
const SECRETS: &[&str] = &["SECRET", "203.0.113.9", "sender@example.com", "192.0.2.1", "hunter2"];

/// Fails with every problem found, if any.
fn assert_none(problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_data_format_takes_the_hostile_export() {
    let dir = tempfile::tempdir().unwrap();
    for (format, file) in [
        ("json", "out.json"),
        ("jsonl", "out.jsonl"),
        ("sql:sqlite", "out.sql"),
        ("sql:postgres", "out.pg.sql"),
        ("sql:mysql", "out.my.sql"),
        ("sqlite", "out.db"),
    ] {
        let (format, dialect) = format.split_once(':').unwrap_or((format, ""));
        let dialect: &[&str] = if dialect.is_empty() {
            &[]
        } else {
            &["--dialect", dialect]
        };
        let o = wxr(dir.path())
            .args(["convert", "-q", "--format", format, "-o", file])
            .args(dialect)
            .arg(export())
            .output()
            .unwrap();
        assert!(o.status.success(), "{format}: {}", String::from_utf8_lossy(&o.stderr));
    }
    // The data formats keep the export as it is: the attacks are data there.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out.json")).unwrap()).unwrap();
    assert!(json.to_string().contains(r#"<script>alert(\"XSS-c1\")</script>"#));
    let lines = std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap();
    for l in lines.lines() {
        serde_json::from_str::<serde_json::Value>(l).unwrap_or_else(|e| panic!("{e}: {l}"));
    }
    let script = std::fs::read_to_string(dir.path().join("out.sql")).unwrap();
    let db = rusqlite::Connection::open_in_memory().unwrap();
    db.execute_batch(&script).unwrap();
    let items: i64 = db.query_row("SELECT count(*) FROM items", [], |r| r.get(0)).unwrap();
    assert_eq!(items, 41);
    let db = rusqlite::Connection::open(dir.path().join("out.db")).unwrap();
    let (comments, attack): (i64, i64) = db
        .query_row(
            "SELECT count(*), sum(content LIKE '%<script>alert(\"XSS-c1\")</script>%') FROM comments",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((comments, attack), (17, 1));
    // Every row as the model has it, in SQLite and in the servers.
    assert_none(&crate::sql::export_problems(
        &root().join("fixtures/hostile"),
        "site.xml",
    ));
}

/// Every path under `dir`, files and folders, relative to it.
fn tree(dir: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            out.insert(p.strip_prefix(dir).unwrap().to_path_buf());
            if p.is_dir() && !p.is_symlink() {
                stack.push(p);
            }
        }
    }
    out
}

/// The names Windows gives to devices, whatever the extension.
const DEVICES: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2",
    "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// The names of `paths` that a common file system refuses: characters
/// Windows refuses (none of which a WordPress slug has), a trailing dot or
/// space, more than 255 bytes, and with `devices`, Windows's device names
/// (which WordPress slugs can be: the built aliases of their old URLs may
/// have them, wxr's own files not).
fn unportable(paths: &BTreeSet<PathBuf>, devices: bool, what: &str, problems: &mut Vec<String>) {
    for p in paths {
        let Some(name) = p.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        let stem = name.split('.').next().unwrap_or("").to_lowercase();
        if name
            .chars()
            .any(|c| matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*' | '\\') || c.is_control())
            || devices && DEVICES.contains(&stem.as_str())
            || name.ends_with(['.', ' '])
            || name.len() > 255
        {
            problems.push(format!("{what}: a name no Windows file system takes: {}", p.display()));
        }
    }
}

/// A site converted for one generator, in `<tmp>/a/b/c/site`, deep enough
/// that a path escaping it by `../..` would still be seen in `<tmp>`.
struct Site {
    tmp: tempfile::TempDir,
    dir: PathBuf,
    report: serde_json::Value,
    what: String,
}

impl Site {
    /// Paths of `tmp` outside the site (the folders above it excepted).
    fn outside(&self) -> Vec<PathBuf> {
        tree(self.tmp.path())
            .into_iter()
            .filter(|p| !p.starts_with("a/b/c/site") && !Path::new("a/b/c").starts_with(p))
            .collect()
    }
}

/// Converts the export for `ssg` with `comments` and checks what was
/// written: nothing outside the site, nothing leading out of it (no
/// symbolic link, every file inside it once resolved), portable names, no
/// secret in any file but the report, and a media list of only what is
/// published.
fn site(ssg: &str, comments: &str, problems: &mut Vec<String>) -> Site {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("a/b/c");
    std::fs::create_dir_all(&base).unwrap();
    // A dry run writes nothing at all.
    let o = wxr(&base)
        .args(["convert", "-q", "--dry-run", "--format", "markdown", "--ssg", ssg])
        .args(["--comments", comments, "-o", "site"])
        .arg(export())
        .output()
        .unwrap();
    let what = format!("{ssg}, comments {comments}");
    assert!(
        o.status.success(),
        "{what}: --dry-run: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let dry = tree(tmp.path());
    if dry.len() != 3 {
        problems.push(format!("{what}: --dry-run wrote {dry:?}"));
    }
    let o = wxr(&base)
        .args(["convert", "-q", "--format", "markdown", "--ssg", ssg])
        .args(["--comments", comments])
        .args(["--redirects", "netlify,nginx,apache,csv", "-o", "site"])
        .arg(export())
        .output()
        .unwrap();
    assert!(o.status.success(), "{what}: {}", String::from_utf8_lossy(&o.stderr));
    let dir = base.join("site");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("_wxr/wxr-report.json")).unwrap()).unwrap();
    let site = Site { tmp, dir, report, what };
    let what = &site.what;
    for p in site.outside() {
        problems.push(format!("{what}: written outside the site: {}", p.display()));
    }
    let written = tree(&site.dir);
    let real = site.dir.canonicalize().unwrap();
    for p in &written {
        let full = site.dir.join(p);
        if full.is_symlink() {
            problems.push(format!("{what}: a symbolic link in the site: {}", p.display()));
        } else if !full.canonicalize().unwrap().starts_with(&real) {
            problems.push(format!("{what}: leads out of the site: {}", p.display()));
        }
        let hidden = p.components().any(|c| {
            let c = c.as_os_str().to_string_lossy();
            c.starts_with('.') && c != ".htaccess"
        });
        if hidden {
            problems.push(format!("{what}: a hidden name in the site: {}", p.display()));
        }
    }
    unportable(&written, true, what, problems);
    no_secret(&site.dir, &["_wxr"], what, problems);
    let media = std::fs::read_to_string(site.dir.join("_wxr/media.json")).unwrap();
    for s in SECRETS {
        if media.contains(s) {
            problems.push(format!("{what}: {s} in _wxr/media.json"));
        }
    }
    for published in ["public-photo.jpg", "public-body.jpg"] {
        if !media.contains(published) {
            problems.push(format!("{what}: {published} is not in _wxr/media.json"));
        }
    }
    site
}

/// No file under `dir` (but the folders `skip`) holds a secret.
fn no_secret(dir: &Path, skip: &[&str], what: &str, problems: &mut Vec<String>) {
    for f in files(dir, skip) {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        for s in SECRETS {
            if text.contains(s) {
                problems.push(format!("{what}: {s} in {}", f.display()));
            }
        }
    }
}

/// The URL a generator's own redirect script (an alias page's) goes to:
/// jekyll-redirect-from's `location="…"`, Zola's `const target = "…";`
/// then `window.location.replace(target + hash)`; `None` for any other.
fn redirect_target(code: &str) -> Option<&str> {
    let code = code.trim();
    if let Some(url) = code.strip_prefix("location=\"").and_then(|r| r.strip_suffix('"')) {
        return Some(url);
    }
    let (url, rest) = code.strip_prefix("const target = \"")?.split_once("\";")?;
    let rest: String = rest.split_whitespace().collect();
    (rest == "consthash=window.location.hash||\"\";window.location.replace(target+hash);").then_some(url)
}

/// A URL of the site: relative to it, or on its host.
fn on_site(url: &str) -> bool {
    (url.starts_with('/') && !url.starts_with("//")) || url.starts_with("http://blog.example/")
}

/// A URL as a browser reads its scheme: without whitespace and control
/// characters (which it drops or strips), in lower case.
fn normalized(url: &str) -> String {
    url.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_lowercase()
}

/// The attributes whose value is a URL a browser loads or follows.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "srcset",
    "poster",
    "data",
    "xlink:href",
    "background",
    "cite",
    "ping",
];

/// Every page built in `out` is inert, and so is the HTML its feeds carry
/// (see [`feed_html`]): no element that runs or embeds anything (but a
/// generator's redirect script to a URL of the site, see
/// [`redirect_target`]), no event handler or `srcdoc`, no `javascript:`,
/// `vbscript:` or `data:` URL, no refresh to another site; and no secret
/// or report of wxr's in any file, no name a file system refuses. The
/// number of pages.
fn built_pages_are_inert(out: &Path, what: &str, problems: &mut Vec<String>) -> usize {
    let mut pages = 0;
    for f in files(out, &[]) {
        let name = f.file_name().unwrap().to_string_lossy();
        if name == "wxr-report.json" || name == "media.json" {
            problems.push(format!("{what}: wxr's report is published: {}", f.display()));
        }
        let where_ = format!("{what}: {}", f.display());
        match f.extension().and_then(|x| x.to_str()) {
            Some("html") => {
                pages += 1;
                let text = std::fs::read_to_string(&f).unwrap();
                inert(&scraper::Html::parse_document(&text), &where_, problems);
            }
            Some("xml") => {
                let text = std::fs::read_to_string(&f).unwrap();
                for html in feed_html(&text, &where_) {
                    inert(
                        &scraper::Html::parse_fragment(&html),
                        &format!("{where_} (feed)"),
                        problems,
                    );
                }
            }
            _ => {}
        }
    }
    no_secret(out, &[], what, problems);
    unportable(&tree(out), false, what, problems);
    pages
}

/// The HTML a feed gives its readers to show: the text of the
/// `description` of its RSS items, the `content` and `summary` of its Atom
/// entries (the channel's description is text).
fn feed_html(xml: &str, what: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    // The element's text as the XML escapes it, unescaped at its end.
    let mut escaped: Option<String> = None;
    let mut entry = false;
    let html = |n: &str| matches!(n, "description" | "content" | "summary");
    let is_entry = |n: &str| matches!(n, "item" | "entry");
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if is_entry(e.local_name().into_inner()) => entry = true,
            Ok(Event::End(e)) if is_entry(e.local_name().into_inner()) => entry = false,
            Ok(Event::Start(e)) if entry && html(e.local_name().into_inner()) => escaped = Some(String::new()),
            Ok(Event::Text(t)) => {
                if let Some(s) = escaped.as_mut() {
                    s.push_str(&t.into_inner());
                }
            }
            Ok(Event::GeneralRef(r)) => {
                if let Some(s) = escaped.as_mut() {
                    s.push_str(&format!("&{};", r.into_inner()));
                }
            }
            Ok(Event::CData(c)) => {
                if let Some(s) = escaped.as_mut() {
                    s.push_str(&quick_xml::escape::escape(c.into_inner()));
                }
            }
            Ok(Event::End(e)) if html(e.local_name().into_inner()) => {
                if let Some(s) = escaped.take() {
                    out.push(quick_xml::escape::unescape(&s).unwrap().into_owned());
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{what}: not XML: {e}"),
        }
    }
    out
}

/// The problems of one HTML document or fragment (see
/// [`built_pages_are_inert`]); `where_` says which.
fn inert(html: &scraper::Html, where_: &str, problems: &mut Vec<String>) {
    for node in html.tree.nodes() {
        let scraper::Node::Element(e) = node.value() else {
            continue;
        };
        let at = |why: &str| {
            let element = scraper::ElementRef::wrap(node).map(|r| r.html()).unwrap_or_default();
            let element: String = element.chars().take(300).collect();
            format!("{where_}: {why}: {element}")
        };
        match e.name() {
            "script" => {
                let code: String = node
                    .children()
                    .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                    .collect();
                if !redirect_target(&code).is_some_and(on_site) || e.attr("src").is_some() {
                    problems.push(at("a script"));
                }
            }
            "iframe" | "frame" | "object" | "embed" | "form" | "style" | "svg" | "math" | "base" | "applet"
            | "noscript" | "template" | "input" | "button" | "textarea" | "select" => {
                problems.push(at("an element that runs, embeds or takes input"))
            }
            "meta" if e.attr("http-equiv").is_some_and(|h| h.eq_ignore_ascii_case("refresh")) => {
                let content = e.attr("content").unwrap_or("");
                let url = content.split_once(';').map(|(_, u)| u.trim()).map(|u| {
                    u.get(..4)
                        .filter(|p| p.eq_ignore_ascii_case("url="))
                        .map_or(u, |_| &u[4..])
                });
                if !url.is_some_and(on_site) {
                    problems.push(at("a refresh to another site"));
                }
            }
            _ => {}
        }
        for (name, value) in e.attrs() {
            if name.starts_with("on") || name == "srcdoc" || name == "style" && value.contains("url(") {
                problems.push(at(&format!("the attribute {name}")));
            }
            let v = normalized(value);
            if URL_ATTRIBUTES.contains(&name) && ["javascript:", "vbscript:", "data:"].iter().any(|s| v.starts_with(s))
            {
                problems.push(at(&format!("the URL {name}={value}")));
            }
        }
    }
}

/// The text an item's page must show (its body's).
fn marker(id: i64) -> String {
    match id {
        1 => "text-body".to_string(),
        30..=35 | 71..=76 => format!("text-type-{id}"),
        _ => format!("text-page-{id}"),
    }
}

/// Every item written is the page at its URL, which shows its body (no
/// term page, alias or list of the generator's in its place), and every
/// alias (front matter `key`) is a page.
fn pages_are_the_items(site: &Site, out: &Path, key: Option<&str>, problems: &mut Vec<String>) {
    let what = &site.what;
    let written = site.report["written"].as_array().unwrap();
    assert!(written.len() > 30, "{what}: {} written", written.len());
    for w in written {
        let url = w["url"].as_str().unwrap();
        let page = out.join(decoded(url.trim_matches('/'))).join("index.html");
        let want = marker(w["id"].as_i64().unwrap());
        match std::fs::read_to_string(&page) {
            Ok(text) if text.contains(&want) => {}
            Ok(_) => problems.push(format!("{what}: {url} is not the page of its item ({want} not in it)")),
            Err(_) => problems.push(format!("{what}: {url} is not a page of the built site")),
        }
    }
    if let Some(key) = key {
        let all = aliases(&site.dir, key);
        for a in &all {
            if !out.join(decoded(a.trim_matches('/'))).join("index.html").is_file() {
                problems.push(format!("{what}: the alias {a} is not a page of the built site"));
            }
        }
        // A French old slug, percent-encoded as WordPress keeps it, is
        // the folder a server maps `/2010/05/caf%C3%A9-cr%C3%A8me/` to.
        if !all.iter().any(|a| decoded(a) == "/2010/05/café-crème/") {
            problems.push(format!("{what}: no alias /2010/05/café-crème/ in {all:?}"));
        }
    }
}

/// The post's page shows every published comment, sanitized, and (from
/// the data files; inline, pings are listed by their title) the pings'
/// text; and its title and the commenters' names as text, as written.
fn comments_are_shown(page: &Path, comments: &str, what: &str, problems: &mut Vec<String>) {
    let Ok(text) = std::fs::read_to_string(page) else {
        problems.push(format!("{what}: no post page {}", page.display()));
        return;
    };
    let mut want = vec!["text-c1", "text-c2", "text-c3", "text-c4", "text-c5", "text-body"];
    if comments == "data" {
        want.extend(["text-ping", "text-ping2", "text-tb"]);
    }
    // As shown, the typographic quotes of Markdown renderers (inline
    // comments are Markdown) made straight again.
    let shown: String = scraper::Html::parse_document(&text)
        .root_element()
        .text()
        .collect::<String>()
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201C}' | '\u{201D}' => '"',
            c => c,
        })
        .collect();
    for t in want {
        if !shown.contains(t) {
            problems.push(format!("{what}: {t} is not on {}", page.display()));
        }
    }
    for t in [
        r#"Post <script>alert("XSS-title")</script> "><img src=x onerror=alert('XSS-title2')> end"#,
        r#"<script>alert("XSS-author")</script>Mallory"#,
        r#"Bob" onmouseover="alert('XSS-a2')"#,
        "[Eve](javascript:alert('XSS-a3'))",
        r#""><svg/onload=alert('XSS-a4')><a href="javascript:alert('XSS-a5')">Zed</a>"#,
        r#"Quote ' " > < & Name"#,
        "<img src=x onerror=alert('XSS-ping')>",
    ] {
        if !shown.contains(t) {
            problems.push(format!("{what}: {t:?} is not shown as text on {}", page.display()));
        }
    }
}

/// Builds `site` with `cmd args` and checks the result in `out` (under the
/// site): nothing written outside the site, every page inert, every item
/// at its URL, the post's page (`post`, under `out`) with its comments.
fn built(site: &Site, cmd: &Path, args: &[&str], out: &str, key: Option<&str>, post: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let what = &site.what;
    build(cmd, args, &site.dir, what);
    for p in site.outside() {
        problems.push(format!("{what}: the build wrote outside the site: {}", p.display()));
    }
    let out = site.dir.join(out);
    let pages = built_pages_are_inert(&out, what, &mut problems);
    assert!(pages > 30, "{what}: {pages} pages");
    pages_are_the_items(site, &out, key, &mut problems);
    let comments = if what.ends_with("data") { "data" } else { "inline" };
    comments_are_shown(&out.join(post), comments, what, &mut problems);
    problems
}

/// The check of built pages finds each thing that runs, and lets the same
/// attacks shown as text (escaped) and a generator's own redirect pass.
#[test]
fn the_inert_check_tells_elements_from_escaped_text() {
    let dir = tempfile::tempdir().unwrap();
    let page = |body: &str| format!("<!DOCTYPE html><html><head><title>t</title></head><body>{body}</body></html>");
    let inert = [
        r#"&lt;script&gt;alert("XSS-c1")&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;"#,
        r#"<a href="http://x.example/%29%5Bclick%5D%28javascript:alert%281%29" rel="nofollow ugc">javascript:</a>"#,
        r#"<p title="onerror=alert(1) javascript:x">&lt;iframe src=javascript:alert(1)&gt;</p>"#,
        r#"<script>location="http://blog.example/posts/con-1/"</script>"#,
        r#"<meta http-equiv="refresh" content="0; url=/posts/con-1/">"#,
    ];
    std::fs::write(dir.path().join("inert.html"), page(&inert.join("\n"))).unwrap();
    let mut problems = Vec::new();
    assert_eq!(built_pages_are_inert(dir.path(), "inert", &mut problems), 1);
    assert_none(&problems);
    let attacks = [
        r#"<script>alert("XSS-c1")</script>"#,
        r#"<script>location="http://evil.example/"</script>"#,
        r#"<script src="/x.js"></script>"#,
        r#"<img src=x onerror="alert(1)">"#,
        r#"<a href=" JaVa&#x09;Script:alert(1)">x</a>"#,
        r#"<a href="data:text/html,x">x</a>"#,
        r#"<img srcset="javascript:alert(1) 1x">"#,
        r#"<iframe srcdoc="x"></iframe>"#,
        r#"<svg onload="alert(1)"></svg>"#,
        r#"<form action="http://evil.example/"></form>"#,
        r#"<meta http-equiv="Refresh" content="0;URL=javascript:alert(1)">"#,
        r#"<p style="background:url(javascript:alert(1))">x</p>"#,
    ];
    for (i, a) in attacks.iter().enumerate() {
        let d = dir.path().join(format!("attack-{i}"));
        std::fs::create_dir(&d).unwrap();
        std::fs::write(d.join("index.html"), page(a)).unwrap();
        let mut problems = Vec::new();
        built_pages_are_inert(&d, "attack", &mut problems);
        assert!(!problems.is_empty(), "not found: {a}");
    }
    // The HTML of feeds, escaped or in CDATA.
    let ok = dir.path().join("feed-ok");
    std::fs::create_dir(&ok).unwrap();
    std::fs::write(
        ok.join("index.xml"),
        r#"<rss><channel><title>&lt;script&gt;</title><description>&lt;script&gt;</description><item><description>&lt;p&gt;&amp;lt;script&amp;gt;&lt;/p&gt;</description></item></channel></rss>"#,
    )
    .unwrap();
    let mut problems = Vec::new();
    built_pages_are_inert(&ok, "feed", &mut problems);
    assert_none(&problems);
    for (i, feed) in [
        r#"<rss><item><description>&lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;</description></item></rss>"#,
        r#"<feed><entry><summary type="html"><![CDATA[<img src=x onerror=alert(1)>]]></summary></entry></feed>"#,
    ]
    .iter()
    .enumerate()
    {
        let d = dir.path().join(format!("feed-{i}"));
        std::fs::create_dir(&d).unwrap();
        std::fs::write(d.join("feed.xml"), feed).unwrap();
        let mut problems = Vec::new();
        built_pages_are_inert(&d, "feed", &mut problems);
        assert!(!problems.is_empty(), "not found: {feed}");
    }
    // A secret, and a report of wxr's, in the output.
    std::fs::write(dir.path().join("wxr-report.json"), "{}").unwrap();
    std::fs::write(dir.path().join("x.txt"), "SECRET-draft-body").unwrap();
    let mut problems = Vec::new();
    built_pages_are_inert(dir.path(), "leak", &mut problems);
    for leak in ["wxr's report is published", "SECRET in"] {
        assert!(
            problems.iter().any(|p| p.contains(leak)),
            "{leak} not found: {problems:#?}"
        );
    }
}

#[test]
fn plain_site_is_written_inside_its_folder_with_nothing_private() {
    let mut problems = Vec::new();
    for comments in ["data", "inline"] {
        let site = site("plain", comments, &mut problems);
        let post = std::fs::read_to_string(site.dir.join("posts/con-1.md")).unwrap();
        let thread = if comments == "inline" {
            post.clone()
        } else {
            std::fs::read_to_string(site.dir.join("data/comments/1.yaml")).unwrap()
        };
        // The comment's script is gone with its text (the sanitizer drops
        // script elements whole), its paragraph kept.
        if !post.contains("text-body") || !thread.contains("text-c1") || thread.contains(r#"alert("XSS-c1")"#) {
            problems.push(format!(
                "{}: the post or its sanitized comments are not written",
                site.what
            ));
        }
    }
    assert_none(&problems);
}

#[test]
fn hugo_builds_the_hostile_site_inert() {
    let Some(hugo) = tool("hugo") else { return };
    let mut problems = Vec::new();
    for comments in ["data", "inline"] {
        let site = site("hugo", comments, &mut problems);
        let post = "posts/con-1/index.html";
        problems.extend(built(&site, &hugo, &["--quiet"], "public", Some("aliases"), post));
    }
    assert_none(&problems);
}

#[test]
fn jekyll_builds_the_hostile_site_inert() {
    let Some(jekyll) = tool("jekyll") else { return };
    let mut problems = Vec::new();
    for comments in ["data", "inline"] {
        let site = site("jekyll", comments, &mut problems);
        let (args, post) = (&["build", "--quiet"], "2010/05/02/con-1/index.html");
        problems.extend(built(&site, &jekyll, args, "_site", Some("redirect_from"), post));
    }
    assert_none(&problems);
}

#[test]
fn eleventy_builds_the_hostile_site_inert() {
    let Some(eleventy) = tool("eleventy") else { return };
    let mut problems = Vec::new();
    for comments in ["data", "inline"] {
        let site = site("eleventy", comments, &mut problems);
        problems.extend(built(
            &site,
            &eleventy,
            &["--quiet"],
            "_site",
            None,
            "posts/con-1/index.html",
        ));
    }
    assert_none(&problems);
}

#[test]
fn astro_builds_the_hostile_site_inert() {
    let Some(astro) = tool("astro") else { return };
    let mut problems = Vec::new();
    for comments in ["data", "inline"] {
        let site = site("astro", comments, &mut problems);
        astro_project(&astro, &site.dir);
        let args = &["build", "--silent"];
        problems.extend(built(&site, &astro, args, "dist", None, "blog/con-1/index.html"));
    }
    assert_none(&problems);
}

#[test]
fn zola_builds_the_hostile_site_inert() {
    let Some(zola) = tool("zola") else { return };
    let mut problems = Vec::new();
    for comments in ["data", "inline"] {
        let site = site("zola", comments, &mut problems);
        let post = "posts/con-1/index.html";
        problems.extend(built(&site, &zola, &["build"], "public", Some("aliases"), post));
    }
    assert_none(&problems);
}
