//! Recovery (`--salvage`): a damaged item is dropped and reported, and
//! reading resumes at the next `<item>`, past any damage, restarting the
//! tokenizer when a syntax error stopped it.

use super::xml::Ev;
use super::{Error, Malformed, Reader};
use crate::diag::{Diagnostic, Severity};

impl Reader {
    /// `--salvage`: report what the error cost and find the next item.
    pub(super) fn salvage(&mut self, e: Error) {
        let Error::Malformed(m) = e else {
            return;
        };
        let Malformed {
            location,
            message,
            item,
            ..
        } = *m;
        let item_id = item.as_ref().and_then(|i| i.id);
        let mut what = match &item {
            Some(i) => {
                self.dropped_items += 1;
                let mut s = format!("dropped the item that starts at line {}", i.line);
                if let Some(t) = &i.title {
                    s += &format!(", {t:?}");
                }
                s
            }
            None => "skipped the damaged part".to_string(),
        };
        self.current = None;
        self.item_diags.clear();
        let resumed = self.resync();
        match resumed {
            Some(line) => what += &format!(", and resumed at the next <item> (line {line})"),
            None => what += ", and found no <item> after it",
        }
        self.diags.push(Diagnostic {
            code: "wxr.salvaged",
            severity: Severity::Warning,
            message: format!("the XML is not well-formed ({message}); --salvage {what}"),
            location: Some(location),
            item_id,
            count: 1,
        });
        if resumed.is_none() {
            self.done = true;
            self.finish();
        }
    }

    /// Moves to the start of the next `<item>` (its start tag read), past
    /// any damage: a tokenizer stopped by a syntax error is restarted at the
    /// next `<`. Returns the item's line, or `None` at the end of the input.
    fn resync(&mut self) -> Option<u64> {
        loop {
            if self.xml.at_item_start() {
                self.xml.collapse_to(self.channel_depth);
                self.item_open = true;
                return Some(self.xml.position().0);
            }
            if self.xml.is_dead() && !matches!(self.xml.restart(), Ok(true)) {
                return None;
            }
            if let Ok(Ev::Eof) = self.xml.next() {
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::read::testing::{SALVAGE, codes, ids, read};
    use crate::read::{Error, ReadOptions};

    #[test]
    fn salvage_skips_to_the_next_item() {
        let (items, d) = read(
            "<item><wp:post_id>1</wp:post_id></item>\
             <item><wp:post_id>2</wp:post_id><wp:status>x</wp:post_type><p></item>\
             <item><wp:post_id>3</wp:post_id></item>",
            ReadOptions {
                salvage: true,
                strict: false,
            },
        );
        let ids: Vec<_> = items.unwrap().iter().map(|i| i.id).collect();
        assert_eq!(ids, [Some(1), Some(3)]);
        assert_eq!(codes(&d), ["wxr.salvaged"]);
    }

    #[test]
    fn recovery_never_swallows_the_next_item() {
        let xml = "<item><title><![CDATA[First]]></titl><wp:post_id>1</wp:post_id></item>\
                   <item><title>Second</title><wp:post_id>2</wp:post_id></item>";
        let (strict, _) = read(xml, ReadOptions::default());
        assert!(matches!(strict, Err(Error::Malformed(_))), "{strict:?}");
        let (items, d) = read(xml, SALVAGE);
        let items = items.unwrap();
        assert_eq!(ids(&items), [Some(2)]);
        assert_eq!(items[0].title.as_deref(), Some("Second"));
        assert_eq!(codes(&d), ["wxr.salvaged"]);
    }

    #[test]
    fn salvage_survives_a_syntax_error_that_stops_the_tokenizer() {
        let (items, d) = read(
            "<item><wp:post_id>1</wp:post_id><title>x <!X></title></item>\
             <item><wp:post_id>2</wp:post_id></item><item><wp:post_id>3</wp:post_id></item>",
            SALVAGE,
        );
        assert_eq!(ids(&items.unwrap()), [Some(2), Some(3)]);
        assert_eq!(codes(&d), ["wxr.salvaged"]);
    }

    #[test]
    fn salvage_survives_damage_between_items_and_in_the_header() {
        let (items, _) = read(
            "<item><wp:post_id>1</wp:post_id></item></p><item><wp:post_id>2</wp:post_id></item>",
            SALVAGE,
        );
        assert_eq!(ids(&items.unwrap()), [Some(1), Some(2)]);
        let (items, _) = read(
            "<wp:category><wp:cat_name>x</wp:category_name></wp:category><item><wp:post_id>5</wp:post_id></item>",
            SALVAGE,
        );
        assert_eq!(ids(&items.unwrap()), [Some(5)]);
    }

    #[test]
    fn salvage_goes_back_to_items_an_unclosed_comment_swallowed() {
        let (items, d) = read(
            "<item><wp:post_id>1</wp:post_id></item><!-- unclosed\n\
             <item><wp:post_id>2</wp:post_id></item><item><wp:post_id>3</wp:post_id></item>",
            SALVAGE,
        );
        assert_eq!(ids(&items.unwrap()), [Some(1), Some(2), Some(3)]);
        assert_eq!(codes(&d), ["wxr.salvaged"]);
    }
}
