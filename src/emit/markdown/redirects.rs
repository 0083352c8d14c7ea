//! Redirect files from every old URL of the site to its new one: Netlify
//! `_redirects`, nginx rules, Apache `.htaccess`, CSV.
//!
//! The old URLs come from the export (`<link>`, `_wp_old_slug`), the new
//! ones from its slugs: any text at all, which must never become a
//! directive of the server that reads the file. So every redirect is
//! checked once ([`Rules::of`]) and written in the syntax of each file:
//!
//! * An old path is percent-decoded into what the servers compare (nginx
//!   and Apache match the decoded path; a `%0a` is a newline). An old URL
//!   is left out, and listed in the report with the reason, when it has a
//!   control character (raw or encoded), does not start with `/`, has a `.`
//!   or `..` segment (servers resolve them before matching), is not UTF-8
//!   once decoded, has a query that is not `key=value` pairs of URL
//!   characters (RFC 3986, `%` only before two hex digits). An old path
//!   with a character Windows refuses in a folder name is in the redirect
//!   files only, not an alias page ([`has_alias_page`]). The plan also
//!   leaves out an old URL that already leads to another new URL (nginx
//!   refuses two `location`s of one path) or is a new URL, so that the
//!   aliases of the front matter and the redirect files agree.
//!   One that leads to itself is not written at all.
//! * Paths are written percent-encoded, every byte but ASCII letters,
//!   digits and `-._~/` as `%XX`: the new URL everywhere, and the old path
//!   in `_redirects` and the CSV.
//! * Netlify: `old new 301`; with a query, `path key=value… new 301!`,
//!   each key and value percent-encoded (no `:placeholder`, no `*`).
//! * nginx: `location = "decoded path" { return 301 "new"; }`, a quoted
//!   string with `"` and `\` escaped; a query is matched, on any path, by
//!   `if ($args ~ "^…$")`, the query as sent with every byte but ASCII
//!   letters, digits and `-_=&/` written `\xHH` (a regular expression
//!   takes no variables, where a `$` in `if ($args = "…")` would be one).
//! * Apache: the patterns of `RewriteRule` (the decoded path, without its
//!   leading `/`; its trailing one optional, unless the new URL is the old
//!   path with or without it, which would loop) and of
//!   `RewriteCond %{QUERY_STRING}` (the query as sent), with every byte
//!   but ASCII letters, digits and `-_/` (and `=&` in the query) written
//!   `\xHH` (`.` as `\.`): no space, quote or backslash reaches the
//!   parser. The target has its `%` written `\%` (else `%2` is a
//!   back-reference) and the `NE` flag (else it is encoded twice); a
//!   rule of a query has `QSD`, so that the old query is not sent on
//!   (a `?` ending the target would come after its fragment).
//! * A new URL may have a fragment (a term's anchor on the theme's list
//!   of terms, letters, digits and `-`), written after it but in
//!   `_redirects`, where a `#` starts a comment: there the page itself.
//! * CSV: the old path percent-encoded and its query as sent, the new URL
//!   percent-encoded, quoted when a field holds `,` or `"`.

use super::plan::Plan;
use super::{Redirects, Ssg};
use std::fmt::Write as _;

/// One redirect, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Rule {
    /// The old path, percent-decoded: what the servers compare.
    path: String,
    /// The old query as sent: `key=value` pairs of URL characters.
    query: Option<String>,
    /// The new URL, percent-encoded.
    new: String,
    /// A place on the new page (a term's anchor on the list of terms),
    /// of letters, digits and `-` only.
    fragment: Option<String>,
}

impl Rule {
    /// Where the rule leads: the new URL and its fragment.
    pub(super) fn target(&self) -> String {
        match &self.fragment {
            Some(f) => format!("{}#{f}", self.new),
            None => self.new.clone(),
        }
    }
}

/// The redirects of a site.
pub(super) struct Rules {
    rules: Vec<Rule>,
}

