//! WordPress shortcodes: finding them the way `get_shortcode_regex()` does,
//! parsing their attributes the way `shortcode_parse_atts()` does, and
//! expanding the ones a static site can show into plain HTML.
//!
//! Expanded: `[caption]` (a figure with its caption), `[gallery]` (the
//! images of the listed attachments), `[embed]`, `[youtube]`, `[vimeo]`
//! (an iframe), `[audio]`, `[video]` (the media element), `[code]` and
//! `[sourcecode]` (a `<pre><code>` with the language). Everything else is
//! kept exactly as written, and counted in [`Expanded::unknown`]: a site
//! generator may have its own handler, and nothing is silently lost.
//! `[[name]]` is WordPress's escape for a literal `[name]`.

use std::collections::BTreeMap;

/// The shortcodes this module expands.
pub const HANDLED: &[&str] = &[
    "caption",
    "wp_caption",
    "gallery",
    "embed",
    "youtube",
    "vimeo",
    "audio",
    "video",
    "code",
    "sourcecode",
];

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

/// Finds the shortcodes named by `known` in `text`, left to right, without
/// overlaps, as WordPress's shortcode regex does.
pub fn find<'a>(text: &'a str, known: &dyn Fn(&str) -> bool) -> Vec<Shortcode<'a>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'[', &b[i..]) {
        let start = i + off;
        match parse_at(text, start, known) {
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
fn parse_at<'a>(text: &'a str, start: usize, known: &dyn Fn(&str) -> bool) -> Option<Shortcode<'a>> {
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
        let close = format!("[/{name}]");
        if let Some(rel) = memchr::memmem::find(&b[p..], close.as_bytes()) {
            content = Some(&text[p..p + rel]);
            p += rel + close.len();
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

/// The result of expanding shortcodes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expanded {
    /// The text with the handled shortcodes replaced by HTML.
    pub html: String,
    /// Shortcodes kept as written, by name, with their count.
    pub unknown: BTreeMap<String, u64>,
    /// Gallery ids that are not attachments of the export.
    pub missing_attachments: Vec<i64>,
}

/// Expands the handled shortcodes; keeps (and counts) the others.
pub fn expand(text: &str, attachment: &dyn Fn(i64) -> Option<Attachment>) -> Expanded {
    let mut out = Expanded::default();
    // Unknown shortcodes: anything shaped like one with a name we do not
    // handle, counted once each.
    for sc in find(text, &|n| !HANDLED.contains(&n) && looks_like_shortcode_name(n)) {
        if !sc.escaped && (sc.content.is_some() || sc.attrs.is_empty() || sc.attrs.starts_with(' ')) {
            *out.unknown.entry(sc.name.to_string()).or_default() += 1;
        }
    }
    let mut html = String::with_capacity(text.len());
    let mut last = 0;
    for sc in find(text, &|n| HANDLED.contains(&n)) {
        html.push_str(&text[last..sc.start]);
        last = sc.end;
        if sc.escaped {
            // `[[caption]]` shows `[caption]`.
            html.push_str(&text[sc.start + 1..sc.end - 1]);
            continue;
        }
        let atts = parse_atts(sc.attrs);
        let content = sc.content.unwrap_or("");
        match sc.name {
            "caption" | "wp_caption" => html.push_str(&caption(&atts, content)),
            "gallery" => html.push_str(&gallery(&atts, attachment, &mut out.missing_attachments)),
            "embed" => html.push_str(&embed(content.trim(), &atts)),
            "youtube" | "vimeo" => {
                let target = atts
                    .get("0")
                    .or_else(|| atts.get("id"))
                    .map_or(content.trim(), String::as_str);
                // A bare id is the shortcode's own provider's.
                let target = match (sc.name, target.contains('/')) {
                    ("vimeo", false) => format!("https://vimeo.com/{target}"),
                    (_, false) => format!("https://youtu.be/{target}"),
                    _ => target.to_string(),
                };
                html.push_str(&embed(&target, &atts));
            }
            "audio" | "video" => html.push_str(&media(sc.name, &atts)),
            _ => html.push_str(&code(&atts, content)),
        }
    }
    html.push_str(&text[last..]);
    out.html = html;
    out
}

fn looks_like_shortcode_name(n: &str) -> bool {
    n.bytes().next().is_some_and(|c| c.is_ascii_alphabetic()) && n.len() <= 64
}

fn esc_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `[caption]`: the image (with its link) and the text after it.
fn caption(atts: &BTreeMap<String, String>, content: &str) -> String {
    // The content is the image markup, then the caption text (older
    // exports put the caption in a `caption` attribute instead).
    let content = content.trim();
    let split = content.rfind('>').map_or(0, |i| i + 1);
    let (media, text) = content.split_at(split);
    let text = atts.get("caption").map_or(text.trim(), |c| c.as_str());
    let class = match atts.get("align").map(String::as_str) {
        Some(a) if !a.is_empty() => format!("wp-caption {}", esc_attr(a)),
        _ => "wp-caption".to_string(),
    };
    format!("<figure class=\"{class}\">{media}<figcaption>{text}</figcaption></figure>")
}

/// `[gallery ids="…"]`: the listed attachments' images, in order.
fn gallery(
    atts: &BTreeMap<String, String>,
    attachment: &dyn Fn(i64) -> Option<Attachment>,
    missing: &mut Vec<i64>,
) -> String {
    let ids: Vec<i64> = atts
        .get("ids")
        .or_else(|| atts.get("include"))
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_default();
    let mut s = String::from("<figure class=\"wp-block-gallery\">");
    for id in ids {
        match attachment(id) {
            Some(a) => {
                s.push_str(&format!(
                    "<figure><img src=\"{}\" alt=\"{}\">",
                    esc_attr(&a.url),
                    esc_attr(&a.alt)
                ));
                if !a.caption.is_empty() {
                    s.push_str(&format!("<figcaption>{}</figcaption>", a.caption));
                }
                s.push_str("</figure>");
            }
            None => missing.push(id),
        }
    }
    s.push_str("</figure>");
    s
}

/// An embedded video or page: an iframe for the providers whose embed URL
/// is known, a link otherwise.
fn embed(target: &str, atts: &BTreeMap<String, String>) -> String {
    let size = |k: &str, d: &str| {
        atts.get(k)
            .filter(|v| v.bytes().all(|c| c.is_ascii_digit()) && !v.is_empty())
            .map_or(d.to_string(), String::clone)
    };
    match embed_url(target) {
        Some(src) => format!(
            "<iframe src=\"{}\" width=\"{}\" height=\"{}\" frameborder=\"0\" allowfullscreen></iframe>",
            esc_attr(&src),
            size("width", "560"),
            size("height", "315")
        ),
        None if target.is_empty() => String::new(),
        None => format!("<p><a href=\"{0}\">{0}</a></p>", esc_attr(target)),
    }
}

/// The iframe URL of a YouTube or Vimeo page URL or id.
pub fn embed_url(target: &str) -> Option<String> {
    let t = target.trim();
    let id_ok = |id: &str| !id.is_empty() && id.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
    let after = |marker: &str| t.find(marker).map(|i| &t[i + marker.len()..]);
    let cut = |s: &str| s.split(['&', '?', '#', '/']).next().unwrap_or("").to_string();
    if let Some(rest) = after("youtube.com/watch?v=")
        .or_else(|| after("youtu.be/"))
        .or_else(|| after("youtube.com/embed/"))
    {
        let id = cut(rest);
        return id_ok(&id).then(|| format!("https://www.youtube.com/embed/{id}"));
    }
    if let Some(rest) = after("vimeo.com/") {
        let id = cut(rest.trim_start_matches("video/"));
        return (id_ok(&id) && id.bytes().all(|c| c.is_ascii_digit()))
            .then(|| format!("https://player.vimeo.com/video/{id}"));
    }
    None
}

/// `[audio]` and `[video]`: the HTML media element with its sources.
fn media(kind: &str, atts: &BTreeMap<String, String>) -> String {
    let exts: &[&str] = if kind == "audio" {
        &["src", "mp3", "m4a", "ogg", "wav", "wma"]
    } else {
        &["src", "mp4", "m4v", "webm", "ogv", "wmv", "flv"]
    };
    let mut s = format!("<{kind} controls");
    if let Some(p) = atts.get("poster") {
        s.push_str(&format!(" poster=\"{}\"", esc_attr(p)));
    }
    s.push('>');
    for k in exts {
        if let Some(src) = atts.get(*k).filter(|v| !v.is_empty()) {
            s.push_str(&format!("<source src=\"{}\">", esc_attr(src)));
        }
    }
    s.push_str(&format!("</{kind}>"));
    s
}

/// `[code lang="x"]` and `[sourcecode language="x"]`: a code block whose
/// text is the content, exactly.
fn code(atts: &BTreeMap<String, String>, content: &str) -> String {
    let lang = ["language", "lang", "0"]
        .iter()
        .find_map(|k| atts.get(*k))
        .map(|l| l.to_lowercase());
    let class = lang
        .filter(|l| {
            l.bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'#'))
        })
        .map(|l| format!(" class=\"language-{l}\""))
        .unwrap_or_default();
    let text = content.strip_prefix('\n').unwrap_or(content);
    let escaped = text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    format!("<pre><code{class}>{escaped}</code></pre>")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: i64) -> Option<Attachment> {
        None
    }

    #[test]
    fn finds_like_wordpress() {
        let t = "a [caption id=\"x\"]<img src=\"a.jpg\"> Cap[/caption] b [gallery ids=\"1,2\"] [[embed]] [embedded] [code/]";
        let found: Vec<_> = find(t, &|n| HANDLED.contains(&n))
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
            &none,
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
        let e = expand("[gallery ids=\"5, 6\"]", &att);
        assert_eq!(
            e.html,
            "<figure class=\"wp-block-gallery\"><figure><img src=\"https://s.example/5.jpg\" alt=\"five\"></figure></figure>"
        );
        assert_eq!(e.missing_attachments, [6]);
    }

    #[test]
    fn embeds_media_and_code() {
        let e = expand("[embed]https://www.youtube.com/watch?v=dQw4w9WgXcQ[/embed]", &none);
        assert!(
            e.html.contains("src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\""),
            "{}",
            e.html
        );
        let e = expand("[vimeo 12345]", &none);
        assert!(e.html.contains("player.vimeo.com/video/12345"), "{}", e.html);
        let e = expand("[audio mp3=\"a.mp3\"]", &none);
        assert_eq!(e.html, "<audio controls><source src=\"a.mp3\"></audio>");
        let e = expand(
            "[sourcecode language=\"PHP\"]\n$a = \"<b>\" && [x];[/sourcecode]",
            &none,
        );
        assert_eq!(
            e.html,
            "<pre><code class=\"language-php\">$a = \"&lt;b&gt;\" &amp;&amp; [x];</code></pre>"
        );
    }

    #[test]
    fn unknown_shortcodes_are_kept_and_counted() {
        let t = "[contact-form-7 id=\"3\"] and [su_button]Go[/su_button] and [1] and [sic]";
        let e = expand(t, &none);
        assert_eq!(e.html, t);
        assert_eq!(e.unknown.get("contact-form-7"), Some(&1));
        assert_eq!(e.unknown.get("su_button"), Some(&1));
        assert_eq!(e.unknown.get("1"), None);
    }

    #[test]
    fn escaped_shortcodes_are_literal() {
        assert_eq!(
            expand("Type [[gallery]] to show one.", &none).html,
            "Type [gallery] to show one."
        );
    }
}
