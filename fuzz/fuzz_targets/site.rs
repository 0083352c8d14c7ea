//! A small export made of fuzzer text (post types, slugs, titles, links,
//! old slugs, commenters' names, URLs and text, bodies) through the
//! Markdown site writer, for every generator, comments inline, as data or
//! none, with every redirect file. Then what it wrote is checked: every
//! file is inside the site directory, no name holds a control character,
//! every front matter parses in its syntax and ends where it should (it
//! still holds `wp_id`), and no redirect file has a line a server would
//! read as something else than one redirect (`wxr_fuzz::run`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| wxr_fuzz::run(data, 2));