impl Rules {
    /// The redirects from every old URL of `plan` (aliases, query forms)
    /// to its item's new URL, in plan order, then those of the old site's
    /// archives. The plan has left out the old URLs that [`check`] refuses
    /// and those that lead elsewhere already, as the archives have.
    pub(super) fn of(plan: &Plan, archives: &[Rule]) -> Rules {
        let rules = plan
            .decisions
            .iter()
            .flatten()
            .flat_map(|p| {
                p.aliases
                    .iter()
                    .chain(&p.query_urls)
                    .filter_map(|old| check(old, &p.url).ok().flatten())
            })
            .chain(archives.iter().cloned())
            .collect();
        Rules { rules }
    }

    /// The redirect file of `kind`: its path in the site, and its text.
    pub(super) fn file(&self, kind: Redirects, ssg: Ssg) -> (String, String) {
        let static_dir = ssg.static_dir();
        let mut text = String::new();
        let name = match kind {
            Redirects::Netlify => {
                for r in &self.rules {
                    let path = encode_path(&r.path);
                    // The page itself: Netlify reads a `#` as a comment.
                    let _ = match &r.query {
                        Some(q) => writeln!(text, "{path} {} {} 301!", netlify_query(q), r.new),
                        None => writeln!(text, "{path} {} 301", r.new),
                    };
                }
                format!("{static_dir}_redirects")
            }
            Redirects::Nginx => {
                for r in &self.rules {
                    let new = nginx_string(&r.target());
                    let _ = match &r.query {
                        Some(q) => writeln!(
                            text,
                            "if ($args ~ \"^{}$\") {{ return 301 {new}; }}",
                            regex_bytes(q, "-_=&/")
                        ),
                        None => writeln!(text, "location = {} {{ return 301 {new}; }}", nginx_string(&r.path)),
                    };
                }
                "redirects.nginx.conf".to_string()
            }
            Redirects::Apache => {
                text.push_str("RewriteEngine On\n");
                for r in &self.rules {
                    let new = r.target().replace('%', "\\%");
                    let path = r.path.strip_prefix('/').unwrap_or(&r.path);
                    let _ = match &r.query {
                        Some(q) => writeln!(
                            text,
                            "RewriteCond %{{QUERY_STRING}} ^{}$\nRewriteRule ^{}$ {new} [R=301,NE,L,QSD]",
                            regex_bytes(q, "-_=&/"),
                            regex_bytes(path, "-_/")
                        ),
                        None => {
                            // The old path with or without its trailing
                            // slash, unless that would match the new URL
                            // too: then a loop, `/a` → `/a/` → `/a/`.
                            let bare = path.trim_end_matches('/');
                            let (pattern, slash) = if encode_path(bare) == r.new.trim_matches('/') {
                                (path, "")
                            } else {
                                (bare, "/?")
                            };
                            writeln!(
                                text,
                                "RewriteRule ^{}{slash}$ {new} [R=301,NE,L]",
                                regex_bytes(pattern, "-_/")
                            )
                        }
                    };
                }
                format!("{static_dir}.htaccess")
            }
            Redirects::Csv => {
                text.push_str("old,new\n");
                for r in &self.rules {
                    let mut old = encode_path(&r.path);
                    if let Some(q) = &r.query {
                        old.push('?');
                        old.push_str(q);
                    }
                    let _ = writeln!(text, "{},{}", csv_field(&old), csv_field(&r.target()));
                }
                "redirects.csv".to_string()
            }
        };
        (name, text)
    }
}

/// `url` percent-decoded, as the servers compare paths (bytes that are
/// not UTF-8 replaced).
pub(super) fn decoded(url: &str) -> String {
    String::from_utf8_lossy(&percent_decode(url)).into_owned()
}

