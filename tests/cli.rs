//! The command line end to end: exit codes, atomic output (an output
//! that is an input refused, devices and pipes written in place, a run
//! stopped by a signal), `info`, `--strict`, `--salvage` and usage errors.

use crate::util::{fixtures, run};

#[test]
fn not_a_wxr_file_fails_with_code_3_and_empty_stdout() {
    let dir = fixtures();
    for (file, words) in [
        ("not-wxr-plain-rss.xml", "no <wp:wxr_version>"),
        ("not-wxr-bad-version.xml", "\"abc\""),
        ("not-xml.xml", "not <rss>"),
    ] {
        for format in ["json", "jsonl"] {
            let r = run(&dir, &["convert", file, "--format", format]);
            assert_eq!(r.code, 3, "{file}: {}", r.stderr);
            assert!(r.stdout.is_empty(), "{file}: stdout must stay empty");
            assert!(
                r.stderr.contains("not a WordPress export (WXR)"),
                "{file}: {}",
                r.stderr
            );
            assert!(r.stderr.contains(words), "{file}: {}", r.stderr);
        }
    }
}

#[test]
fn missing_input_is_an_input_error() {
    let r = run(&fixtures(), &["convert", "no-such-file.xml"]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("no-such-file.xml"), "{}", r.stderr);
}

#[test]
fn usage_errors_exit_2() {
    let dir = fixtures();
    assert_eq!(run(&dir, &["convert"]).code, 2);
    assert_eq!(run(&dir, &["convert", "x.xml", "--format", "yaml"]).code, 2);
    assert_eq!(run(&dir, &["convert", "-", "-"]).code, 2);
    assert_eq!(run(&dir, &["frobnicate"]).code, 2);
}

#[test]
fn help_shows_examples_for_every_command() {
    let dir = fixtures();
    for args in [&["--help"][..], &["convert", "--help"], &["info", "--help"]] {
        let r = run(&dir, args);
        assert_eq!(r.code, 0);
        assert!(r.stdout.contains("Examples:"), "{args:?}: {}", r.stdout);
    }
}

#[test]
fn output_file_is_written_atomically() {
    let dir = fixtures();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("blog.json");
    let ok = run(&dir, &["convert", "french-blog-post.xml", "-o", out.to_str().unwrap()]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let stdout = run(&dir, &["convert", "french-blog-post.xml"]).stdout;
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        stdout,
        "-o writes what stdout shows"
    );

    // A failing run leaves neither the target nor a temporary file behind.
    let bad = tmp.path().join("bad.json");
    let r = run(
        &dir,
        &["convert", "truncated-download.xml", "-o", bad.to_str().unwrap()],
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(!bad.exists(), "no partial output file");
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        left,
        vec![std::ffi::OsString::from("blog.json")],
        "no temporary file left"
    );

    // An existing file is only replaced by a successful run.
    let r = run(
        &dir,
        &["convert", "truncated-download.xml", "-o", out.to_str().unwrap()],
    );
    assert_eq!(r.code, 3);
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        stdout,
        "old output kept on failure"
    );
}

#[test]
fn unwritable_output_exits_5() {
    let dir = fixtures();
    let r = run(
        &dir,
        &["convert", "french-blog-post.xml", "-o", "/nonexistent-dir/x/out.json"],
    );
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("cannot write"), "{}", r.stderr);
}

#[test]
fn truncated_file_reports_position_item_and_count() {
    let r = run(&fixtures(), &["convert", "truncated-download.xml"]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("truncated-download.xml:"), "{}", r.stderr);
    assert!(r.stderr.contains("before end of input"), "{}", r.stderr);
    assert!(r.stderr.contains("3 complete items"), "{}", r.stderr);
    assert!(r.stderr.contains("--salvage"), "{}", r.stderr);
}

#[test]
fn strict_turns_repairs_into_errors() {
    let dir = fixtures();
    for file in [
        "control-chars.xml",
        "invalid-utf8.xml",
        "cdata-inner-unsplit.xml",
        "dangling-ampersand.xml",
    ] {
        let lenient = run(&dir, &["convert", file]);
        assert_eq!(lenient.code, 0, "{file}: {}", lenient.stderr);
        assert!(lenient.stderr.contains("repair ["), "{file}: {}", lenient.stderr);
        let strict = run(&dir, &["convert", file, "--strict"]);
        assert_eq!(strict.code, 3, "{file}: {}", strict.stderr);
        assert!(strict.stderr.contains("--strict"), "{file}: {}", strict.stderr);
        assert!(
            strict.stdout.is_empty() || !strict.stdout.ends_with("}\n"),
            "{file}: no complete output"
        );
    }
    let clean = run(&dir, &["convert", "wxr-1.2-every-field.xml", "--strict"]);
    assert_eq!(clean.code, 0, "{}", clean.stderr);
}

