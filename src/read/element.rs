//! Element plumbing: the next child of the element being read, classified;
//! skipping what the model does not keep (and counting the elements wxr
//! does not know); and reading an element's text as a string, a trimmed
//! value, a date or a number.

use super::vocabulary::{F, classify};
use super::xml::Ev;
use super::{Error, Reader, values};
use crate::diag::{Location, Severity};

/// One child of the element being read.
pub(super) enum Child {
    Open {
        f: F,
        empty: bool,
    },
    Category {
        domain: Option<String>,
        nicename: Option<String>,
        empty: bool,
    },
}

/// Distinct unknown element names reported one by one; more are counted.
pub(super) const MAX_UNKNOWN_NAMES: usize = 1000;

/// An element that was skipped because wxr does not know it.
pub(super) struct Unknown {
    pub(super) qname: String,
    pub(super) parent: &'static str,
    pub(super) count: u64,
    pub(super) first: Location,
}

/// A `Child` for an element known by its kind only.
pub(super) fn c_from(f: F, empty: bool) -> Child {
    Child::Open { f, empty }
}

impl Reader {
    /// The next child element of the element being read, or `None` at its
    /// end tag. Text between children is layout and is ignored.
    pub(super) fn child(&mut self, parent: &str) -> Result<Option<Child>, Error> {
        loop {
            let ev = match self.xml.next() {
                Ok(ev) => ev,
                Err(e) => return Err(self.malformed(e)),
            };
            let (tag, empty) = match ev {
                Ev::Start(t) => (t, false),
                Ev::Empty(t) => (t, true),
                Ev::End { matched: true, .. } => return Ok(None),
                Ev::End {
                    matched: false, qname, ..
                } => {
                    let msg = format!("mismatched end tag </{qname}>");
                    let msg = format!("{msg}, expected </{}>", self.xml.current_qname());
                    return Err(self.malformed(self.xml.error_here(msg)));
                }
                Ev::Eof => break,
                _ => continue,
            };
            let f = classify(tag.ns, tag.local);
            if f == F::Category && parent == "item" {
                let domain = tag.attr("domain");
                let nicename = tag.attr("nicename");
                return Ok(Some(Child::Category {
                    domain,
                    nicename,
                    empty,
                }));
            }
            return Ok(Some(Child::Open { f, empty }));
        }
        // Nothing open: content after the document (read on by
        // `after_channel`) has ended.
        if self.xml.depth() == 0 {
            return Ok(None);
        }
        let msg = format!("unexpected end of file inside <{parent}>");
        Err(self.malformed(self.xml.error_here(msg)))
    }

    /// Skips a child wxr has no use for in this place, reporting it.
    pub(super) fn skip_child(&mut self, c: Child, parent: &'static str) -> Result<(), Error> {
        let empty = match c {
            Child::Open { empty, .. } | Child::Category { empty, .. } => empty,
        };
        let key = (self.xml.last_qname().to_string(), parent);
        match self.unknown_index.get(&key) {
            Some(&i) => self.unknown[i].count += 1,
            None if self.unknown.len() < MAX_UNKNOWN_NAMES => {
                let (line, column) = self.xml.position();
                self.unknown_index.insert(key.clone(), self.unknown.len());
                self.unknown.push(Unknown {
                    qname: key.0,
                    parent,
                    count: 1,
                    first: Location {
                        file: self.file.clone(),
                        line,
                        column,
                    },
                });
            }
            None => self.unknown_other += 1,
        }
        self.skip_known(empty)
    }

    /// Skips an element whose content the model does not keep.
    pub(super) fn skip_known(&mut self, empty: bool) -> Result<(), Error> {
        if empty {
            return Ok(());
        }
        self.xml.skip().map_err(|e| self.malformed(e))
    }

    /// The text of the element just opened.
    pub(super) fn text(&mut self, empty: bool) -> Result<String, Error> {
        let mut s = String::new();
        if !empty {
            self.xml.read_text(&mut s).map_err(|e| self.malformed(e))?;
        }
        Ok(s)
    }

    /// Reads the element's text into a reused buffer and hands it to `f`:
    /// for values that are parsed or trimmed, not kept as they are.
    pub(super) fn scratch<T>(&mut self, empty: bool, f: impl FnOnce(&mut Self, &str) -> T) -> Result<T, Error> {
        let mut s = std::mem::take(&mut self.scratch);
        s.clear();
        if !empty && let Err(e) = self.xml.read_text(&mut s) {
            self.scratch = s;
            return Err(self.malformed(e));
        }
        let v = f(self, &s);
        self.scratch = s;
        Ok(v)
    }

