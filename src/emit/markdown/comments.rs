//! Comment threads of a post, for the site: rebuilt from `parent`, with
//! pingbacks and trackbacks in a list of their own, never mixed in.
//!
//! Only approved comments and pings are published; pending, spam, trash
//! and any other status are counted as skipped. A reply whose parent is not
//! published stays, at the top level, and is reported. Commenters' e-mail
//! addresses and IP addresses are never written.

use super::front_matter::{Fields, Value};
use crate::model::Comment;
use crate::transform::autop::wpautop;
use crate::transform::html::html_to_markdown;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A post's published discussion.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Thread {
    /// Top-level comments with their replies.
    pub comments: Vec<Node>,
    /// Pingbacks and trackbacks, in export order.
    pub pings: Vec<Comment>,
    /// Comments not published, by status.
    pub skipped: BTreeMap<String, u64>,
    /// Ids of replies whose parent is not published (kept at the top).
    pub orphans: Vec<i64>,
}

/// A comment and its replies.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The comment.
    pub comment: Comment,
    /// Replies, in export order.
    pub replies: Vec<Node>,
}

impl Thread {
    /// Builds the thread of one post's comments (export order).
    pub fn build(all: &[Comment]) -> Thread {
        let mut t = Thread::default();
        let mut kept = Vec::new();
        for c in all {
            if c.status != "approved" {
                *t.skipped.entry(c.status.clone()).or_default() += 1;
            } else if c.kind.is_ping() {
                t.pings.push(c.clone());
            } else {
                kept.push(c.clone());
            }
        }
        let ids: HashSet<i64> = kept.iter().filter_map(|c| c.id).collect();
        let mut children: HashMap<i64, Vec<Comment>> = HashMap::new();
        let mut roots = Vec::new();
        for c in kept {
            match c.parent {
                Some(p) if ids.contains(&p) && Some(p) != c.id => children.entry(p).or_default().push(c),
                Some(_) => {
                    t.orphans.extend(c.id);
                    roots.push(c);
                }
                None => roots.push(c),
            }
        }
        // Replies whose ancestry loops back never reach a root: keep them
        // at the top too.
        let mut placed = HashSet::new();
        t.comments = roots
            .into_iter()
            .map(|c| attach(c, &mut children, &mut placed))
            .collect();
        let mut rest: Vec<Comment> = children.into_values().flatten().collect();
        rest.sort_by_key(|c| c.id);
        for c in rest {
            t.orphans.extend(c.id);
            t.comments.push(Node {
                comment: c,
                replies: Vec::new(),
            });
        }
        t
    }

    /// True when nothing is published.
    pub fn is_empty(&self) -> bool {
        self.comments.is_empty() && self.pings.is_empty()
    }

    /// The thread as data (for a YAML or JSON file): comments nested with
    /// `replies`, then `pings`. Content is the HTML WordPress would show.
    pub fn data(&self, post_id: Option<i64>) -> Fields {
        let mut f = Fields::default();
        if let Some(id) = post_id {
            f.put("post_id", Value::Int(id));
        }
        f.put("comments", Value::List(self.comments.iter().map(node_data).collect()));
        f.put(
            "pings",
            Value::List(
                self.pings
                    .iter()
                    .map(|c| {
                        let mut p = common(c);
                        p.put("type", Value::Str(c.kind.to_string()));
                        Value::Map(p)
                    })
                    .collect(),
            ),
        );
        f
    }

    /// The thread as a Markdown section to append to the post.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        if !self.comments.is_empty() {
            s.push_str("## Comments\n");
            for n in &self.comments {
                s.push('\n');
                s.push_str(&node_markdown(n));
                s.push('\n');
            }
        }
        if !self.pings.is_empty() {
            if !s.is_empty() {
                s.push('\n');
            }
            s.push_str("## Mentions\n\n");
            for p in &self.pings {
                let title = p.author.as_deref().unwrap_or("").trim();
                let title = if title.is_empty() {
                    p.author_url.as_deref().unwrap_or("")
                } else {
                    title
                };
                let line = match p.author_url.as_deref() {
                    Some(url) => format!("- [{}]({url}) ({})", one_line(title), p.kind),
                    None => format!("- {} ({})", one_line(title), p.kind),
                };
                s.push_str(&line);
                s.push('\n');
            }
        }
        s
    }
}

