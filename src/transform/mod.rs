//! Transforms of post bodies, in WordPress's own order of content filters,
//! and then out of HTML: block delimiters ([`blocks`]) and shortcodes
//! ([`shortcodes`]), joined by wpautop ([`autop`]); the filtered HTML then
//! becomes Markdown ([`html`]). Beside them, PHP-serialized values
//! ([`php`]) and slugs ([`slug`]).

pub mod autop;
pub mod blocks;
pub mod html;
pub mod php;
pub mod shortcodes;
pub mod slug;
