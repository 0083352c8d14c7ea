//! Comment threads of a post, for the site: rebuilt from `parent`, with
//! pingbacks and trackbacks in a list of their own, never mixed in.
//!
//! Only approved comments and pings are published; pending, spam, trash
//! and any other status are counted as skipped. A reply whose parent is not
//! published stays, at the top level, and is reported. Threads are
//! [`MAX_DEPTH`] levels deep at most: a reply below follows its parent at
//! the deepest level, as WordPress shows it, and is reported. Commenters'
//! e-mail addresses and IP addresses are never written.

use super::front_matter::{Fields, Value};
use super::ssg::Words;
use crate::model::Comment;
use crate::transform::autop::wpautop;
use crate::transform::html::{html_to_markdown, markdown_text};
use crate::transform::sanitize::{comment_html, markdown_inert, safe_url};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The levels of a thread (top-level comments are the first): WordPress's
/// deepest `thread_comments_depth`. Deeper replies are shown at this level,
/// after their parent, as WordPress's comment walker shows them. It also
/// bounds the nesting of the data file and of the quotes inline, which a
/// reply chain thousands of comments long would otherwise make thousands
/// deep.
pub const MAX_DEPTH: usize = 10;

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
    /// Ids of replies below [`MAX_DEPTH`] (shown at that level), in thread
    /// order.
    pub flattened: Vec<i64>,
}

/// A comment and its replies.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The comment.
    pub comment: Comment,
    /// Replies, in export order; at the deepest level, none (they follow
    /// it, see [`MAX_DEPTH`]).
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
        t.comments = attach(roots, &mut children, &mut placed, &mut t.flattened);
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
    /// `replies`, then `pings`. Content is the HTML WordPress would show,
    /// with no Markdown link syntax ([`markdown_inert`]).
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

    /// The thread as a Markdown section to append to the post, and the
    /// ids of the comments whose text was nested too deep to convert whole
    /// (written as text where it is, see [`crate::transform::html`]).
    /// Headed in the site's language (`words`).
    pub fn markdown(&self, words: &Words) -> (String, Vec<i64>) {
        let mut s = String::new();
        let mut flattened = Vec::new();
        if !self.comments.is_empty() {
            s.push_str(&format!("## {}\n", words.comments));
            for n in &self.comments {
                s.push('\n');
                s.push_str(&node_markdown(n, &mut flattened));
                s.push('\n');
            }
        }
        if !self.pings.is_empty() {
            if !s.is_empty() {
                s.push('\n');
            }
            s.push_str(&format!("## {}\n\n", words.pings));
            for p in &self.pings {
                let url = p.author_url.as_deref().and_then(safe_url);
                let title = name(p.author.as_deref());
                let title = markdown_text(title.as_deref().unwrap_or(p.author_url.as_deref().unwrap_or("")));
                let line = match url {
                    Some(url) => format!("- [{title}]({url}) ({})", p.kind),
                    None => format!("- {title} ({})", p.kind),
                };
                s.push_str(&line);
                s.push('\n');
            }
        }
        (s, flattened)
    }
}