/// The redirect from `old` (a path, maybe with a query, as the plan has
/// it) to `new` (a path of the new site, not encoded); `None` when it
/// leads to itself, an error (the reason) when it is left out.
pub(super) fn check(old: &str, new: &str) -> Result<Option<Rule>, &'static str> {
    check_to(old, new, None)
}

/// [`check`], to a place of the new page (`fragment`, an anchor of
/// letters, digits and `-`).
pub(super) fn check_to(old: &str, new: &str, fragment: Option<&str>) -> Result<Option<Rule>, &'static str> {
    const CONTROL: &str = "a control character (newline, tab…) in the old URL";
    if old.chars().any(char::is_control) {
        return Err(CONTROL);
    }
    let (path, query) = match old.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (old, None),
    };
    if !path.starts_with('/') {
        return Err("the old URL is not a path (no leading /)");
    }
    let Ok(path) = String::from_utf8(percent_decode(path)) else {
        return Err("the old path is not UTF-8 once percent-decoded");
    };
    if path.chars().any(char::is_control) {
        return Err(CONTROL);
    }
    if path.split('/').any(|s| s == "." || s == "..") {
        return Err("a . or .. segment in the old path (servers resolve them before matching)");
    }
    if let Some(q) = query
        && !query_form(q)
    {
        return Err("the old query is not key=value pairs of URL characters");
    }
    let new = encode_path(new);
    if query.is_none() && fragment.is_none() && encode_path(&path) == new {
        return Ok(None);
    }
    Ok(Some(Rule {
        path,
        query: query.map(str::to_string),
        new,
        fragment: fragment.map(|f| percent_encode(f.as_bytes(), |b| b.is_ascii_alphanumeric() || b == b'-')),
    }))
}

/// What Windows refuses in a file or folder name, but `/`.
const UNPORTABLE: [char; 8] = ['"', '*', ':', '<', '>', '?', '\\', '|'];

/// Whether the alias page of `old` (a path that [`check`] keeps) can be
/// written: the generators write it in the folder of the decoded path,
/// which must be a name every file system takes (a site must check out
/// on Windows too): no `" * : < > ? \ |`, no name ending in `.` or space.
pub(super) fn has_alias_page(old: &str) -> bool {
    let path = decoded(old);
    !path.contains(UNPORTABLE) && !path.split('/').any(|s| s.ends_with(['.', ' ']))
}

