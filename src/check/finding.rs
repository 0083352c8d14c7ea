//! What a finding is: the [`Finding`] record of the report, and the
//! severity, confidence, phase and fix it carries. Which code carries
//! which is the catalog's business ([`super::codes`]); which comment gets
//! which code is the rules' ([`super::rules`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing to do.
    Info,
    /// Probably broken, or could not be verified: a human should look.
    Warning,
    /// Broken with high confidence.
    Error,
}

impl Severity {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// How sure a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// A structural fact, or a definitive answer (404, 410, NXDOMAIN).
    Certain,
    /// Strong signals.
    Likely,
    /// Weak signals.
    Heuristic,
}

/// Where a finding was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// From the export alone.
    Offline,
    /// From fetching the source.
    Network,
}

/// What to do about a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Delete the comment.
    Delete,
    /// Point the comment at `new_value` instead.
    RewriteSource,
    /// Give the comment the parent `new_value`.
    Reparent,
    /// Mark the comment as spam.
    MarkSpam,
    /// Look at it.
    Review,
    /// Nothing.
    None,
}

impl Action {
    /// The name the report's JSON gives it (`rewrite_source`).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Delete => "delete",
            Action::RewriteSource => "rewrite_source",
            Action::Reparent => "reparent",
            Action::MarkSpam => "mark_spam",
            Action::Review => "review",
            Action::None => "none",
        }
    }
}

/// A finding's suggested fix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fix {
    /// The action.
    pub action: Action,
    /// The new value for `rewrite_source` and `reparent`.
    pub new_value: Value,
}

/// One finding about one comment (or the export).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable code, such as `ping.source.http_not_found`: the string of a
    /// [`Code`](super::codes::Code).
    pub code: String,
    /// Severity, from the code's policy in the catalog
    /// ([`Code::policy`](super::codes::Code::policy)).
    pub severity: Severity,
    /// Confidence.
    pub confidence: Confidence,
    /// Offline or network.
    #[serde(rename = "where")]
    pub phase: Phase,
    /// The item holding the comment.
    pub item_id: Option<i64>,
    /// Its status.
    pub item_status: Option<String>,
    /// Its permalink.
    pub item_link: Option<String>,
    /// Its title, as WordPress shows it (references decoded).
    pub item_title: Option<String>,
    /// The comment.
    pub comment_id: Option<i64>,
    /// `comment`, `pingback`, `trackback`.
    pub comment_type: Option<String>,
    /// `approved`, `pending`, `spam`, `trash`.
    pub comment_status: Option<String>,
    /// The ping's source URL as stored.
    pub source_url: Option<String>,
    /// One sentence for a human.
    pub message: String,
    /// Facts behind it, per code.
    pub evidence: Value,
    /// What to do.
    pub fix: Fix,
}
