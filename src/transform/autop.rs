//! WordPress's `wpautop()` and `shortcode_unautop()`, ported step by step.
//!
//! Classic-editor post content is stored without `<p>` tags: a blank line
//! separates paragraphs and a single newline is a line break. WordPress turns
//! that into HTML with `wpautop()` and then, for shortcodes standing alone in
//! a paragraph, removes the `<p>` wrapper with `shortcode_unautop()` (both run
//! on `the_content`). This module owns both, and the private helpers they use:
//! `wp_replace_in_html_tags()` / `get_html_split_regex()` (newlines inside
//! tags and comments) and `_autop_newline_preservation_helper()`.
//!
//! Ported from `src/wp-includes/formatting.php` of WordPress trunk during the
//! 6.9 cycle (2025; read at the wordpress-develop mirror
//! `dmsnell/wordpress-develop@657d914449cf`): the version in which `<math>` is
//! no longer a block element but has its newlines preserved like `<script>`,
//! `<style>` and `<svg>`. Every step keeps WordPress's order and carries
//! WordPress's own comment. The expected outputs in
//! `fixtures/transform/autop.txt` come from WordPress's unit tests and from
//! WordPress's PHP functions themselves. Like WordPress, nothing here treats
//! `<textarea>` specially: only `<pre>` escapes paragraphs, and only
//! `<script>`, `<style>`, `<svg>` and `<math>` escape `<br />`.
//!
//! The result is byte for byte what WordPress returns, for any UTF-8 input.
//! What differs is only how it is computed:
//!
//! * PHP runs these patterns without the `u` flag, on bytes. Every delimiter
//!   they look for is ASCII, so running them on `char`s gives the same
//!   matches, as long as the classes mean the same: `\s` is written out as
//!   PCRE's `[\t\n\x0B\x0C\r ]` (the `regex` crate's `\s` is Unicode and would
//!   also match U+00A0, U+0085 or U+2028), `\w` as `[A-Za-z0-9_]`, and the one
//!   case-insensitive pattern folds ASCII only (Unicode folding would let the
//!   Kelvin sign U+212A pass for a `k`).
//! * The steps that need what the `regex` crate lacks (lookbehind,
//!   lookahead, backreferences, possessive quantifiers, conditionals) are
//!   hand-written with the same semantics: splitting HTML into elements,
//!   preserving newlines in `<script>`/`<style>`/`<svg>`/`<math>`, the
//!   `(?<!<br />)\s*\n` step, the `\n</p>$` step, and the whole
//!   `shortcode_unautop()` pattern.
//! * Restoring the `<pre>` placeholders takes one pass instead of one
//!   `str_replace()` per placeholder, with the same result (see
//!   `restore_pre_tags`), so that a body with thousands of `<pre>` stays
//!   linear.
//! * PCRE's backtracking limits are not emulated: on inputs where PHP's
//!   `preg_replace()` would give up and return `null` (which WordPress then
//!   treats as an empty string), this port carries on and returns the full
//!   result.
//! * `shortcode_unautop()` reads the global `$shortcode_tags`; here the names
//!   are an argument. An empty name is ignored (WordPress's `add_shortcode()`
//!   refuses to register one); no names at all returns the text unchanged, as
//!   WordPress does when no shortcode is registered.

use memchr::{memchr, memmem};
use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// PCRE's `\s` without the `u` flag: tab, LF, VT, FF, CR and space.
const S: &str = r"[\t\n\x0B\x0C\r ]";

/// `$allblocks` in `wpautop()`.
const ALLBLOCKS: &str = "(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)";

/// The placeholder `wp_replace_in_html_tags()` puts for a newline inside a tag.
const WPNL: &str = " <!-- wpnl --> ";

/// The placeholder `_autop_newline_preservation_helper()` puts for a newline.
const PRESERVE_NEWLINE: &str = "<WPPreserveNewline />";

/// The elements whose newlines `wpautop()` preserves, in the pattern's order.
const PRESERVED: [&str; 4] = ["script", "style", "svg", "math"];

fn compile(pattern: &str) -> Regex {
    // The patterns are constants of this module; the tests compile every one.
    Regex::new(pattern).unwrap_or_else(|e| panic!("wpautop pattern {pattern:?}: {e}"))
}

