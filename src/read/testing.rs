//! Test helpers shared by the reader's unit tests: a minimal export around
//! some `<item>`s, read to the end.

use super::{Error, ReadOptions, Reader};
use crate::diag::Diagnostics;
use crate::model::{Item, Record};

pub(super) const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><wp:wxr_version>1.2</wp:wxr_version>
"#;

/// Reads `items` (XML of `<item>` elements) inside a minimal export.
pub(super) fn read(items: &str, opts: ReadOptions) -> (Result<Vec<Item>, Error>, Diagnostics) {
    let xml = format!("{HEAD}{items}</channel></rss>");
    let mut r = match Reader::from_decompressed(Box::new(std::io::Cursor::new(xml.into_bytes())), "t.xml".into(), opts)
    {
        Ok(r) => r,
        Err(e) => return (Err(e), Diagnostics::new()),
    };
    let mut out = Vec::new();
    loop {
        match r.next_record() {
            Ok(Some(Record::Item(i))) => out.push(*i),
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => return (Err(e), r.take_diagnostics()),
        }
    }
    (Ok(out), r.take_diagnostics())
}

pub(super) fn codes(d: &Diagnostics) -> Vec<&'static str> {
    d.groups().iter().map(|g| g.code).collect()
}

pub(super) const SALVAGE: ReadOptions = ReadOptions {
    salvage: true,
    strict: false,
};

pub(super) fn ids(items: &[Item]) -> Vec<Option<i64>> {
    items.iter().map(|i| i.id).collect()
}
