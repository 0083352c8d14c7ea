//! The channel header: the root `<rss>` and its `<channel>`, the site's
//! fields, its authors and terms (gathered up to the first `<item>`), late
//! header elements between items, and what follows the channel
//! (concatenated exports, a second channel).

use super::element::{Child, c_from};
use super::vocabulary::F;
use super::xml::{self, Ev, Ns};
use super::{Error, Reader, values};
use crate::diag::Severity;
use crate::model::{Author, Record, Term};

impl Reader {
    pub(super) fn read_header(&mut self) -> Result<(), Error> {
        // The root element.
        loop {
            let found = match self.xml.next() {
                Ok(Ev::Start(t)) if t.ns == Ns::None && t.local == "rss" => break,
                Ok(Ev::Start(t) | Ev::Empty(t)) => {
                    format!("the root element is <{}>, not <rss>", t.qname())
                }
                Ok(Ev::Text(t)) if t.trim().is_empty() => continue,
                Ok(Ev::Text(_) | Ev::CData(_) | Ev::Ref(_)) => "it is not XML (text before any element)".to_string(),
                Ok(Ev::End { .. }) => "it is not XML (an end tag before any element)".to_string(),
                Ok(Ev::Eof) => "the file is empty or holds no XML element".to_string(),
                Ok(Ev::Comment(_) | Ev::Other) => continue,
                Err(e) => format!("it is not XML ({} at {}:{})", e.message, e.line, e.column),
            };
            return Err(self.not_wxr(found));
        }
        // The channel.
        loop {
            match self.child("rss") {
                Ok(Some(Child::Open {
                    f: F::Channel,
                    empty: false,
                    ..
                })) => break,
                Ok(Some(c)) => self.skip_child(c, "rss")?,
                Ok(None) => return Err(self.not_wxr("there is no <channel> element".into())),
                Err(e) if self.opts.salvage => {
                    self.salvage(e);
                    return Err(self.not_wxr("there is no readable <channel> element".into()));
                }
                Err(e) => return Err(e),
            }
        }
        self.channel_depth = self.xml.depth();
        // Header elements, up to the first item.
        loop {
            match self.child("channel") {
                Ok(Some(Child::Open { f: F::Item, empty, .. })) => {
                    if empty {
                        self.note(
                            Severity::Warning,
                            "wxr.empty_item",
                            "an empty <item/> was skipped".into(),
                        );
                        continue;
                    }
                    self.item_open = true;
                    break;
                }
                Ok(Some(c)) => match self.header_child(c) {
                    Ok(Some(rec)) => self.queue.push_back(rec),
                    Ok(None) => {}
                    Err(e @ Error::Malformed(_)) if self.opts.salvage => {
                        self.salvage(e);
                        break;
                    }
                    Err(e) => return Err(e),
                },
                Ok(None) => match self.after_channel() {
                    Ok(()) => break,
                    Err(e @ Error::Malformed(_)) if self.opts.salvage => {
                        self.salvage(e);
                        break;
                    }
                    Err(e) => return Err(e),
                },
                Err(e) if self.opts.salvage => {
                    self.salvage(e);
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        match &self.site.wxr_version {
            None => {
                return Err(self.not_wxr("there is no <wp:wxr_version> in the channel".into()));
            }
            Some(v) if !xml::is_version(v) => {
                return Err(self.not_wxr(format!("<wp:wxr_version> is {v:?}, expected a version such as 1.2")));
            }
            Some(_) => {}
        }
        self.queue.push_front(Record::Site(self.site.clone()));
        self.drain_fixes();
        self.check_strict()?;
        if self.done {
            self.finish();
        }
        Ok(())
    }

    /// The channel ended: read to the end of the document.
    fn after_channel(&mut self) -> Result<(), Error> {
        loop {
            match self.xml.next() {
                Ok(Ev::Eof) => break,
                Ok(Ev::End {
                    matched: false, qname, ..
                }) => {
                    let msg = format!("mismatched end tag </{qname}> after the channel");
                    return Err(self.malformed(self.xml.error_here(msg)));
                }
                // Exports concatenated by hand: a second channel, or items
                // after the first one, are read too.
                Ok(Ev::Start(t)) if t.ns == Ns::None && t.local == "rss" => {
                    self.note(
                        Severity::Warning,
                        "wxr.concatenated",
                        "a second export follows the first (concatenated files); it is read as part of the same site"
                            .into(),
                    );
                    return Ok(());
                }
                Ok(Ev::Start(t)) if t.ns == Ns::None && t.local == "channel" => {
                    self.note(
                        Severity::Notice,
                        "wxr.second_channel",
                        "a second <channel> follows the first; its content is read as part of the same site".into(),
                    );
                    return Ok(());
                }
                Ok(Ev::Start(t)) if t.ns == Ns::None && t.local == "item" => {
                    self.note(
                        Severity::Warning,
                        "wxr.item_outside_channel",
                        "an <item> after the end of the channel was read as part of the site".into(),
                    );
                    self.item_open = true;
                    return Ok(());
                }
                Ok(Ev::Start(_)) => self.skip_child(c_from(F::Unknown, false), "rss")?,
                Ok(_) => {}
                Err(e) => return Err(self.malformed(e)),
            }
        }
        if self.xml.depth() > 0 {
            let msg = format!("unexpected end of file inside <{}>", self.xml.current_qname());
            return Err(self.malformed(self.xml.error_here(msg)));
        }
        self.done = true;
        Ok(())
    }

    /// One child of `<channel>` after the header: an item, a late header
    /// element, or the end.
    pub(super) fn channel_step(&mut self) -> Result<Option<Record>, Error> {
        match self.child("channel")? {
            // The channel of a second document (see `after_channel`).
            Some(Child::Open {
                f: F::Channel,
                empty: false,
            }) => Ok(None),
            Some(Child::Open {
                f: F::Item,
                empty: false,
                ..
            }) => {
                let item = self.read_item()?;
                Ok(Some(Record::Item(Box::new(item))))
            }
            Some(Child::Open {
                f: F::Item,
                empty: true,
                ..
            }) => {
                self.note(
                    Severity::Warning,
                    "wxr.empty_item",
                    "an empty <item/> was skipped".into(),
                );
                Ok(None)
            }
            Some(c) => {
                let late = matches!(
                    &c,
                    Child::Open {
                        f: F::Author | F::WpCategory | F::WpTag | F::WpTerm,
                        ..
                    }
                );
                let site_before = self.site.clone();
                let rec = self.header_child(c)?;
                if !late && self.site != site_before {
                    self.site = site_before;
                    self.note(
                        Severity::Warning,
                        "wxr.late_header",
                        "a site field after the first <item> was ignored (the site record was already written)".into(),
                    );
                }
                Ok(rec)
            }
            None => {
                self.after_channel()?;
                Ok(None)
            }
        }
    }

    /// Handles one child of the channel that is not an item.
    fn header_child(&mut self, c: Child) -> Result<Option<Record>, Error> {
        let Child::Open { f, empty, .. } = c else {
            self.skip_child(c, "channel")?;
            return Ok(None);
        };
        match f {
            F::Title => self.site.title = Some(self.text(empty)?),
            F::Link => self.site.link = self.trimmed(empty)?,
            F::Description => self.site.description = Some(self.text(empty)?),
            F::Language => self.site.language = self.trimmed(empty)?,
            F::Generator => self.site.generator = self.trimmed(empty)?,
            F::WxrVersion => self.site.wxr_version = Some(self.text(empty)?.trim().to_string()),
            F::BaseSiteUrl => self.site.base_site_url = self.trimmed(empty)?,
            F::BaseBlogUrl => self.site.base_blog_url = self.trimmed(empty)?,
            F::Author => return Ok(Some(Record::Author(self.read_author(empty)?))),
            F::WpCategory | F::WpTag | F::WpTerm => {
                let term = self.read_term(f, empty)?;
                if let (Some(name), Some(slug)) = (&term.name, &term.slug) {
                    self.term_slugs
                        .entry((term.taxonomy.clone(), name.clone()))
                        .or_insert_with(|| slug.clone());
                }
                return Ok(Some(Record::Term(term)));
            }
            F::RssIgnored | F::Category => self.skip_known(empty)?,
            _ => self.skip_child(c_from(f, empty), "channel")?,
        }
        Ok(None)
    }

    fn read_author(&mut self, empty: bool) -> Result<Author, Error> {
        let mut a = Author::default();
        if empty {
            return Ok(a);
        }
        while let Some(c) = self.child("wp:author")? {
            match c {
                Child::Open {
                    f: F::AuthorId, empty, ..
                } => {
                    a.id = self.id_field(empty, "wp:author_id")?;
                }
                Child::Open {
                    f: F::AuthorLogin,
                    empty,
                    ..
                } => a.login = self.trimmed(empty)?,
                Child::Open {
                    f: F::AuthorEmail,
                    empty,
                    ..
                } => a.email = self.trimmed(empty)?,
                Child::Open {
                    f: F::AuthorDisplayName,
                    empty,
                    ..
                } => a.display_name = values::exact(self.text(empty)?),
                Child::Open {
                    f: F::AuthorFirstName,
                    empty,
                    ..
                } => a.first_name = values::exact(self.text(empty)?),
                Child::Open {
                    f: F::AuthorLastName,
                    empty,
                    ..
                } => a.last_name = values::exact(self.text(empty)?),
                c => self.skip_child(c, "wp:author")?,
            }
        }
        Ok(a)
    }

    fn read_term(&mut self, kind: F, empty: bool) -> Result<Term, Error> {
        let (taxonomy, parent_name) = match kind {
            F::WpCategory => ("category", "wp:category"),
            F::WpTag => ("post_tag", "wp:tag"),
            _ => ("", "wp:term"),
        };
        let mut t = Term {
            taxonomy: taxonomy.to_string(),
            ..Term::default()
        };
        if empty {
            return Ok(t);
        }
        while let Some(c) = self.child(parent_name)? {
            match c {
                Child::Open {
                    f: F::TermId, empty, ..
                } => {
                    t.id = self.id_field(empty, "wp:term_id")?;
                }
                Child::Open {
                    f: F::CategoryNicename | F::TagSlug | F::TermSlug,
                    empty,
                    ..
                } => t.slug = self.trimmed(empty)?,
                Child::Open {
                    f: F::CatName | F::TagName | F::TermName,
                    empty,
                    ..
                } => t.name = values::exact(self.text(empty)?),
                Child::Open {
                    f: F::CategoryDescription | F::TagDescription | F::TermDescription,
                    empty,
                    ..
                } => t.description = values::exact(self.text(empty)?),
                Child::Open {
                    f: F::CategoryParent | F::TermParent,
                    empty,
                    ..
                } => t.parent = self.trimmed(empty)?,
                Child::Open {
                    f: F::TermTaxonomy,
                    empty,
                    ..
                } => {
                    t.taxonomy = self.text(empty)?.trim().to_string();
                }
                Child::Open {
                    f: F::TermMeta, empty, ..
                } => {
                    let m = self.read_meta(empty, "wp:termmeta")?;
                    t.meta.push(m);
                }
                c => self.skip_child(c, "wp:term")?,
            }
        }
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Record;
    use crate::read::testing::{HEAD, codes};
    use crate::read::{Error, ReadOptions, Reader};

    #[test]
    fn a_file_without_items_or_version_is_not_wxr() {
        let r = Reader::from_decompressed(
            Box::new(std::io::Cursor::new(b"<rss><channel></channel></rss>".to_vec())),
            "x".into(),
            ReadOptions::default(),
        );
        assert!(matches!(r, Err(Error::NotWxr { .. })));
        let r = Reader::from_decompressed(
            Box::new(std::io::Cursor::new(Vec::new())),
            "x".into(),
            ReadOptions::default(),
        );
        assert!(matches!(r, Err(Error::NotWxr { .. })));
    }

    #[test]
    fn content_after_the_channel_is_read_and_reported() {
        let xml = format!(
            "{HEAD}<item><wp:post_id>1</wp:post_id></item></channel>\
             <channel><item><wp:post_id>2</wp:post_id></item></channel>\
             <item><wp:post_id>3</wp:post_id></item></rss>"
        );
        let mut r = Reader::from_decompressed(
            Box::new(std::io::Cursor::new(xml.into_bytes())),
            "t".into(),
            ReadOptions::default(),
        )
        .unwrap();
        let mut got = Vec::new();
        while let Some(rec) = r.next_record().unwrap() {
            if let Record::Item(i) = rec {
                got.push(i.id);
            }
        }
        assert_eq!(got, [Some(1), Some(2), Some(3)]);
        let d = r.take_diagnostics();
        assert!(codes(&d).contains(&"wxr.second_channel"));
        assert!(codes(&d).contains(&"wxr.item_outside_channel"));
    }

    #[test]
    fn concatenated_exports_are_read_whole() {
        let one = format!("{HEAD}<item><wp:post_id>1</wp:post_id></item></channel></rss>\n");
        let two = format!("{HEAD}<item><wp:post_id>2</wp:post_id></item></channel></rss>\n");
        let mut r = Reader::from_decompressed(
            Box::new(std::io::Cursor::new(format!("{one}{two}").into_bytes())),
            "t".into(),
            ReadOptions::default(),
        )
        .unwrap();
        let mut got = Vec::new();
        while let Some(rec) = r.next_record().unwrap() {
            if let Record::Item(i) = rec {
                got.push(i.id);
            }
        }
        assert_eq!(got, [Some(1), Some(2)]);
        assert!(codes(&r.take_diagnostics()).contains(&"wxr.concatenated"));
    }
}
