//! Golden tests of the Markdown output: each `fixtures/markdown/<case>.args`
//! (the arguments after `convert --format markdown`, one per line, paths
//! relative to `fixtures/markdown/`) writes a site into a temporary
//! directory, and the whole tree — every file's path and content, sorted —
//! is compared with `<case>.tree`. `WXR_BLESS=1 cargo test` rewrites them.
//! The files of wxr's theme, the same for every site, are listed without
//! their content (the sites are built with them in `tests/ssg.rs`).

use crate::util::{check_file, root, wxr};

/// Every file under `dir` as `=== path` followed by its content.
fn tree(dir: &std::path::Path) -> String {
    let files = crate::util::files(dir, &[]);
    let mut out = String::new();
    for f in files {
        let rel = f.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
        out.push_str(&format!("=== {rel}\n"));
        if rel == "_wxr/manifest.json" {
            out.push_str(&manifest_checked(dir));
            continue;
        }
        if is_theme(&rel) {
            out.push_str("(wxr's theme)\n");
            continue;
        }
        out.push_str(&std::fs::read_to_string(&f).unwrap());
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// The manifest, checked rather than shown (its hashes change with every
/// byte of the site): it names every file of the site outside `_wxr/`,
/// each with the SHA-256 of what is there.
fn manifest_checked(dir: &std::path::Path) -> String {
    use sha2::Digest;
    let text = std::fs::read_to_string(dir.join("_wxr/manifest.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    let listed = manifest["files"].as_object().expect("a files object");
    let mut on_disk = Vec::new();
    for f in crate::util::files(dir, &[]) {
        let rel = f.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
        if rel.starts_with("_wxr/") {
            continue;
        }
        let hash = sha2::Sha256::digest(std::fs::read(&f).unwrap());
        let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            listed.get(&rel).and_then(|v| v.as_str()),
            Some(hex.as_str()),
            "manifest entry of {rel}"
        );
        on_disk.push(rel);
    }
    assert_eq!(
        listed.len(),
        on_disk.len(),
        "the manifest lists files that are not there"
    );
    format!(
        "(the SHA-256 of the {} files of the site outside _wxr/)\n",
        on_disk.len()
    )
}

/// A file of wxr's theme (Hugo's `themes/wxr/`; Jekyll's, Eleventy's and
/// Astro's layouts, components, pages, configuration code, Gemfile,
/// package.json; Zola's templates; the style sheet).
fn is_theme(rel: &str) -> bool {
    let pages = [
        "Gemfile",
        "index.html",
        "404.html",
        "categories/index.html",
        "tags/index.html",
        "assets/wxr.css",
        "public/wxr.css",
        "eleventy.config.cjs",
        "posts/posts.json",
        "package.json",
        "src/wxr.ts",
        "src/content.config.ts",
    ];
    rel.starts_with("themes/")
        || rel.starts_with("_layouts/")
        || rel.starts_with("_includes/")
        || rel.ends_with(".njk")
        || rel.starts_with("src/layouts/")
        || rel.starts_with("src/components/")
        || rel.starts_with("src/pages/")
        || rel.starts_with("templates/")
        || rel == "static/wxr.css"
        || pages.contains(&rel)
}

#[test]
fn markdown_goldens() {
    let dir = root().join("fixtures").join("markdown");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "args"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 8, "fixtures/markdown has {} cases", cases.len());
    let mut problems = Vec::new();
    for case in cases {
        let args: Vec<String> = std::fs::read_to_string(&case)
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(String::from)
            .collect();
        let out = tempfile::tempdir().unwrap();
        let o = wxr(&dir)
            .args(["convert", "--format", "markdown", "-q", "-o"])
            .arg(out.path())
            .args(&args)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{}: {}",
            case.display(),
            String::from_utf8_lossy(&o.stderr)
        );
        if let Some(p) = check_file(&case.with_extension("tree"), &tree(out.path())) {
            problems.push(p);
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// The same site twice gives the same bytes, whatever the number of
/// threads converting bodies.
#[test]
fn markdown_output_is_deterministic() {
    let dir = root().join("fixtures").join("read");
    let run = |threads: &str| {
        let out = tempfile::tempdir().unwrap();
        let o = wxr(&dir)
            .env("RAYON_NUM_THREADS", threads)
            .args([
                "convert",
                "french-blog-post.xml",
                "wxr-1.2-every-field.xml",
                "--format",
                "markdown",
                "-q",
                "-o",
            ])
            .arg(out.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        tree(out.path())
    };
    let one = run("1");
    assert_eq!(one, run("4"));
    assert_eq!(one, run("4"));
}

/// A file that cannot be written stops the run with exit code 5 and the
/// path, whichever thread meets it, and says the site is incomplete.
#[test]
fn an_unwritable_site_fails_with_code_5() {
    let out = tempfile::tempdir().unwrap();
    // A file where the posts' directory must go.
    std::fs::create_dir(out.path().join("content")).unwrap();
    std::fs::write(out.path().join("content").join("posts"), "in the way").unwrap();
    let o = wxr(&root().join("fixtures").join("read"))
        .args(["convert", "french-blog-post.xml", "--format", "markdown", "-o"])
        .arg(out.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(5), "{stderr}");
    assert!(stderr.contains("content/posts/"), "{stderr}");
    assert!(
        !out.path().join("_wxr/wxr-report.json").exists(),
        "no report for a failed run"
    );
    // As a full disk would: the user is told how to finish.
    assert!(stderr.contains("is incomplete: run the same command again"), "{stderr}");
}

/// Links between posts are resolved to items by identity, as `wxr check`
/// resolves self-pings (one site index): percent-encoding case, raw
/// Unicode, `www.`, https, a missing trailing slash, `/amp/`, `?p=`, an old
/// slug. Term archives and files stay as they are. (Regression: the
/// Markdown rewriter compared strings, and left `caf%C3%A9` and `café`
/// pointing at the old blog.)
#[test]
fn internal_links_resolve_by_identity() {
    let item = |id: u32, slug: &str, body: &str, meta: &str| {
        format!(
            r#"<item><title>Post {id}</title><link>http://blog.example/2010/05/{slug}/</link>
<guid isPermaLink="false">http://blog.example/?p={id}</guid>
<content:encoded><![CDATA[{body}]]></content:encoded>
<wp:post_id>{id}</wp:post_id><wp:post_date>2010-05-0{id} 10:00:00</wp:post_date>
<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>{meta}</item>
"#
        )
    };
    let links = [
        "http://blog.example/2010/05/caf%C3%A9/",
        "http://blog.example/2010/05/café/",
        "https://www.blog.example/2010/05/caf%c3%a9",
        "http://blog.example/2010/05/caf%c3%a9/amp/",
        "http://blog.example/?p=1",
        "http://blog.example/2010/05/old-name/",
        "http://blog.example/category/caf%c3%a9/",
        "http://blog.example/wp-content/uploads/2010/05/caf%c3%a9",
    ];
    let body: String = links
        .iter()
        .enumerate()
        .map(|(n, l)| format!("<p><a href=\"{l}\">link {n}</a></p>\n"))
        .collect();
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Blog</title><link>http://blog.example</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>http://blog.example</wp:base_site_url><wp:base_blog_url>http://blog.example</wp:base_blog_url>
{}{}</channel></rss>
"#,
        item(
            1,
            "caf%c3%a9",
            "Un café.",
            "<wp:postmeta><wp:meta_key>_wp_old_slug</wp:meta_key><wp:meta_value>old-name</wp:meta_value></wp:postmeta>"
        ),
        item(2, "links", &body, "")
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("links.xml"), xml).unwrap();
    let o = wxr(dir.path())
        .args(["convert", "links.xml", "--format", "markdown", "-q", "-o", "site"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let site = dir.path().join("site");
    let md = std::fs::read_to_string(site.join("content/posts/links/index.md"))
        .unwrap_or_else(|e| panic!("{e}: the site holds {:?}", crate::util::files(&site, &[])));
    let target = "/posts/café/";
    for (n, link) in links.iter().enumerate() {
        if n < 6 {
            assert!(
                md.contains(&format!("[link {n}]({target})")),
                "link {n} ({link}) should lead to post 1:\n{md}"
            );
        } else {
            assert!(
                md.contains(&format!("[link {n}]({link})")),
                "link {n} is not a post and stays as it was:\n{md}"
            );
        }
    }
}

/// The files of a site get the usual mode (0666 less the umask), like any
/// file the user creates, so a web server running as another user can read
/// them. (Regression: they were written with a temporary file's 0600.)
#[cfg(unix)]
#[test]
fn site_files_get_the_usual_mode() {
    use std::os::unix::fs::PermissionsExt;
    let out = tempfile::tempdir().unwrap();
    let o = wxr(&root().join("fixtures").join("read"))
        .args(["convert", "french-blog-post.xml", "--format", "markdown", "-q", "-o"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let usual = out.path().join("usual");
    std::fs::write(&usual, "").unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let files = crate::util::files(out.path(), &["usual"]);
    assert!(files.len() > 3);
    for f in files {
        assert_eq!(mode(&f), mode(&usual), "{}", f.display());
    }
}

/// The run ends with the command that shows the site, in its folder as
/// the user named it; content only (`plain`) and a dry run have none.
#[test]
fn the_last_line_says_how_to_see_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    let input = root().join("fixtures/read/french-blog-post.xml");
    let last = |ssg: &str, out: &str, extra: &[&str]| {
        let o = wxr(tmp.path())
            .arg("convert")
            .arg(&input)
            .args(["--format", "markdown", "--ssg", ssg, "-o", out])
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stderr)
            .lines()
            .last()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(last("hugo", "site", &[]), "wxr: next: cd site && hugo server");
    assert_eq!(
        last("jekyll", "mon blog", &[]),
        "wxr: next: cd 'mon blog' && bundle install && bundle exec jekyll serve"
    );
    assert!(!last("plain", "plain", &[]).contains("next:"));
    assert!(!last("zola", "z", &["--dry-run"]).contains("next:"));
}
