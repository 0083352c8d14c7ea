//! WordPress shortcodes: finding them the way `get_shortcode_regex()` does,
//! parsing their attributes the way `shortcode_parse_atts()` does, and
//! expanding the ones a static site can show into plain HTML.
//!
//! Expanded: `[caption]` (a figure with its caption, as
//! `img_caption_shortcode()`), `[gallery]` (the images of the listed
//! attachments), `[embed]`, `[youtube]`, `[vimeo]` and bare oEmbed URLs
//! (an iframe, or a link for the other providers), `[audio]`, `[video]`
//! (the media element), `[code]` and `[sourcecode]` (a `<pre><code>` with
//! the language). Everything else is kept exactly as written, and counted
//! in [`Expanded::unknown`] (also when nested in another shortcode, but not
//! in the content of a code shortcode, which is code): a site generator may
//! have its own handler, and nothing is silently lost. `[[name]]` is
//! WordPress's escape for a literal `[name]`.
//!
//! WordPress expands them in two rounds, and so does this module:
//!
//! 1. [`expand_before_autop`], before `wpautop()`: the code shortcodes
//!    (SyntaxHighlighter Evolved does them at `the_content` priority 7, so
//!    that wpautop never touches the code), then `[embed]` and bare URLs
//!    alone on their line or in their paragraph (`WP_Embed::run_shortcode`
//!    and `WP_Embed::autoembed`, priority 8). The code blocks are left as
//!    placeholders (a `<pre>` that wpautop keeps as is) until the end.
//! 2. [`expand_after_autop`], after wpautop and `shortcode_unautop()`
//!    (priority 11, `do_shortcode()`): all the others; then
//!    [`Protected::restore`] puts the code blocks back.
//!
//! [`expand`] does both rounds on a text at once.

use memchr::memmem;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::LazyLock;

/// When a handled shortcode is expanded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Round {
    /// Before wpautop, as a placeholder that wpautop cannot touch (the
    /// code shortcodes: their content is code, never read for shortcodes).
    Code,
    /// Before wpautop, in place (`[embed]`).
    Early,
    /// After wpautop (`do_shortcode()`).
    Late,
}

/// A shortcode this module expands: one entry of [`HANDLERS`].
struct Handler {
    /// The names it answers to.
    names: &'static [&'static str],
    /// When it is expanded.
    round: Round,
    /// Its HTML.
    expand: fn(&Call<'_>, &mut Found) -> String,
    /// The attributes that name a media file (the candidates of
    /// `--download-media`).
    media: &'static [&'static str],
    /// Only its enclosing form is it (`[php]…[/php]`): written alone,
    /// it is prose between brackets, kept as written.
    enclosing: bool,
}

/// The shortcodes this module expands. A new one is an entry here and its
/// handler: the name lists ([`handled`], [`media_attributes`]) and the
/// dispatch come from this table.
static HANDLERS: &[Handler] = &[
    Handler {
        names: &["caption", "wp_caption"],
        round: Round::Late,
        expand: |c, _| caption(&c.atts, c.content),
        media: &[],
        enclosing: false,
    },
    Handler {
        names: &["gallery"],
        round: Round::Late,
        expand: |c, found| gallery(&c.atts, c.media, found),
        media: &[],
        enclosing: false,
    },
    Handler {
        names: &["embed"],
        round: Round::Early,
        expand: |c, _| embed(c.content.trim(), &c.atts, c.placement()),
        media: &[],
        enclosing: false,
    },
    Handler {
        names: &["youtube", "vimeo"],
        round: Round::Late,
        expand: player,
        media: &[],
        enclosing: false,
    },
    Handler {
        names: &["audio"],
        round: Round::Late,
        expand: media,
        media: &["src", "mp3", "m4a", "ogg", "wav", "wma", "poster"],
        enclosing: false,
    },
    Handler {
        names: &["video"],
        round: Round::Late,
        expand: media,
        media: &["src", "mp4", "m4v", "webm", "ogv", "wmv", "flv", "poster"],
        enclosing: false,
    },
    Handler {
        names: &["code", "sourcecode"],
        round: Round::Code,
        expand: |c, _| code(&c.atts, c.content, None),
        media: &[],
        enclosing: false,
    },
    // SyntaxHighlighter Evolved's shortcode per language and CodeColorer's
    // `[cc]`, `[cce]` (and `[cc_LANG]`, see `handler`): enclosing only.
    Handler {
        names: LANGUAGE_SHORTCODES,
        round: Round::Code,
        expand: |c, _| code(&c.atts, c.content, language_of(c.name)),
        media: &[],
        enclosing: true,
    },
];

/// The code shortcodes named by their language (SyntaxHighlighter
/// Evolved's brush aliases) and CodeColorer's block ones.
const LANGUAGE_SHORTCODES: &[&str] = &[
    "as3",
    "actionscript3",
    "bash",
    "shell",
    "coldfusion",
    "cf",
    "clojure",
    "clj",
    "cpp",
    "c",
    "c-sharp",
    "csharp",
    "css",
    "delphi",
    "pas",
    "pascal",
    "diff",
    "patch",
    "erl",
    "erlang",
    "fsharp",
    "go",
    "golang",
    "groovy",
    "haskell",
    "java",
    "jfx",
    "javafx",
    "js",
    "jscript",
    "javascript",
    "latex",
    "tex",
    "matlab",
    "matlabkey",
    "objc",
    "obj-c",
    "perl",
    "pl",
    "php",
    "plain",
    "text",
    "powershell",
    "ps",
    "posh",
    "py",
    "python",
    "r",
    "splus",
    "rails",
    "rb",
    "ror",
    "ruby",
    "scala",
    "sql",
    "swift",
    "vb",
    "vbnet",
    "xml",
    "xhtml",
    "xslt",
    "html",
    "yaml",
    "yml",
    "cc",
    "cce",
];

/// The language a language shortcode names (`[php]`, `[cc_php]`); none
/// for CodeColorer's `[cc]` and `[cce]`, which take a `lang` attribute.
fn language_of(name: &str) -> Option<&str> {
    let name = name.strip_prefix("cc_").unwrap_or(name);
    Some(match name {
        "cc" | "cce" => return None,
        "as3" | "actionscript3" => "actionscript",
        "shell" => "bash",
        "cf" => "coldfusion",
        "clj" => "clojure",
        "c-sharp" => "csharp",
        "pas" | "pascal" => "delphi",
        "patch" => "diff",
        "erl" => "erlang",
        "golang" => "go",
        "jfx" => "javafx",
        "js" | "jscript" => "javascript",
        "tex" => "latex",
        "matlabkey" => "matlab",
        "obj-c" => "objc",
        "pl" => "perl",
        "plain" => "text",
        "ps" | "posh" => "powershell",
        "py" => "python",
        "splus" => "r",
        "rails" | "rb" | "ror" => "ruby",
        "vbnet" => "vb",
        "xhtml" | "xslt" => "xml",
        "yml" => "yaml",
        other => other,
    })
}

