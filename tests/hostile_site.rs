//! `fixtures/hostile/site.xml` through every format and every generator:
//! what strangers write in comments, pings, names, URLs, titles, terms,
//! slugs and post types, and items and comments that must never be
//! published. Every format takes it (the SQL loads into SQLite); every site
//! is written inside its folder, holds no private text outside `_wxr/`,
//! and is built by the real generator (skipped with a line when it is not
//! installed, as in `tests/ssg.rs`) into pages where no element, attribute
//! or URL from the export can run a script, and where the comments are
//! shown, sanitized.

use crate::ssg::{astro_project, build, tool};
use crate::util::{files, root, wxr};
use std::path::{Path, PathBuf};

fn export() -> PathBuf {
    root().join("fixtures/hostile/site.xml")
}

/// What must appear nowhere in a published site: the private, draft,
/// password-protected, trashed and contact-form items, the attachment of
/// the private post, unapproved comments, e-mail and IP addresses, the
/// password.
const SECRETS: &[&str] = &["SECRET", "203.0.113.9", "sender@example.com", "192.0.2.1", "hunter2"];

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
    let script = std::fs::read_to_string(dir.path().join("out.sql")).unwrap();
    let db = rusqlite::Connection::open_in_memory().unwrap();
    db.execute_batch(&script).unwrap();
    let items: i64 = db.query_row("SELECT count(*) FROM items", [], |r| r.get(0)).unwrap();
    assert_eq!(items, 24);
    let db = rusqlite::Connection::open(dir.path().join("out.db")).unwrap();
    let comments: i64 = db.query_row("SELECT count(*) FROM comments", [], |r| r.get(0)).unwrap();
    assert_eq!(comments, 7);
}

/// Converts the export for `ssg` with `comments` into `site/` of a new
/// folder, and checks that nothing else was written there and that no
/// file of the site (but wxr's reports) holds a secret.
fn site(ssg: &str, comments: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let o = wxr(dir.path())
        .args([
            "convert",
            "-q",
            "--format",
            "markdown",
            "--ssg",
            ssg,
            "--comments",
            comments,
        ])
        .args(["--redirects", "netlify,nginx,apache,csv", "-o", "site"])
        .arg(export())
        .output()
        .unwrap();
    assert!(o.status.success(), "{ssg}: {}", String::from_utf8_lossy(&o.stderr));
    let top: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(top, ["site"], "{ssg}: written beside the site");
    no_secret(&dir.path().join("site"), &["_wxr"], ssg);
    dir
}

/// No file under `dir` (but the folders `skip`) holds a secret.
fn no_secret(dir: &Path, skip: &[&str], what: &str) {
    for f in files(dir, skip) {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        for s in SECRETS {
            assert!(!text.contains(s), "{what}: {s} in {}", f.display());
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

/// Every page built in `out` is inert: no element that runs or embeds
/// anything (but a generator's redirect script to a URL of the site, see
/// [`redirect_target`]), no event handler, no `javascript:`, `vbscript:`
/// or `data:` URL; and no secret in any file.
fn built_pages_are_inert(out: &Path, what: &str) -> usize {
    let mut pages = 0;
    for f in files(out, &[]) {
        if f.extension().is_none_or(|x| x != "html") {
            continue;
        }
        pages += 1;
        let text = std::fs::read_to_string(&f).unwrap();
        let html = scraper::Html::parse_document(&text);
        for node in html.tree.nodes() {
            let scraper::Node::Element(e) = node.value() else {
                continue;
            };
            let at = || format!("{what}: {}: <{}> in\n{text}", f.display(), e.name());
            match e.name() {
                "script" => {
                    let code: String = node
                        .children()
                        .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                        .collect();
                    let target = redirect_target(&code);
                    assert!(
                        target.is_some_and(|u| u.starts_with("http://blog.example/") || u.starts_with('/')),
                        "{}",
                        at()
                    );
                }
                "iframe" | "object" | "embed" | "form" | "style" | "svg" | "math" | "base" | "applet" => {
                    panic!("{}", at())
                }
                _ => {}
            }
            for (name, value) in e.attrs() {
                let v: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_lowercase();
                assert!(!name.starts_with("on"), "{} ({name})", at());
                if matches!(
                    name,
                    "href" | "src" | "action" | "formaction" | "srcset" | "poster" | "data"
                ) {
                    assert!(
                        !v.starts_with("javascript:") && !v.starts_with("vbscript:") && !v.starts_with("data:"),
                        "{} ({name}={value})",
                        at()
                    );
                }
            }
        }
    }
    no_secret(out, &[], what);
    pages
}

/// The post's page shows every published comment, sanitized, and (from
/// the data files; inline, pings are listed by their title) the pings'
/// text.
fn comments_are_shown(page: &Path, comments: &str, what: &str) {
    let text = std::fs::read_to_string(page).unwrap_or_else(|e| panic!("{what}: {}: {e}", page.display()));
    let ping = if comments == "data" { "text-ping" } else { "text-c1" };
    for t in ["text-c1", "text-c2", "text-c3", ping, "text-body"] {
        assert!(text.contains(t), "{what}: {t} is not on {}", page.display());
    }
}

#[test]
fn hugo_builds_the_hostile_site_inert() {
    let Some(hugo) = tool("hugo") else { return };
    for comments in ["data", "inline"] {
        let dir = site("hugo", comments);
        let site = dir.path().join("site");
        let what = format!("hugo, comments {comments}");
        build(&hugo, &["--quiet"], &site, &what);
        assert!(built_pages_are_inert(&site.join("public"), &what) > 10);
        comments_are_shown(&site.join("public/posts/con-1/index.html"), comments, &what);
    }
}

#[test]
fn jekyll_builds_the_hostile_site_inert() {
    let Some(jekyll) = tool("jekyll") else { return };
    for comments in ["data", "inline"] {
        let dir = site("jekyll", comments);
        let site = dir.path().join("site");
        let what = format!("jekyll, comments {comments}");
        build(&jekyll, &["build", "--quiet"], &site, &what);
        assert!(built_pages_are_inert(&site.join("_site"), &what) > 10);
        comments_are_shown(&site.join("_site/2010/05/02/con-1/index.html"), comments, &what);
    }
}

#[test]
fn eleventy_builds_the_hostile_site_inert() {
    let Some(eleventy) = tool("eleventy") else { return };
    for comments in ["data", "inline"] {
        let dir = site("eleventy", comments);
        let site = dir.path().join("site");
        let what = format!("eleventy, comments {comments}");
        build(&eleventy, &["--quiet"], &site, &what);
        assert!(built_pages_are_inert(&site.join("_site"), &what) > 10);
        comments_are_shown(&site.join("_site/posts/con-1/index.html"), comments, &what);
    }
}

#[test]
fn astro_builds_the_hostile_site_inert() {
    let Some(astro) = tool("astro") else { return };
    let dir = site("astro", "inline");
    let site = dir.path().join("site");
    astro_project(&astro, &site);
    build(&astro, &["build", "--silent"], &site, "astro");
    assert!(built_pages_are_inert(&site.join("dist"), "astro") > 10);
    comments_are_shown(&site.join("dist/blog/con-1/index.html"), "inline", "astro");
}

#[test]
fn zola_builds_the_hostile_site_inert() {
    let Some(zola) = tool("zola") else { return };
    let dir = site("zola", "inline");
    let site = dir.path().join("site");
    build(&zola, &["build"], &site, "zola");
    assert!(built_pages_are_inert(&site.join("public"), "zola") > 10);
    comments_are_shown(&site.join("public/posts/con-1/index.html"), "inline", "zola");
}
