//! Transforms of post bodies, in WordPress's own order of content filters,
//! before HTML becomes Markdown: block delimiters ([`blocks`]) and
//! shortcodes ([`shortcodes`]); wpautop joins them.

pub mod autop;
pub mod blocks;
pub mod php;
pub mod shortcodes;
pub mod slug;