/// The entry of [`HANDLERS`] for `name`.
fn handler(name: &str) -> Option<&'static Handler> {
    let name = match name.strip_prefix("cc_") {
        // CodeColorer's `[cc_php]`: `[cc]` with its language.
        Some(lang) if !lang.is_empty() && lang.bytes().all(|b| b.is_ascii_alphanumeric()) => "cc",
        _ => name,
    };
    HANDLERS.iter().find(|h| h.names.contains(&name))
}

/// Whether a shortcode is a language shortcode written without its
/// content (`[php]` alone is prose between brackets, not code).
fn is_bare_language(sc: &Shortcode<'_>) -> bool {
    sc.content.is_none() && handler(sc.name).is_some_and(|h| h.enclosing)
}

/// Whether `name` is a shortcode this module expands.
fn is_handled(name: &str) -> bool {
    handler(name).is_some()
}

/// Whether `name` is a code shortcode, whose content is never read for
/// shortcodes.
fn is_code(name: &str) -> bool {
    handler(name).is_some_and(|h| h.round == Round::Code)
}

/// The names of the shortcodes this module expands (for
/// [`crate::transform::autop::shortcode_unautop`]), in table order.
pub fn handled() -> &'static [&'static str] {
    static NAMES: LazyLock<Vec<&'static str>> =
        LazyLock::new(|| HANDLERS.iter().flat_map(|h| h.names.iter().copied()).collect());
    &NAMES
}

/// The attributes of the handled shortcodes that name a media file
/// (`[audio mp3="…"]`, `[video poster="…"]`…), without duplicates, in
/// table order.
pub fn media_attributes() -> &'static [&'static str] {
    static ATTRS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        let mut attrs: Vec<&'static str> = Vec::new();
        for a in HANDLERS.iter().flat_map(|h| h.media.iter().copied()) {
            if !attrs.contains(&a) {
                attrs.push(a);
            }
        }
        attrs
    });
    &ATTRS
}

/// What a handler gets: one shortcode, where it stands, and the export's
/// attachments (none before wpautop). It also gets the list of the
/// attachment ids it could not find.
struct Call<'a> {
    /// The entry that handles it.
    handler: &'static Handler,
    /// Its name, as written.
    name: &'a str,
    /// Its attributes ([`parse_atts`]).
    atts: BTreeMap<String, String>,
    /// Its content (empty when self-closing).
    content: &'a str,
    /// The text it is in, and its range there.
    text: &'a str,
    start: usize,
    end: usize,
    /// The export's media.
    media: &'a Media<'a>,
}

impl<'a> Call<'a> {
    /// The call of `handler` for `sc`, found in `text`.
    fn new(handler: &'static Handler, sc: &Shortcode<'a>, text: &'a str, media: &'a Media<'a>) -> Call<'a> {
        Call {
            handler,
            name: sc.name,
            atts: parse_atts(sc.attrs),
            content: sc.content.unwrap_or(""),
            text,
            start: sc.start,
            end: sc.end,
            media,
        }
    }

    /// Whether the shortcode is alone on its line (measured only by the
    /// handlers that need it: it reads the line).
    fn placement(&self) -> Placement {
        placement(self.text, self.start, self.end)
    }
}

/// One shortcode found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortcode<'a> {
    /// Byte range of the whole shortcode, enclosing tag included.
    pub start: usize,
    /// End of the range (exclusive).
    pub end: usize,
    /// Its name.
    pub name: &'a str,
    /// The text between the name and `]`.
    pub attrs: &'a str,
    /// The content between the opening and the closing tag, if enclosing.
    pub content: Option<&'a str>,
    /// `[[name]]`: an escaped, literal shortcode.
    pub escaped: bool,
}

impl Shortcode<'_> {
    /// `[[name …]` without the closing `]]`: not an escape, WordPress
    /// keeps the extra `[` before what the shortcode gives.
    fn keeps_bracket(&self, text: &str) -> bool {
        !self.escaped && text.as_bytes().get(self.start + 1) == Some(&b'[')
    }
}

/// Finds the shortcodes named by `known` in `text`, left to right, without
/// overlaps, as WordPress's shortcode regex does.
pub fn find<'a>(text: &'a str, known: &dyn Fn(&str) -> bool) -> Vec<Shortcode<'a>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    // Where the next closing tag of a name is (`None`: there is none after
    // the position it was looked for from), so that many unclosed
    // shortcodes of one name do not search the rest of the text each.
    let mut closing: HashMap<&'a str, Option<usize>> = HashMap::new();
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'[', &b[i..]) {
        let start = i + off;
        match parse_at(text, start, known, &mut closing) {
            Some(sc) => {
                i = sc.end;
                out.push(sc);
            }
            None => i = start + 1,
        }
    }
    out
}

/// Parses the shortcode starting at `start` (a `[`), if any.
fn parse_at<'a>(
    text: &'a str,
    start: usize,
    known: &dyn Fn(&str) -> bool,
    closing: &mut HashMap<&'a str, Option<usize>>,
) -> Option<Shortcode<'a>> {
    let b = text.as_bytes();
    let mut p = start + 1;
    let double_open = b.get(p) == Some(&b'[');
    if double_open {
        p += 1;
    }
    let name_start = p;
    while p < b.len() && (b[p].is_ascii_alphanumeric() || b[p] == b'_' || b[p] == b'-') {
        p += 1;
    }
    let name = &text[name_start..p];
    if name.is_empty() || !known(name) {
        return None;
    }
    // Attributes: anything but `]`, and `/` only when not followed by `]`.
    let attrs_start = p;
    let self_closing;
    loop {
        match b.get(p) {
            None | Some(b'[') => return None,
            Some(b']') => {
                self_closing = false;
                break;
            }
            Some(b'/') if b.get(p + 1) == Some(&b']') => {
                self_closing = true;
                break;
            }
            Some(_) => p += 1,
        }
    }
    let attrs = &text[attrs_start..p];
    p += if self_closing { 2 } else { 1 };
    let mut content = None;
    if !self_closing {
        let close_len = name.len() + 3;
        let at = match closing.get(name) {
            Some(Some(at)) if *at >= p => Some(*at),
            Some(None) => None,
            _ => {
                let close = format!("[/{name}]");
                let at = memmem::find(&b[p..], close.as_bytes()).map(|rel| p + rel);
                closing.insert(name, at);
                at
            }
        };
        if let Some(at) = at {
            content = Some(&text[p..at]);
            p = at + close_len;
        }
    }
    let escaped = double_open && b.get(p) == Some(&b']');
    if escaped {
        p += 1;
    }
    Some(Shortcode {
        start,
        end: p,
        name,
        attrs,
        content,
        escaped,
    })
}

/// Attributes of a shortcode: named ones (lower-cased keys) and positional
/// values under keys `"0"`, `"1"`…, as `shortcode_parse_atts()` returns them.
pub fn parse_atts(text: &str) -> BTreeMap<String, String> {
    let text = text.replace(['\u{a0}', '\u{200b}'], " ");
    let mut out = BTreeMap::new();
    let mut positional = 0;
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let name_len = rest
            .bytes()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
            .count();
        let after_name = rest[name_len..].trim_start();
        if name_len > 0 && after_name.starts_with('=') {
            let key = rest[..name_len].to_lowercase();
            let value_part = after_name[1..].trim_start();
            let (value, remaining) = take_value(value_part);
            out.insert(key, strip_slashes(&value));
            rest = remaining.trim_start();
            continue;
        }
        let (value, remaining) = take_value(rest);
        out.insert(positional.to_string(), strip_slashes(&value));
        positional += 1;
        rest = remaining.trim_start();
    }
    out
}

