//! The command line end to end: exit codes, atomic output, `info`,
//! `--strict`, `--salvage` and usage errors.

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
    assert!(r.stderr.contains("3 complete item(s)"), "{}", r.stderr);
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
