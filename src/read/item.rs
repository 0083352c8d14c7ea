//! The item: one `<item>` with its fields, its terms (WXR 1.0's bare
//! `<category>` elements resolved through the channel's terms), its
//! postmeta and its comments; and the key/value meta shared by terms,
//! items and comments.

use super::element::{Child, c_from};
use super::vocabulary::F;
use super::{Error, ItemContext, Reader, values};
use crate::diag::{Diagnostic, Location, Severity};
use crate::model::{Comment, CommentKind, Item, ItemTerm, Meta};

impl Reader {
    pub(super) fn read_meta(&mut self, empty: bool, parent: &'static str) -> Result<Meta, Error> {
        let mut m = Meta::default();
        if empty {
            return Ok(m);
        }
        while let Some(c) = self.child(parent)? {
            match c {
                Child::Open {
                    f: F::MetaKey, empty, ..
                } => m.key = self.text(empty)?,
                Child::Open {
                    f: F::MetaValue, empty, ..
                } => m.value = self.text(empty)?,
                c => self.skip_child(c, parent)?,
            }
        }
        Ok(m)
    }

    /// Reads the item whose start tag was just read.
    pub(super) fn read_item(&mut self) -> Result<Item, Error> {
        let (line, column) = self.xml.position();
        self.current = Some(ItemContext {
            id: None,
            title: None,
            line,
            column,
        });
        let mut item = Item::default();
        let mut bare: Vec<(String, String)> = Vec::new();
        while let Some(c) = self.child("item")? {
            match c {
                Child::Category {
                    domain,
                    nicename,
                    empty,
                } => {
                    let name = self.text(empty)?;
                    let taxonomy = match domain.as_deref().map(str::trim) {
                        None | Some("") => "category".to_string(),
                        Some("tag") => "post_tag".to_string(),
                        Some(d) => d.to_string(),
                    };
                    match nicename {
                        Some(slug) => {
                            let term = ItemTerm {
                                taxonomy,
                                slug: values::non_empty(&slug),
                                name,
                            };
                            if !item
                                .terms
                                .iter()
                                .any(|t| t.taxonomy == term.taxonomy && t.slug == term.slug)
                            {
                                item.terms.push(term);
                            }
                        }
                        None => bare.push((taxonomy, name)),
                    }
                }
                Child::Open { f, empty } => self.item_field(&mut item, f, empty)?,
            }
        }
        // WXR 1.0 wrote each term twice, once without its slug.
        for (taxonomy, name) in bare {
            if item.terms.iter().any(|t| t.taxonomy == taxonomy && t.name == name) {
                continue;
            }
            let slug = self.term_slugs.get(&(taxonomy.clone(), name.clone())).cloned();
            item.terms.push(ItemTerm { taxonomy, slug, name });
        }
        if item.id.is_none() {
            self.diags.push(Diagnostic {
                code: "wxr.item_without_id",
                severity: Severity::Notice,
                message: "this item has no usable wp:post_id (missing or 0); its id is null".into(),
                location: Some(Location {
                    file: self.file.clone(),
                    line,
                    column,
                }),
                item_id: None,
                count: 1,
            });
        }
        self.complete_items += 1;
        // Repairs inside the item carry its id, known only now.
        self.drain_fixes();
        self.current = None;
        for mut d in self.item_diags.drain(..) {
            d.item_id = item.id;
            self.diags.push(d);
        }
        Ok(item)
    }

    fn item_field(&mut self, item: &mut Item, f: F, empty: bool) -> Result<(), Error> {
        match f {
            F::Title => {
                let t = self.text(empty)?;
                if let Some(c) = &mut self.current {
                    c.title = Some(t.clone());
                }
                item.title = Some(t);
            }
            F::Link => item.link = self.trimmed(empty)?,
            F::Guid => item.guid = self.trimmed(empty)?,
            F::Creator => item.author = self.trimmed(empty)?,
            F::Content => item.content = self.text(empty)?,
            F::Excerpt => item.excerpt = self.text(empty)?,
            F::PostId => {
                item.id = self.id_field(empty, "wp:post_id")?;
                if let Some(c) = &mut self.current {
                    c.id = item.id;
                }
            }
            F::PostDate => item.date = self.date(empty, "wp:post_date", false)?,
            F::PostDateGmt => item.date_gmt = self.date(empty, "wp:post_date_gmt", true)?,
            F::PostModified => item.modified = self.date(empty, "wp:post_modified", false)?,
            F::PostModifiedGmt => item.modified_gmt = self.date(empty, "wp:post_modified_gmt", true)?,
            F::CommentStatus => item.comment_status = self.trimmed(empty)?,
            F::PingStatus => item.ping_status = self.trimmed(empty)?,
            F::PostName => item.slug = self.trimmed(empty)?,
            F::Status => item.status = self.scratch(empty, |_, s| s.trim().to_string())?,
            F::PostParent => {
                item.parent = self.id_field(empty, "wp:post_parent")?;
            }
            F::MenuOrder => {
                item.menu_order = self.int_field(empty, "wp:menu_order")?.unwrap_or(0);
            }
            F::PostType => item.kind = self.scratch(empty, |_, s| s.trim().to_string())?,
            F::PostPassword => item.password = values::exact(self.text(empty)?),
            F::IsSticky => item.sticky = self.scratch(empty, |_, s| s.trim() == "1")?,
            F::AttachmentUrl => item.attachment_url = self.trimmed(empty)?,
            F::PostMeta => item.meta.push(self.read_meta(empty, "wp:postmeta")?),
            F::Comment => item.comments.push(self.read_comment(empty)?),
            // `<description>` and `<pubDate>` of an item repeat what the
            // model has (excerpt, dates) in RSS form.
            F::Description | F::RssIgnored => self.skip_known(empty)?,
            _ => self.skip_child(Child::Open { f, empty }, "item")?,
        }
        Ok(())
    }