/// A quoted or bare value at the start of `s`, and what follows it.
fn take_value(s: &str) -> (String, &str) {
    for q in ['"', '\''] {
        if let Some(body) = s.strip_prefix(q) {
            return match body.find(q) {
                Some(end) => (body[..end].to_string(), &body[end + 1..]),
                None => (body.to_string(), ""),
            };
        }
    }
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    (s[..end].to_string(), &s[end..])
}

/// PHP's `stripcslashes` for the common escapes.
fn strip_slashes(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(o) => out.push(o),
            None => {}
        }
    }
    out
}

/// An attachment, as `[gallery]` needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attachment {
    /// The file's URL.
    pub url: String,
    /// The image's alternative text.
    pub alt: String,
    /// The caption (the attachment's excerpt).
    pub caption: String,
}

impl Attachment {
    /// What the file is (see [`media_kind`]).
    pub fn kind(&self) -> Option<&'static str> {
        media_kind(&self.url)
    }
}

/// What the file at `url` is, by its extension as WordPress's upload named
/// its MIME type: `image`, `audio`, `video`, or none.
pub fn media_kind(url: &str) -> Option<&'static str> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
    Some(match ext.as_str() {
        "jpg" | "jpeg" | "jpe" | "gif" | "png" | "bmp" | "webp" | "avif" | "svg" | "tif" | "tiff" | "ico" => "image",
        "mp3" | "m4a" | "ogg" | "oga" | "wav" | "flac" | "wma" => "audio",
        "mp4" | "m4v" | "mov" | "webm" | "ogv" | "wmv" | "avi" | "flv" => "video",
        _ => return None,
    })
}

/// The export's media, as the shortcodes see it.
#[derive(Clone, Copy)]
pub struct Media<'a> {
    /// The attachment with this id.
    pub attachment: &'a dyn Fn(i64) -> Option<Attachment>,
    /// The attachments of the post being converted, in the order of
    /// WordPress's gallery (menu order, then id): what `[gallery]` without
    /// `ids`, and `[audio]` or `[video]` without a source, show.
    pub attached: &'a [i64],
}

impl Media<'_> {
    /// No media (a text outside any post, or a test).
    pub const NONE: Media<'static> = Media {
        attachment: &|_| None,
        attached: &[],
    };
}

/// What the handlers met besides their HTML.
#[derive(Debug, Default)]
struct Found {
    /// Gallery ids that are not attachments of the export.
    missing: Vec<i64>,
    /// Galleries that show no image.
    empty_galleries: u64,
}

/// The result of expanding shortcodes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expanded {
    /// The text with the handled shortcodes replaced by HTML.
    pub html: String,
    /// Shortcodes kept as written, by name, with their count.
    pub unknown: BTreeMap<String, u64>,
    /// Gallery ids that are not attachments of the export.
    pub missing_attachments: Vec<i64>,
    /// Galleries that show no image (no ids and no image attached, or
    /// only ids that are not images of the export).
    pub empty_galleries: u64,
}

/// A text after [`expand_before_autop`]: embeds done, code blocks replaced
/// by placeholders that [`Protected::restore`] turns back into the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protected<'a> {
    /// The text, with the placeholders.
    pub html: Cow<'a, str>,
    /// The code blocks, in placeholder order.
    codes: Vec<String>,
    /// The placeholder's attribute, absent from the original text.
    marker: String,
}

