//! Diagnostics: the repairs and warnings a run collects instead of failing.
//!
//! Every deviation from a clean export that wxr survives is recorded here
//! with a stable code, so that nothing is changed or dropped silently:
//! a *repair* means the input was damaged and wxr fixed it (control
//! characters removed, bytes re-decoded, an unsplit CDATA read the way
//! WordPress's importer reads it); a *warning* means a value could not be
//! used as is (an unparseable date became `null`, an element was skipped).
//! `--strict` turns repairs into errors.
//!
//! Diagnostics are grouped by code, counted exactly, and keep only the first
//! few examples of each code, so memory stays bounded on a multi-gigabyte
//! export with a million identical problems.

use serde::Serialize;
use std::fmt;

/// How many examples of one code are kept (the count stays exact).
pub const MAX_EXAMPLES: usize = 5;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Severity {
    /// Something was skipped or reported but the data is intact.
    Notice,
    /// A value could not be used as exported (it became `null`, for example).
    Warning,
    /// The input was damaged and wxr repaired it; `--strict` makes it an error.
    Repair,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Notice => "notice",
            Severity::Warning => "warning",
            Severity::Repair => "repair",
        })
    }
}

/// Where in which input a diagnostic or error applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The input as the user named it (`-` for standard input).
    pub file: String,
    /// 1-based line; 0 when the diagnostic is about the whole input.
    pub line: u64,
    /// 1-based column, in characters; 0 with line 0.
    pub column: u64,
}

impl Location {
    /// A location naming a whole input.
    pub fn file(file: &str) -> Location {
        Location {
            file: file.to_string(),
            line: 0,
            column: 0,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.file)
        } else {
            write!(f, "{}:{}:{}", self.file, self.line, self.column)
        }
    }
}

/// One reported repair or warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable code, such as `input.control_chars`.
    pub code: &'static str,
    /// Severity of the code.
    pub severity: Severity,
    /// What happened, in one sentence.
    pub message: String,
    /// Where, when known.
    pub location: Option<Location>,
    /// The item concerned (`wp:post_id`), when known.
    pub item_id: Option<i64>,
    /// How many occurrences this one diagnostic stands for (a scan that
    /// removed 40 control characters reports one diagnostic of count 40).
    pub count: u64,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = &self.location {
            write!(f, "{loc}: ")?;
        }
        write!(f, "{} [{}]: {}", self.severity, self.code, self.message)?;
        if let Some(id) = self.item_id {
            write!(f, " (item {id})")?;
        }
        Ok(())
    }
}

/// All diagnostics of one code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// The code.
    pub code: &'static str,
    /// Its severity.
    pub severity: Severity,
    /// Total occurrences, exact.
    pub count: u64,
    /// The first [`MAX_EXAMPLES`] diagnostics.
    pub examples: Vec<Diagnostic>,
}

/// A bounded collection of diagnostics, grouped by code in first-seen order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    groups: Vec<Group>,
    repairs: u64,
}

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        if d.severity == Severity::Repair {
            self.repairs += d.count;
        }
        match self.groups.iter_mut().find(|g| g.code == d.code) {
            Some(g) => {
                g.count += d.count;
                if g.examples.len() < MAX_EXAMPLES {
                    g.examples.push(d);
                }
            }
            None => self.groups.push(Group {
                code: d.code,
                severity: d.severity,
                count: d.count,
                examples: vec![d],
            }),
        }
    }

    /// Appends every diagnostic of `other` (used when merging inputs).
    pub fn extend(&mut self, other: Diagnostics) {
        self.repairs += other.repairs;
        for g in other.groups {
            match self.groups.iter_mut().find(|h| h.code == g.code) {
                Some(h) => {
                    h.count += g.count;
                    let room = MAX_EXAMPLES.saturating_sub(h.examples.len());
                    h.examples.extend(g.examples.into_iter().take(room));
                }
                None => self.groups.push(g),
            }
        }
    }

    /// `; 2 repair(s), 1 warning(s)`: the counts by severity, for a closing
    /// line (empty when there is nothing).
    pub fn tally(&self) -> String {
        let count = |s| {
            self.groups
                .iter()
                .filter(|g| g.severity == s)
                .map(|g| g.count)
                .sum::<u64>()
        };
        let parts: Vec<String> = [
            (Severity::Repair, "repair", "repairs"),
            (Severity::Warning, "warning", "warnings"),
            (Severity::Notice, "notice", "notices"),
        ]
        .into_iter()
        .filter_map(|(s, one, many)| Some(count(s)).filter(|&n| n > 0).map(|n| counted(n, one, many)))
        .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!("; {}", parts.join(", "))
        }
    }

    /// The groups, in first-seen order.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// Total occurrences of repairs so far.
    pub fn repair_count(&self) -> u64 {
        self.repairs
    }

    /// The first repair recorded, if any.
    pub fn first_repair(&self) -> Option<&Diagnostic> {
        self.groups
            .iter()
            .find(|g| g.severity == Severity::Repair)
            .and_then(|g| g.examples.first())
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Writes the diagnostics for a human: every kept example, then a line
    /// for the occurrences not shown.
    pub fn write_human(&self, w: &mut dyn std::io::Write, min: Severity) -> std::io::Result<()> {
        for g in self.groups.iter().filter(|g| g.severity >= min) {
            let shown: u64 = g.examples.iter().map(|d| d.count).sum();
            for d in &g.examples {
                writeln!(w, "wxr: {d}")?;
            }
            if g.count > shown {
                writeln!(
                    w,
                    "wxr: {} [{}]: … and {} more like this",
                    g.severity,
                    g.code,
                    g.count - shown
                )?;
            }
        }
        Ok(())
    }
}

/// `n` and the noun, singular or plural: `1 error`, `2 errors`, `0 errors`.
pub fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
