//! Family `duplicates`: several pings from one source on one item, exact
//! or after normalization (the source key of [`crate::site`]):
//! `ping.duplicate` (all but the one kept), `ping.duplicate_cross_type`.

use super::{Ping, id_text, maker};
use crate::check::Finding;
use crate::check::codes::Code;
use crate::model::CommentKind;
use crate::site;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// The pings of each item grouped by source key: all but one of each
/// kind are duplicates, and a group of both kinds is a cross-type pair.
pub(crate) fn check(pings: &[Ping], findings: &mut Vec<Finding>) {
    let mut groups: BTreeMap<(Option<i64>, String), Vec<&Ping>> = BTreeMap::new();
    for p in pings {
        if let Some(key) = p.url.as_deref().and_then(site::source_key) {
            groups.entry((p.item.id, key)).or_default().push(p);
        }
    }
    for ((_, key), group) in groups {
        if group.len() < 2 {
            continue;
        }
        for kind in [CommentKind::Pingback, CommentKind::Trackback] {
            let same: Vec<&&Ping> = group.iter().filter(|p| p.kind == kind).collect();
            if same.len() < 2 {
                continue;
            }
            let kept = same
                .iter()
                .filter(|p| p.status == "approved")
                .min_by_key(|p| p.order)
                .or_else(|| same.iter().min_by_key(|p| p.order))
                .copied();
            let Some(kept) = kept else { continue };
            for p in same.iter().filter(|p| p.order != kept.order) {
                let exact = site::clean_url(p.url.as_deref().unwrap_or_default())
                    == site::clean_url(kept.url.as_deref().unwrap_or_default());
                findings.push(maker(p).offline(
                    Code::Duplicate,
                    format!(
                        "the same source already pinged this item ({}comment {})",
                        if exact { "" } else { "in another form, " },
                        id_text(kept.comment_id)
                    ),
                    json!({ "variant": if exact { "exact" } else { "normalized" }, "kept_comment_id": kept.comment_id, "key": key }),
                ));
            }
        }
        let kinds: BTreeSet<&str> = group.iter().map(|p| p.kind.as_str()).collect();
        if kinds.len() > 1
            && let Some(p) = group.iter().find(|p| p.kind == CommentKind::Trackback)
        {
            findings.push(maker(p).offline(
                Code::DuplicateCrossType,
                "the same source sent both a pingback and a trackback to this item".to_string(),
                json!({ "key": key }),
            ));
        }
    }
}
