//! The sites wxr writes build with the real generators: Hugo and Jekyll
//! (Debian packages) and Eleventy (npm). For the French fixture, the
//! every-field fixture and, with `WXR_CORPUS`, every real export, each site
//! is built and every written item's URL and every alias must be a page of
//! the result. A generator that is not installed is skipped with a line,
//! unless `WXR_SSG=1` (set by `.ci/run`, which installs them) makes its
//! absence a failure. `WXR_ELEVENTY` names the eleventy binary.

use crate::util::{fixtures, root, wxr};
use std::path::{Path, PathBuf};
use std::process::Command;

fn required() -> bool {
    std::env::var_os("WXR_SSG").is_some_and(|v| v != "0")
}

/// The generator's command, or `None` (skip) when it is not installed.
fn tool(name: &str) -> Option<PathBuf> {
    let path = match (name, std::env::var_os("WXR_ELEVENTY")) {
        ("eleventy", Some(p)) => PathBuf::from(p),
        _ => PathBuf::from(name),
    };
    let version = if name == "hugo" { "version" } else { "--version" };
    let found = Command::new(&path)
        .arg(version)
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(!required(), "WXR_SSG is set but `{}` does not run", path.display());
        eprintln!("{name} build test skipped: {name} is not installed (.ci/run installs it)");
        return None;
    }
    Some(path)
}

/// Inputs: the two richest fixtures, and the corpus when asked for.
fn inputs() -> Vec<PathBuf> {
    let mut v = vec![
        fixtures().join("french-blog-post.xml"),
        fixtures().join("wxr-1.2-every-field.xml"),
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
    let out = tempfile::tempdir().unwrap();
    let o = wxr(&root())
        .args(["convert", "--format", "markdown", "--ssg", ssg, "-q", "-o"])
        .arg(out.path())
        .arg(input)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{}: {}",
        input.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("wxr-report.json")).unwrap()).unwrap();
    let urls = report["written"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["url"].as_str().unwrap().to_string())
        .collect();
    (out, urls, Vec::new())
}

fn build(cmd: &Path, args: &[&str], dir: &Path, what: &str) {
    let o = Command::new(cmd).args(args).current_dir(dir).output().unwrap();
    assert!(
        o.status.success(),
        "{what}: {} failed:\n{}\n{}",
        cmd.display(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Every URL is a page (`index.html` under it) of the built site.
fn pages_exist(public: &Path, urls: &[String], what: &str) {
    let missing: Vec<&String> = urls
        .iter()
        .filter(|u| !public.join(decoded(u.trim_matches('/'))).join("index.html").is_file())
        .collect();
    assert!(missing.is_empty(), "{what}: no page for {missing:?}");
}

/// The values of the front matter list `key` in every written file.
fn aliases(dir: &Path, key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() && !p.ends_with("public") && !p.ends_with("_site") {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                let text = std::fs::read_to_string(&p).unwrap();
                let Some(fm) = text
                    .strip_prefix("---\n")
                    .and_then(|t| t.split_once("\n---\n"))
                    .map(|(f, _)| f)
                else {
                    continue;
                };
                let v: serde_json::Value = serde_saphyr::from_str(fm).unwrap();
                if let Some(list) = v[key].as_array() {
                    out.extend(list.iter().filter_map(|a| a.as_str().map(String::from)));
                }
            }
        }
    }
    out
}

/// A URL path as a file path: percent-decoded, like the generators write.
fn decoded(url: &str) -> String {
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

#[test]
fn hugo_builds_the_site() {
    let Some(hugo) = tool("hugo") else { return };
    for input in inputs() {
        let (dir, urls, _) = site(&input, "hugo");
        std::fs::write(
            dir.path().join("hugo.toml"),
            "baseURL = \"https://example.org/\"\ntitle = \"test\"\n",
        )
        .unwrap();
        let layouts = dir.path().join("layouts/_default");
        std::fs::create_dir_all(&layouts).unwrap();
        std::fs::write(layouts.join("single.html"), "<h1>{{ .Title }}</h1>{{ .Content }}").unwrap();
        std::fs::write(layouts.join("list.html"), "{{ range .Pages }}{{ .Title }}{{ end }}").unwrap();
        let what = format!("hugo {}", input.display());
        build(&hugo, &["--quiet"], dir.path(), &what);
        pages_exist(&dir.path().join("public"), &urls, &what);
        pages_exist(&dir.path().join("public"), &aliases(dir.path(), "aliases"), &what);
    }
}

#[test]
fn jekyll_builds_the_site() {
    let Some(jekyll) = tool("jekyll") else { return };
    for input in inputs() {
        let (dir, urls, _) = site(&input, "jekyll");
        std::fs::write(
            dir.path().join("_config.yml"),
            "title: test\nplugins:\n  - jekyll-redirect-from\n",
        )
        .unwrap();
        let layouts = dir.path().join("_layouts");
        std::fs::create_dir_all(&layouts).unwrap();
        std::fs::write(layouts.join("post.html"), "<h1>{{ page.title }}</h1>{{ content }}").unwrap();
        std::fs::write(layouts.join("page.html"), "<h1>{{ page.title }}</h1>{{ content }}").unwrap();
        let what = format!("jekyll {}", input.display());
        build(&jekyll, &["build", "--quiet"], dir.path(), &what);
        pages_exist(&dir.path().join("_site"), &urls, &what);
        pages_exist(&dir.path().join("_site"), &aliases(dir.path(), "redirect_from"), &what);
    }
}

#[test]
fn eleventy_builds_the_site() {
    let Some(eleventy) = tool("eleventy") else { return };
    for input in inputs() {
        let (dir, urls, _) = site(&input, "eleventy");
        let what = format!("eleventy {}", input.display());
        build(&eleventy, &["--quiet"], dir.path(), &what);
        pages_exist(&dir.path().join("_site"), &urls, &what);
    }
}