/// The trees under `roots`, in thread order, each comment placed once.
/// Levels below [`MAX_DEPTH`] are not made: as WordPress's comment walker
/// shows them, a reply there follows its parent at the deepest level (each
/// one after the replies before it, with all of theirs). Their ids go to
/// `flattened`. A loop with a stack of its own, not recursion: a chain of
/// replies may be thousands long.
fn attach(
    roots: Vec<Comment>,
    children: &mut HashMap<i64, Vec<Comment>>,
    placed: &mut HashSet<i64>,
    flattened: &mut Vec<i64>,
) -> Vec<Node> {
    // First the comments in thread order, each with the index of the one
    // it is shown under: a parent comes before its replies.
    let mut order: Vec<(Comment, Option<usize>)> = Vec::new();
    let mut stack: Vec<(Comment, usize, Option<usize>, bool)> =
        roots.into_iter().rev().map(|c| (c, 1, None, false)).collect();
    while let Some((c, level, under, moved)) = stack.pop() {
        let at = order.len();
        if moved {
            flattened.extend(c.id);
        }
        let kids = match c.id {
            Some(id) if placed.insert(id) => children.remove(&id).unwrap_or_default(),
            _ => Vec::new(),
        };
        order.push((c, under));
        for k in kids.into_iter().rev() {
            if level < MAX_DEPTH {
                stack.push((k, level + 1, Some(at), false));
            } else {
                stack.push((k, level, under, true));
            }
        }
    }
    // Then the nodes, from the last: every reply is in its node before the
    // node goes into its own parent.
    let mut nodes: Vec<Option<Node>> = Vec::with_capacity(order.len());
    let mut under = Vec::with_capacity(order.len());
    for (comment, u) in order {
        nodes.push(Some(Node {
            comment,
            replies: Vec::new(),
        }));
        under.push(u);
    }
    let mut top = Vec::new();
    for i in (0..nodes.len()).rev() {
        let Some(mut node) = nodes[i].take() else { continue };
        node.replies.reverse();
        match under[i].and_then(|p| nodes.get_mut(p)).and_then(Option::as_mut) {
            Some(parent) => parent.replies.push(node),
            None => top.push(node),
        }
    }
    top.reverse();
    top
}

/// A comment's text as WordPress shows it (wpautop), sanitized: text
/// without a `<` holds no markup but the paragraphs wpautop makes, so only
/// the rest goes through the sanitizer.
fn content_html(c: &Comment) -> String {
    let html = wpautop(&c.content, true);
    if c.content.contains('<') {
        comment_html(&html)
    } else {
        html
    }
}