impl Protected<'_> {
    /// Puts the code blocks back in place of their placeholders.
    pub fn restore(&self, html: String) -> String {
        if self.codes.is_empty() {
            return html;
        }
        let prefix = format!("<pre {}", self.marker);
        let mut out = String::with_capacity(html.len() + self.codes.iter().map(String::len).sum::<usize>());
        let mut rest = html.as_str();
        while let Some(i) = rest.find(&prefix) {
            let after = &rest[i + prefix.len()..];
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            let code = after[..digits]
                .parse::<usize>()
                .ok()
                .filter(|_| after[digits..].starts_with("></pre>"))
                .and_then(|n| self.codes.get(n));
            match code {
                Some(code) => {
                    out.push_str(&rest[..i]);
                    out.push_str(code);
                    rest = &after[digits + "></pre>".len()..];
                }
                None => {
                    out.push_str(&rest[..i + prefix.len()]);
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// Expands the handled shortcodes of a text (both rounds, without wpautop
/// between them); keeps (and counts) the others.
pub fn expand(text: &str, media: &Media<'_>) -> Expanded {
    let early = expand_before_autop(text);
    let mut out = expand_after_autop(&early.html, media);
    out.html = early.restore(std::mem::take(&mut out.html));
    out
}

/// What WordPress does before `wpautop()`: the code shortcodes become
/// placeholders for their code blocks, then `[embed]` and bare URLs alone
/// on their line or in their paragraph become their embed.
pub fn expand_before_autop(text: &str) -> Protected<'_> {
    // WP-Syntax first: the rounds below read the text with its code blocks.
    if let Cow::Owned(t) = wp_syntax(text) {
        let early = expand_before_autop(&t);
        return Protected {
            html: Cow::Owned(early.html.into_owned()),
            codes: early.codes,
            marker: early.marker,
        };
    }
    let mut out = Protected {
        html: Cow::Borrowed(text),
        codes: Vec::new(),
        marker: String::new(),
    };
    if memchr::memchr(b'[', text.as_bytes()).is_some() {
        let early = |n: &str| handler(n).is_some_and(|h| h.round != Round::Late);
        let found: Vec<_> = find(text, &early)
            .into_iter()
            .filter(|sc| !sc.escaped && !is_bare_language(sc))
            .filter_map(|sc| Some((handler(sc.name)?, sc)))
            .collect();
        if !found.is_empty() {
            let mut marker = String::from("wxr-code-");
            while text.contains(&marker) {
                marker.insert(4, 'x');
            }
            let mut html = String::with_capacity(text.len());
            let mut last = 0;
            for (h, sc) in &found {
                html.push_str(&text[last..sc.start]);
                last = sc.end;
                if sc.keeps_bracket(text) {
                    html.push('[');
                }
                let call = Call::new(h, sc, text, &Media::NONE);
                let expanded = (h.expand)(&call, &mut Found::default());
                if h.round == Round::Code {
                    html.push_str(&format!("<pre {marker}{}></pre>", out.codes.len()));
                    out.codes.push(expanded);
                } else {
                    html.push_str(&expanded);
                }
            }
            html.push_str(&text[last..]);
            out.html = Cow::Owned(html);
            out.marker = marker;
        }
    }
    if let Cow::Owned(s) = autoembed(&out.html) {
        out.html = Cow::Owned(s);
    }
    out
}

/// A WP-Syntax code element: `<pre lang="php">` or `<code lang="php">`,
/// with its other attributes (`line`, `escaped`).
static WP_SYNTAX: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r#"(?i)<(pre|code)(\s[^>]*?\blang\s*=\s*["']?([A-Za-z0-9_+#-]{1,32})["']?[^>]*)>"#)
        .expect("a valid regex")
});

/// What WP-Syntax does before every other filter: the content of a
/// `<pre lang="…">` (or `<code lang="…">`) up to its closing tag is raw
/// code, its `<…>` text, not markup (decoded once when it says
/// `escaped="true"`): written as a code block (or inline code) in its
/// language, its brackets written as references so that no shortcode is
/// read in it. Without a closing tag it is left alone.
fn wp_syntax(text: &str) -> Cow<'_, str> {
    if !text.contains(" lang") && !text.contains("\tlang") {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut last = 0;
    let mut from = 0;
    // The tags with no closing tag left in the text (none after a later
    // opening either): not looked for again, which keeps this linear.
    let mut unclosed: Vec<String> = Vec::new();
    while let Some(c) = WP_SYNTAX.captures_at(text, from) {
        let (whole, tag) = (c.get(0).expect("the match"), c[1].to_ascii_lowercase());
        let close = format!("</{tag}>");
        let body_start = whole.end();
        from = body_start;
        if unclosed.contains(&tag) {
            continue;
        }
        let Some(len) = find_ascii_ci(&text[body_start..], &close) else {
            unclosed.push(tag);
            continue;
        };
        let raw = &text[body_start..body_start + len];
        let escaped = c[2].to_ascii_lowercase().contains("escaped=\"true\"");
        let code = if escaped {
            crate::read::decoded(raw)
        } else {
            raw.to_string()
        };
        let code = esc_html(code.trim_matches(['\r', '\n']))
            .replace('[', "&#91;")
            .replace(']', "&#93;");
        let lang = c[3].to_lowercase();
        out.push_str(&text[last..whole.start()]);
        if tag == "pre" {
            out.push_str(&format!("<pre><code class=\"language-{lang}\">{code}</code></pre>"));
        } else {
            out.push_str(&format!("<code>{code}</code>"));
        }
        last = body_start + len + close.len();
        from = last;
    }
    if last == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// `& < >` written as references.
fn esc_html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The position of `needle` (ASCII) in `hay`, case-insensitively.
fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    hay.as_bytes().windows(n.len()).position(|w| w.eq_ignore_ascii_case(n))
}

/// What `do_shortcode()` does after `wpautop()`: expands the handled
/// shortcodes; keeps (and counts) the others.
pub fn expand_after_autop(text: &str, media: &Media<'_>) -> Expanded {
    let mut out = Expanded::default();
    if memchr::memchr(b'[', text.as_bytes()).is_none() {
        out.html = text.to_string();
        return out;
    }
    let unwrapped = unwrap_layout(text);
    let text = unwrapped.as_ref();
    count_unknown(text, &mut out.unknown);
    let mut html = String::with_capacity(text.len());
    let mut last = 0;
    let mut found = Found::default();
    for sc in find(text, &is_handled) {
        let Some(h) = handler(sc.name).filter(|_| !is_bare_language(&sc)) else {
            continue;
        };
        html.push_str(&text[last..sc.start]);
        last = sc.end;
        if sc.escaped {
            // `[[caption]]` shows `[caption]`.
            html.push_str(&text[sc.start + 1..sc.end - 1]);
            continue;
        }
        if sc.keeps_bracket(text) {
            html.push('[');
        }
        let call = Call::new(h, &sc, text, media);
        html.push_str(&(h.expand)(&call, &mut found));
    }
    out.missing_attachments = found.missing;
    out.empty_galleries = found.empty_galleries;
    html.push_str(&text[last..]);
    out.html = html;
    out
}

/// A page builder's layout tag: Divi's `[et_pb_…]` and WPBakery's
/// `[vc_…]`, opening or closing (their attributes hold no `]`).
static LAYOUT: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"\[/?(?:et_pb_|vc_)[A-Za-z0-9_-]*(?:[\s\u{a0}][^\[\]]*)?/?\]").expect("a valid regex")
});

/// The text without the page builders' layout shortcodes (sections, rows,
/// columns, text modules): what they lay out is their content, which is
/// kept, as the builders show it without their styles. One pass, however
/// deep they nest; `[[vc_row]]` (escaped) shows `[vc_row]`.
fn unwrap_layout(text: &str) -> Cow<'_, str> {
    if !text.contains("[et_pb_") && !text.contains("[vc_") {
        return Cow::Borrowed(text);
    }
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for m in LAYOUT.find_iter(text) {
        let escaped = m.start() > 0 && b[m.start() - 1] == b'[' && b.get(m.end()) == Some(&b']');
        if escaped {
            // Shown as written, without the escape's brackets.
            out.push_str(&text[last..m.start() - 1]);
            out.push_str(m.as_str());
            last = m.end() + 1;
            continue;
        }
        out.push_str(&text[last..m.start()]);
        last = m.end();
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// Counts the unknown shortcodes of `text`, also those nested in another
/// shortcode's content, except in a code shortcode's.
fn count_unknown(text: &str, unknown: &mut BTreeMap<String, u64>) {
    // Deep nesting costs a pass over the content per level: a limit keeps
    // a pathological body linear.
    const MAX_DEPTH: usize = 16;
    let mut stack = vec![(text, 0)];
    while let Some((text, depth)) = stack.pop() {
        for sc in find(text, &looks_like_shortcode_name) {
            if sc.escaped {
                continue;
            }
            let bare = sc.content.is_none() && sc.attrs.trim().is_empty();
            let known = is_handled(sc.name) || is_layout(sc.name) || (bare && is_prose(sc.name));
            if !known && (sc.content.is_some() || sc.attrs.is_empty() || sc.attrs.starts_with(' ')) {
                *unknown.entry(sc.name.to_string()).or_default() += 1;
            }
            if let Some(content) = sc.content
                && !is_code(sc.name)
                && depth < MAX_DEPTH
                && content.contains('[')
            {
                stack.push((content, depth + 1));
            }
        }
    }
}

/// A page builder's layout shortcode (see [`unwrap_layout`]).
fn is_layout(name: &str) -> bool {
    name.starts_with("et_pb_") || name.starts_with("vc_")
}

/// Whether a bare `[name]` (no attribute, no closing tag) reads as prose
/// between brackets rather than a shortcode: a capitalized word
/// (`[Chorus]`, `[Refrain]`; shortcode names are lower case) or a
/// character range (`[a-z]`, `[0-9]`).
fn is_prose(name: &str) -> bool {
    let b = name.as_bytes();
    name.bytes().any(|c| c.is_ascii_uppercase())
        || (b.len() == 3 && b[1] == b'-' && b[0].is_ascii_alphanumeric() && b[2].is_ascii_alphanumeric())
}

fn looks_like_shortcode_name(n: &str) -> bool {
    n.bytes().next().is_some_and(|c| c.is_ascii_alphabetic()) && n.len() <= 64
}

/// `s` written in an HTML attribute value (or text): `& " < >` as
/// references.
pub(crate) fn esc_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// PCRE's `\s` (without the `u` flag).
fn is_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
}