macro_rules! pattern {
    ($name:ident = $($arg:tt)+) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| compile(&format!($($arg)+)));
    };
}

pattern!(BR_PAIR = r"<br{S}*/?>{S}*<br{S}*/?>");
pattern!(BLOCK_OPEN = r"(<{ALLBLOCKS}[\t\n\x0B\x0C\r />])");
pattern!(BLOCK_CLOSE = r"(</{ALLBLOCKS}>)");
pattern!(HR = r"(<hr{S}*?/?>)");
pattern!(OPTION_BEFORE = r"{S}*<option");
pattern!(OPTION_AFTER = r"</option>{S}*");
pattern!(OBJECT_OPEN = r"(<object[^>]*>){S}*");
pattern!(OBJECT_CLOSE = r"{S}*</object>");
pattern!(PARAM_EMBED = r"{S}*(</?(?:param|embed)[^>]*>){S}*");
pattern!(MEDIA_OPEN = r"([<\[](?:audio|video)[^>\]]*[>\]]){S}*");
pattern!(MEDIA_CLOSE = r"{S}*([<\[]/(?:audio|video)[>\]])");
pattern!(SOURCE_TRACK = r"{S}*(<(?:source|track)[^>]*>){S}*");
pattern!(FIGCAPTION_OPEN = r"{S}*(<figcaption[^>]*>)");
pattern!(FIGCAPTION_CLOSE = r"</figcaption>{S}*");
pattern!(NEWLINES = r"\n\n+");
pattern!(PARAGRAPH_SPLIT = r"\n{S}*\n");
pattern!(EMPTY_P = r"<p>{S}*</p>");
pattern!(UNCLOSED_P = r"<p>([^<]+)</(div|address|form)>");
pattern!(P_AROUND_BLOCK = r"<p>{S}*(</?{ALLBLOCKS}[^>]*>){S}*</p>");
pattern!(P_AROUND_LI = r"<p>(<li.+?)</p>");
// PHP: '|<p><blockquote([^>]*)>|i', case-insensitive on bytes, so ASCII folding only.
pattern!(P_BLOCKQUOTE = r"(?i-u:<p><blockquote)([^>]*)>");
pattern!(P_BEFORE_BLOCK = r"<p>{S}*(</?{ALLBLOCKS}[^>]*>)");
pattern!(P_AFTER_BLOCK = r"(</?{ALLBLOCKS}[^>]*>){S}*</p>");
pattern!(BR_AFTER_BLOCK = r"(</?{ALLBLOCKS}[^>]*>){S}*<br />");
pattern!(BR_BEFORE_BLOCK = r"<br />({S}*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)");

/// `preg_replace()` of one of the patterns above.
fn replace(text: String, re: &Regex, with: &str) -> String {
    match re.replace_all(&text, with) {
        Cow::Borrowed(_) => text,
        Cow::Owned(replaced) => replaced,
    }
}

