//! Family `state`: the moderation state of each ping (`ping.status.spam`,
//! `.pending`, `.trash`, `ping.akismet_spam`) and the state of the item it
//! is on (`ping.target.not_published`, `.pings_closed`, `.unusual_type`).

use super::{Ping, maker};
use crate::check::Finding;
use crate::check::codes::Code;
use serde_json::json;

/// The ping's moderation state, and its item's state.
pub(crate) fn check(p: &Ping, findings: &mut Vec<Finding>) {
    let m = maker(p);
    match p.status.as_str() {
        "spam" => findings.push(m.offline(
            Code::StatusSpam,
            format!("this {} is marked as spam", p.kind),
            json!({}),
        )),
        "pending" => findings.push(m.offline(
            Code::StatusPending,
            format!("this {} was never moderated: it was never shown", p.kind),
            json!({}),
        )),
        "trash" | "post-trashed" => findings.push(m.offline(
            Code::StatusTrash,
            format!("this {} is in the trash", p.kind),
            json!({ "status": p.status }),
        )),
        _ => {}
    }
    if p.akismet_spam && p.status != "spam" {
        findings.push(m.offline(
            Code::AkismetSpam,
            "Akismet judged it spam, but it is not marked as spam".to_string(),
            json!({ "akismet_result": "true" }),
        ));
    }
    if p.item.status != "publish" {
        findings.push(m.offline(
            Code::TargetNotPublished,
            format!(
                "the item it is on is not published ({}): the {} is invisible",
                p.item.status, p.kind
            ),
            json!({ "item_status": p.item.status }),
        ));
    }
    if p.item.ping_status.as_deref() == Some("closed") {
        findings.push(m.offline(
            Code::TargetPingsClosed,
            "pings are closed on this item: a new one would be refused".to_string(),
            json!({}),
        ));
    }
    if !matches!(p.item.kind.as_str(), "post" | "page") {
        findings.push(m.offline(
            Code::TargetUnusualType,
            format!("the item it is on is of type {}", p.item.kind),
            json!({ "item_type": p.item.kind }),
        ));
    }
}