/// PHP's `trim()`: also strips NUL.
fn php_trim(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\n', '\r', '\0', '\u{b}'])
}

/// PHP's `(int)` cast of a string: optional spaces and sign, then digits.
fn php_int(s: &str) -> i64 {
    let s = s.trim_start_matches([' ', '\t', '\n', '\r', '\u{b}', '\u{c}']);
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let n = digits
        .bytes()
        .take_while(u8::is_ascii_digit)
        .fold(0i64, |n, d| n.saturating_mul(10).saturating_add(i64::from(d - b'0')));
    if neg { -n } else { n }
}

/// Where a shortcode or URL stands, which decides what a link to a page
/// without an embed looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placement {
    /// Alone on its line: a paragraph of its own.
    Line,
    /// Alone between `<p>` and `</p>`, or in a sentence: a link.
    Inline,
}

/// Whether `text[start..end]` is alone on its line.
fn placement(text: &str, start: usize, end: usize) -> Placement {
    let b = text.as_bytes();
    let before = b[..start]
        .iter()
        .rev()
        .take_while(|c| **c != b'\n')
        .all(|c| is_space(*c));
    let after = b[end..].iter().take_while(|c| **c != b'\n').all(|c| is_space(*c));
    if before && after {
        Placement::Line
    } else {
        Placement::Inline
    }
}

/// `[caption]`, as `img_caption_shortcode()`: the image (with its link)
/// and the text after it; the content alone when there is no caption text
/// or no width.
fn caption(atts: &BTreeMap<String, String>, content: &str) -> String {
    let (media, text) = match atts.get("caption") {
        // Older exports put the caption in an attribute: the content is
        // kept whole.
        Some(c) => (content, c.as_str()),
        None => match split_caption(content) {
            Some((media, text)) => (media, php_trim(text)),
            None => (content, ""),
        },
    };
    // PHP's `empty()`: "0" is empty too.
    if atts.get("width").map_or(0, |w| php_int(w)) < 1 || text.is_empty() || text == "0" {
        return media.to_string();
    }
    let class = match atts.get("align").map(String::as_str) {
        Some(a) if !a.is_empty() => format!("wp-caption {}", esc_attr(a)),
        _ => "wp-caption".to_string(),
    };
    format!("<figure class=\"{class}\">{media}<figcaption>{text}</figcaption></figure>")
}

/// `preg_match( '#((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)#is' )`:
/// the first image with its optional wrapping link, and what follows.
fn split_caption(content: &str) -> Option<(&str, &str)> {
    let b = content.as_bytes();
    let starts_ci = |at: usize, s: &[u8]| b.get(at..at + s.len()).is_some_and(|x| x.eq_ignore_ascii_case(s));
    let mut from = 0;
    while let Some(off) = memchr::memchr(b'<', &b[from..]) {
        let img = from + off;
        from = img + 1;
        if !starts_ci(img, b"<img ") {
            continue;
        }
        // `[^>]+>`
        let gt = memchr::memchr(b'>', &b[img + 5..]).map(|i| img + 5 + i)?;
        if gt == img + 5 {
            continue;
        }
        let mut end = gt + 1;
        // `(?:\s*</a>)?`
        let after = end + b[end..].iter().take_while(|c| is_space(**c)).count();
        if starts_ci(after, b"</a>") {
            end = after + 4;
        }
        // `(?:<a [^>]+>\s*)?` right before the image.
        let mut start = img;
        let before = img - b[..img].iter().rev().take_while(|c| is_space(**c)).count();
        if before > 0 && b[before - 1] == b'>' {
            let tag_end = before - 1;
            if let Some(lt) = memchr::memrchr(b'<', &b[..tag_end])
                && starts_ci(lt, b"<a ")
                && tag_end > lt + 3
                && !b[lt..tag_end].contains(&b'>')
            {
                start = lt;
            }
        }
        return Some((&content[start..end], &content[end..]));
    }
    None
}

/// `[gallery]`, as `gallery_shortcode()` chooses its images: the listed
/// `ids` (or `include`) in their order, each once, else the images
/// attached to the post in menu order, less `exclude`; only images. Each
/// links to its file, as `link="file"` does, also for WordPress's default
/// link to the attachment's page, which a static site does not have;
/// `link="none"` links nowhere. `columns` (3 by default) and `size`
/// (thumbnail) are the figure's classes, as the block editor's gallery
/// names them.
fn gallery(atts: &BTreeMap<String, String>, media: &Media<'_>, found: &mut Found) -> String {
    let list = |k: &str| -> Option<Vec<i64>> {
        atts.get(k)
            .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect::<Vec<i64>>())
            .filter(|ids| !ids.is_empty())
    };
    let exclude = list("exclude").unwrap_or_default();
    let ids = list("ids").or_else(|| list("include"));
    let listed = ids.is_some();
    let ids = ids.unwrap_or_else(|| {
        media
            .attached
            .iter()
            .copied()
            .filter(|id| !exclude.contains(id))
            .collect()
    });
    let columns = atts.get("columns").map_or(3, |c| php_int(c).max(0));
    let size = atts
        .get("size")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .unwrap_or("thumbnail");
    let linked = atts.get("link").is_none_or(|l| l.trim() != "none");
    let mut s = format!("<figure class=\"wp-block-gallery columns-{columns} size-{size}\">");
    let mut seen = HashSet::new();
    let mut shown = 0;
    for id in ids {
        if !seen.insert(id) {
            continue;
        }
        let Some(a) = (media.attachment)(id) else {
            if listed {
                found.missing.push(id);
            }
            continue;
        };
        if a.kind() != Some("image") {
            continue;
        }
        shown += 1;
        let url = esc_attr(&a.url);
        let img = format!("<img src=\"{url}\" alt=\"{}\">", esc_attr(&a.alt));
        if linked {
            s.push_str(&format!("<figure><a href=\"{url}\">{img}</a>"));
        } else {
            s.push_str(&format!("<figure>{img}"));
        }
        if !a.caption.is_empty() {
            s.push_str(&format!("<figcaption>{}</figcaption>", a.caption));
        }
        s.push_str("</figure>");
    }
    if shown == 0 {
        found.empty_galleries += 1;
        return String::new();
    }
    s.push_str("</figure>");
    s
}

/// An iframe of the player.
fn iframe(src: &str, atts: &BTreeMap<String, String>) -> String {
    let size = |k: &str, d: &str| {
        atts.get(k)
            .filter(|v| v.bytes().all(|c| c.is_ascii_digit()) && !v.is_empty())
            .map_or(d.to_string(), String::clone)
    };
    format!(
        "<iframe src=\"{}\" width=\"{}\" height=\"{}\" frameborder=\"0\" allowfullscreen></iframe>",
        esc_attr(src),
        size("width", "560"),
        size("height", "315")
    )
}

