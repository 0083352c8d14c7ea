//! Family `self`: pings from this site, resolved to items of the export
//! by identity (`ping.self`, `.unresolved`, `.same_item`,
//! `.source_not_published`), then checked against the source item's own
//! content, read in a second pass (`ping.self.no_backlink`).

use super::{Ping, maker};
use crate::check::codes::{Case, Code};
use crate::check::{Finding, Phase, source_host};
use crate::model::Item;
use crate::site::{self, SiteIndex};
use serde_json::json;
use std::collections::{BTreeSet, HashMap};

/// A ping from this site, resolved to its source item. Returns the source
/// item to check for a backlink, when it is published.
pub(crate) fn resolve(
    p: &Ping,
    url: &str,
    index: &SiteIndex,
    partial: bool,
    findings: &mut Vec<Finding>,
) -> Option<i64> {
    let m = maker(p);
    let resolved = index.resolve(url, None);
    findings.push(m.offline(
        Code::SelfPing,
        match &resolved {
            Some(r) => format!("a self-ping from item #{}", r.id),
            None => "a self-ping".to_string(),
        },
        json!({
            "source_item_id": resolved.as_ref().map(|r| r.id),
            "rule": resolved.as_ref().map(|r| r.rule.as_str()),
        }),
    ));
    let Some(r) = resolved else {
        findings.push(m.find(
            Code::SelfUnresolved,
            Phase::Offline,
            partial.then_some(Case::PartialExport),
            "the source is on this site but is no item of the export: the post was deleted, or the export is partial".to_string(),
            json!({ "host": source_host(url), "partial_export": partial }),
        ));
        return None;
    };
    if Some(r.id) == p.item.id {
        findings.push(m.offline(
            Code::SelfSameItem,
            "the item pings itself".to_string(),
            json!({ "source_item_id": r.id, "rule": r.rule.as_str() }),
        ));
        return None;
    }
    let status = index.item(r.id).map_or("", |i| i.status.as_str());
    if status != "publish" {
        findings.push(m.offline(
            Code::SelfSourceNotPublished,
            format!("the linking item #{} is not published ({status})", r.id),
            json!({ "source_item_id": r.id, "source_status": status }),
        ));
        return None;
    }
    Some(r.id)
}

/// The items `item`'s content links to, its URLs found the way WordPress
/// found them when it sent the ping (`wp_extract_urls`).
pub(crate) fn links(item: &Item, index: &SiteIndex) -> BTreeSet<i64> {
    site::extract_urls(&item.content)
        .iter()
        .filter_map(|u| index.resolve(u, item.link.as_deref()).map(|r| r.id))
        .collect()
}

/// Each checked self-ping (with its source item) whose source item no
/// longer links to its target; `links` holds each source item's links.
pub(crate) fn backlinks(checks: &[(&Ping, i64)], links: &HashMap<i64, BTreeSet<i64>>, findings: &mut Vec<Finding>) {
    for (p, source) in checks {
        let found = links.get(source);
        if p.item.id.is_some_and(|t| found.is_some_and(|s| s.contains(&t))) {
            continue;
        }
        let m = maker(p);
        findings.push(m.offline(
            Code::SelfNoBacklink,
            format!("item #{source} no longer links to this item: the link was edited out"),
            json!({
                "source_item_id": source,
                "links_to_items": found.map(|s| s.iter().copied().collect::<Vec<_>>()).unwrap_or_default(),
            }),
        ));
    }
}
