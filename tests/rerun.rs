//! Running wxr again into a site it wrote: a file the user edited is left
//! alone and named (`--force` overwrites it), files no longer written are
//! listed as stale (`--prune` removes them), `--dry-run` tells each fate
//! and writes nothing, and a run stopped midway (SIGINT, SIGKILL) is
//! finished by the same command run again: the same site as one clean run.

use crate::hostile::{comment, export, item};
use crate::util::{Run, files, fixtures, run};
use serde_json::Value;
use std::path::Path;

const POST: &str = "content/posts/infolettre-cinq-erreurs-qui-font-fuir-vos-abonnes/index.md";
const OTHER: &str = "content/posts/mesurer-le-succes-dune-infolettre/index.md";

/// Every file under `dir` but wxr's report (whose counts tell each run's
/// story), with its content.
fn site_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files(dir, &[])
        .into_iter()
        .map(|f| {
            let rel = f.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(&f).unwrap())
        })
        .filter(|(rel, _)| rel != "_wxr/wxr-report.json")
        .collect()
}

fn report(site: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(site.join("_wxr/wxr-report.json")).unwrap()).unwrap()
}

/// `wxr convert` of `inputs` (in the read fixtures) to a Hugo site at
/// `site`, with `extra`.
fn hugo(site: &Path, inputs: &[&str], extra: &[&str]) -> Run {
    let out = site.to_str().unwrap();
    let mut args = vec!["convert"];
    args.extend(inputs);
    args.extend([
        "--format",
        "markdown",
        "--ssg",
        "hugo",
        "--redirects",
        "netlify",
        "-o",
        out,
    ]);
    args.extend(extra);
    let r = run(&fixtures(), &args);
    assert_eq!(r.code, 0, "{args:?}\n{}", r.stderr);
    r
}

const FRENCH: &str = "french-blog-post.xml";

#[test]
fn an_edited_file_survives_a_rerun_and_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    hugo(&site, &[FRENCH], &[]);
    let first = site_files(&site);
    let post = site.join(POST);
    let written = std::fs::read_to_string(&post).unwrap();
    let edited = format!("{written}\nMy own closing line.\n");
    std::fs::write(&post, &edited).unwrap();
    std::fs::write(site.join("hugo.toml"), "title = 'Mine'\n").unwrap();
    // A file of wxr's that the user deleted is wxr's to write again.
    std::fs::remove_file(site.join(OTHER)).unwrap();

    let again = hugo(&site, &[FRENCH], &[]);
    assert!(
        again.stderr.contains("warning: 2 files changed since wxr wrote them")
            && again.stderr.contains(POST)
            && again.stderr.contains("hugo.toml")
            && again.stderr.contains("--force"),
        "{}",
        again.stderr
    );
    assert_eq!(std::fs::read_to_string(&post).unwrap(), edited);
    assert_eq!(
        std::fs::read_to_string(site.join("hugo.toml")).unwrap(),
        "title = 'Mine'\n"
    );
    let files = &report(&site)["files"];
    assert_eq!(files["kept"], serde_json::json!([POST, "hugo.toml"]), "{files}");
    assert_eq!(files["created"], 1, "the deleted post is written again: {files}");
    // Everything else is as the first run wrote it, untouched.
    let now = site_files(&site);
    let differing: Vec<&String> = first
        .iter()
        .zip(&now)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| &a.0)
        .collect();
    assert_eq!(differing, [POST, "hugo.toml"]);
    assert_eq!(first.len(), now.len());

    // Still the user's the next time; --force makes them wxr's again.
    let third = hugo(&site, &[FRENCH], &[]);
    assert!(third.stderr.contains("warning: 2 files"), "{}", third.stderr);
    let forced = hugo(&site, &[FRENCH], &["--force"]);
    assert!(forced.stderr.contains("overwrote 2 files"), "{}", forced.stderr);
    assert_eq!(site_files(&site), first);
    let files = &report(&site)["files"];
    assert_eq!(files["forced"], serde_json::json!([POST, "hugo.toml"]), "{files}");
}

