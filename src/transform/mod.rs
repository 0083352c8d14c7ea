//! Transforms of post bodies, in WordPress's own order of content filters,
//! before HTML becomes Markdown: shortcodes ([`shortcodes`]) so far; block
//! delimiters and wpautop join them.

pub mod shortcodes;