/// `wpautop($text, $br)` exactly.
///
/// Replaces double line breaks with paragraph elements; with `br`, the
/// remaining line breaks become `<br />` (except inside `<script>`, `<style>`,
/// `<svg>` and `<math>`). `<pre>` elements are left alone.
pub fn wpautop(text: &str, br: bool) -> String {
    if text
        .trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | '\0' | '\x0B'))
        .is_empty()
    {
        return String::new();
    }

    // Just to make things a little easier, pad the end.
    let mut text = format!("{text}\n");

    // Pre tags shouldn't be touched by autop.
    // Replace pre tags with placeholders and bring them back after autop.
    let mut pre_tags: Vec<(String, String)> = Vec::new();
    if text.contains("<pre") {
        let mut text_parts: Vec<&str> = text.split("</pre>").collect();
        let last_part = text_parts.pop().unwrap_or_default();
        let mut rebuilt = String::with_capacity(text.len());
        for text_part in text_parts {
            // Malformed HTML? (WordPress drops that `</pre>`.)
            let Some(start) = text_part.find("<pre") else {
                rebuilt.push_str(text_part);
                continue;
            };
            let name = format!("<pre wp-pre-tag-{}></pre>", pre_tags.len());
            pre_tags.push((name.clone(), format!("{}</pre>", &text_part[start..])));
            rebuilt.push_str(&text_part[..start]);
            rebuilt.push_str(&name);
        }
        rebuilt.push_str(last_part);
        text = rebuilt;
    }

    // Change multiple <br>'s into two line breaks, which will turn into paragraphs.
    text = replace(text, &BR_PAIR, "\n\n");

    // Add a double line break above block-level opening tags.
    text = replace(text, &BLOCK_OPEN, "\n\n${1}");

    // Add a double line break below block-level closing tags.
    text = replace(text, &BLOCK_CLOSE, "${1}\n\n");

    // Add a double line break after hr tags, which are self closing.
    text = replace(text, &HR, "${1}\n\n");

    // Standardize newline characters to "\n".
    if text.contains('\r') {
        text = text.replace("\r\n", "\n").replace('\r', "\n");
    }

    // Find newlines in all elements and add placeholders.
    text = replace_in_html_tags(&text, "\n", WPNL);

    // Collapse line breaks before and after <option> elements so they don't get autop'd.
    if text.contains("<option") {
        text = replace(text, &OPTION_BEFORE, "<option");
        text = replace(text, &OPTION_AFTER, "</option>");
    }

    // Collapse line breaks inside <object> elements, before <param> and <embed> elements
    // so they don't get autop'd.
    if text.contains("</object>") {
        text = replace(text, &OBJECT_OPEN, "${1}");
        text = replace(text, &OBJECT_CLOSE, "</object>");
        text = replace(text, &PARAM_EMBED, "${1}");
    }

    // Collapse line breaks inside <audio> and <video> elements,
    // before and after <source> and <track> elements.
    if text.contains("<source") || text.contains("<track") {
        text = replace(text, &MEDIA_OPEN, "${1}");
        text = replace(text, &MEDIA_CLOSE, "${1}");
        text = replace(text, &SOURCE_TRACK, "${1}");
    }

    // Collapse line breaks before and after <figcaption> elements.
    if text.contains("<figcaption") {
        text = replace(text, &FIGCAPTION_OPEN, "${1}");
        text = replace(text, &FIGCAPTION_CLOSE, "</figcaption>");
    }

    // Remove more than two contiguous line breaks.
    text = replace(text, &NEWLINES, "\n\n");

    // Split up the contents into an array of strings, separated by double line breaks,
    // and rebuild the content as a string, wrapping every bit with a <p>.
    let mut rebuilt = String::with_capacity(text.len() + text.len() / 4);
    for paragraph in PARAGRAPH_SPLIT.split(&text).filter(|p| !p.is_empty()) {
        rebuilt.push_str("<p>");
        rebuilt.push_str(paragraph.trim_matches('\n'));
        rebuilt.push_str("</p>\n");
    }
    text = rebuilt;

    // Under certain strange conditions it could create a P of entirely whitespace.
    text = replace(text, &EMPTY_P, "");

    // Add a closing <p> inside <div>, <address>, or <form> tag if missing.
    text = replace(text, &UNCLOSED_P, "<p>${1}</p></${2}>");

    // If an opening or closing block element tag is wrapped in a <p>, unwrap it.
    text = replace(text, &P_AROUND_BLOCK, "${1}");

    // In some cases <li> may get wrapped in <p>, fix them.
    text = replace(text, &P_AROUND_LI, "${1}");

    // If a <blockquote> is wrapped with a <p>, move it inside the <blockquote>.
    text = replace(text, &P_BLOCKQUOTE, "<blockquote${1}><p>");
    if text.contains("</blockquote></p>") {
        text = text.replace("</blockquote></p>", "</p></blockquote>");
    }

    // If an opening or closing block element tag is preceded by an opening <p> tag, remove it.
    text = replace(text, &P_BEFORE_BLOCK, "${1}");

    // If an opening or closing block element tag is followed by a closing <p> tag, remove it.
    text = replace(text, &P_AFTER_BLOCK, "${1}");

    // Optionally insert line breaks.
    if br {
        // Replace newlines that shouldn't be touched with a placeholder.
        text = preserve_newlines(&text);

        // Normalize <br>
        text = text.replace("<br>", "<br />").replace("<br/>", "<br />");

        // Replace any new line characters that aren't preceded by a <br /> with a <br />.
        text = br_before_newlines(&text);

        // Replace newline placeholders with newlines.
        if text.contains(PRESERVE_NEWLINE) {
            text = text.replace(PRESERVE_NEWLINE, "\n");
        }
    }

    // If a <br /> tag is after an opening or closing block tag, remove it.
    text = replace(text, &BR_AFTER_BLOCK, "${1}");

    // If a <br /> tag is before a subset of opening or closing block tags, remove it.
    text = replace(text, &BR_BEFORE_BLOCK, "${1}");
    // PHP: preg_replace( "|\n</p>$|", '</p>', $text ); `$` also matches before a final "\n".
    if let Some(head) = text.strip_suffix("\n</p>") {
        text = format!("{head}</p>");
    } else if let Some(head) = text.strip_suffix("\n</p>\n") {
        text = format!("{head}</p>\n");
    }

    // Replace placeholder <pre> tags with their original content.
    if !pre_tags.is_empty() {
        text = restore_pre_tags(&text, &pre_tags);
    }

    // Restore newlines in all elements.
    if text.contains("<!-- wpnl -->") {
        text = text.replace(WPNL, "\n").replace("<!-- wpnl -->", "\n");
    }

    text
}

