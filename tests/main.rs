//! Integration tests: one binary, one module per concern.
//!
//! * `golden`: every fixture in `fixtures/read/` through `wxr convert`,
//!   compared with its expected output (`WXR_BLESS=1` rewrites them);
//! * `check`: `wxr check` on its fixtures, offline and against local servers;
//! * `cli`: exit codes, standard input, gzip, atomic output (outputs that
//!   are inputs refused, pipes written in place, interrupted runs), `info`;
//! * `markdown`: the Markdown site writer, as whole trees per generator;
//! * `media`: `--download-media` against a local HTTP server;
//! * `cases`: the case files of `fixtures/transform/` for wpautop,
//!   shortcode expansion, HTML → Markdown (`WXR_BLESS=1` rewrites them)
//!   and WordPress's slugs;
//! * `sql`: SQL scripts and SQLite databases, loaded into SQLite and (with
//!   `tests/with-databases.sh`) PostgreSQL and MariaDB;
//! * `hostile`: nesting thousands of levels deep (elements, reply chains)
//!   through every format, nothing lost and the flattening reported;
//! * `hostile_site`: `fixtures/hostile/site.xml` through every format and
//!   generator, every built page inert and nothing private in it;
//! * `oracle`: every published post and page as the real WordPress core
//!   renders it (`php-cli`), against wxr's Markdown rendered as the
//!   generators render it: the same blocks, text, links, images, players;
//! * `progress`: the progress bar on a pseudo-terminal, naming its pass;
//! * `redirects`: the redirect files of a hostile export, read by the real
//!   nginx and Apache (and parsed, for Netlify's);
//! * `rerun`: a site written again: edits kept, stale files pruned only
//!   when asked, stopped runs finished by the next;
//! * `ssg`: the written sites built with the real generators, every post,
//!   page and alias a page of the result; `ssg_text`: the template and
//!   shortcode syntax of `fixtures/hostile/` shown as text in those sites;
//! * `browser`: the French post's built Hugo page, with a hostile reply,
//!   loaded by headless Chromium: thread and pings visible, nothing run;
//! * `corpus`: the real exports of `../shared/corpus` (when `WXR_CORPUS`
//!   is set), with counts checked against the raw files.
//!
//! `server` is the mock HTTP server of `check` and `media`; `util` runs the
//! binary and compares text.

mod browser;
mod cases;
mod check;
mod cli;
mod corpus;
mod golden;
mod hostile;
mod hostile_site;
mod markdown;
mod media;
mod oracle;
mod progress;
mod redirects;
mod rerun;
mod roundtrip;
mod server;
mod sql;
mod ssg;
mod ssg_text;
mod util;