/// A link to `url`: a paragraph of its own when alone on its line.
fn link(url: &str, placement: Placement) -> String {
    let a = format!("<a href=\"{0}\">{0}</a>", esc_attr(url));
    match placement {
        Placement::Line => format!("<p>{a}</p>"),
        Placement::Inline => a,
    }
}

/// An embedded video or page (`[embed]`): an iframe for the providers
/// whose embed URL is known, a link otherwise.
fn embed(target: &str, atts: &BTreeMap<String, String>, placement: Placement) -> String {
    match embed_url(target) {
        Some(src) => iframe(&src, atts),
        None if target.is_empty() => String::new(),
        None => link(target, placement),
    }
}

/// A URL cut into what the embeds need: the host (lower-cased, without
/// `www.`, `m.` or a port), the path and the query.
struct Url<'a> {
    host: String,
    path: &'a str,
    query: &'a str,
}

impl<'a> Url<'a> {
    /// Parses `https://host/path?query#fragment`; the scheme may be left out.
    fn parse(s: &'a str) -> Url<'a> {
        let s = s.trim();
        let rest = match s.find("://") {
            Some(i) => &s[i + 3..],
            None => s.strip_prefix("//").unwrap_or(s),
        };
        let rest = rest.split('#').next().unwrap_or("");
        let host_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (host, tail) = rest.split_at(host_end);
        let (path, query) = tail.split_once('?').unwrap_or((tail, ""));
        let host = host.rsplit('@').next().unwrap_or("");
        let host = host.split(':').next().unwrap_or("").to_ascii_lowercase();
        let host = host
            .strip_prefix("www.")
            .or_else(|| host.strip_prefix("m."))
            .map_or(host.clone(), str::to_string);
        Url { host, path, query }
    }

    fn segments(&self) -> impl Iterator<Item = &'a str> {
        self.path.split('/').filter(|s| !s.is_empty())
    }

    fn is(&self, domain: &str) -> bool {
        self.host == domain || self.host.strip_suffix(domain).is_some_and(|sub| sub.ends_with('.'))
    }
}

/// The iframe URL of a YouTube or Vimeo page URL or id.
pub fn embed_url(target: &str) -> Option<String> {
    let url = Url::parse(target);
    let id_ok = |id: &str| !id.is_empty() && id.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
    let youtube = |id: &str| id_ok(id).then(|| format!("https://www.youtube.com/embed/{id}"));
    if url.host == "youtu.be" {
        return youtube(url.segments().next()?);
    }
    if url.is("youtube.com") || url.is("youtube-nocookie.com") {
        let mut segs = url.segments();
        return match segs.next()? {
            "watch" => youtube(url.query.split('&').find_map(|kv| kv.strip_prefix("v="))?),
            "embed" | "shorts" | "live" | "v" | "e" => youtube(segs.next()?),
            _ => None,
        };
    }
    if url.is("vimeo.com") {
        let id = url.segments().find(|s| s.bytes().all(|c| c.is_ascii_digit()))?;
        return Some(format!("https://player.vimeo.com/video/{id}"));
    }
    None
}

/// Whether WordPress knows `url` as an oEmbed provider's (the common ones
/// of `WP_oEmbed::$providers`, with X for Twitter), so that
/// `WP_Embed::autoembed` would embed it.
fn is_provider(url: &Url<'_>) -> bool {
    const DOMAINS: &[&str] = &[
        "youtube.com",
        "youtu.be",
        "vimeo.com",
        "dailymotion.com",
        "dai.ly",
        "flickr.com",
        "flic.kr",
        "smugmug.com",
        "scribd.com",
        "wordpress.tv",
        "crowdsignal.net",
        "poll.fm",
        "survey.fm",
        "twitter.com",
        "x.com",
        "soundcloud.com",
        "slideshare.net",
        "spotify.com",
        "imgur.com",
        "meetup.com",
        "meetu.ps",
        "issuu.com",
        "mixcloud.com",
        "ted.com",
        "animoto.com",
        "video214.com",
        "tumblr.com",
        "kickstarter.com",
        "kck.st",
        "cloudup.com",
        "reddit.com",
        "speakerdeck.com",
        "screencast.com",
        "amazon.com",
        "amzn.to",
        "someecards.com",
        "tiktok.com",
        "pinterest.com",
        "wolframcloud.com",
        "anghami.com",
        "pca.st",
        "bsky.app",
    ];
    DOMAINS.iter().any(|d| url.is(d))
}

/// What `WP_Embed::autoembed_callback` puts for a bare URL: an iframe for
/// a player, a link for another provider; `None` (the URL stays as
/// written) when WordPress would not embed it.
fn auto_embed(url: &str, placement: Placement) -> Option<String> {
    if let Some(src) = embed_url(url) {
        return Some(iframe(&src, &BTreeMap::new()));
    }
    let parsed = Url::parse(url);
    // A player page without a valid id: the oEmbed request fails and the
    // URL stays.
    if parsed.is("youtube.com") || parsed.host == "youtu.be" || parsed.is("vimeo.com") {
        return None;
    }
    is_provider(&parsed).then(|| link(url, placement))
}

/// `https?://[^\s<>"]+` at the start of `s` (case-insensitive scheme): its
/// length.
fn url_len(s: &[u8]) -> Option<usize> {
    let scheme = if s.len() >= 8 && s[..8].eq_ignore_ascii_case(b"https://") {
        8
    } else if s.len() >= 7 && s[..7].eq_ignore_ascii_case(b"http://") {
        7
    } else {
        return None;
    };
    let rest = s[scheme..]
        .iter()
        .take_while(|c| !is_space(**c) && !matches!(c, b'<' | b'>' | b'"'))
        .count();
    (rest > 0).then_some(scheme + rest)
}

/// `WP_Embed::autoembed`: URLs alone on their line (not counting line
/// breaks inside HTML tags and comments), then URLs alone in their
/// paragraph, become their embed.
fn autoembed(text: &str) -> Cow<'_, str> {
    if memmem::find(text.as_bytes(), b"://").is_none() {
        return Cow::Borrowed(text);
    }
    let lines = autoembed_lines(text);
    match autoembed_paragraphs(&lines) {
        Cow::Owned(s) => Cow::Owned(s),
        Cow::Borrowed(_) => lines,
    }
}

/// `preg_replace_callback( '|^(\s*)(https?://[^\s<>"]+)(\s*)$|im', … )`,
/// after `wp_replace_in_html_tags()` hid the line breaks inside tags.
fn autoembed_lines(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    let mut out: Option<String> = None;
    let mut last = 0;
    let mut in_tag = false;
    let mut pos = 0;
    while pos < b.len() {
        let line_end = memchr::memchr(b'\n', &b[pos..]).map_or(b.len(), |i| pos + i);
        let line = &b[pos..line_end];
        if !in_tag {
            let lead = line.iter().take_while(|c| is_space(**c)).count();
            if let Some(len) = url_len(&line[lead..])
                && line[lead + len..].iter().all(|c| is_space(*c))
            {
                let url = &text[pos + lead..pos + lead + len];
                if let Some(html) = auto_embed(url, Placement::Line) {
                    let o = out.get_or_insert_with(|| String::with_capacity(text.len() + 256));
                    o.push_str(&text[last..pos + lead]);
                    o.push_str(&html);
                    last = pos + lead + len;
                }
            }
        }
        // Whether the line ends inside a tag (or a comment): the last `<`
        // has no `>` after it.
        let lt = memchr::memrchr(b'<', line);
        let gt = memchr::memrchr(b'>', line);
        in_tag = match (lt, gt) {
            (Some(l), Some(g)) => l > g,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => in_tag,
        };
        pos = line_end + 1;
    }
    match out {
        Some(mut o) => {
            o.push_str(&text[last..]);
            Cow::Owned(o)
        }
        None => Cow::Borrowed(text),
    }
}

