//! Spec-style case files for three stages of the body pipeline, in one
//! format (described, with the flags of each file, in
//! `fixtures/transform/README.md`):
//!
//! * `autop.txt`: [`wxr::transform::autop::wpautop`] and
//!   [`wxr::transform::autop::shortcode_unautop`];
//! * `shortcodes.txt`: [`wxr::transform::shortcodes::expand`], with the
//!   attachments declared by the file's `@attachment` lines;
//! * `html.txt`: [`wxr::transform::html::html_to_markdown_with`].
//!
//! Every failing case is listed with its name, line, input, expected and
//! actual output. A case flagged `[todo]` holds the *right* output for a
//! behaviour the code gets wrong today: it must fail (and says so once it
//! passes, so that the flag is removed). `WXR_BLESS=1` rewrites the expected
//! outputs (and result flags) of the other cases with what the code gives.
//!
//! `slug.txt`, for [`wxr::transform::slug::sanitize_title`], has one case a
//! line (`input<TAB>expected`, format in the file's header) with the same
//! escapes. Its expected values are WordPress's, so it is never blessed.

use crate::util::{bless, root};
use std::collections::BTreeMap;
use wxr::transform::autop::{shortcode_unautop, wpautop};
use wxr::transform::html::{MORE, html_to_markdown_with};
use wxr::transform::shortcodes::{Attachment, Media, expand, expand_after_autop, expand_before_autop, handled};
use wxr::transform::slug::sanitize_title;

/// One case of a case file.
#[derive(Debug)]
struct Case {
    name: String,
    /// 1-based line of the header.
    line: usize,
    /// Flags as written, `key` or `key=value`, in header order.
    flags: Vec<(String, Option<String>)>,
    esc: bool,
    input: String,
    expected: String,
    /// 0-based line indexes of the expected text: `[from, to)`.
    expected_lines: (usize, usize),
}

impl Case {
    fn flag(&self, key: &str) -> Option<&str> {
        self.flags
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_deref().unwrap_or(""))
    }

    fn has(&self, key: &str) -> bool {
        self.flag(key).is_some()
    }
}

/// A case file: its lines, its cases, and its `@attachment` lines.
struct File {
    name: &'static str,
    lines: Vec<String>,
    cases: Vec<Case>,
    attachments: BTreeMap<i64, Attachment>,
}

/// Undoes the `[esc]` escapes (and those of `slug.txt`): `\\`, `\n`, `\r`,
/// `\t`, `\v`, `\f`, `\0`, `\u{HEX}`. `line` is the 1-based line named
/// when an escape is malformed.
fn unescape(text: &str, line: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('v') => out.push('\x0B'),
            Some('f') => out.push('\x0C'),
            Some('0') => out.push('\0'),
            Some('u') => {
                let rest = chars.as_str();
                let close = rest.find('}').unwrap_or_else(|| panic!("line {line}: bad \\u escape"));
                let code = rest
                    .get(1..close)
                    .filter(|_| rest.starts_with('{'))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .and_then(char::from_u32)
                    .unwrap_or_else(|| panic!("line {line}: bad \\u escape"));
                out.push(code);
                chars = rest[close + 1..].chars();
            }
            other => panic!("line {line}: unknown escape \\{other:?}"),
        }
    }
    out
}

