//! What `wxr check` reads from outside: any fetched page (bytes, a
//! Content-Type, a URL), any URL resolved against a site, any export
//! through the cleaned-copy writer. No panic, no hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::collections::BTreeSet;
use wxr::check::{cleaned, page};
use wxr::model::CommentRef;
use wxr::site::{IndexItem, SiteIndex, clean_url, extract_urls, source_key};

fuzz_target!(|data: &[u8]| {
    // The first line picks a Content-Type; the rest is the body.
    let (head, body) = match data.iter().position(|b| *b == b'\n') {
        Some(n) => (&data[..n], &data[n + 1..]),
        None => (&data[..0], data),
    };
    let ct = String::from_utf8_lossy(head);
    for truncated in [false, true] {
        let p = page::read(body, Some(&ct), "http://source.example/a/b?c#d", truncated);
        let _ = p.links.len();
    }
    let text = String::from_utf8_lossy(body);
    let mut index = SiteIndex::new(
        Some("https://blog.example"),
        Some("https://blog.example/sub"),
        None,
        &[text.to_string()],
    );
    index.add_item(IndexItem {
        id: Some(12),
        kind: "post".into(),
        status: "publish".into(),
        slug: Some(text.chars().take(40).collect()),
        link: Some(format!(
            "https://blog.example/sub/{}",
            text.chars().take(60).collect::<String>()
        )),
        guid: Some("http://blog.example/?p=12".into()),
        date: Some("2010-03-22T08:30:00".into()),
        old_slugs: vec![text.chars().skip(40).take(40).collect()],
        ..IndexItem::default()
    });
    for u in extract_urls(&text)
        .into_iter()
        .chain([text.to_string(), clean_url(&text)])
    {
        let _ = index.resolve(&u, Some("https://blog.example/sub/x/"));
        let _ = index.is_self_url(&u);
        let _ = source_key(&u);
        let _ = index.attachment(&u);
    }
    let delete: BTreeSet<CommentRef> = [(Some(12), 1), (Some(12), 2), (None, 3), (Some(7), 12)]
        .into_iter()
        .map(|(item, comment)| CommentRef { item, comment })
        .collect();
    let mut out = Vec::new();
    let _ = cleaned::clean(body, &mut out, &delete);
});
