//! Any text as a post body through WordPress's filters and the HTML →
//! Markdown converter, and through the slug functions: no panic, no hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wxr::emit::markdown::body::{Context, convert};
use wxr::transform::shortcodes::{Attachment, Media};
use wxr::transform::slug::{ascii_slug, decode_slug, safe_component, sanitize_title};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let attachment = |id: i64| {
        (id % 2 == 0).then(|| Attachment {
            url: format!("https://s.example/{id}.jpg"),
            ..Attachment::default()
        })
    };
    let link = |href: &str| href.starts_with("https://old.example/").then(|| "/new/".to_string());
    let cx = Context {
        media: Media {
            attachment: &attachment,
            attached: &[2, 3, 4, 2],
        },
        reusable: &|id| (id == 1).then(|| "<!-- wp:block {\"ref\":1} /--><p>x</p>".to_string()),
        link: &link,
        more: "<!--more-->",
        footnotes: Some(r#"[{"id":"a","content":"A <em>note</em>"}]"#),
    };
    let body = convert(&text, &cx);
    let _ = body.markdown.len();
    let slug = sanitize_title(&text);
    let _ = safe_component(&decode_slug(&slug), 120, "x");
    let _ = ascii_slug(&text);
    let _ = wxr::transform::php::unserialize(&text);
});