/// The inverse of [`unescape`], for blessing `[esc]` cases.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push('\n'),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0B' => out.push_str("\\v"),
            '\x0C' => out.push_str("\\f"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() || c == '\u{a0}' || c == '\u{200b}' => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    // A trailing space on a line would be invisible.
    out.split('\n')
        .map(|l| match l.strip_suffix(' ') {
            Some(s) => format!("{s}\\u{{20}}"),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Parses a case file (format in `fixtures/transform/README.md`).
fn parse(name: &'static str) -> File {
    let path = root().join("fixtures").join("transform").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        !text.contains('\r'),
        "{name} must have LF line ends (CR is written \\r in [esc] cases)"
    );
    let lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let mut cases = Vec::new();
    let mut attachments = BTreeMap::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some(rest) = lines[i].strip_prefix("@attachment ") {
            let fields: Vec<&str> = rest.split('|').map(str::trim).collect();
            let [id, url, alt, caption] = fields[..] else {
                panic!("{name} line {}: @attachment ID | URL | ALT | CAPTION", i + 1)
            };
            let id: i64 = id.trim().parse().expect("attachment id");
            let a = Attachment {
                url: url.into(),
                alt: alt.into(),
                caption: caption.into(),
            };
            attachments.insert(id, a);
            i += 1;
            continue;
        }
        let Some(header) = lines[i].strip_prefix("### ") else {
            i += 1;
            continue;
        };
        let line = i + 1;
        let mut title = header.trim_end().to_owned();
        let mut flags = Vec::new();
        while title.ends_with(']') {
            let Some(open) = title.rfind(" [") else { break };
            let flag = &title[open + 2..title.len() - 1];
            let (k, v) = match flag.split_once('=') {
                Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
                None => (flag.to_owned(), None),
            };
            flags.insert(0, (k, v));
            title.truncate(open);
        }
        let esc = flags.iter().any(|(k, _)| k == "esc");
        let mut block = |end: &str| {
            let from = i + 1;
            i += 1;
            while lines.get(i).is_some_and(|l| l != end) {
                i += 1;
            }
            assert!(i < lines.len(), "{name}: case at line {line}: no {end:?} line");
            let text = lines[from..i].join("\n");
            let text = if esc { unescape(&text, line) } else { text };
            (text, (from, i))
        };
        let (input, _) = block(".");
        let (expected, expected_lines) = block("<<<");
        cases.push(Case {
            name: title,
            line,
            flags,
            esc,
            input,
            expected,
            expected_lines,
        });
        i += 1;
    }
    File {
        name,
        lines,
        cases,
        attachments,
    }
}

/// What a case gives: the output text and the result flags.
struct Outcome {
    text: String,
    flags: Vec<(String, String)>,
}

/// Runs every case of `file` with `run`, checks, blesses, and reports.
fn check(mut file: File, min_cases: usize, result_flags: &[&str], run: impl Fn(&Case, &File) -> Outcome) {
    assert!(
        file.cases.len() >= min_cases,
        "{}: only {} cases parsed",
        file.name,
        file.cases.len()
    );
    let mut names = std::collections::HashSet::new();
    for case in &file.cases {
        assert!(
            names.insert(case.name.as_str()),
            "{}: duplicate case name {:?}",
            file.name,
            case.name
        );
    }
    let blessing = bless();
    let mut failures = Vec::new();
    let mut rewrites = Vec::new();
    for case in &file.cases {
        let out = run(case, &file);
        let want: Vec<(String, String)> = case
            .flags
            .iter()
            .filter(|(k, _)| result_flags.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone().unwrap_or_default()))
            .collect();
        let ok = out.text == case.expected && out.flags == want;
        let show = |flags: &[(String, String)]| {
            flags
                .iter()
                .map(|(k, v)| format!("[{k}={v}]"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        if case.has("todo") {
            if ok {
                failures.push(format!(
                    "--- {} ({} line {}) is marked [todo] but now passes: remove the flag",
                    case.name, file.name, case.line
                ));
            }
            continue;
        }
        if ok {
            continue;
        }
        if blessing {
            rewrites.push((case, out));
            continue;
        }
        failures.push(format!(
            "--- {} ({} line {})\n    input:    {:?}\n    expected: {:?} {}\n    actual:   {:?} {}",
            case.name,
            file.name,
            case.line,
            case.input,
            case.expected,
            show(&want),
            out.text,
            show(&out.flags),
        ));
    }
    if !rewrites.is_empty() {
        // From the last case up, so that earlier line numbers stay valid.
        rewrites.sort_by_key(|(c, _)| std::cmp::Reverse(c.line));
        for (case, out) in rewrites {
            let text = if case.esc { escape(&out.text) } else { out.text.clone() };
            let (from, to) = case.expected_lines;
            let new: Vec<String> = if text.is_empty() {
                Vec::new()
            } else {
                text.split('\n').map(str::to_owned).collect()
            };
            file.lines.splice(from..to, new);
            let mut header = format!("### {}", case.name);
            for (k, v) in &case.flags {
                if !result_flags.contains(&k.as_str()) {
                    match v {
                        Some(v) => header.push_str(&format!(" [{k}={v}]")),
                        None => header.push_str(&format!(" [{k}]")),
                    }
                }
            }
            for (k, v) in &out.flags {
                header.push_str(&format!(" [{k}={v}]"));
            }
            file.lines[case.line - 1] = header;
        }
        let path = root().join("fixtures").join("transform").join(file.name);
        std::fs::write(&path, file.lines.join("\n")).expect("write case file");
    }
    assert!(
        failures.is_empty(),
        "{} of {} {} cases fail ([todo] cases must fail; WXR_BLESS=1 rewrites the others):\n{}",
        failures.len(),
        file.cases.len(),
        file.name,
        failures.join("\n")
    );
}

#[test]
fn autop_cases() {
    let file = parse("autop.txt");
    check(file, 250, &[], |case, _| {
        // The shortcode names of `[unautop=a,b]`.
        let names = |v: &str| -> Vec<String> { v.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect() };
        let text = if let Some(l) = case.flag("autop+unautop") {
            let l = names(l);
            shortcode_unautop(
                &wpautop(&case.input, true),
                &l.iter().map(String::as_str).collect::<Vec<_>>(),
            )
        } else if let Some(l) = case.flag("unautop") {
            let l = names(l);
            shortcode_unautop(&case.input, &l.iter().map(String::as_str).collect::<Vec<_>>())
        } else {
            wpautop(&case.input, case.flag("br") != Some("false"))
        };
        Outcome {
            text,
            flags: Vec::new(),
        }
    });
}

#[test]
fn shortcodes_cases() {
    let file = parse("shortcodes.txt");
    check(file, 60, &["unknown", "missing", "empty"], |case, file| {
        let lookup = |id: i64| file.attachments.get(&id).cloned();
        // Every declared attachment is attached to the case's post.
        let attached: Vec<i64> = file.attachments.keys().copied().collect();
        let media = Media {
            attachment: &lookup,
            attached: &attached,
        };
        // `[autop]`: WordPress's order, as the body pipeline runs it: code
        // shortcodes and embeds, wpautop, shortcode_unautop, the rest.
        let e = if case.has("autop") {
            let early = expand_before_autop(&case.input);
            let html = shortcode_unautop(&wpautop(&early.html, true), handled());
            let mut e = expand_after_autop(&html, &media);
            e.html = early.restore(std::mem::take(&mut e.html));
            e
        } else {
            expand(&case.input, &media)
        };
        let mut flags = Vec::new();
        if !e.unknown.is_empty() {
            let list: Vec<String> = e.unknown.iter().map(|(k, n)| format!("{k}:{n}")).collect();
            flags.push(("unknown".to_owned(), list.join(",")));
        }
        if !e.missing_attachments.is_empty() {
            let list: Vec<String> = e.missing_attachments.iter().map(i64::to_string).collect();
            flags.push(("missing".to_owned(), list.join(",")));
        }
        if e.empty_galleries > 0 {
            flags.push(("empty".to_owned(), e.empty_galleries.to_string()));
        }
        Outcome { text: e.html, flags }
    });
}

#[test]
fn html_cases() {
    let file = parse("html.txt");
    check(file, 60, &["raw"], |case, _| {
        // `[links]`: URLs of the old site move under `/new/`.
        let links = |u: &str| {
            u.strip_prefix("https://old.example/")
                .map(|rest| format!("/new/{rest}"))
        };
        let none = |_: &str| None;
        let link: &dyn Fn(&str) -> Option<String> = if case.has("links") { &links } else { &none };
        let more = case.flag("more").unwrap_or(MORE);
        let c = html_to_markdown_with(&case.input, link, more);
        let mut flags = Vec::new();
        if !c.raw_html.is_empty() {
            flags.push(("raw".to_owned(), c.raw_html.join(",")));
        }
        Outcome {
            text: c.markdown,
            flags,
        }
    });
}

#[test]
fn slug_cases() {
    let path = root().join("fixtures").join("transform").join("slug.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut cases = 0;
    let mut failures = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let n = n + 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [input, expected] = fields[..] else {
            failures.push(format!("line {n}: want exactly one TAB: {line:?}"));
            continue;
        };
        let (input, expected) = (unescape(input, n), unescape(expected, n));
        cases += 1;
        let got = sanitize_title(&input);
        if got != expected {
            failures.push(format!(
                "line {n}: {input:?}\n    expected {expected:?}\n    got      {got:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} slug.txt cases fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(cases >= 250, "only {cases} cases read from slug.txt");
}