    fn read_comment(&mut self, empty: bool) -> Result<Comment, Error> {
        let mut c = Comment {
            kind: "comment".into(),
            status: "pending".into(),
            ..Comment::default()
        };
        if empty {
            return Ok(c);
        }
        while let Some(child) = self.child("wp:comment")? {
            let Child::Open { f, empty, .. } = child else {
                self.skip_child(child, "wp:comment")?;
                continue;
            };
            match f {
                F::CommentId => {
                    c.id = self.int_field(empty, "wp:comment_id")?;
                }
                F::CommentAuthor => c.author = values::exact(self.text(empty)?),
                F::CommentAuthorEmail => c.author_email = self.trimmed(empty)?,
                F::CommentAuthorUrl => c.author_url = self.trimmed(empty)?,
                F::CommentAuthorIp => c.author_ip = self.trimmed(empty)?,
                F::CommentDate => c.date = self.date(empty, "wp:comment_date", false)?,
                F::CommentDateGmt => c.date_gmt = self.date(empty, "wp:comment_date_gmt", true)?,
                F::CommentContent => c.content = self.text(empty)?,
                F::CommentApproved => c.status = self.scratch(empty, |_, s| values::comment_status(s))?,
                F::CommentType => c.kind = self.scratch(empty, |_, s| CommentKind::from(s))?,
                F::CommentParent => {
                    c.parent = self.id_field(empty, "wp:comment_parent")?;
                }
                F::CommentUserId => {
                    c.user_id = self.id_field(empty, "wp:comment_user_id")?;
                }
                F::CommentMeta => c.meta.push(self.read_meta(empty, "wp:commentmeta")?),
                f => self.skip_child(c_from(f, empty), "wp:comment")?,
            }
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use crate::read::testing::read;
    use crate::read::{Error, ReadOptions};

    #[test]
    fn a_mismatched_tag_in_an_item_names_the_item() {
        let (items, _) = read(
            "<item><title>T</title><wp:post_id>7</wp:post_id><wp:status>x</wp:post_type></item>",
            ReadOptions::default(),
        );
        let Err(Error::Malformed(m)) = items else {
            panic!("expected a malformed error")
        };
        assert_eq!(m.item.as_ref().and_then(|i| i.id), Some(7));
        assert_eq!(m.item.as_ref().and_then(|i| i.title.clone()).as_deref(), Some("T"));
        assert_eq!(m.complete_items, 0);
        assert!(m.message.contains("</wp:post_type>"), "{}", m.message);
    }

    #[test]
    fn wxr_1_0_tags_are_post_tags_without_duplicates() {
        let (items, _) = read(
            r#"<item><category domain="tag"><![CDATA[News]]></category><category domain="tag" nicename="news"><![CDATA[News]]></category><category><![CDATA[Misc]]></category></item>"#,
            ReadOptions::default(),
        );
        let terms = &items.unwrap()[0].terms;
        assert_eq!(terms.len(), 2, "{terms:?}");
        assert_eq!(
            (terms[0].taxonomy.as_str(), terms[0].slug.as_deref()),
            ("post_tag", Some("news"))
        );
        assert_eq!(
            (terms[1].taxonomy.as_str(), terms[1].slug.as_deref()),
            ("category", None)
        );
    }

    #[test]
    fn an_empty_nicename_is_a_null_slug() {
        let (items, _) = read(
            r#"<item><category domain="category" nicename=""><![CDATA[X]]></category></item>"#,
            ReadOptions::default(),
        );
        assert_eq!(items.unwrap()[0].terms[0].slug, None);
    }
}