#[test]
fn quiet_prints_nothing_on_success() {
    let r = run(&fixtures(), &["convert", "control-chars.xml", "--quiet"]);
    assert_eq!(r.code, 0);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn info_counts_the_french_post() {
    let dir = fixtures();
    let r = run(&dir, &["info", "french-blog-post.xml", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&run(&dir, &["convert", "french-blog-post.xml"]).stdout).unwrap();
    let items = doc["items"].as_array().unwrap();
    let comments: Vec<_> = items.iter().flat_map(|i| i["comments"].as_array().unwrap()).collect();
    assert_eq!(v["items"], items.len());
    assert_eq!(v["comments"], comments.len());
    let pingbacks = comments.iter().filter(|c| c["type"] == "pingback").count() as u64;
    let by_type = &v["comments_by_type"]["pingback"];
    let counted: u64 = by_type.as_object().unwrap().values().map(|n| n.as_u64().unwrap()).sum();
    assert_eq!(counted, pingbacks);
    assert_eq!(v["site"]["language"], "fr-FR");
    assert!(v["date_range"]["first"].as_str().unwrap().starts_with("2010-"));

    let text = run(&dir, &["info", "french-blog-post.xml"]);
    assert_eq!(text.code, 0);
    assert!(text.stdout.contains("WXR version:"), "{}", text.stdout);
    assert!(text.stdout.contains("pingback"), "{}", text.stdout);
}

#[test]
fn info_lists_repairs_with_positions() {
    let r = run(&fixtures(), &["info", "control-chars.xml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("input.control_chars"), "{}", r.stdout);
    assert!(r.stdout.contains("control-chars.xml:"), "{}", r.stdout);
}

#[test]
fn several_inputs_merge_into_one_site() {
    let dir = fixtures();
    let r = run(&dir, &["convert", "multi-part-1.xml", "multi-part-2.xml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let ids: Vec<i64> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    // 12 repeated identically is written once; 11 repeated with another
    // title is kept twice and reported.
    assert_eq!(ids.iter().filter(|&&i| i == 12).count(), 1, "{ids:?}");
    assert_eq!(ids.iter().filter(|&&i| i == 11).count(), 2, "{ids:?}");
    assert!(r.stderr.contains("wxr.duplicate_id"), "{}", r.stderr);
    let one = run(&dir, &["convert", "multi-part-1.xml"]);
    let v1: serde_json::Value = serde_json::from_str(&one.stdout).unwrap();
    assert!(
        v["terms"].as_array().unwrap().len() > v1["terms"].as_array().unwrap().len(),
        "part 2's extra tag is merged"
    );
}

/// A repeated id is reported however the ids are kept: among thousands
/// of consecutive ones, among scattered ones, and far apart in the file.
#[test]
fn repeated_ids_in_one_input_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let mut xml = String::from(
        "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><wp:wxr_version>1.2</wp:wxr_version>\n",
    );
    let scattered = |i: i64| i * 1_000_003;
    let ids = (1..=20_000)
        .chain((1..=5_000).map(scattered))
        .chain([3, 19_999, scattered(7), -5, -5]);
    for id in ids {
        xml.push_str(&format!("<item><title>t</title><wp:post_id>{id}</wp:post_id></item>\n"));
    }
    xml.push_str("</channel></rss>\n");
    let path = tmp.path().join("repeats.xml");
    std::fs::write(&path, xml).unwrap();
    let r = run(tmp.path(), &["info", "--format", "json", "repeats.xml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let group = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["code"] == "wxr.duplicate_id")
        .unwrap_or_else(|| panic!("no wxr.duplicate_id in {}", r.stdout));
    assert_eq!(group["count"], 4, "{group}");
    let ids: Vec<i64> = group["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["item_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [3, 19_999, scattered(7), -5]);
}

#[cfg(unix)]
#[test]
fn output_keeps_the_mode_of_the_file_it_replaces() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("private.json");
    std::fs::write(&out, "old").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o600)).unwrap();
    let r = run(
        &fixtures(),
        &["convert", "french-blog-post.xml", "-o", out.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "commenter e-mails must not become world-readable");
    assert!(std::fs::read_to_string(&out).unwrap().starts_with('{'));
}

#[cfg(unix)]
#[test]
fn output_to_a_device_is_written_in_place() {
    // Renaming a temporary file over /dev/null would replace the device.
    let r = run(&fixtures(), &["convert", "french-blog-post.xml", "-o", "/dev/null"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let meta = std::fs::metadata("/dev/null").unwrap();
    assert!(!meta.is_file(), "/dev/null is still a device");
}

#[cfg(unix)]
#[test]
fn output_through_a_symlink_replaces_its_target_and_keeps_the_link() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real.json");
    std::fs::write(&real, "old").unwrap();
    let link = tmp.path().join("link.json");
    std::os::unix::fs::symlink("real.json", &link).unwrap();
    let r = run(
        &fixtures(),
        &["convert", "french-blog-post.xml", "-o", link.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(),
        "the link is kept"
    );
    assert!(
        std::fs::read_to_string(&real).unwrap().starts_with('{'),
        "its target is written"
    );
}

#[test]
fn a_read_error_on_stdout_still_writes_every_complete_item_first() {
    let r = run(&fixtures(), &["convert", "truncated-download.xml", "--format", "jsonl"]);
    assert_eq!(r.code, 3);
    let items = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("{\"record\":\"item\""))
        .count();
    assert_eq!(items, 3, "the 3 complete items are on stdout before the error");
}

#[test]
fn gzip_members_and_zero_padding_are_read_like_gzip_does() {
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;
    let dir = fixtures();
    let gz = |name: &str| {
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
        e.write_all(&std::fs::read(dir.join(name)).unwrap()).unwrap();
        e.finish().unwrap()
    };
    let tmp = tempfile::tempdir().unwrap();
    let padded = tmp.path().join("padded.xml.gz");
    let mut bytes = gz("french-blog-post.xml");
    bytes.extend_from_slice(&[0; 512]);
    std::fs::write(&padded, bytes).unwrap();
    let r = run(&dir, &["convert", padded.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, run(&dir, &["convert", "french-blog-post.xml"]).stdout);

    let two = tmp.path().join("two.xml.gz");
    std::fs::write(
        &two,
        [gz("wxr-1.1-custom-taxonomy.xml"), gz("empty-channel.xml")].concat(),
    )
    .unwrap();
    let r = run(&dir, &["convert", two.to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("wxr.concatenated"), "{}", r.stderr);
    assert!(
        r.stdout.contains("\"login\":\"founder\""),
        "the second member's author is read"
    );

    let trailing = tmp.path().join("trailing.xml.gz");
    std::fs::write(&trailing, [gz("empty-channel.xml"), b"junk".to_vec()].concat()).unwrap();
    let r = run(&dir, &["convert", trailing.to_str().unwrap()]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("after the end of the gzip stream"), "{}", r.stderr);
}

/// The jobs of two passes (a Markdown site, `check`) read standard input
/// as they read a file: the driver spools it once, and the result is the
/// same as from the file.
#[test]
fn two_pass_jobs_read_standard_input() {
    use std::io::Write;
    let dir = fixtures();
    let export = std::fs::read(dir.join("french-blog-post.xml")).unwrap();
    let piped = |args: &[&str]| {
        let mut child = crate::util::wxr(&dir)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&export).unwrap();
        let o = child.wait_with_output().unwrap();
        (o.status.code(), String::from_utf8_lossy(&o.stdout).into_owned())
    };
    let tmp = tempfile::tempdir().unwrap();
    let (from_file, from_stdin) = (tmp.path().join("file"), tmp.path().join("stdin"));
    let site = |input: &str, out: &std::path::Path| {
        vec!["convert", input, "--format", "markdown", "-q", "-o"]
            .into_iter()
            .map(String::from)
            .chain([out.display().to_string()])
            .collect::<Vec<_>>()
    };
    let args = site("french-blog-post.xml", &from_file);
    assert_eq!(run(&dir, &args.iter().map(String::as_str).collect::<Vec<_>>()).code, 0);
    let args = site("-", &from_stdin);
    assert_eq!(piped(&args.iter().map(String::as_str).collect::<Vec<_>>()).0, Some(0));
    let files = crate::util::files(&from_file, &[]);
    assert!(files.len() > 3);
    for f in files {
        let rel = f.strip_prefix(&from_file).unwrap();
        assert_eq!(
            std::fs::read(&f).unwrap(),
            std::fs::read(from_stdin.join(rel)).unwrap(),
            "{}",
            rel.display()
        );
    }
    let check = ["check", "--offline", "--format", "json", "-q"];
    let (code, json) = piped(&[&check[..], &["-"]].concat());
    let file = run(&dir, &[&check[..], &["french-blog-post.xml"]].concat());
    assert_eq!(code, Some(file.code));
    let findings = |j: &str| serde_json::from_str::<serde_json::Value>(j).unwrap()["findings"].clone();
    assert_eq!(findings(&json), findings(&file.stdout));
}

/// Runs `wxr` in `dir` and gives up after 20 seconds (a run that waits on
/// a pipe nobody writes).
fn run_within(dir: &std::path::Path, args: &[&str]) -> Option<crate::util::Run> {
    use std::process::Stdio;
    let mut child = crate::util::wxr(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Some(child.wait_with_output().unwrap().into())
}

/// The names in `dir`, sorted.
fn names(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// An output that is one of the inputs (by any name: `./`, a symbolic or
/// a hard link, standard input redirected from it) is refused before any
/// input is read, naming both; the export is left as it was.
#[cfg(unix)]
#[test]
fn an_output_that_is_an_input_is_refused_before_anything_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let export = std::fs::read(fixtures().join("french-blog-post.xml")).unwrap();
    std::fs::write(dir.join("export.xml"), &export).unwrap();
    std::fs::hard_link(dir.join("export.xml"), dir.join("hard.xml")).unwrap();
    std::os::unix::fs::symlink("export.xml", dir.join("link.xml")).unwrap();
    // A first input that nobody writes: a run that opened it would wait.
    let made = std::process::Command::new("mkfifo")
        .arg(dir.join("fifo"))
        .status()
        .unwrap();
    assert!(made.success());
    let before = names(dir);
    // (arguments, the output, the input it is)
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["convert", "fifo", "export.xml", "-o", "export.xml"],
            "export.xml",
            "export.xml",
        ),
        (
            &["convert", "fifo", "export.xml", "-o", "./export.xml"],
            "./export.xml",
            "export.xml",
        ),
        (
            &["convert", "fifo", "export.xml", "-o", "link.xml"],
            "link.xml",
            "export.xml",
        ),
        (
            &["convert", "fifo", "export.xml", "-o", "hard.xml"],
            "hard.xml",
            "export.xml",
        ),
        (
            &["convert", "fifo", "link.xml", "-o", "export.xml"],
            "export.xml",
            "link.xml",
        ),
        (
            &["convert", "fifo", "export.xml", "--format", "jsonl", "-o", "link.xml"],
            "link.xml",
            "export.xml",
        ),
        (
            &[
                "convert",
                "fifo",
                "export.xml",
                "--format",
                "sqlite",
                "-o",
                "export.xml",
            ],
            "export.xml",
            "export.xml",
        ),
        (
            &[
                "convert",
                "fifo",
                "export.xml",
                "--format",
                "sqlite",
                "--append",
                "-o",
                "hard.xml",
            ],
            "hard.xml",
            "export.xml",
        ),
        (
            &[
                "convert",
                "fifo",
                "export.xml",
                "--format",
                "markdown",
                "-o",
                "export.xml",
            ],
            "export.xml",
            "export.xml",
        ),
        (
            &["check", "--offline", "fifo", "export.xml", "-o", "export.xml"],
            "export.xml",
            "export.xml",
        ),
        (
            &[
                "check",
                "--offline",
                "fifo",
                "hard.xml",
                "--emit-delete-ids",
                "link.xml",
            ],
            "link.xml",
            "hard.xml",
        ),
        (
            &["check", "--offline", "fifo", "export.xml", "--cache=hard.xml"],
            "hard.xml",
            "export.xml",
        ),
    ];
    for &(args, output, input) in cases {
        let r = run_within(dir, args).unwrap_or_else(|| panic!("{args:?}: the run read its inputs first"));
        assert_eq!(r.code, 5, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!("{output}: cannot write the output")),
            "{args:?}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains(&format!("is the input {input} ")),
            "{args:?}: {}",
            r.stderr
        );
        assert_eq!(std::fs::read(dir.join("export.xml")).unwrap(), export, "{args:?}");
        assert_eq!(names(dir), before, "{args:?}: nothing left behind");
    }
    // --write-cleaned takes one input: the copy may not be it.
    let r = run_within(
        dir,
        &["check", "--offline", "export.xml", "--write-cleaned", "./export.xml"],
    )
    .unwrap();
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(
        r.stderr.contains("./export.xml: cannot write the output"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("is the input export.xml"), "{}", r.stderr);
    assert_eq!(std::fs::read(dir.join("export.xml")).unwrap(), export);

    // Standard input redirected from the export.
    let r: crate::util::Run = crate::util::wxr(dir)
        .args(["convert", "-", "-o", "hard.xml"])
        .stdin(std::fs::File::open(dir.join("export.xml")).unwrap())
        .output()
        .unwrap()
        .into();
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("hard.xml: cannot write the output: it is the input -"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(dir.join("export.xml")).unwrap(), export);

    // Another file is written as usual.
    let r = run(dir, &["convert", "export.xml", "-o", "blog.json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// A file of the Markdown site that would replace an input is refused:
/// the site can be written into the export's own folder.
#[test]
fn a_site_file_that_is_an_input_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir(&site).unwrap();
    let export = std::fs::read(fixtures().join("french-blog-post.xml")).unwrap();
    // The name of the report the site writes last.
    let input = site.join("_wxr/wxr-report.json");
    std::fs::create_dir_all(site.join("_wxr")).unwrap();
    std::fs::write(&input, &export).unwrap();
    let r = run(
        tmp.path(),
        &[
            "convert",
            "site/_wxr/wxr-report.json",
            "--format",
            "markdown",
            "-o",
            "site",
        ],
    );
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("site/_wxr/wxr-report.json: cannot write the output: it is the input site/_wxr/wxr-report.json"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(&input).unwrap(), export);
    std::fs::rename(&input, tmp.path().join("export.xml")).unwrap();
    let r = run(
        tmp.path(),
        &["convert", "export.xml", "--format", "markdown", "-o", "."],
    );
    assert_eq!(r.code, 0, "the export's folder as the site: {}", r.stderr);
}

/// A run stopped by SIGINT or SIGTERM while it writes removes its
/// temporary files (the output's, the SQLite database's, the copy of
/// standard input) and ends by the signal (exit status 130 or 143 in a
/// shell); the file it would have replaced is untouched. Standard input
/// is kept open, so each run is stopped in the middle.
#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_no_temporary_file() {
    use std::io::Write;
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;
    let export = std::fs::read_to_string(fixtures().join("french-blog-post.xml")).unwrap();
    let (first, end) = (export.find("<item>").unwrap(), export.rfind("</channel>").unwrap());
    let (head, items) = (&export[..first], &export[first..end]);
    let cases: &[(i32, &str, &[&str], &str)] = &[
        (2, "INT", &["convert", "-", "-o", "out.json"], "out.json"),
        (
            15,
            "TERM",
            &["convert", "-", "--format", "jsonl", "-o", "out.json"],
            "out.json",
        ),
        (
            2,
            "INT",
            &["convert", "-", "--format", "sqlite", "-o", "blog.db"],
            "blog.db",
        ),
        (
            15,
            "TERM",
            &["convert", "-", "--format", "markdown", "-o", "site"],
            "site/_wxr/wxr-report.json",
        ),
        (2, "INT", &["check", "--offline", "-", "-o", "report.txt"], "report.txt"),
    ];
    for &(signal, name, args, target) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let (dir, spool) = (tmp.path().join("work"), tmp.path().join("spool"));
        std::fs::create_dir_all(dir.join("site/_wxr")).unwrap();
        std::fs::create_dir(&spool).unwrap();
        std::fs::write(dir.join(target), "old").unwrap();
        let before = crate::util::files(&dir, &[]);
        let mut child = crate::util::wxr(&dir)
            .args(args)
            .env("TMPDIR", &spool)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(head.as_bytes()).unwrap();
        for _ in 0..50 {
            stdin.write_all(items.as_bytes()).unwrap();
        }
        stdin.flush().unwrap();
        // Waits until the run has its temporary file.
        let temporary = || {
            let listed = |d: &std::path::Path| std::fs::read_dir(d).unwrap().count();
            listed(&spool) > 0 || crate::util::files(&dir, &[]).iter().any(|f| !before.contains(f))
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !temporary() {
            assert!(
                std::time::Instant::now() < deadline,
                "{args:?}: no temporary file appeared"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let sent = std::process::Command::new("kill")
            .args(["-s", name, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let out = child.wait_with_output().unwrap();
        drop(stdin);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.signal(), Some(signal), "{args:?}: {:?} {stderr}", out.status);
        assert_eq!(
            crate::util::files(&dir, &[]),
            before,
            "{args:?}: a temporary file is left"
        );
        assert_eq!(
            std::fs::read_dir(&spool).unwrap().count(),
            0,
            "{args:?}: the copy of stdin is left"
        );
        assert_eq!(std::fs::read_to_string(dir.join(target)).unwrap(), "old", "{args:?}");
    }
}

/// A signal ignored when wxr starts (a background job of a script,
/// `nohup`) stays ignored: the run goes on and completes.
#[cfg(unix)]
#[test]
fn a_signal_ignored_at_start_stays_ignored() {
    use std::io::Write;
    use std::process::Stdio;
    let tmp = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new("sh")
        .args(["-c", "trap '' INT; exec \"$0\" \"$@\"", env!("CARGO_BIN_EXE_wxr")])
        .args(["convert", "-", "-o", "out.json"])
        .current_dir(tmp.path())
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let export = std::fs::read(fixtures().join("french-blog-post.xml")).unwrap();
    let first = export.windows(10).rposition(|w| w == b"</channel>").unwrap();
    stdin.write_all(&export[..first]).unwrap();
    stdin.flush().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::fs::read_dir(tmp.path()).unwrap().count() == 0 {
        assert!(std::time::Instant::now() < deadline, "no temporary file appeared");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let sent = std::process::Command::new("kill")
        .args(["-s", "INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(child.try_wait().unwrap().is_none(), "the run goes on");
    stdin.write_all(&export[first..]).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        std::fs::read_to_string(tmp.path().join("out.json"))
            .unwrap()
            .starts_with('{')
    );
}

/// Devices and pipes are written in place, never replaced by a file:
/// `check -o`, `--emit-delete-ids`, `--write-cleaned` (through a link to a
/// pipe here; `/dev/null` is such a device), and `convert -o /dev/stdout`
/// into a pipe. An SQLite database needs a file it can seek in: a pipe or
/// a device is refused for it without being opened (nothing waits for a
/// reader), with `--append` too.
#[cfg(unix)]
#[test]
fn pipes_are_written_in_place_and_refused_where_a_file_is_needed() {
    use std::os::unix::fs::FileTypeExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let export = crate::util::root().join("fixtures/check/offline.xml");
    let export = export.to_str().unwrap();
    let fifo = dir.join("fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    std::os::unix::fs::symlink("fifo", dir.join("link")).unwrap();
    let still_a_pipe = |what: &str| {
        assert!(
            std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(),
            "{what}: the pipe is replaced"
        );
        assert!(
            std::fs::symlink_metadata(dir.join("link"))
                .unwrap()
                .file_type()
                .is_symlink(),
            "{what}"
        );
        assert_eq!(names(dir), ["fifo", "link"], "{what}: nothing else is made");
    };
    for option in ["-o", "--emit-delete-ids", "--write-cleaned"] {
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        let r = run_within(dir, &["check", "--offline", "-q", export, option, "link"]).expect("the run ends");
        assert_eq!(r.code, 1, "{option}: {}", r.stderr);
        let through_the_pipe = reader.join().unwrap();
        still_a_pipe(option);
        let file = tempfile::tempdir().unwrap();
        let out = file.path().join("out");
        let r = run(
            dir,
            &["check", "--offline", "-q", export, option, out.to_str().unwrap()],
        );
        assert_eq!(r.code, 1, "{option}: {}", r.stderr);
        assert_eq!(
            through_the_pipe,
            std::fs::read(&out).unwrap(),
            "{option}: the pipe gets what a file gets"
        );
    }

    let post = fixtures().join("french-blog-post.xml");
    let post = post.to_str().unwrap();
    let r = run(dir, &["convert", post, "-o", "/dev/stdout"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        run(dir, &["convert", post]).stdout,
        "-o /dev/stdout into a pipe"
    );

    for args in [
        &["-o", "link"][..],
        &["--append", "-o", "link"],
        &["--append", "-o", "fifo"],
    ] {
        let r = run_within(dir, &[&["convert", post, "--format", "sqlite"][..], args].concat())
            .unwrap_or_else(|| panic!("{args:?}: the run waits on the pipe"));
        assert_eq!(r.code, 5, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("an SQLite database is written to a file"),
            "{args:?}: {}",
            r.stderr
        );
        still_a_pipe(&format!("{args:?}"));
    }
}