    /// The trimmed text, `None` when empty.
    pub(super) fn trimmed(&mut self, empty: bool) -> Result<Option<String>, Error> {
        self.scratch(empty, |_, s| values::non_empty(s))
    }

    pub(super) fn date(&mut self, empty: bool, what: &str, utc: bool) -> Result<Option<String>, Error> {
        self.scratch(empty, |r, v| match values::parse_date(v) {
            Ok(d) => d.map(|d| {
                if utc {
                    values::utc_form(d)
                } else {
                    values::local_form(d)
                }
            }),
            Err(values::Invalid) => {
                r.item_note(
                    Severity::Warning,
                    "wxr.bad_date",
                    format!("<{what}> {:?} is not a date; written as null", v.trim()),
                );
                None
            }
        })
    }

    pub(super) fn id_field(&mut self, empty: bool, what: &str) -> Result<Option<i64>, Error> {
        self.scratch(empty, |r, v| {
            values::parse_id(v).unwrap_or_else(|values::Invalid| {
                r.bad_number(v, what);
                None
            })
        })
    }

    pub(super) fn int_field(&mut self, empty: bool, what: &str) -> Result<Option<i64>, Error> {
        self.scratch(empty, |r, v| {
            values::parse_int(v).unwrap_or_else(|values::Invalid| {
                r.bad_number(v, what);
                None
            })
        })
    }

    fn bad_number(&mut self, v: &str, what: &str) {
        self.item_note(
            Severity::Warning,
            "wxr.bad_number",
            format!("<{what}> {:?} is not a number; written as null", v.trim()),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::read::ReadOptions;
    use crate::read::testing::{codes, ids, read};

    #[test]
    fn two_unsplit_scripts_are_read_between_the_outer_markers() {
        let body = "A <script>//<![CDATA[ x < 1 && y //]]></script> B <script>//<![CDATA[ z //]]></script> C";
        let (items, d) = read(
            &format!("<item><wp:post_id>1</wp:post_id><content:encoded><![CDATA[{body}]]></content:encoded></item>"),
            ReadOptions::default(),
        );
        assert_eq!(items.unwrap()[0].content, body);
        assert_eq!(codes(&d), ["xml.cdata_unsplit"]);
    }

    #[test]
    fn markup_in_a_title_is_kept_as_text() {
        let (items, d) = read(
            "<item><title>a <b>bold</b> move<br/></title></item>",
            ReadOptions::default(),
        );
        assert_eq!(items.unwrap()[0].title.as_deref(), Some("a <b>bold</b> move<br/>"));
        assert!(codes(&d).contains(&"xml.markup_in_text"));
    }

    #[test]
    fn whitespace_around_cdata_is_text_and_kept() {
        let (items, _) = read(
            "<item><content:encoded>\n  <![CDATA[x]]> <![CDATA[y]]>\n</content:encoded></item>",
            ReadOptions::default(),
        );
        assert_eq!(items.unwrap()[0].content, "\n  x y\n");
    }

    #[test]
    fn markup_recovery_ends_with_the_leaf_not_a_nested_namesake() {
        let (items, _) = read(
            "<item><wp:post_id>1</wp:post_id><title>a <title>b</title> c</title><wp:status>publish</wp:status></item>\
             <item><wp:post_id>2</wp:post_id></item>",
            ReadOptions::default(),
        );
        let items = items.unwrap();
        assert_eq!(ids(&items), [Some(1), Some(2)]);
        assert_eq!(items[0].title.as_deref(), Some("a <title>b</title> c"));
        assert_eq!(items[0].status, "publish");
    }

    #[test]
    fn unsplit_cdata_keeps_the_source_form_of_what_follows_the_inner_marker() {
        let (items, _) = read(
            "<item><content:encoded><![CDATA[<code>x ]]>&lt;b&gt; y <!-- n --></code>]]></content:encoded></item>",
            ReadOptions::default(),
        );
        assert_eq!(items.unwrap()[0].content, "<code>x ]]>&lt;b&gt; y <!-- n --></code>");
    }

    #[test]
    fn references_in_markup_recovery_are_decoded_like_the_rest() {
        let (items, _) = read(
            "<item><title>a &amp; <b>bold</b> &amp; c</title></item>",
            ReadOptions::default(),
        );
        assert_eq!(items.unwrap()[0].title.as_deref(), Some("a & <b>bold</b> & c"));
    }
}