/// `str_replace( array_keys( $pre_tags ), array_values( $pre_tags ), $text )`.
///
/// PHP replaces one pair after the other, each on the result of the previous one.
/// When no `<pre>` content holds a placeholder itself, that is the same as one
/// pass replacing every placeholder where it stands (a placeholder cannot straddle
/// the edge of a restored `<pre>…</pre>`, which starts with `<pre` and ends with
/// its only `</pre>`), and one pass keeps thousands of `<pre>` linear.
fn restore_pre_tags(text: &str, pre_tags: &[(String, String)]) -> String {
    const PREFIX: &str = "<pre wp-pre-tag-";
    if pre_tags.iter().any(|(_, original)| original.contains(PREFIX)) {
        let mut text = text.to_owned();
        for (name, original) in pre_tags {
            text = text.replace(name.as_str(), original);
        }
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(PREFIX) {
        let after = &rest[at + PREFIX.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let original = after
            .get(digits..)
            .filter(|tail| tail.starts_with("></pre>"))
            .and_then(|_| after[..digits].parse::<usize>().ok())
            .and_then(|i| pre_tags.get(i))
            .filter(|(name, _)| name.len() == PREFIX.len() + digits + "></pre>".len())
            .map(|(_, original)| original);
        match original {
            Some(original) => {
                out.push_str(&rest[..at]);
                out.push_str(original);
                rest = &after[digits + "></pre>".len()..];
            }
            None => {
                out.push_str(&rest[..at + PREFIX.len()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Where the element starting at `start` (a `<`) ends, as `get_html_split_regex()`
/// matches it: a comment runs to the first `-->` after `<!`, CDATA to the first
/// `]]>` after `<![CDATA[`, anything else to the first `>`; unterminated, to the end.
fn html_element_end(bytes: &[u8], start: usize) -> usize {
    let after = start + 1;
    let rest = bytes.get(after..).unwrap_or_default();
    let (from, terminator): (usize, &[u8]) = if rest.starts_with(b"!--") {
        (after + 1, b"-->")
    } else if rest.starts_with(b"![CDATA[") {
        (after + 8, b"]]>")
    } else {
        (after, b">")
    };
    bytes
        .get(from..)
        .and_then(|tail| memmem::find(tail, terminator))
        .map_or(bytes.len(), |i| from + i + terminator.len())
}

/// `wp_replace_in_html_tags( $haystack, array( $needle => $replace ) )`: replaces
/// `needle` inside the elements `wp_html_split()` finds (tags, comments, CDATA)
/// and nowhere else.
fn replace_in_html_tags(haystack: &str, needle: &str, with: &str) -> String {
    let bytes = haystack.as_bytes();
    let mut out = String::with_capacity(haystack.len());
    let mut pos = 0;
    while let Some(offset) = bytes.get(pos..).and_then(|tail| memchr(b'<', tail)) {
        let start = pos + offset;
        let end = html_element_end(bytes, start);
        // Both ends sit after ASCII bytes (or at the end): always char boundaries.
        out.push_str(&haystack[pos..start]);
        let element = &haystack[start..end];
        if element.contains(needle) {
            out.push_str(&element.replace(needle, with));
        } else {
            out.push_str(element);
        }
        pos = end;
    }
    out.push_str(&haystack[pos..]);
    out
}

/// `preg_replace_callback( '/<(script|style|svg|math).*?<\/\\1>/s',
/// '_autop_newline_preservation_helper', $text )`: every newline from such an
/// opening tag (name matched as a prefix, case-sensitively) to the first closing
/// tag of the same name becomes `<WPPreserveNewline />`.
fn preserve_newlines(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut search = 0;
    // A name whose closing tag no longer occurs cannot match further on.
    let mut exhausted = [false; PRESERVED.len()];
    while let Some(offset) = bytes.get(search..).and_then(|tail| memchr(b'<', tail)) {
        let lt = search + offset;
        let after = lt + 1;
        let rest = bytes.get(after..).unwrap_or_default();
        let mut end = None;
        // At most one name can follow: none is a prefix of another.
        if let Some(k) = PRESERVED.iter().position(|name| rest.starts_with(name.as_bytes()))
            && !exhausted[k]
        {
            let name = PRESERVED[k];
            let closing = format!("</{name}>");
            let from = after + name.len();
            match bytes
                .get(from..)
                .and_then(|tail| memmem::find(tail, closing.as_bytes()))
            {
                Some(i) => end = Some(from + i + closing.len()),
                None => exhausted[k] = true,
            }
        }
        match end {
            Some(end) => {
                out.push_str(&text[copied..lt]);
                out.push_str(&text[lt..end].replace('\n', PRESERVE_NEWLINE));
                copied = end;
                search = end;
            }
            None => search = after,
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// PCRE's `\s` (no `u` flag).
fn is_pcre_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

/// `preg_replace( '|(?<!<br />)\s*\n|', "<br />\n", $text )`.
///
/// A match starts at a whitespace byte not preceded by `<br />` (in the original
/// text) and, `\s*` being greedy, ends at the last newline of the whitespace run
/// that follows; a run without a newline has no match anywhere in it.
fn br_before_newlines(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut copied = 0;
    let mut p = 0;
    while p < bytes.len() {
        if !is_pcre_space(bytes[p]) {
            p += 1;
            continue;
        }
        if p >= 6 && &bytes[p - 6..p] == b"<br />" {
            p += 1;
            continue;
        }
        let mut q = p;
        let mut last_newline = None;
        while q < bytes.len() && is_pcre_space(bytes[q]) {
            if bytes[q] == b'\n' {
                last_newline = Some(q);
            }
            q += 1;
        }
        match last_newline {
            Some(n) => {
                // `p` is at an ASCII byte and `n + 1` after one: char boundaries.
                out.push_str(&text[copied..p]);
                out.push_str("<br />\n");
                copied = n + 1;
                p = n + 1;
            }
            None => p = q,
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// `shortcode_unautop($text)` for the given shortcode names (WordPress only
/// unwraps registered shortcodes).
///
/// Removes the `<p>` … `</p>` around a shortcode (with its content and closing
/// tag, if any) that is alone in its paragraph, allowing spaces, tabs, newlines,
/// U+00A0 and `&nbsp;` around it.
pub fn shortcode_unautop(text: &str, names: &[&str]) -> String {
    let names: Vec<&str> = names.iter().copied().filter(|name| !name.is_empty()).collect();
    if names.is_empty() {
        return text.to_owned();
    }
    let mut matcher = Unautop::new(text.as_bytes(), &names);
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut search = 0;
    while let Some(offset) = bytes.get(search..).and_then(|tail| memmem::find(tail, b"<p>")) {
        let start = search + offset;
        match matcher.match_at(start + 3) {
            Some((shortcode, end)) => {
                // Every index sits next to ASCII bytes (or a whole U+00A0): char boundaries.
                out.push_str(&text[copied..start]);
                out.push_str(&text[shortcode]);
                copied = end;
                search = end;
            }
            None => search = start + 1,
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// The pattern of `shortcode_unautop()`, after its `<p>`:
///
/// ```text
/// (?:SPACES)*+ ( \[ (NAMES) (?![\w-]) [^\]\/]* (?:\/(?!\])[^\]\/]*)*?
///   (?: \/\] | \] (?: [^\[]*+ (?:\[(?!\/\2\])[^\[]*+)*+ \[\/\2\] )? ) ) (?:SPACES)*+ <\/p>
/// ```
///
/// with `SPACES` = `wp_spaces_regexp()` = `[\r\n\t ]|\xC2\xA0|&nbsp;`.
struct Unautop<'a> {
    bytes: &'a [u8],
    names: &'a [&'a str],
    /// No `]` at or after this position.
    no_bracket_from: Option<usize>,
    /// Per name: no `[/name]` at or after this position.
    no_closing_from: Vec<Option<usize>>,
}

impl<'a> Unautop<'a> {
    fn new(bytes: &'a [u8], names: &'a [&'a str]) -> Self {
        Unautop {
            bytes,
            names,
            no_bracket_from: None,
            no_closing_from: vec![None; names.len()],
        }
    }

    /// `(?:[\r\n\t ]|\xC2\xA0|&nbsp;)*+`: where the run of spaces from `i` ends.
    fn skip_spaces(&self, mut i: usize) -> usize {
        loop {
            let rest = self.bytes.get(i..).unwrap_or_default();
            if matches!(rest.first(), Some(b'\r' | b'\n' | b'\t' | b' ')) {
                i += 1;
            } else if rest.starts_with(b"\xC2\xA0") {
                i += 2;
            } else if rest.starts_with(b"&nbsp;") {
                i += 6;
            } else {
                return i;
            }
        }
    }

    /// `(?:SPACES)*+<\/p>` at `i`: the end of the match.
    fn closing_p(&self, i: usize) -> Option<usize> {
        let i = self.skip_spaces(i);
        self.bytes
            .get(i..)
            .unwrap_or_default()
            .starts_with(b"</p>")
            .then_some(i + 4)
    }

    /// The first `]` at or after `from`.
    fn bracket(&mut self, from: usize) -> Option<usize> {
        if self.no_bracket_from.is_some_and(|none| from >= none) {
            return None;
        }
        let found = self
            .bytes
            .get(from..)
            .and_then(|tail| memchr(b']', tail))
            .map(|i| from + i);
        if found.is_none() {
            self.no_bracket_from = Some(from);
        }
        found
    }

    /// The end of the first `[/name]` at or after `from`.
    fn closing_tag(&mut self, k: usize, from: usize) -> Option<usize> {
        if self.no_closing_from[k].is_some_and(|none| from >= none) {
            return None;
        }
        let closing = format!("[/{}]", self.names[k]);
        let found = self
            .bytes
            .get(from..)
            .and_then(|tail| memmem::find(tail, closing.as_bytes()))
            .map(|i| from + i + closing.len());
        if found.is_none() {
            self.no_closing_from[k] = Some(from);
        }
        found
    }

    /// Tries the pattern right after a `<p>` ending at `i`: the range of group 1 (the
    /// shortcode) and the end of the whole match. The alternatives are tried in
    /// PCRE's order: names in order, then (for `]`) with the content and closing
    /// tag before without.
    fn match_at(&mut self, i: usize) -> Option<(std::ops::Range<usize>, usize)> {
        let open = self.skip_spaces(i);
        if self.bytes.get(open) != Some(&b'[') {
            return None;
        }
        let name_start = open + 1;
        for k in 0..self.names.len() {
            let name = self.names[k].as_bytes();
            if !self.bytes.get(name_start..).unwrap_or_default().starts_with(name) {
                continue;
            }
            let after = name_start + name.len();
            // (?![\w-]), \w being ASCII without the `u` flag.
            if self
                .bytes
                .get(after)
                .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
            {
                continue;
            }
            // The attributes hold no `]`, and no `/` directly before it unless that
            // `/` closes a self-closing tag: the first `]` decides.
            let Some(bracket) = self.bracket(after) else {
                continue;
            };
            if bracket > after && self.bytes[bracket - 1] == b'/' {
                // \/\] : self-closing.
                if let Some(end) = self.closing_p(bracket + 1) {
                    return Some((open..bracket + 1, end));
                }
                continue;
            }
            // \] then, optionally, everything up to the first [/name].
            let tag_end = bracket + 1;
            if let Some(closing_end) = self.closing_tag(k, tag_end)
                && let Some(end) = self.closing_p(closing_end)
            {
                return Some((open..closing_end, end));
            }
            if let Some(end) = self.closing_p(tag_end) {
                return Some((open..tag_end, end));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        for re in [
            &BR_PAIR,
            &BLOCK_OPEN,
            &BLOCK_CLOSE,
            &HR,
            &OPTION_BEFORE,
            &OPTION_AFTER,
            &OBJECT_OPEN,
            &OBJECT_CLOSE,
            &PARAM_EMBED,
            &MEDIA_OPEN,
            &MEDIA_CLOSE,
            &SOURCE_TRACK,
            &FIGCAPTION_OPEN,
            &FIGCAPTION_CLOSE,
            &NEWLINES,
            &PARAGRAPH_SPLIT,
            &EMPTY_P,
            &UNCLOSED_P,
            &P_AROUND_BLOCK,
            &P_AROUND_LI,
            &P_BLOCKQUOTE,
            &P_BEFORE_BLOCK,
            &P_AFTER_BLOCK,
            &BR_AFTER_BLOCK,
            &BR_BEFORE_BLOCK,
        ] {
            LazyLock::force(re);
        }
    }

    /// `wp_html_split()`, for the tests: text, element, text, element, …, text.
    fn html_split(input: &str) -> Vec<&str> {
        let bytes = input.as_bytes();
        let mut parts = Vec::new();
        let mut pos = 0;
        while let Some(offset) = memchr(b'<', &bytes[pos..]) {
            let start = pos + offset;
            let end = html_element_end(bytes, start);
            parts.push(&input[pos..start]);
            parts.push(&input[start..end]);
            pos = end;
        }
        parts.push(&input[pos..]);
        parts
    }

    /// Tests_Formatting_wpHtmlSplit::data_basic_features.
    #[test]
    fn wp_html_split_basic_features() {
        let cases: [(&str, &[&str]); 4] = [
            ("abcd efgh", &["abcd efgh"]),
            ("abcd <html> efgh", &["abcd ", "<html>", " efgh"]),
            ("abcd <!-- <html> --> efgh", &["abcd ", "<!-- <html> -->", " efgh"]),
            (
                "abcd <![CDATA[ <html> ]]> efgh",
                &["abcd ", "<![CDATA[ <html> ]]>", " efgh"],
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(html_split(input), expected, "{input:?}");
        }
    }

    /// Tests_Formatting_wpReplaceInHtmlTags::data_wp_replace_in_html_tags.
    #[test]
    fn wp_replace_in_html_tags() {
        let cases = [
            ("Hello \n World", "Hello \n World"),
            ("<Hello \n World>", "<Hello   World>"),
            ("<!-- Hello \n World -->", "<!-- Hello   World -->"),
            ("<!-- Hello <\n> World -->", "<!-- Hello < > World -->"),
        ];
        for (input, expected) in cases {
            assert_eq!(replace_in_html_tags(input, "\n", " "), expected, "{input:?}");
        }
    }

    /// Tests_Formatting_AutopNewlinePreservationHelper::
    /// data_should_preserve_newlines_as_a_preg_replace_callback.
    #[test]
    fn autop_newline_preservation_helper() {
        let cases = [
            (
                "<script>\nvar a = 1;\n</script>",
                "<script><WPPreserveNewline />var a = 1;<WPPreserveNewline /></script>",
            ),
            (
                "<style>\n.wp { color: red; }\n</style>",
                "<style><WPPreserveNewline />.wp { color: red; }<WPPreserveNewline /></style>",
            ),
            (
                "<svg>\n<path d=\"M0 0\" />\n</svg>",
                "<svg><WPPreserveNewline /><path d=\"M0 0\" /><WPPreserveNewline /></svg>",
            ),
            (
                "<math>\n<mi>a</mi>\n</math>",
                "<math><WPPreserveNewline /><mi>a</mi><WPPreserveNewline /></math>",
            ),
            (
                "<script type=\"text/javascript\">\nvar a = 1;\n</script>",
                "<script type=\"text/javascript\"><WPPreserveNewline />var a = 1;<WPPreserveNewline /></script>",
            ),
            (
                "Line one.\n<script>var a = 1;</script>\nLine two.",
                "Line one.\n<script>var a = 1;</script>\nLine two.",
            ),
            (
                "<style>\n.wp {}\n</style>\n\n<script>\nvar a = 1;\n</script>",
                "<style><WPPreserveNewline />.wp {}<WPPreserveNewline /></style>\n\n<script><WPPreserveNewline />var a = 1;<WPPreserveNewline /></script>",
            ),
            ("Line one.\nLine two.", "Line one.\nLine two."),
            ("<script>\nvar a = 1;", "<script>\nvar a = 1;"),
            ("<script>var a = 1;</script>", "<script>var a = 1;</script>"),
        ];
        for (input, expected) in cases {
            assert_eq!(preserve_newlines(input), expected, "{input:?}");
        }
    }

    /// Awkward inputs must never panic (the module is fuzzed with arbitrary HTML).
    #[test]
    fn awkward_inputs_do_not_panic() {
        let mut inputs: Vec<String> = [
            "",
            " ",
            "\n",
            "\r\n",
            "\r",
            "\0",
            "\x0B\x0C",
            "<",
            ">",
            "<<<",
            "<p",
            "<pre",
            "<pre>",
            "</pre>",
            "<pre></pre></pre><pre",
            "<pre wp-pre-tag-0></pre>",
            "<!--",
            "<!-->",
            "<!---",
            "<![CDATA[",
            "<![CDATA[]]",
            "<script>",
            "<script></script",
            "<svg\n",
            "<math>\n</ma",
            "<br /",
            "<br />",
            "\n<br />\n<br />\n",
            "<p></p>",
            "<p>[",
            "<p>[gallery",
            "<p>[gallery]",
            "<p>[gallery/]",
            "<p>[/gallery]</p>",
            "<p>\u{a0}[gallery]\u{a0}</p>",
            "<p>&nbsp",
            "é<é>é\n\né",
            "🦀\n\n🦀<div>🦀</div>\r\n🦀",
            "<blockquote>\n\n<p>",
            "<p><blockquote",
            "<li",
            "<option\n",
            "</object>\n<object",
            "<source\n[audio",
            "<figcaption",
            "a\u{2028}b\u{85}c\u{a0}\n",
            "<div>\r\n\r\n</div>\r",
            "<![CDATA[ <!-- ]]> -->",
            "\n\n\n\n\n",
            " \t \n \t ",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();

        // Plus pseudo-random mixes of the fragments that matter to the patterns.
        const FRAGMENTS: &[&str] = &[
            "<",
            ">",
            "/",
            "<p>",
            "</p>",
            "<pre>",
            "</pre>",
            "<pre",
            "<div>",
            "</div>",
            "<br />",
            "<br>",
            "<li>",
            "<blockquote>",
            "<!--",
            "-->",
            "<![CDATA[",
            "]]>",
            "<script>",
            "</script>",
            "<math>",
            "</math>",
            "[gallery",
            "]",
            "[/gallery]",
            "[caption]",
            "/]",
            "\n",
            "\n\n",
            "\r",
            "\r\n",
            " ",
            "\t",
            "\u{a0}",
            "&nbsp;",
            "é",
            "🦀",
            "x",
            "<option>",
            "</object>",
            "<source>",
            "<figcaption>",
            "<hr>",
            "\x0B",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..2000 {
            let mut s = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 24) as usize;
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(FRAGMENTS[(seed % FRAGMENTS.len() as u64) as usize]);
            }
            inputs.push(s);
        }

        for input in &inputs {
            for br in [true, false] {
                let html = wpautop(input, br);
                let _ = shortcode_unautop(&html, &["gallery", "caption", ""]);
            }
            let _ = shortcode_unautop(input, &["gallery", "caption"]);
            let _ = shortcode_unautop(input, &[]);
        }
    }
}