/// A commenter's name or a ping's title as WordPress showed it: its
/// character references decoded (`Fran&ccedil;ois`, `&#039;`), trimmed;
/// none when empty.
fn name(s: Option<&str>) -> Option<String> {
    let s = crate::read::decoded(s?.trim());
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// Fields every published comment and ping shows (never e-mail or IP).
fn common(c: &Comment) -> Fields {
    let mut f = Fields::default();
    if let Some(id) = c.id {
        f.put("id", Value::Int(id));
    }
    f.put_str("author", name(c.author.as_deref()).as_deref());
    f.put_str("author_url", c.author_url.as_deref().and_then(safe_url).as_deref());
    let date = super::front_matter::date_with_offset(c.date.as_deref(), c.date_gmt.as_deref());
    f.put_str("date", date.as_deref());
    // A theme may run the data through Markdown (Hugo's `markdownify`).
    f.put("content", Value::Str(markdown_inert(content_html(c))));
    f
}

/// A comment and its replies as data; recursion as deep as the thread
/// ([`MAX_DEPTH`] at most).
fn node_data(n: &Node) -> Value {
    let mut f = common(&n.comment);
    if let Some(p) = n.comment.parent {
        f.put("parent", Value::Int(p));
    }
    f.put("replies", Value::List(n.replies.iter().map(node_data).collect()));
    Value::Map(f)
}

/// A comment and its replies, quoted; recursion as deep as the thread
/// ([`MAX_DEPTH`] at most).
fn node_markdown(n: &Node, flattened: &mut Vec<i64>) -> String {
    let c = &n.comment;
    let author = markdown_text(name(c.author.as_deref()).as_deref().unwrap_or("Anonymous"));
    let who = match c.author_url.as_deref().and_then(safe_url) {
        Some(url) => format!("**[{author}]({url})**"),
        None => format!("**{author}**"),
    };
    let when = c
        .date
        .as_deref()
        .map(|d| format!(" · {}", d.replace('T', " ")))
        .unwrap_or_default();
    let text = html_to_markdown(&content_html(c));
    if !text.flattened.is_empty() {
        flattened.extend(c.id);
    }
    let mut s = format!("{who}{when}\n\n{}", text.markdown);
    for r in &n.replies {
        s.push_str("\n\n");
        s.push_str(&node_markdown(r, flattened));
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

    /// Regression: names were written with their references, which
    /// every theme escapes again (`Fran&amp;ccedil;ois` on the page).
    #[test]
    fn names_are_shown_as_wordpress_showed_them() {
        let mut comment = c(1, None, "comment", "approved");
        comment.author = Some(" Fran&ccedil;ois &amp; l&#039;&Eacute;quipe ".into());
        let mut ping = c(2, None, "pingback", "approved");
        ping.author = Some("Caf&eacute; &raquo; Blog".into());
        let mut nameless = c(3, None, "comment", "approved");
        nameless.author = Some("&#32;".into());
        let t = Thread::build(&[comment, ping, nameless]);
        let data = serde_json::to_string(&t.data(Some(1))).unwrap();
        assert!(data.contains(r#""author":"François & l'Équipe""#), "{data}");
        assert!(data.contains(r#""author":"Café » Blog""#), "{data}");
        let inline = t.markdown(Words::of("fr")).0;
        assert!(inline.contains("**François & l'Équipe**"), "{inline}");
        assert!(inline.contains("- Café » Blog (pingback)"), "{inline}");
        assert!(inline.contains("**Anonymous**"), "{inline}");
    }

    #[test]
    fn no_email_or_ip_is_ever_written() {
        let t = Thread::build(&[c(1, None, "comment", "approved"), c(2, None, "trackback", "approved")]);
        let yaml = serde_json::to_string(&t.data(Some(1))).unwrap() + &t.markdown(Words::of("en")).0;
        assert!(
            !yaml.contains("secret@example.com") && !yaml.contains("192.0.2.1"),
            "{yaml}"
        );
    }

    #[test]
    fn replies_below_the_deepest_level_follow_their_parent_there() {
        // A chain 1 → … → 12, with 13 replying to 11 and 14 to 10.
        let mut all: Vec<Comment> = (1..=12)
            .map(|i| c(i, (i > 1).then(|| i - 1), "comment", "approved"))
            .collect();
        all.push(c(13, Some(11), "comment", "approved"));
        all.push(c(14, Some(10), "comment", "approved"));
        let t = Thread::build(&all);
        let mut level = &t.comments;
        for depth in 1..MAX_DEPTH {
            assert_eq!(level.len(), 1, "level {depth}");
            level = &level[0].replies;
        }
        // As WordPress's walker shows them: each after its parent, with its
        // own replies after it, all at the tenth level.
        let ids: Vec<_> = level.iter().map(|n| n.comment.id.unwrap_or(0)).collect();
        assert_eq!(ids, [10, 11, 12, 13, 14]);
        assert!(level.iter().all(|n| n.replies.is_empty()));
        assert_eq!(t.flattened, [11, 12, 13, 14]);
        assert!(t.orphans.is_empty());
        // Inline, the quotes are ten deep at most; every comment is there.
        let (md, deep_text) = t.markdown(Words::of("en"));
        assert_eq!(md.lines().map(|l| l.matches('>').count()).max(), Some(MAX_DEPTH));
        for i in 1..=14 {
            assert!(md.contains(&format!("text {i}\n")), "comment {i} is lost:\n{md}");
        }
        assert!(deep_text.is_empty());
        // A thread at the limit is left as it is.
        let t = Thread::build(&all[..10]);
        assert!(t.flattened.is_empty());
    }

    #[test]
    fn a_comment_nested_too_deep_is_named() {
        let mut deep = c(2, None, "comment", "approved");
        deep.content = format!("{}bottom{}", "<blockquote>".repeat(500), "</blockquote>".repeat(500));
        let t = Thread::build(&[c(1, None, "comment", "approved"), deep]);
        let (md, deep_text) = t.markdown(Words::of("en"));
        assert_eq!(deep_text, [2]);
        assert!(md.contains("bottom"), "{md}");
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