/// `preg_replace_callback( '|(<p(?: [^>]*)?>\s*)(https?://[^\s<>"]+)(\s*<\/p>)|i', … )`.
fn autoembed_paragraphs(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    let mut out: Option<String> = None;
    let mut last = 0;
    let mut from = 0;
    while let Some(off) = memchr::memchr(b'<', &b[from..]) {
        let lt = from + off;
        from = lt + 1;
        if !matches!(b.get(lt + 1), Some(b'p' | b'P')) {
            continue;
        }
        let open_end = match b.get(lt + 2) {
            Some(b'>') => lt + 3,
            Some(b' ') => match memchr::memchr(b'>', &b[lt + 2..]) {
                Some(i) => lt + 2 + i + 1,
                None => break,
            },
            _ => continue,
        };
        let url_start = open_end + b[open_end..].iter().take_while(|c| is_space(**c)).count();
        let Some(len) = url_len(&b[url_start..]) else {
            continue;
        };
        let url_end = url_start + len;
        let close = url_end + b[url_end..].iter().take_while(|c| is_space(**c)).count();
        if !b.get(close..close + 4).is_some_and(|x| x.eq_ignore_ascii_case(b"</p>")) {
            continue;
        }
        if let Some(html) = auto_embed(&text[url_start..url_end], Placement::Inline) {
            let o = out.get_or_insert_with(|| String::with_capacity(text.len() + 256));
            o.push_str(&text[last..url_start]);
            o.push_str(&html);
            last = url_end;
        }
        from = close + 4;
    }
    match out {
        Some(mut o) => {
            o.push_str(&text[last..]);
            Cow::Owned(o)
        }
        None => Cow::Borrowed(text),
    }
}

/// `[audio]` and `[video]`: the HTML media element with its poster and
/// its sources (the entry's media attributes but `poster`, in order; else
/// a URL written without a name, WordPress.com's `[audio URL]`; else, as
/// WordPress does, the first audio or video attached to the post). Nothing
/// without a source, as in WordPress.
fn media(c: &Call<'_>, _: &mut Found) -> String {
    let kind = c.name;
    let mut sources: Vec<String> = c
        .handler
        .media
        .iter()
        .filter(|k| **k != "poster")
        .filter_map(|k| c.atts.get(*k).map(|v| v.trim()).filter(|v| !v.is_empty()))
        .map(str::to_string)
        .collect();
    if sources.is_empty()
        && let Some(url) = c
            .atts
            .get("0")
            .map(|u| u.trim())
            .filter(|u| u.contains("://") || u.starts_with('/'))
    {
        sources.push(url.to_string());
    }
    if sources.is_empty() {
        let attached = c
            .media
            .attached
            .iter()
            .filter_map(|id| (c.media.attachment)(*id))
            .find(|a| a.kind() == Some(kind));
        sources.extend(attached.map(|a| a.url));
    }
    if sources.is_empty() {
        return String::new();
    }
    let mut s = format!("<{kind} controls");
    if let Some(p) = c.atts.get("poster") {
        s.push_str(&format!(" poster=\"{}\"", esc_attr(p)));
    }
    s.push('>');
    for src in sources {
        s.push_str(&format!("<source src=\"{}\">", esc_attr(&src)));
    }
    s.push_str(&format!("</{kind}>"));
    s
}

/// `[youtube]` and `[vimeo]` (Jetpack's): the player of the URL or id.
fn player(c: &Call<'_>, _: &mut Found) -> String {
    let target = c
        .atts
        .get("0")
        .or_else(|| c.atts.get("id"))
        .map_or(c.content.trim(), String::as_str);
    // Jetpack's `[youtube=URL]`.
    let target = target.strip_prefix('=').unwrap_or(target).trim();
    // Nothing to show: Jetpack shows nothing either.
    if target.is_empty() {
        return String::new();
    }
    // A bare id is the shortcode's own provider's.
    let target = match (c.name, target.contains('/')) {
        ("vimeo", false) => format!("https://vimeo.com/{target}"),
        (_, false) => format!("https://youtu.be/{target}"),
        _ => target.to_string(),
    };
    embed(&target, &c.atts, c.placement())
}

/// A `<br>` the visual editor wrote in code, before its line end.
static BR: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"(?i)<br\s*/?>(\r?\n)?").expect("a valid regex"));

