//! Markdown output for static site generators. So far: the HTML → Markdown
//! converter of post bodies ([`html`]); the site writer (files, front
//! matter, paths, redirects) builds on it.

pub mod html;
