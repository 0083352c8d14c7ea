//! Transforms of post bodies, in WordPress's own order of content filters,
//! and then out of HTML: block delimiters ([`blocks`]) and shortcodes
//! ([`shortcodes`]), joined by wpautop ([`autop`]); the filtered HTML then
//! becomes Markdown ([`html`]). Beside them, PHP-serialized values
//! ([`php`]), slugs ([`slug`]) and the sanitizer of untrusted comment
//! HTML and URLs ([`sanitize`]).

pub mod autop;
pub mod blocks;
pub mod html;
pub mod php;
pub mod sanitize;
pub mod shortcodes;
pub mod slug;
