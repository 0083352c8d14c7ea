//! Golden tests of the Markdown output: each `fixtures/markdown/<case>.args`
//! (the arguments after `convert --format markdown`, one per line, paths
//! relative to `fixtures/markdown/`) writes a site into a temporary
//! directory, and the whole tree — every file's path and content, sorted —
//! is compared with `<case>.tree`. `WXR_BLESS=1 cargo test` rewrites them.

use crate::util::{check_file, root, wxr};

/// Every file under `dir` as `=== path` followed by its content.
fn tree(dir: &std::path::Path) -> String {
    let files = crate::util::files(dir, &[]);
    let mut out = String::new();
    for f in files {
        let rel = f.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
        out.push_str(&format!("=== {rel}\n"));
        out.push_str(&std::fs::read_to_string(&f).unwrap());
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
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
/// path, whichever thread meets it.
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
        !out.path().join("wxr-report.json").exists(),
        "no report for a failed run"
    );
}