/// `[code lang="x"]`, `[sourcecode language="x"]`, `[php]`, `[cc lang="x"]`:
/// a code block whose text is the content with its character references
/// decoded once, as the plugins show it (the visual editor stored `<` as
/// `&lt;`), and the editor's `<br />` (with its line end) a line end.
fn code(atts: &BTreeMap<String, String>, content: &str, language: Option<&str>) -> String {
    let lang = language
        .map(str::to_string)
        .or_else(|| ["language", "lang", "0"].iter().find_map(|k| atts.get(*k)).cloned())
        .map(|l| l.to_lowercase());
    let class = lang
        .filter(|l| {
            l.bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'#'))
        })
        .map(|l| format!(" class=\"language-{l}\""))
        .unwrap_or_default();
    let text = content.strip_prefix('\n').unwrap_or(content);
    let escaped = esc_html(&crate::read::decoded(&BR.replace_all(text, "\n")));
    format!("<pre><code{class}>{escaped}</code></pre>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_like_wordpress() {
        let t = "a [caption id=\"x\"]<img src=\"a.jpg\"> Cap[/caption] b [gallery ids=\"1,2\"] [[embed]] [embedded] [code/]";
        let found: Vec<_> = find(t, &is_handled)
            .into_iter()
            .map(|s| (s.name, s.content, s.escaped))
            .collect();
        assert_eq!(
            found,
            [
                ("caption", Some("<img src=\"a.jpg\"> Cap"), false),
                ("gallery", None, false),
                ("embed", None, true),
                ("code", None, false),
            ]
        );
    }

    #[test]
    fn every_entry_dispatches_to_its_own_handler() {
        let mut seen = Vec::new();
        for h in HANDLERS {
            assert!(!h.names.is_empty());
            for name in h.names {
                assert!(!seen.contains(name), "{name} has two entries");
                seen.push(*name);
                assert!(std::ptr::eq(handler(name).unwrap(), h), "{name}");
                let text = format!(
                    "[{name} 0=\"https://vimeo.com/1\" mp3=\"a.mp3\" width=\"9\"]<img src=\"a.jpg\"> x[/{name}]"
                );
                let sc = find(&text, &is_handled).remove(0);
                let own = (h.expand)(&Call::new(h, &sc, &text, &Media::NONE), &mut Found::default());
                assert_eq!(expand(&text, &Media::NONE).html, own, "{name}");
                // Only a code shortcode becomes a code block.
                assert_eq!(own.starts_with("<pre><code"), h.round == Round::Code, "{name}: {own}");
                assert_eq!(is_code(name), h.round == Round::Code, "{name}");
            }
        }
        assert_eq!(handled(), seen);
        for h in HANDLERS {
            assert!(h.media.iter().all(|a| media_attributes().contains(a)));
        }
    }

    #[test]
    fn attributes_like_shortcode_parse_atts() {
        let a = parse_atts(" id=\"attachment_5\" ALIGN='alignleft' width=300 \"pos one\" two");
        assert_eq!(a["id"], "attachment_5");
        assert_eq!(a["align"], "alignleft");
        assert_eq!(a["width"], "300");
        assert_eq!(a["0"], "pos one");
        assert_eq!(a["1"], "two");
    }

    #[test]
    fn caption_becomes_a_figure() {
        let e = expand(
            "[caption id=\"attachment_7\" align=\"alignright\" width=\"300\"]<a href=\"big.jpg\"><img src=\"small.jpg\" alt=\"A\"></a> Le port, l’hiver[/caption]",
            &Media::NONE,
        );
        assert_eq!(
            e.html,
            "<figure class=\"wp-caption alignright\"><a href=\"big.jpg\"><img src=\"small.jpg\" alt=\"A\"></a><figcaption>Le port, l’hiver</figcaption></figure>"
        );
    }

    #[test]
    fn gallery_resolves_attachments_and_reports_missing_ones() {
        let att = |id: i64| {
            (id == 5).then(|| Attachment {
                url: "https://s.example/5.jpg".into(),
                alt: "five".into(),
                caption: String::new(),
            })
        };
        let media = Media {
            attachment: &att,
            attached: &[],
        };
        let e = expand("[gallery ids=\"5, 6, 5\"]", &media);
        assert_eq!(
            e.html,
            "<figure class=\"wp-block-gallery columns-3 size-thumbnail\"><figure><a href=\"https://s.example/5.jpg\"><img src=\"https://s.example/5.jpg\" alt=\"five\"></a></figure></figure>"
        );
        assert_eq!(e.missing_attachments, [6]);
        // Nothing to show: nothing shown, and reported.
        let e = expand("[gallery ids=\"6\"]", &media);
        assert_eq!((e.html.as_str(), e.empty_galleries), ("", 1));
    }

    #[test]
    fn embeds_media_and_code() {
        let e = expand(
            "[embed]https://www.youtube.com/watch?v=dQw4w9WgXcQ[/embed]",
            &Media::NONE,
        );
        assert!(
            e.html.contains("src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\""),
            "{}",
            e.html
        );
        let e = expand("[vimeo 12345]", &Media::NONE);
        assert!(e.html.contains("player.vimeo.com/video/12345"), "{}", e.html);
        let e = expand("[audio mp3=\"a.mp3\"]", &Media::NONE);
        assert_eq!(e.html, "<audio controls><source src=\"a.mp3\"></audio>");
        let e = expand(
            "[sourcecode language=\"PHP\"]\n$a = \"<b>\" && [x];[/sourcecode]",
            &Media::NONE,
        );
        assert_eq!(
            e.html,
            "<pre><code class=\"language-php\">$a = \"&lt;b&gt;\" &amp;&amp; [x];</code></pre>"
        );
    }

    #[test]
    fn unknown_shortcodes_are_kept_and_counted() {
        let t = "[contact-form-7 id=\"3\"] and [su_button]Go[/su_button] and [1] and [sic]";
        let e = expand(t, &Media::NONE);
        assert_eq!(e.html, t);
        assert_eq!(e.unknown.get("contact-form-7"), Some(&1));
        assert_eq!(e.unknown.get("su_button"), Some(&1));
        assert_eq!(e.unknown.get("1"), None);
    }

    #[test]
    fn code_waits_as_a_placeholder_until_restored() {
        let text = "[code]a\n\nb [gallery ids=\"1\"][/code]\n\nhttps://youtu.be/dQw4w9WgXcQ\n";
        let early = expand_before_autop(text);
        assert!(!early.html.contains('['), "{}", early.html);
        assert!(early.html.starts_with("<pre wxr-code-0></pre>"), "{}", early.html);
        assert!(
            early
                .html
                .contains("<iframe src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\"")
        );
        assert_eq!(
            early.restore(early.html.to_string()).split("\n\n").next(),
            Some("<pre><code>a")
        );
        // A text that holds the placeholder's name gets another one.
        let early = expand_before_autop("<pre wxr-code-0></pre>[code]x[/code]");
        assert_eq!(
            early.restore(early.html.to_string()),
            "<pre wxr-code-0></pre><pre><code>x</code></pre>"
        );
        // Nothing to do: nothing copied.
        assert!(matches!(expand_before_autop("plain [b] text").html, Cow::Borrowed(_)));
    }

    #[test]
    fn youtube_and_vimeo_urls() {
        for (url, id) in [
            (
                "https://www.youtube.com/watch?feature=share&v=abc_DEF-123",
                Some("abc_DEF-123"),
            ),
            ("youtube.com/watch?v=abc", Some("abc")),
            ("https://youtu.be/abc?t=1", Some("abc")),
            ("https://www.youtube-nocookie.com/embed/abc", Some("abc")),
            ("https://YOUTUBE.com/shorts/abc", Some("abc")),
            ("https://www.youtube.com/live/abc?si=x", Some("abc")),
            ("https://www.youtube.com/watch?vv=abc", None),
            ("https://notyoutube.com/watch?v=abc", None),
            ("https://www.youtube.com/@channel", None),
        ] {
            assert_eq!(
                embed_url(url),
                id.map(|id| format!("https://www.youtube.com/embed/{id}")),
                "{url}"
            );
        }
        assert_eq!(
            embed_url("https://vimeo.com/channels/staffpicks/123").as_deref(),
            Some("https://player.vimeo.com/video/123")
        );
        assert_eq!(embed_url("https://vimeo.com/about"), None);
    }

    #[test]
    fn php_int_casts_like_php() {
        for (s, n) in [("300", 300), (" 42px", 42), ("", 0), ("abc", 0), ("-5", -5), ("3.9", 3)] {
            assert_eq!(php_int(s), n, "{s:?}");
        }
    }

    #[test]
    fn unknown_nesting_is_bounded() {
        let mut t = String::new();
        for i in 0..100 {
            t.push_str(&format!("[n{i}]"));
        }
        for i in (0..100).rev() {
            t.push_str(&format!("[/n{i}]"));
        }
        // 16 levels below the outer one are counted, no more.
        assert_eq!(expand(&t, &Media::NONE).unknown.len(), 17);
    }

    #[test]
    fn escaped_shortcodes_are_literal() {
        assert_eq!(
            expand("Type [[gallery]] to show one.", &Media::NONE).html,
            "Type [gallery] to show one."
        );
    }
}
