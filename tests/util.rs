//! Shared helpers: running the binary, comparing text with a readable diff,
//! and the bless switch.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `fixtures/read/`.
pub fn fixtures() -> PathBuf {
    root().join("fixtures").join("read")
}

/// Every file under `dir`, sorted, except under the directories named in
/// `skip` (a built site's output).
pub fn files(dir: &Path, skip: &[&str]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("a readable directory") {
            let p = e.expect("a directory entry").path();
            if p.is_dir() {
                if !skip.iter().any(|s| p.ends_with(s)) {
                    stack.push(p);
                }
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// True when expected files should be rewritten (`WXR_BLESS=1`).
pub fn bless() -> bool {
    std::env::var_os("WXR_BLESS").is_some_and(|v| v != "0")
}

/// The result of one run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8(o.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(o.stderr).expect("stderr is UTF-8"),
        }
    }
}

/// A `wxr` command run in `dir`.
pub fn wxr(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wxr"));
    c.current_dir(dir).stdin(Stdio::null());
    c
}

/// Runs `wxr` with `args` in `dir`.
pub fn run(dir: &Path, args: &[&str]) -> Run {
    wxr(dir).args(args).output().expect("wxr runs").into()
}

/// Compares `actual` with the file `expected`, or rewrites it when
/// blessing. An absent file stands for empty text. Returns a description
/// of the difference, if any.
pub fn check_file(expected: &Path, actual: &str) -> Option<String> {
    let want = std::fs::read_to_string(expected).unwrap_or_default();
    if want == actual {
        return None;
    }
    if bless() {
        if actual.is_empty() {
            let _ = std::fs::remove_file(expected);
        } else {
            std::fs::write(expected, actual).expect("write expected file");
        }
        return None;
    }
    Some(format!(
        "{} differs (WXR_BLESS=1 rewrites it; review the diff):\n{}",
        expected.display(),
        diff(&want, actual)
    ))
}

/// A short line diff: the first differing lines with some context.
pub fn diff(want: &str, got: &str) -> String {
    let w: Vec<&str> = want.lines().collect();
    let g: Vec<&str> = got.lines().collect();
    let first = w
        .iter()
        .zip(&g)
        .position(|(a, b)| a != b)
        .unwrap_or(w.len().min(g.len()));
    let from = first.saturating_sub(3);
    let mut out = String::new();
    for (i, l) in w.iter().enumerate().skip(from).take(10) {
        out += &format!("- {:>5} {l}\n", i + 1);
    }
    for (i, l) in g.iter().enumerate().skip(from).take(10) {
        out += &format!("+ {:>5} {l}\n", i + 1);
    }
    out += &format!("(expected {} lines, got {})", w.len(), g.len());
    out
}
