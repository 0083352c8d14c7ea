//! Family `structure`: the thread of comments on each item, for every
//! comment type (`comment.orphan`, `.parent_self`, `.parent_cycle`,
//! `.parent_after_child`, `ping.parent_set`), and comment ids used more
//! than once in the export (`comment.id_duplicate`).

use super::{Maker, Target, id_text};
use crate::check::Finding;
use crate::check::codes::Code;
use crate::model::{Comment, CommentKind, Item};
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// The thread of one item: orphans, parents that are the comment
/// itself, cycles, parents after their replies, pings with a parent.
pub(crate) fn thread(item: &Item, target: &Target, findings: &mut Vec<Finding>) {
    let ids: HashMap<i64, &Comment> = item.comments.iter().filter_map(|c| c.id.map(|id| (id, c))).collect();
    let in_cycle = cycle_members(&ids, &mut 0);
    for c in &item.comments {
        let m = Maker {
            item: target,
            comment_id: c.id,
            kind: Some(&c.kind),
            status: Some(&c.status),
            url: c.author_url.as_deref().filter(|_| c.kind != CommentKind::Comment),
        };
        let Some(parent) = c.parent else { continue };
        if c.kind.is_ping() {
            findings.push(m.offline(
                Code::PingParentSet,
                format!(
                    "this {} has a parent comment (#{parent}); WordPress never sets one",
                    c.kind
                ),
                json!({ "parent": parent }),
            ));
        }
        if Some(parent) == c.id {
            findings.push(m.offline(
                Code::CommentParentSelf,
                "the comment is its own parent".to_string(),
                json!({ "parent": parent }),
            ));
            continue;
        }
        if !ids.contains_key(&parent) {
            findings.push(m.offline(
                Code::CommentOrphan,
                format!("replies to comment #{parent}, which is not on this item"),
                json!({ "parent": parent }),
            ));
            continue;
        }
        let cycle = c.id.is_some_and(|id| in_cycle.contains(&id));
        if cycle {
            findings.push(m.offline(
                Code::CommentParentCycle,
                "following the parents comes back to this comment".to_string(),
                json!({ "parent": parent }),
            ));
        } else if c.id.is_some_and(|id| parent > id) {
            findings.push(m.offline(
                Code::CommentParentAfterChild,
                format!(
                    "its parent #{parent} has a higher id: the WordPress importer inserts comments by id and would lose the thread"
                ),
                json!({ "parent": parent }),
            ));
        }
    }
}

/// The comments (by id) that are their own ancestors. Each has at most one
/// parent, so one walk per comment, never revisiting a comment already
/// walked, finds every cycle in linear time; `steps` counts the comments
/// looked at, at most two per comment (a first visit, and the end of a
/// walk).
fn cycle_members(ids: &HashMap<i64, &Comment>, steps: &mut usize) -> HashSet<i64> {
    let mut walked: HashMap<i64, usize> = HashMap::with_capacity(ids.len());
    let mut members = HashSet::new();
    let mut starts: Vec<i64> = ids.keys().copied().collect();
    starts.sort_unstable();
    for (walk, start) in starts.into_iter().enumerate() {
        let mut path = Vec::new();
        let mut at = Some(start);
        while let Some(id) = at {
            *steps += 1;
            match walked.get(&id) {
                // Back on this walk's own path: a cycle from `id` on.
                Some(&w) if w == walk => {
                    if let Some(pos) = path.iter().position(|p| *p == id) {
                        members.extend(&path[pos..]);
                    }
                    break;
                }
                Some(_) => break,
                None => {}
            }
            let Some(c) = ids.get(&id) else { break };
            walked.insert(id, walk);
            path.push(id);
            at = c.parent;
        }
    }
    members
}

/// `comment.id_duplicate`: one comment id on several comments.
pub(crate) fn duplicate_ids(first: &HashMap<i64, Option<i64>>, repeats: &[(i64, Target)], findings: &mut Vec<Finding>) {
    let mut times: HashMap<i64, usize> = HashMap::new();
    for (id, _) in repeats {
        *times.entry(*id).or_insert(1) += 1;
    }
    let mut sorted: Vec<&(i64, Target)> = repeats.iter().collect();
    sorted.sort_by_key(|(id, _)| *id);
    for (id, t) in sorted {
        let n = times.get(id).copied().unwrap_or(2);
        let first_item = first.get(id).copied().flatten();
        let m = Maker {
            item: t,
            comment_id: Some(*id),
            kind: None,
            status: None,
            url: None,
        };
        findings.push(m.offline(
            Code::CommentIdDuplicate,
            format!(
                "comment id {id} is used {n} times in the export (first on item {}); importers key on it",
                id_text(first_item)
            ),
            json!({ "occurrences": n, "first_item_id": first_item }),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(id: i64, parent: Option<i64>) -> Comment {
        Comment {
            id: Some(id),
            parent,
            ..Comment::default()
        }
    }

    #[test]
    fn cycles_are_found_in_linear_time() {
        // A chain of 30,000 replies (walking each comment's ancestors anew
        // would look at 450 million), a three-comment cycle, and a reply
        // hanging off the cycle.
        let mut comments: Vec<Comment> = (1..=30_000).map(|i| comment(i, (i > 1).then(|| i - 1))).collect();
        comments.extend([
            comment(40_001, Some(40_003)),
            comment(40_002, Some(40_001)),
            comment(40_003, Some(40_002)),
            comment(40_004, Some(40_001)),
        ]);
        let ids: HashMap<i64, &Comment> = comments.iter().map(|c| (c.id.unwrap_or(0), c)).collect();
        let mut steps = 0;
        let members = cycle_members(&ids, &mut steps);
        assert_eq!(members, [40_001, 40_002, 40_003].into_iter().collect());
        assert!(steps <= 2 * ids.len(), "{steps} steps for {} comments", ids.len());
    }
}
