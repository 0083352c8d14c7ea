//! The rules of the audit, one file per family of codes (the family
//! each code of [`super::codes`] names), and what they share: the [`Ping`]
//! they look at, the [`Target`] item a comment is on, and the maker that
//! turns a [`Code`] into a [`Finding`] with the catalog's policy. A rule
//! reads the export's records and the fetch results handed to it; it
//! reads no file and fetches nothing itself ([`super::run`] does).

pub(crate) mod duplicates;
pub(crate) mod network;
pub(crate) mod selfping;
pub(crate) mod source;
pub(crate) mod state;
pub(crate) mod structure;

use super::codes::{Case, Code};
use super::{Finding, Fix, Phase};
use crate::model::CommentKind;
use serde_json::Value;

/// A pingback or trackback, with what the audit needs of its item.
#[derive(Debug, Clone)]
pub(crate) struct Ping {
    pub(crate) item: Target,
    pub(crate) comment_id: Option<i64>,
    pub(crate) kind: CommentKind,
    pub(crate) status: String,
    pub(crate) url: Option<String>,
    pub(crate) akismet_spam: bool,
    /// Position in the export (ties are broken by it).
    pub(crate) order: usize,
}

/// The item a comment is on.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) id: Option<i64>,
    pub(crate) status: String,
    pub(crate) link: Option<String>,
    /// The title, references decoded.
    pub(crate) title: Option<String>,
    pub(crate) kind: String,
    pub(crate) ping_status: Option<String>,
}

/// Builds findings with the comment's and item's fields filled in.
struct Maker<'a> {
    item: &'a Target,
    comment_id: Option<i64>,
    kind: Option<&'a CommentKind>,
    status: Option<&'a str>,
    url: Option<&'a str>,
}

impl Maker<'_> {
    /// A finding of `code` on this comment, with the catalog's policy for
    /// it: for a trackback, and in `case` when one is given.
    fn find(&self, code: Code, phase: Phase, case: Option<Case>, message: String, evidence: Value) -> Finding {
        let trackback = self.kind == Some(&CommentKind::Trackback);
        let policy = code.policy(|c| Some(c) == case || (c == Case::Trackback && trackback));
        Finding {
            code: code.as_str().to_string(),
            severity: policy.severity,
            confidence: policy.confidence,
            phase,
            item_id: self.item.id,
            item_status: Some(self.item.status.clone()),
            item_link: self.item.link.clone(),
            item_title: self.item.title.clone(),
            comment_id: self.comment_id,
            comment_type: self.kind.map(CommentKind::to_string),
            comment_status: self.status.map(str::to_string),
            source_url: self.url.map(str::to_string),
            message,
            evidence,
            fix: Fix {
                action: policy.action,
                new_value: Value::Null,
            },
        }
    }

    /// A finding from the export alone.
    fn offline(&self, code: Code, message: String, evidence: Value) -> Finding {
        self.find(code, Phase::Offline, None, message, evidence)
    }

    /// A finding from fetching the source.
    fn network(&self, code: Code, message: String, evidence: Value) -> Finding {
        self.find(code, Phase::Network, None, message, evidence)
    }
}

/// The maker of a ping's findings.
fn maker(p: &Ping) -> Maker<'_> {
    Maker {
        item: &p.item,
        comment_id: p.comment_id,
        kind: Some(&p.kind),
        status: Some(&p.status),
        url: p.url.as_deref(),
    }
}

/// A comment id as a message shows it.
fn id_text(id: Option<i64>) -> String {
    id.map_or_else(|| "without id".to_string(), |n| format!("#{n}"))
}