/// `s` with every `%XX` (two hex digits) decoded; any other `%` is kept.
fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |j: usize| b.get(j).and_then(|c| (*c as char).to_digit(16));
        match (b[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Bytes written as they are in a URL path: `%XX` for every other one.
fn path_safe(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~/".contains(&b)
}

/// `s` percent-encoded: every byte but ASCII letters, digits and `-._~/`.
pub(super) fn encode_path(s: &str) -> String {
    percent_encode(s.as_bytes(), path_safe)
}

fn percent_encode(bytes: &[u8], safe: fn(u8) -> bool) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if safe(b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Whether `q` is a query of `key=value` pairs joined by `&`, each key
/// not empty, of the characters RFC 3986 allows in a query, `%` only
/// before two hex digits.
fn query_form(q: &str) -> bool {
    let b = q.as_bytes();
    let chars_ok = b.iter().enumerate().all(|(i, &c)| match c {
        b'%' => b.get(i + 1..i + 3).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)),
        c => c.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?".contains(&c),
    });
    chars_ok
        && q.split('&')
            .all(|pair| pair.split_once('=').is_some_and(|(k, _)| !k.is_empty()))
}

/// The query of a Netlify rule: `key=value` fields, each side
/// percent-encoded from its decoded bytes (letters, digits and `-._~`).
fn netlify_query(q: &str) -> String {
    let enc = |s: &str| percent_encode(&percent_decode(s), |b| b != b'/' && path_safe(b));
    q.split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            format!("{}={}", enc(k), enc(v))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `s` as an nginx quoted string: `"` and `\` escaped.
fn nginx_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// `s` as a regular expression matching its bytes: ASCII letters, digits
/// and the bytes of `plain` as they are, `.` as `\.`, every other byte as
/// `\xHH` (no space, quote, backslash pair or metacharacter is left for
/// the server's parser).
fn regex_bytes(s: &str, plain: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || plain.as_bytes().contains(&b) {
            out.push(b as char);
        } else if b == b'.' {
            out.push_str("\\.");
        } else {
            let _ = write!(out, "\\x{b:02X}");
        }
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_paths_are_decoded_and_new_urls_encoded() {
        let r = check("/caf%c3%a9/a%20b/", "/posts/new $slug {x};/").unwrap().unwrap();
        assert_eq!(r.path, "/café/a b/");
        assert_eq!(r.new, "/posts/new%20%24slug%20%7Bx%7D%3B/");
        assert_eq!(encode_path(&r.path), "/caf%C3%A9/a%20b/");
        // A `%` that starts no escape is a `%`.
        assert_eq!(check("/100%/", "/x/").unwrap().unwrap().path, "/100%/");
        assert_eq!(encode_path("/100%/\"'\\#?;$"), "/100%25/%22%27%5C%23%3F%3B%24");
    }

    #[test]
    fn hostile_old_urls_are_left_out() {
        for old in [
            "/c/\nAddType application/x-httpd-php jpg",
            "/c/\r",
            "/c/\t/",
            "/g/%0aAddType/",
            "/g/%00/",
            "/g/%7f/",
            "/g/%c2%85/",
        ] {
            assert!(check(old, "/x/").unwrap_err().contains("control"), "{old:?}");
        }
        for old in ["/f/../../etc/passwd", "/a/./b/", "/a/%2e%2e/b/", "/.."] {
            assert!(check(old, "/x/").unwrap_err().contains(".."), "{old:?}");
        }
        // Kept in the redirect files, but no alias page.
        for old in [
            "/2010/05/\"><script>alert(1)</script>/",
            "/2010/05/javascript:alert(1)",
            "/a%5Cb/",
            "/a%3Fb/",
            "/a|b/",
            "/a*/",
            "/dot./",
            "/space /b/",
        ] {
            assert!(check(old, "/x/").unwrap().is_some(), "{old:?}");
            assert!(!has_alias_page(old), "{old:?}");
        }
        assert!(has_alias_page("/it's a (b)/caf%C3%A9/"));
        assert!(check("x/y/", "/x/").unwrap_err().contains("not a path"));
        assert!(check("", "/x/").unwrap_err().contains("not a path"));
        assert!(check("/a%ff/", "/x/").unwrap_err().contains("UTF-8"));
        for q in [
            "p=7\"", "p=1 2", "p=1{", "p", "=1", "p=1&&q=2", "p=%zz", "p=%4", "p=1\\",
        ] {
            assert!(check(&format!("/?{q}"), "/x/").unwrap_err().contains("query"), "{q:?}");
        }
        for q in ["p=8$host'x", "a=1&b=", "a=b=c", "s=%22x%22", "u=http://h/p?x;y"] {
            assert!(check(&format!("/?{q}"), "/x/").unwrap().is_some(), "{q:?}");
        }
    }

    #[test]
    fn a_redirect_to_itself_is_not_written() {
        assert_eq!(check("/posts/caf%C3%A9/", "/posts/café/"), Ok(None));
        assert_eq!(check("/posts/caf%c3%a9/", "/posts/café/"), Ok(None));
        assert!(check("/posts/caf%C3%A9/?p=1", "/posts/café/").unwrap().is_some());
    }

    #[test]
    fn an_old_url_is_written_once_and_leads_where_it_first_did() {
        let post = |id: i64, slug: &str, link: &str| crate::site::IndexItem {
            id: Some(id),
            kind: "post".into(),
            status: "publish".into(),
            slug: Some(slug.into()),
            link: Some(link.into()),
            ..Default::default()
        };
        let entries = [
            post(1, "first", "http://blog.example/caf%c3%a9/"),
            post(2, "second", "http://blog.example/caf%C3%A9/"),
            post(3, "third", "http://blog.example/café/"),
        ];
        let plan = Plan::make(
            &entries,
            &super::super::plan::Home::ROOT,
            &super::super::plan::Policy::default(),
            Ssg::named("hugo").unwrap(),
        );
        let rules = Rules::of(&plan, &[]);
        let paths: Vec<(&str, &str)> = rules.rules.iter().map(|r| (r.path.as_str(), r.new.as_str())).collect();
        assert_eq!(
            paths.iter().filter(|(p, _)| *p == "/café/").collect::<Vec<_>>(),
            [&("/café/", "/posts/first/")]
        );
        let dropped: Vec<(&str, &str)> = plan
            .dropped
            .iter()
            .map(|d| (d.old.as_str(), d.reason.as_str()))
            .collect();
        assert_eq!(
            dropped,
            [
                ("/caf%C3%A9/", "already redirected to /posts/first/"),
                ("/café/", "already redirected to /posts/first/"),
            ]
        );
    }

    #[test]
    fn an_apache_rule_does_not_match_its_own_target() {
        let apache = |old: &str, new: &str| {
            let rules = Rules {
                rules: vec![check(old, new).unwrap().unwrap()],
            };
            rules.file(Redirects::Apache, Ssg::named("hugo").unwrap()).1
        };
        assert!(apache("/posts/a", "/posts/a/").contains("RewriteRule ^posts/a$ /posts/a/ "));
        assert!(apache("/posts/a/", "/posts/a").contains("RewriteRule ^posts/a/$ /posts/a "));
        assert!(apache("/caf%C3%A9", "/café/").contains("RewriteRule ^caf\\xC3\\xA9$ "));
        assert!(apache("/2010/a/", "/posts/a/").contains("RewriteRule ^2010/a/?$ "));
    }

    #[test]
    fn syntax_of_each_file() {
        let rules = Rules {
            rules: vec![
                check("/it's%20\"$q\"%20{x};\\/", "/n $x/").unwrap().unwrap(),
                check("/?p=8$host'x&b=%2F", "/n/").unwrap().unwrap(),
            ],
        };
        let ssg = Ssg::named("hugo").unwrap();
        let file = |k| rules.file(k, ssg);
        assert_eq!(
            file(Redirects::Netlify),
            (
                "static/_redirects".to_string(),
                "/it%27s%20%22%24q%22%20%7Bx%7D%3B%5C/ /n%20%24x/ 301\n/ p=8%24host%27x b=%2F /n/ 301!\n".to_string()
            )
        );
        assert_eq!(
            file(Redirects::Nginx).1,
            "location = \"/it's \\\"$q\\\" {x};\\\\/\" { return 301 \"/n%20%24x/\"; }\n\
             if ($args ~ \"^p=8\\x24host\\x27x&b=\\x252F$\") { return 301 \"/n/\"; }\n"
        );
        assert_eq!(
            file(Redirects::Apache).1,
            "RewriteEngine On\n\
             RewriteRule ^it\\x27s\\x20\\x22\\x24q\\x22\\x20\\x7Bx\\x7D\\x3B\\x5C/?$ /n\\%20\\%24x/ [R=301,NE,L]\n\
             RewriteCond %{QUERY_STRING} ^p=8\\x24host\\x27x&b=\\x252F$\n\
             RewriteRule ^$ /n/ [R=301,NE,L,QSD]\n"
        );
        assert_eq!(
            file(Redirects::Csv).1,
            "old,new\n/it%27s%20%22%24q%22%20%7Bx%7D%3B%5C/,/n%20%24x/\n/?p=8$host'x&b=%2F,/n/\n"
        );
    }
}