fn attach(c: Comment, children: &mut HashMap<i64, Vec<Comment>>, placed: &mut HashSet<i64>) -> Node {
    let kids = match c.id {
        Some(id) if placed.insert(id) => children.remove(&id).unwrap_or_default(),
        _ => Vec::new(),
    };
    Node {
        comment: c,
        replies: kids.into_iter().map(|k| attach(k, children, placed)).collect(),
    }
}

/// Fields every published comment and ping shows (never e-mail or IP).
fn common(c: &Comment) -> Fields {
    let mut f = Fields::default();
    if let Some(id) = c.id {
        f.put("id", Value::Int(id));
    }
    f.put_str("author", c.author.as_deref());
    f.put_str("author_url", c.author_url.as_deref());
    let date = super::front_matter::date_with_offset(c.date.as_deref(), c.date_gmt.as_deref());
    f.put_str("date", date.as_deref());
    f.put("content", Value::Str(wpautop(&c.content, true)));
    f
}

fn node_data(n: &Node) -> Value {
    let mut f = common(&n.comment);
    if let Some(p) = n.comment.parent {
        f.put("parent", Value::Int(p));
    }
    f.put("replies", Value::List(n.replies.iter().map(node_data).collect()));
    Value::Map(f)
}

fn node_markdown(n: &Node) -> String {
    let c = &n.comment;
    let author = one_line(c.author.as_deref().unwrap_or("Anonymous"));
    let who = match c.author_url.as_deref() {
        Some(url) => format!("**[{author}]({url})**"),
        None => format!("**{author}**"),
    };
    let when = c
        .date
        .as_deref()
        .map(|d| format!(" · {}", d.replace('T', " ")))
        .unwrap_or_default();
    let mut s = format!(
        "{who}{when}\n\n{}",
        html_to_markdown(&wpautop(&c.content, true)).markdown
    );
    for r in &n.replies {
        s.push_str("\n\n");
        s.push_str(&node_markdown(r));
    }
    s.lines()
        .map(|l| {
            if l.is_empty() {
                ">".to_string()
            } else {
                format!("> {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn one_line(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(['[', ']'], "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: i64, parent: Option<i64>, kind: &str, status: &str) -> Comment {
        Comment {
            id: Some(id),
            kind: kind.into(),
            status: status.into(),
            parent,
            author: Some(format!("A{id}")),
            author_email: Some("secret@example.com".into()),
            author_ip: Some("192.0.2.1".into()),
            content: format!("text {id}"),
            ..Comment::default()
        }
    }

    #[test]
    fn threads_pings_orphans_and_skips() {
        let all = [
            c(1, None, "comment", "approved"),
            c(2, Some(1), "comment", "approved"),
            c(3, Some(2), "comment", "approved"),
            c(4, Some(99), "comment", "approved"),
            c(5, None, "pingback", "approved"),
            c(6, None, "comment", "spam"),
            c(7, None, "comment", "pending"),
            c(8, Some(6), "comment", "approved"),
        ];
        let t = Thread::build(&all);
        assert_eq!(t.comments.len(), 3, "1, and the orphans 4 and 8");
        assert_eq!(t.comments[0].replies[0].replies[0].comment.id, Some(3));
        assert_eq!(t.pings.len(), 1);
        assert_eq!(t.orphans, [4, 8]);
        assert_eq!(t.skipped.get("spam"), Some(&1));
        assert_eq!(t.skipped.get("pending"), Some(&1));
    }

    #[test]
    fn no_email_or_ip_is_ever_written() {
        let t = Thread::build(&[c(1, None, "comment", "approved"), c(2, None, "trackback", "approved")]);
        let yaml = serde_json::to_string(&t.data(Some(1))).unwrap() + &t.markdown();
        assert!(
            !yaml.contains("secret@example.com") && !yaml.contains("192.0.2.1"),
            "{yaml}"
        );
    }

    #[test]
    fn a_parent_cycle_does_not_lose_comments() {
        let t = Thread::build(&[
            c(1, Some(2), "comment", "approved"),
            c(2, Some(1), "comment", "approved"),
        ]);
        assert_eq!(t.comments.len(), 2);
    }
}