#[test]
fn stale_files_are_listed_then_pruned_and_a_dry_run_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (site, fresh) = (tmp.path().join("site"), tmp.path().join("fresh"));
    hugo(&site, &[FRENCH, "wxr-1.2-every-field.xml"], &[]);
    hugo(&fresh, &[FRENCH], &[]);
    let before = site_files(&site);

    // The second export left out: its posts and comment data are stale.
    let dry = hugo(&site, &[FRENCH], &["--dry-run", "--prune"]);
    assert_eq!(site_files(&site), before, "a dry run writes nothing");
    let plan = |verb: &str| -> Vec<String> {
        dry.stdout
            .lines()
            .filter_map(|l| l.strip_prefix(verb))
            .map(|l| l.trim().to_string())
            .collect()
    };
    let pruned = plan("prune ");
    assert!(
        !pruned.is_empty() && pruned.iter().all(|p| !fresh.join(p).exists()),
        "{}",
        dry.stdout
    );
    assert!(pruned.iter().any(|p| p.starts_with("data/comments/")), "{pruned:?}");
    // The redirects and the configuration change with the posts.
    let mut overwritten = plan("overwrite ");
    overwritten.sort();
    assert_eq!(overwritten, ["hugo.toml", "static/_redirects"], "{}", dry.stdout);
    assert!(plan("create ").is_empty() && plan("keep ").is_empty(), "{}", dry.stdout);
    assert!(dry.stdout.contains("unchanged: "), "{}", dry.stdout);

    let kept = hugo(&site, &[FRENCH], &[]);
    assert!(
        kept.stderr.contains(&format!("{} stale files", pruned.len())) && kept.stderr.contains("--prune"),
        "{}",
        kept.stderr
    );
    for p in &pruned {
        assert!(site.join(p).exists(), "{p} removed without --prune");
    }
    let gone = hugo(&site, &[FRENCH], &["--prune"]);
    assert!(
        gone.stderr.contains(&format!("removed {} stale files", pruned.len())),
        "{}",
        gone.stderr
    );
    assert_eq!(
        site_files(&site),
        site_files(&fresh),
        "pruned, the site is the one a clean run writes"
    );
    assert_eq!(report(&site)["files"]["pruned"].as_array().unwrap().len(), pruned.len());
}

/// The run that a stop interrupts and the same command finishes.
const SITE: [&str; 8] = [
    "convert",
    "export.xml",
    "--format",
    "markdown",
    "--ssg",
    "hugo",
    "-o",
    "site",
];

/// An export large enough to be stopped while its files are written.
fn big_export(dir: &Path) {
    let items: Vec<String> = (1..=6000)
        .map(|id| {
            let comments = if id % 3 == 0 {
                comment(id * 10, 0, "A reply.") + &comment(id * 10 + 1, id * 10, "Thanks!")
            } else {
                String::new()
            };
            item(
                id,
                &format!("<p>Body of post {id}.</p>\n\n{}", "<p>Words.</p>".repeat(20)),
                &comments,
            )
        })
        .collect();
    export(dir, &items);
}

/// Starts the site run in `dir` and stops it with `signal` once some of
/// its files are written; returns its standard error.
#[cfg(unix)]
fn stopped(dir: &Path, signal: &str) -> String {
    use std::process::Stdio;
    let child = crate::util::wxr(dir)
        .args(SITE)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let posts = dir.join("site/content/posts");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::fs::read_dir(&posts).map_or(0, |d| d.count()) < 200 {
        assert!(std::time::Instant::now() < deadline, "no posts written");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let sent = std::process::Command::new("kill")
        .args(["-s", signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success(), "the run finished before it was stopped");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[cfg(unix)]
#[test]
fn a_stopped_run_is_finished_by_the_same_command() {
    let tmp = tempfile::tempdir().unwrap();
    let clean = tmp.path().join("clean");
    std::fs::create_dir(&clean).unwrap();
    big_export(&clean);
    let r = run(&clean, &[&SITE[..], &["-q"]].concat());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let whole = site_files(&clean.join("site"));
    for signal in ["INT", "KILL"] {
        let dir = tmp.path().join(signal);
        std::fs::create_dir(&dir).unwrap();
        big_export(&dir);
        let stderr = stopped(&dir, signal);
        if signal == "INT" {
            assert!(
                stderr.contains("is incomplete: run the same command again to finish it"),
                "{stderr}"
            );
        }
        // Each file written so far is whole: as the clean run wrote it.
        let site = dir.join("site");
        let partial = site_files(&site);
        assert!(partial.len() < whole.len(), "{signal}: stopped after the end");
        for (rel, bytes) in &partial {
            if rel.starts_with("_wxr/") || rel.contains("/.wxr-") {
                continue;
            }
            let want = whole.iter().find(|(w, _)| w == rel);
            assert_eq!(
                want.map(|w| &w.1),
                Some(bytes),
                "{signal}: {rel} is not as a whole run writes it"
            );
        }
        assert!(site.join("_wxr/manifest.journal").exists(), "{signal}: no journal");
        let again = run(&dir, &SITE);
        assert_eq!(again.code, 0, "{signal}: {}", again.stderr);
        assert!(
            !again.stderr.contains("changed since wxr wrote them"),
            "{signal}: {}",
            again.stderr
        );
        let finished = site_files(&site);
        let names = |v: &[(String, Vec<u8>)]| v.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(&finished),
            names(&whole),
            "{signal}: not the files of one clean run"
        );
        assert!(
            finished == whole,
            "{signal}: the finished site differs from one clean run"
        );
    }
}
