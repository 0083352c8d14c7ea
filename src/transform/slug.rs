//! Slugs: WordPress's own `sanitize_title()`, ported, and the helpers that turn a
//! slug into a file name.
//!
//! This module owns every slug the Markdown writer makes or reads:
//!
//! - [`sanitize_title`] gives the slug WordPress itself would give a post whose
//!   `post_name` is empty, so generated permalinks and redirect maps match the old site;
//! - [`decode_slug`] turns a percent-encoded slug (`caf%c3%a9`) into the Unicode text of a
//!   file name (`café`);
//! - [`ascii_slug`] is the `--ascii-slugs` variant: the same shape, transliterated to ASCII;
//! - [`safe_component`] makes any name safe as one path component on Linux, macOS and Windows;
//! - [`served_slug`] keeps of a decoded slug what every generator serves unchanged in a URL.
//!
//! # What is ported
//!
//! WordPress 7.1, `wp-includes/formatting.php`: `sanitize_title( $title )` as
//! `wp_insert_post()` calls it, that is [`remove_accents`] and then
//! `sanitize_title_with_dashes( $title, '', 'save' )` (the default `sanitize_title` filter),
//! with `utf8_uri_encode()` and PHP's own `strip_tags()` (php-src `php_strip_tags_ex`, no
//! allowed tags), step by step. Unicode letters outside remove_accents' table are **not**
//! transliterated: `Привет мир` becomes `%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82-%d0%bc%d0%b8%d1%80`,
//! as on a WordPress site.
//!
//! The fixture `fixtures/transform/slug.txt` holds the cases of WordPress's unit tests and
//! many more, each checked against WordPress's PHP; `tests/cases.rs` runs it.
//!
//! # Deviations from WordPress
//!
//! - **PHP extensions.** The port assumes a site with the `mbstring` and `intl` extensions,
//!   WordPress's recommended setup: `remove_accents()` NFC-normalizes (WordPress does only
//!   when `normalizer_normalize()` exists) and letters are lower-cased with full Unicode case
//!   mapping (`mb_strtolower`; without mbstring, WordPress lower-cases ASCII only, so
//!   `П` would stay `%d0%9f`). Lower-casing is Rust's [`str::to_lowercase`], which, like
//!   PHP ≥ 8.3, turns a word-final `Σ` into `ς`; PHP ≤ 8.2 gives `σ`. Unicode versions of
//!   Rust's and PHP's case tables may differ for characters added recently.
//! - **Locale.** [`sanitize_title`] applies remove_accents' default rules, as on a site in
//!   English (or any locale without special rules). The rules for German (`de*`: `ä`→`ae`,
//!   `ß`→`ss`, …), Danish (`da_DK`), Catalan (`ca`: `l·l`→`ll`) and Serbian/Bosnian
//!   (`sr_RS`, `bs_BA`: `đ`→`dj`) are ported but applied only through
//!   [`sanitize_title_for_locale`] / [`remove_accents`] with that locale.
//! - **Not UTF-8.** remove_accents' ISO-8859-1 branch (for byte strings that are not UTF-8)
//!   has no counterpart: a Rust `&str` is always UTF-8.
//! - **Filters.** Plugins hooked on `sanitize_title` (transliteration plugins, for example)
//!   are not run, and uniqueness suffixes (`-2`, by `wp_unique_post_slug()`) are the
//!   caller's business.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::{IsNormalized, is_nfc_quick};

/// The byte limit `sanitize_title_with_dashes()` passes to `utf8_uri_encode()`.
const SLUG_MAX: usize = 200;

/// WordPress's `sanitize_title()`: the slug WordPress would give a post whose `post_name`
/// is empty.
///
/// Latin accents become ASCII letters (remove_accents, default locale); every other
/// non-ASCII character stays, percent-encoded in lower-case hex: `"Café Déjà Vu!"` →
/// `"cafe-deja-vu"`, `"Привет мир"` → `"%d0%bf%d1%80…-%d0%bc%d0%b8%d1%80"`. The result holds
/// only `a-z`, `0-9`, `_`, `-` and `%` and is at most 200 bytes long. It can be empty.
pub fn sanitize_title(title: &str) -> String {
    sanitize_title_for_locale(title, "")
}

/// [`sanitize_title`] for a site whose locale (`get_locale()`, e.g. `de_DE`) has its own
/// remove_accents rules; `""` gives the default rules.
pub fn sanitize_title_for_locale(title: &str, locale: &str) -> String {
    sanitize_title_with_dashes_save(&remove_accents(title, locale), Some(SLUG_MAX))
}

/// WordPress's `remove_accents( $text, $locale )`: Latin letters with accents (and a few
/// signs) to ASCII, after NFC normalization; anything else is kept.
///
/// `locale` selects WordPress's locale rules (`de*`, `da_DK`, `ca`, `sr_RS`, `bs_BA`);
/// `""` or any other locale gives the default table.
pub fn remove_accents(text: &str, locale: &str) -> String {
    // `if ( ! preg_match( '/[\x80-\xff]/', $text ) ) return $text;`
    if text.is_ascii() {
        return text.to_owned();
    }
    // NFC normalization (WordPress ≥ 6.1, when the intl extension is loaded): the table
    // below is written in precomposed characters.
    let text: Cow<'_, str> = match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => Cow::Borrowed(text),
        _ => Cow::Owned(text.nfc().collect()),
    };
    let rules = LocaleRules::of(locale);
    // `strtr( $text, $chars )`: one left-to-right pass, longest key first. Every key is one
    // character except Catalan `l·l`, which no other key overlaps.
    let mut out = String::with_capacity(text.len());
    let mut rest: &str = &text;
    while let Some(c) = rest.chars().next() {
        if rules == LocaleRules::Catalan && rest.starts_with("l·l") {
            out.push_str("ll");
            rest = &rest["l·l".len()..];
            continue;
        }
        match rules.map(c).or_else(|| accent(c)) {
            Some(ascii) => out.push_str(ascii),
            None => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// remove_accents' locale-specific groups of rules.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LocaleRules {
    Default,
    /// Every locale starting with `de` (de_DE, de_CH, de_AT, formal or informal).
    German,
    /// `da_DK`.
    Danish,
    /// `ca`.
    Catalan,
    /// `sr_RS` and `bs_BA`.
    SerbianBosnian,
}

impl LocaleRules {
    fn of(locale: &str) -> Self {
        if locale.starts_with("de") {
            Self::German
        } else if locale == "da_DK" {
            Self::Danish
        } else if locale == "ca" {
            Self::Catalan
        } else if locale == "sr_RS" || locale == "bs_BA" {
            Self::SerbianBosnian
        } else {
            Self::Default
        }
    }

    /// The entries a locale overrides or adds.
    fn map(self, c: char) -> Option<&'static str> {
        Some(match (self, c) {
            (Self::German, 'Ä') => "Ae",
            (Self::German, 'ä') => "ae",
            (Self::German, 'Ö') => "Oe",
            (Self::German, 'ö') => "oe",
            (Self::German, 'Ü') => "Ue",
            (Self::German, 'ü') => "ue",
            (Self::German, 'ẞ') => "SS",
            (Self::German, 'ß') => "ss",
            (Self::Danish, 'Æ') => "Ae",
            (Self::Danish, 'æ') => "ae",
            (Self::Danish, 'Ø') => "Oe",
            (Self::Danish, 'ø') => "oe",
            (Self::Danish, 'Å') => "Aa",
            (Self::Danish, 'å') => "aa",
            (Self::SerbianBosnian, 'Đ') => "DJ",
            (Self::SerbianBosnian, 'đ') => "dj",
            _ => return None,
        })
    }
}

/// remove_accents' default table (WordPress 7.1), in WordPress's order.
fn accent(c: char) -> Option<&'static str> {
    Some(match c {
        // Decompositions for Latin-1 Supplement.
        'ª' | 'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'º' | 'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "A",
        'Æ' => "AE",
        'Ç' => "C",
        'È' | 'É' | 'Ê' | 'Ë' => "E",
        'Ì' | 'Í' | 'Î' | 'Ï' => "I",
        'Ð' => "D",
        'Ñ' => "N",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => "O",
        'Ù' | 'Ú' | 'Û' | 'Ü' => "U",
        'Ý' => "Y",
        'Þ' => "TH",
        'ß' => "s",
        'æ' => "ae",
        'ç' => "c",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ð' => "d",
        'ñ' => "n",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ý' | 'ÿ' => "y",
        'þ' => "th",
        // Decompositions for Latin Extended-A.
        'Ā' | 'Ă' | 'Ą' => "A",
        'ā' | 'ă' | 'ą' => "a",
        'Ć' | 'Ĉ' | 'Ċ' | 'Č' => "C",
        'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'Ď' | 'Đ' => "D",
        'ď' | 'đ' => "d",
        'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => "E",
        'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => "G",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'Ĥ' | 'Ħ' => "H",
        'ĥ' | 'ħ' => "h",
        'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' => "I",
        'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'Ĳ' => "IJ",
        'ĳ' => "ij",
        'Ĵ' => "J",
        'ĵ' => "j",
        'Ķ' => "K",
        'ķ' | 'ĸ' => "k",
        'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => "L",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'Ń' | 'Ņ' | 'Ň' | 'Ŋ' => "N",
        'ń' | 'ņ' | 'ň' | 'ŉ' | 'ŋ' => "n",
        'Ō' | 'Ŏ' | 'Ő' => "O",
        'ō' | 'ŏ' | 'ő' => "o",
        'Œ' => "OE",
        'œ' => "oe",
        'Ŕ' | 'Ŗ' | 'Ř' => "R",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'Ś' | 'Ŝ' | 'Ş' | 'Š' => "S",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ſ' => "s",
        'Ţ' | 'Ť' | 'Ŧ' => "T",
        'ţ' | 'ť' | 'ŧ' => "t",
        'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => "U",
        'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'Ŵ' => "W",
        'ŵ' => "w",
        'Ŷ' | 'Ÿ' => "Y",
        'ŷ' => "y",
        'Ź' | 'Ż' | 'Ž' => "Z",
        'ź' | 'ż' | 'ž' => "z",
        // Decompositions for Latin Extended-B.
        'Ə' => "E",
        'ǝ' => "e",
        'Ș' => "S",
        'ș' => "s",
        'Ț' => "T",
        'ț' => "t",
        // Euro sign.
        '€' => "E",
        // GBP (Pound) sign.
        '£' => "",
        // Vowels with diacritic (Vietnamese). Unmarked.
        'Ơ' => "O",
        'ơ' => "o",
        'Ư' => "U",
        'ư' => "u",
        // Grave accent.
        'Ầ' | 'Ằ' => "A",
        'ầ' | 'ằ' => "a",
        'Ề' => "E",
        'ề' => "e",
        'Ồ' | 'Ờ' => "O",
        'ồ' | 'ờ' => "o",
        'Ừ' => "U",
        'ừ' => "u",
        'Ỳ' => "Y",
        'ỳ' => "y",
        // Hook.
        'Ả' | 'Ẩ' | 'Ẳ' => "A",
        'ả' | 'ẩ' | 'ẳ' => "a",
        'Ẻ' | 'Ể' => "E",
        'ẻ' | 'ể' => "e",
        'Ỉ' => "I",
        'ỉ' => "i",
        'Ỏ' | 'Ổ' | 'Ở' => "O",
        'ỏ' | 'ổ' | 'ở' => "o",
        'Ủ' | 'Ử' => "U",
        'ủ' | 'ử' => "u",
        'Ỷ' => "Y",
        'ỷ' => "y",
        // Tilde.
        'Ẫ' | 'Ẵ' => "A",
        'ẫ' | 'ẵ' => "a",
        'Ẽ' | 'Ễ' => "E",
        'ẽ' | 'ễ' => "e",
        'Ỗ' | 'Ỡ' => "O",
        'ỗ' | 'ỡ' => "o",
        'Ữ' => "U",
        'ữ' => "u",
        'Ỹ' => "Y",
        'ỹ' => "y",
        // Acute accent.
        'Ấ' | 'Ắ' => "A",
        'ấ' | 'ắ' => "a",
        'Ế' => "E",
        'ế' => "e",
        'Ố' | 'Ớ' => "O",
        'ố' | 'ớ' => "o",
        'Ứ' => "U",
        'ứ' => "u",
        // Dot below.
        'Ạ' | 'Ậ' | 'Ặ' => "A",
        'ạ' | 'ậ' | 'ặ' => "a",
        'Ẹ' | 'Ệ' => "E",
        'ẹ' | 'ệ' => "e",
        'Ị' => "I",
        'ị' => "i",
        'Ọ' | 'Ộ' | 'Ợ' => "O",
        'ọ' | 'ộ' | 'ợ' => "o",
        'Ụ' | 'Ự' => "U",
        'ụ' | 'ự' => "u",
        'Ỵ' => "Y",
        'ỵ' => "y",
        // Vowels with diacritic (Chinese, Hanyu Pinyin).
        'ɑ' => "a",
        // Macron.
        'Ǖ' => "U",
        'ǖ' => "u",
        // Acute accent.
        'Ǘ' => "U",
        'ǘ' => "u",
        // Caron.
        'Ǎ' => "A",
        'ǎ' => "a",
        'Ǐ' => "I",
        'ǐ' => "i",
        'Ǒ' => "O",
        'ǒ' => "o",
        'Ǔ' | 'Ǚ' => "U",
        'ǔ' | 'ǚ' => "u",
        // Grave accent.
        'Ǜ' => "U",
        'ǜ' => "u",
        _ => return None,
    })
}

/// `sanitize_title_with_dashes( $title, '', 'save' )`, step by step. `limit` is the byte
/// limit given to `utf8_uri_encode()` (WordPress: 200); `None` for none.
///
/// Works on bytes, as PHP does; every step keeps UTF-8 intact (they cut and match only at
/// ASCII bytes), and from `utf8_uri_encode()` on the text is ASCII.
fn sanitize_title_with_dashes_save(title: &str, limit: Option<usize>) -> String {
    // `strip_tags( $title )`: PHP's state machine, not wp_strip_all_tags().
    let t = php_strip_tags(title.as_bytes());
    // Preserve escaped octets: `%([a-fA-F0-9][a-fA-F0-9])` → `---$1---`.
    let t = preserve_octets(&t);
    // Remove percent signs that are not part of an octet.
    let t: Vec<u8> = t.into_iter().filter(|&b| b != b'%').collect();
    // Restore octets: `---([a-fA-F0-9][a-fA-F0-9])---` → `%$1`.
    let t = restore_octets(&t);
    // `if ( wp_is_valid_utf8( $title ) )`: `mb_strtolower()`, then `utf8_uri_encode( $title,
    // 200 )`. Always true for text that came in as a `&str`; the other branch is kept anyway.
    let mut t = match std::str::from_utf8(&t) {
        Ok(s) => utf8_uri_encode(&s.to_lowercase(), limit).into_bytes(),
        Err(_) => t,
    };
    // `strtolower()`: ASCII only (PHP ≥ 8.2; the C locale before).
    t.make_ascii_lowercase();
    // The 'save' context.
    // Convert nbsp, non-breaking hyphen, ndash and mdash to hyphens.
    for pat in ["%c2%a0", "%e2%80%91", "%e2%80%93", "%e2%80%94"] {
        t = replace(&t, pat, "-");
    }
    // Convert the same as HTML entities to hyphens.
    for pat in [
        "&nbsp;", "&#8209;", "&#160;", "&ndash;", "&#8211;", "&mdash;", "&#8212;",
    ] {
        t = replace(&t, pat, "-");
    }
    // Convert forward slash to hyphen.
    t = replace(&t, "/", "-");
    // Strip these characters entirely (one `str_replace()` pass per entry, in order).
    for pat in SAVE_STRIPPED {
        t = replace(&t, pat, "");
    }
    // Convert non-visible characters that display with a width to hyphen.
    for pat in SAVE_TO_HYPHEN {
        t = replace(&t, pat, "-");
    }
    // Convert &times to 'x'.
    t = replace(&t, "%c3%97", "x");
    // Remove HTML entities: `/&.+?;/`.
    let t = kill_entities(&t);
    // The last five steps, fused into one pass (the same result: each only deletes bytes or
    // turns them into `-`):
    // - `str_replace( '.', '-', $title )`;
    // - `preg_replace( '/[^%a-z0-9 _-]/', '', $title )`: anything else goes;
    // - `preg_replace( '/\s+/', '-', $title )`: by now the only whitespace is the space;
    // - `preg_replace( '|-+|', '-', $title )`: a run of dashes becomes one;
    // - `trim( $title, '-' )`: a leading dash is never pushed, trailing ones are popped.
    let mut out = String::with_capacity(t.len());
    for &b in &t {
        let b = if b == b'.' { b'-' } else { b };
        match b {
            b'%' | b'a'..=b'z' | b'0'..=b'9' | b'_' => out.push(char::from(b)),
            b' ' | b'-' if !out.is_empty() && !out.ends_with('-') => out.push('-'),
            _ => {}
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// The save context's list of encoded characters to strip, in WordPress's order.
const SAVE_STRIPPED: [&str; 40] = [
    // Soft hyphens.
    "%c2%ad",
    // &iexcl and &iquest.
    "%c2%a1",
    "%c2%bf",
    // Angle quotes.
    "%c2%ab",
    "%c2%bb",
    "%e2%80%b9",
    "%e2%80%ba",
    // Curly quotes.
    "%e2%80%98",
    "%e2%80%99",
    "%e2%80%9c",
    "%e2%80%9d",
    "%e2%80%9a",
    "%e2%80%9b",
    "%e2%80%9e",
    "%e2%80%9f",
    // Bullet.
    "%e2%80%a2",
    // &copy, &reg, &deg, &hellip, and &trade.
    "%c2%a9",
    "%c2%ae",
    "%c2%b0",
    "%e2%80%a6",
    "%e2%84%a2",
    // Acute accents.
    "%c2%b4",
    "%cb%8a",
    "%cc%81",
    "%cd%81",
    // Grave accent, macron, caron.
    "%cc%80",
    "%cc%84",
    "%cc%8c",
    // Non-visible characters that display without a width.
    "%e2%80%8b", // Zero width space.
    "%e2%80%8c", // Zero width non-joiner.
    "%e2%80%8d", // Zero width joiner.
    "%e2%80%8e", // Left-to-right mark.
    "%e2%80%8f", // Right-to-left mark.
    "%e2%80%aa", // Left-to-right embedding.
    "%e2%80%ab", // Right-to-left embedding.
    "%e2%80%ac", // Pop directional formatting.
    "%e2%80%ad", // Left-to-right override.
    "%e2%80%ae", // Right-to-left override.
    "%ef%bb%bf", // Byte order mark.
    "%ef%bf%bc", // Object replacement character.
];

/// The save context's non-visible characters with a width, which become `-`.
const SAVE_TO_HYPHEN: [&str; 14] = [
    "%e2%80%80", // En quad.
    "%e2%80%81", // Em quad.
    "%e2%80%82", // En space.
    "%e2%80%83", // Em space.
    "%e2%80%84", // Three-per-em space.
    "%e2%80%85", // Four-per-em space.
    "%e2%80%86", // Six-per-em space.
    "%e2%80%87", // Figure space.
    "%e2%80%88", // Punctuation space.
    "%e2%80%89", // Thin space.
    "%e2%80%8a", // Hair space.
    "%e2%80%a8", // Line separator.
    "%e2%80%a9", // Paragraph separator.
    "%e2%80%af", // Narrow no-break space.
];

/// `text` without its tags, as PHP's `strip_tags()` makes it (see
/// [`php_strip_tags`]); it keeps UTF-8 intact, cutting only at ASCII bytes.
pub(crate) fn strip_tags(text: &str) -> String {
    String::from_utf8_lossy(&php_strip_tags(text.as_bytes())).into_owned()
}

/// PHP's `strip_tags( $str )`: php-src's `php_strip_tags_ex()` with no allowed tags and
/// `allow_tag_spaces` off, byte for byte, quirks included: `<` followed by whitespace is
/// kept (`a < b`), an unclosed tag swallows the rest of the text, NUL bytes are dropped,
/// `<!-- … -->`, `<!DOCTYPE …>`, `<?php … ?>` and quoted `>` inside tags are handled as PHP
/// does. States: 0 text, 1 HTML tag, 2 PHP tag, 3 `<!…>`, 4 comment.
fn php_strip_tags(buf: &[u8]) -> Vec<u8> {
    // C's isspace() in the C locale; the byte after the end is the string's terminating NUL.
    let space_at = |i: usize| matches!(buf.get(i), Some(b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'));
    let toggle = |in_q: u8, c: u8| if in_q != 0 { 0 } else { c };
    let mut out = Vec::with_capacity(buf.len());
    let mut state = 0u8;
    let mut lc = 0u8; // the last significant character
    let mut in_q = 0u8; // the quote we are in, if any
    let mut br: isize = 0; // parentheses depth in a PHP tag
    let mut depth: usize = 0; // `<` nesting inside a tag
    let mut is_xml = false;
    for (p, &c) in buf.iter().enumerate() {
        let back = |n: usize| if p >= n { buf[p - n] } else { 0 };
        match state {
            0 => match c {
                0 => {}
                b'<' => {
                    if in_q != 0 {
                    } else if space_at(p + 1) {
                        out.push(c);
                    } else {
                        lc = b'<';
                        state = 1;
                    }
                }
                b'>' => {
                    if depth > 0 {
                        depth -= 1;
                    } else if in_q == 0 {
                        out.push(c);
                    }
                }
                _ => out.push(c),
            },
            1 => match c {
                b'<' if in_q == 0 && !space_at(p + 1) => depth += 1,
                b'>' => {
                    if depth > 0 {
                        depth -= 1;
                    } else if in_q == 0 {
                        lc = b'>';
                        if !(is_xml && back(1) == b'-') {
                            in_q = 0;
                            state = 0;
                            is_xml = false;
                        }
                    }
                }
                b'"' | b'\'' if p != 0 && (in_q == 0 || c == in_q) => in_q = toggle(in_q, c),
                b'!' if back(1) == b'<' => {
                    state = 3;
                    lc = c;
                }
                b'?' if back(1) == b'<' => {
                    br = 0;
                    state = 2;
                }
                _ => {}
            },
            2 => match c {
                b'(' if lc != b'"' && lc != b'\'' => {
                    lc = b'(';
                    br += 1;
                }
                b')' if lc != b'"' && lc != b'\'' => {
                    lc = b')';
                    br -= 1;
                }
                b'>' => {
                    if depth > 0 {
                        depth -= 1;
                    } else if in_q == 0 && br == 0 && lc != b'"' && back(1) == b'?' {
                        in_q = 0;
                        state = 0;
                    }
                }
                b'"' | b'\'' if p >= 1 && back(1) != b'\\' => {
                    if lc == c {
                        lc = 0;
                    } else if lc != b'\\' {
                        lc = c;
                    }
                    if in_q == 0 || c == in_q {
                        in_q = toggle(in_q, c);
                    }
                }
                // `<?xml` is not PHP: back to an HTML tag.
                b'l' | b'L'
                    if p > 4
                        && back(1).eq_ignore_ascii_case(&b'm')
                        && back(2).eq_ignore_ascii_case(&b'x')
                        && back(3) == b'?'
                        && back(4) == b'<' =>
                {
                    state = 1;
                    is_xml = true;
                }
                _ => {}
            },
            3 => match c {
                b'>' => {
                    if depth > 0 {
                        depth -= 1;
                    } else if in_q == 0 {
                        state = 0;
                    }
                }
                b'"' | b'\'' if p != 0 && back(1) != b'\\' && (in_q == 0 || c == in_q) => in_q = toggle(in_q, c),
                b'-' if back(1) == b'-' && back(2) == b'!' && p >= 2 => state = 4,
                // `<!DOCTYPE`: an ordinary tag from here on.
                b'E' | b'e' if p > 6 && buf[p - 6..p].eq_ignore_ascii_case(b"doctyp") => state = 1,
                _ => {}
            },
            _ => {
                if c == b'>' && in_q == 0 && p >= 2 && back(1) == b'-' && back(2) == b'-' {
                    state = 0;
                }
            }
        }
    }
    out
}

/// Whether `b` is an ASCII hex digit (PCRE's `[a-fA-F0-9]`).
fn hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

/// `preg_replace( '|%([a-fA-F0-9][a-fA-F0-9])|', '---$1---', $title )`.
fn preserve_octets(t: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(t.len() + t.len() / 2);
    let mut i = 0;
    while i < t.len() {
        match t.get(i..i + 3) {
            Some(&[b'%', a, b]) if hex(a) && hex(b) => {
                out.extend_from_slice(&[b'-', b'-', b'-', a, b, b'-', b'-', b'-']);
                i += 3;
            }
            _ => {
                out.push(t[i]);
                i += 1;
            }
        }
    }
    out
}

/// `preg_replace( '|---([a-fA-F0-9][a-fA-F0-9])---|', '%$1', $title )`: also turns a
/// `---ab---` the author typed into `%ab`, as WordPress does.
fn restore_octets(t: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(t.len());
    let mut i = 0;
    while i < t.len() {
        match t.get(i..i + 8) {
            Some(&[b'-', b'-', b'-', a, b, b'-', b'-', b'-']) if hex(a) && hex(b) => {
                out.extend_from_slice(&[b'%', a, b]);
                i += 8;
            }
            _ => {
                out.push(t[i]);
                i += 1;
            }
        }
    }
    out
}

/// WordPress's `utf8_uri_encode( $utf8_string, $length )`: every non-ASCII byte as `%xx`
/// (lower-case hex), ASCII as is, stopping before the character that would make the result
/// longer than `limit` bytes (never inside a character).
fn utf8_uri_encode(s: &str, limit: Option<usize>) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(s.len() * 3);
    let mut buf = [0u8; 4];
    for c in s.chars() {
        let bytes = c.encode_utf8(&mut buf).as_bytes();
        let width = if c.is_ascii() { 1 } else { 3 * bytes.len() };
        if limit.is_some_and(|limit| out.len() + width > limit) {
            break;
        }
        if c.is_ascii() {
            out.push(c);
        } else {
            for &b in bytes {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xf)]));
            }
        }
    }
    out
}

/// PHP's `str_replace( $search, $replace, $subject )` for one search string: left to right,
/// without overlaps.
fn replace(hay: &[u8], pat: &str, rep: &str) -> Vec<u8> {
    let pat = pat.as_bytes();
    if memchr::memmem::find(hay, pat).is_none() {
        return hay.to_vec();
    }
    let mut out = Vec::with_capacity(hay.len());
    let mut i = 0;
    while i < hay.len() {
        if hay[i..].starts_with(pat) {
            out.extend_from_slice(rep.as_bytes());
            i += pat.len();
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    out
}

/// `preg_replace( '/&.+?;/', '', $title )`: from each `&`, up to the first `;` at least two
/// bytes further on with no line feed before it (PCRE's `.` matches anything but `\n`).
fn kill_entities(t: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(t.len());
    let mut i = 0;
    while i < t.len() {
        if t[i] != b'&' {
            out.push(t[i]);
            i += 1;
            continue;
        }
        let mut k = i + 1;
        while k < t.len() && t[k] != b'\n' && !(t[k] == b';' && k >= i + 2) {
            k += 1;
        }
        if t.get(k) == Some(&b';') {
            i = k + 1;
        } else {
            // No match from this `&`, nor from any other before `k`: their `.+?` would stop
            // at the same line feed (or end) without a `;`.
            out.extend_from_slice(&t[i..k]);
            i = k;
        }
    }
    out
}

/// The byte of a `%XX` escape starting at `b[i]`, if there is one.
pub fn octet_at(b: &[u8], i: usize) -> Option<u8> {
    match b.get(i..i + 3) {
        Some(&[b'%', h, l]) if hex(h) && hex(l) => Some((hex_value(h) << 4) | hex_value(l)),
        _ => None,
    }
}

/// Every `%XX` of `s` decoded to its byte (whatever the byte); anything
/// else, a stray `%` included, kept as written.
pub fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match octet_at(b, i) {
            Some(v) => {
                out.push(v);
                i += 3;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    out
}

/// A percent-encoded slug decoded to Unicode for a file name: `"caf%c3%a9"` → `"café"`.
///
/// Only octets that form non-ASCII UTF-8 characters are decoded. ASCII octets (`%2f`,
/// `%20`, `%41`), invalid sequences and stray `%` are kept as written, so decoding never
/// creates a path separator, a control character or a new `%`, and the encoded form can be
/// told from the text. Pass the result through [`safe_component`] before using it as a
/// file name (a decoded slug can still hold, say, `?` or a C1 control character).
pub fn decode_slug(slug: &str) -> String {
    let b = slug.as_bytes();
    let mut out = String::with_capacity(slug.len());
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let mut bytes = Vec::new();
        while let Some(v) = octet_at(b, i).filter(|&v| v >= 0x80) {
            bytes.push(v);
            i += 3;
        }
        if bytes.is_empty() {
            // `i` is on a character boundary: it only moves by whole characters or by
            // three-byte ASCII octets.
            let c = slug[i..].chars().next().unwrap_or('\u{fffd}');
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        let mut pos = 0;
        for chunk in bytes.utf8_chunks() {
            out.push_str(chunk.valid());
            pos += chunk.valid().len();
            let bad = chunk.invalid().len();
            out.push_str(&slug[start + 3 * pos..start + 3 * (pos + bad)]);
            pos += bad;
        }
    }
    out
}

/// Whether `c` is a letter (`\p{L}`), a decimal digit (`\p{Nd}`) or a mark (`\p{M}`):
/// what Hugo keeps of a path besides its few ASCII signs (Go's `unicode.IsLetter`,
/// `IsDigit`, `IsMark` in its `MakePathSanitized`). `²`, `Ⅻ`, emoji and punctuation are
/// none of these.
pub fn letter_digit_or_mark(c: char) -> bool {
    static CLASS: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"^[\p{L}\p{Nd}\p{M}]$").expect("a valid class"));
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    let mut buf = [0u8; 4];
    CLASS.is_match(c.encode_utf8(&mut buf))
}

/// A decoded slug (see [`decode_slug`]) with only what every generator serves unchanged in a
/// URL: letters, decimal digits, marks, `_`, `-` and a `%` before two hex digits (an octet
/// WordPress kept encoded). WordPress keeps emoji, CJK punctuation (`，`, `「`) and other
/// signs in slugs, percent-encoded; Hugo drops them from the page's path (`🎉-la-fete` is
/// served at `-la-fete`), so a plan that kept them would give URLs where no page is. The
/// dashes left around a dropped sign are merged and trimmed, as `sanitize_title` leaves
/// them: `🎉-la-fete` → `la-fete`, `a-🎉-b` → `a-b`. Can be empty.
pub fn served_slug(slug: &str) -> String {
    let b = slug.as_bytes();
    let mut out = String::with_capacity(slug.len());
    // Whether a sign was dropped since the last character kept.
    let mut dropped = false;
    for (i, c) in slug.char_indices() {
        let keep = match c {
            '-' => !(dropped && (out.is_empty() || out.ends_with('-'))),
            '_' => true,
            '%' => octet_at(b, i).is_some(),
            c => letter_digit_or_mark(c),
        };
        if keep {
            out.push(c);
            dropped = false;
        } else {
            dropped = c != '-' || dropped;
        }
    }
    if dropped {
        while out.ends_with('-') {
            out.pop();
        }
    }
    out
}

/// The value of an ASCII hex digit.
fn hex_value(h: u8) -> u8 {
    match h {
        b'0'..=b'9' => h - b'0',
        b'a'..=b'f' => h - b'a' + 10,
        _ => h.wrapping_sub(b'A').wrapping_add(10) & 0xf,
    }
}

/// An ASCII slug for `--ascii-slugs`, shaped like [`sanitize_title`]'s: `"Привет мир"` →
/// `"privet-mir"`, `"日本語のタイトル"` → `"ri-ben-yu-notaitoru"`.
///
/// WordPress's rules run first (remove_accents, tags, entities, the punctuation the save
/// context drops or turns into dashes); what WordPress would have percent-encoded is then
/// transliterated by deunicode (characters it does not know are dropped), lower-cased, and
/// anything but `a-z`, `0-9`, `_` and `-` goes: whitespace, `.` and `/` become dashes,
/// runs of dashes collapse, and dashes at either end are trimmed. At most 200 bytes, counted
/// after transliteration (WordPress's limit counts percent-encoded bytes). Can be empty.
pub fn ascii_slug(text: &str) -> String {
    let wordpress = sanitize_title_with_dashes_save(&remove_accents(text, ""), None);
    let ascii = deunicode::deunicode_with_tofu(&decode_slug(&wordpress), "");
    let mut out = String::with_capacity(ascii.len().min(SLUG_MAX + 1));
    for c in ascii.chars() {
        match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '_') => out.push(c),
            '-' | '.' | '/' | ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c' if !out.is_empty() && !out.ends_with('-') => {
                out.push('-');
            }
            _ => {}
        }
        if out.len() > SLUG_MAX {
            break;
        }
    }
    // Only ASCII was pushed, so any length is a character boundary.
    out.truncate(SLUG_MAX);
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// A name that is safe as one path component on Linux, macOS and Windows.
///
/// `/`, `\`, NUL and other control characters and `<>:"|?*` become `-`; trailing dots and
/// spaces go (so `.` and `..` become empty); a Windows device name (`CON`, `PRN`, `AUX`,
/// `NUL`, `CONIN$`, `CONOUT$`, `COM0`–`COM9`, `LPT0`–`LPT9`, and `COM`/`LPT` with `¹²³`),
/// in any case and with any extension, gets a `_` in front (`con.md` → `_con.md`); the
/// result is cut to at most `max_bytes` bytes without splitting a UTF-8 character. A name
/// that ends up empty gives `fallback`, made safe the same way, and if that is empty too,
/// `_`. A `max_bytes` of 0 counts as 1.
pub fn safe_component(name: &str, max_bytes: usize, fallback: &str) -> String {
    let max = max_bytes.max(1);
    for candidate in [name, fallback] {
        let safe = make_safe(candidate, max);
        if !safe.is_empty() {
            return safe;
        }
    }
    "_".to_owned()
}

/// [`safe_component`] without the fallback: may be empty.
fn make_safe(name: &str, max: usize) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if forbidden_in_name(c) { '-' } else { c })
        .collect();
    let name = truncate_bytes(&cleaned, max).trim_end_matches(['.', ' ']);
    if is_windows_device(name) {
        // Cannot end up empty nor a device name again: it starts with `_`.
        let prefixed = format!("_{name}");
        return truncate_bytes(&prefixed, max).trim_end_matches(['.', ' ']).to_owned();
    }
    name.to_owned()
}

/// Characters no file name may hold on one of the three systems.
fn forbidden_in_name(c: char) -> bool {
    c.is_control() || matches!(c, '/' | '\\' | '<' | '>' | ':' | '"' | '|' | '?' | '*')
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn truncate_bytes(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Whether Windows reads `name` as a device: the part before the first dot, trailing
/// spaces ignored, is a reserved name, in any case.
fn is_windows_device(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("").trim_end_matches(' ');
    if ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
        .iter()
        .any(|d| stem.eq_ignore_ascii_case(d))
    {
        return true;
    }
    match (stem.get(..3), stem.get(3..)) {
        (Some(prefix), Some(number)) => {
            (prefix.eq_ignore_ascii_case("COM") || prefix.eq_ignore_ascii_case("LPT"))
                && matches!(
                    number,
                    "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"
                )
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remove_accents_locales_like_wordpress() {
        // tests/phpunit/tests/formatting/removeAccents.php
        assert_eq!(remove_accents("ÄÖÜäöüß", "de_DE"), "AeOeUeaeoeuess");
        assert_eq!(remove_accents("ÄÖÜäöüß", "de_CH_informal"), "AeOeUeaeoeuess");
        assert_eq!(remove_accents("ẞ", "de_AT"), "SS");
        assert_eq!(remove_accents("ÄÖÜäöüßẞ", ""), "AOUaousẞ");
        assert_eq!(remove_accents("ÆØÅæøå", "da_DK"), "AeOeAaaeoeaa");
        assert_eq!(remove_accents("al·lallaŀla", "ca"), "allallalla");
        assert_eq!(remove_accents("al·lallaŀla", ""), "al·lallalla");
        assert_eq!(remove_accents("Đđ", "sr_RS"), "DJdj");
        assert_eq!(remove_accents("Đđ", "bs_BA"), "DJdj");
        assert_eq!(remove_accents("Đđ", ""), "Dd");
        assert_eq!(remove_accents("abcdefghijkl", ""), "abcdefghijkl");
        // Locale rules reach sanitize_title only when asked for.
        assert_eq!(sanitize_title_for_locale("Größe ändern", "de_DE"), "groesse-aendern");
        assert_eq!(sanitize_title("Größe ändern"), "grose-andern");
        assert_eq!(sanitize_title_for_locale("Ålborg Ørsted", "da_DK"), "aalborg-oersted");
    }

    /// What Hugo drops from a path goes from the slug, and only the dashes it leaves
    /// doubled or at an end go with it.
    #[test]
    fn served_slugs_keep_what_generators_serve() {
        assert_eq!(served_slug("🎉-la-fete"), "la-fete");
        assert_eq!(served_slug("a-🎉-b"), "a-b");
        assert_eq!(served_slug("fête-🎉"), "fête");
        assert_eq!(served_slug("你好，世界「测试」"), "你好世界测试");
        assert_eq!(served_slug("a--b_c"), "a--b_c");
        assert_eq!(served_slug("x²-ⅻ"), "x");
        assert_eq!(served_slug("नमस्ते-दुनिया"), "नमस्ते-दुनिया");
        assert_eq!(served_slug("%e9t%zz"), "%e9tzz");
        assert_eq!(served_slug("🎉"), "");
        assert!(letter_digit_or_mark('é') && letter_digit_or_mark('٣') && !letter_digit_or_mark('½'));
    }

    #[test]
    fn decode_slug_decodes_utf8_only() {
        assert_eq!(decode_slug("caf%c3%a9"), "café");
        assert_eq!(decode_slug("CAF%C3%A9"), "CAFé");
        assert_eq!(
            decode_slug("%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82-%d0%bc%d0%b8%d1%80"),
            "привет-мир"
        );
        assert_eq!(decode_slug("emoji-%f0%9f%a6%80-crab"), "emoji-🦀-crab");
        assert_eq!(decode_slug("plain-slug_1"), "plain-slug_1");
        assert_eq!(decode_slug(""), "");
        // ASCII octets, stray and truncated percent signs: kept as written.
        assert_eq!(decode_slug("a%2fb%20c%41"), "a%2fb%20c%41");
        assert_eq!(decode_slug("100%"), "100%");
        assert_eq!(decode_slug("%zz%c3"), "%zz%c3");
        assert_eq!(decode_slug("%c3%a"), "%c3%a");
        // Invalid UTF-8 in the octets: the bad bytes kept as written, the rest decoded.
        assert_eq!(decode_slug("%ff%c3%a9%C3"), "%ffé%C3");
        assert_eq!(decode_slug("%e2%82x"), "%e2%82x");
        assert_eq!(decode_slug("%c3%a9%80%c3%a9"), "é%80é");
        // Unicode around the octets is kept.
        assert_eq!(decode_slug("été-%c3%a9"), "été-é");
        // Round trip with sanitize_title.
        assert_eq!(decode_slug(&sanitize_title("Привет мир")), "привет-мир");
    }

    #[test]
    fn ascii_slug_transliterates() {
        assert_eq!(ascii_slug("Привет мир"), "privet-mir");
        assert_eq!(ascii_slug("Café Déjà Vu!"), "cafe-deja-vu");
        assert_eq!(ascii_slug("日本語のタイトル"), "ri-ben-yu-notaitoru");
        assert_eq!(ascii_slug("emoji 🦀 crab"), "emoji-crab-crab");
        assert_eq!(ascii_slug("Καλημέρα κόσμε"), "kalemera-kosme");
        // WordPress's punctuation rules come first.
        assert_eq!(ascii_slug("“Smart” quotes — and… ©"), "smart-quotes-and");
        assert_eq!(ascii_slug("Tom &amp; Jerry <b>forever</b>"), "tom-jerry-forever");
        assert_eq!(ascii_slug("Version 2.0/beta"), "version-2-0-beta");
        assert_eq!(ascii_slug("snake_case"), "snake_case");
        assert_eq!(ascii_slug(""), "");
        assert_eq!(ascii_slug("¿?"), "");
        // 200 bytes at most, counted after transliteration, no dash at the end.
        let long = "Привет ".repeat(100);
        let slug = ascii_slug(&long);
        assert!(slug.len() <= 200, "{}", slug.len());
        assert!(slug.starts_with("privet-privet-"));
        assert!(!slug.ends_with('-'));
        assert!(ascii_slug(&"ж".repeat(500)).len() == 200);
    }

    #[test]
    fn safe_component_device_names() {
        for name in [
            "CON", "con", "Prn", "aux", "NUL", "COM1", "com9", "LPT1", "lpt9", "COM0", "LPT¹", "conin$",
        ] {
            assert_eq!(safe_component(name, 255, "x"), format!("_{name}"), "{name}");
        }
        assert_eq!(safe_component("CON.md", 255, "x"), "_CON.md");
        assert_eq!(safe_component("nul.tar.gz", 255, "x"), "_nul.tar.gz");
        assert_eq!(safe_component("con .md", 255, "x"), "_con .md");
        assert_eq!(safe_component("aux.", 255, "x"), "_aux");
        // Not devices.
        for name in [
            "console.md",
            "COM10",
            "LPT",
            "com",
            "connect",
            "nul-and-void",
            "xcon",
            "COMé",
        ] {
            assert_eq!(safe_component(name, 255, "x"), name, "{name}");
        }
        // Cutting can make a device name: it is caught after the cut.
        assert_eq!(safe_component("CONSOLE", 3, "x"), "_CO");
    }

    #[test]
    fn safe_component_dots_separators_and_controls() {
        assert_eq!(safe_component(".", 255, "fallback"), "fallback");
        assert_eq!(safe_component("..", 255, "fallback"), "fallback");
        assert_eq!(safe_component("...", 255, "fallback"), "fallback");
        assert_eq!(safe_component(" . ", 255, "fallback"), "fallback");
        assert_eq!(safe_component("name.", 255, "x"), "name");
        assert_eq!(safe_component("name. . ", 255, "x"), "name");
        assert_eq!(safe_component("name.md", 255, "x"), "name.md");
        assert_eq!(safe_component(".hidden", 255, "x"), ".hidden");
        assert_eq!(safe_component("a/b\\c", 255, "x"), "a-b-c");
        assert_eq!(safe_component("../etc/passwd", 255, "x"), "..-etc-passwd");
        assert_eq!(safe_component("<>:\"|?*", 255, "x"), "-------");
        assert_eq!(safe_component("a\0b\tc\nd\u{7f}e\u{85}f", 255, "x"), "a-b-c-d-e-f");
        assert_eq!(safe_component("café 🦀", 255, "x"), "café 🦀");
    }

    #[test]
    fn safe_component_empty_and_fallback() {
        assert_eq!(safe_component("", 255, "untitled"), "untitled");
        assert_eq!(safe_component("", 255, ""), "_");
        assert_eq!(safe_component("", 255, ".."), "_");
        assert_eq!(safe_component("", 255, "con"), "_con");
        assert_eq!(safe_component("", 255, "a/b"), "a-b");
        assert_eq!(safe_component("abc", 0, "x"), "a");
    }

    #[test]
    fn safe_component_byte_cap_keeps_characters_whole() {
        // 2-byte characters: 255 is odd, so 254 bytes.
        let title = "é".repeat(200);
        let name = safe_component(&title, 255, "x");
        assert_eq!(name.len(), 254);
        assert_eq!(name, "é".repeat(127));
        // 3- and 4-byte characters.
        assert_eq!(safe_component(&"日".repeat(100), 255, "x"), "日".repeat(85));
        assert_eq!(safe_component(&"🦀".repeat(100), 255, "x"), "🦀".repeat(63));
        assert_eq!(safe_component("a🦀", 4, "x"), "a");
        assert_eq!(safe_component("🦀", 3, "fallback"), "fal");
        // A cut that leaves a trailing dot or space drops it.
        assert_eq!(safe_component(&format!("{}. x", "a".repeat(9)), 11, "x"), "aaaaaaaaa");
        // Slug + extension, multibyte, at the cap.
        let slug = decode_slug(&sanitize_title(&"Привет ".repeat(60)));
        assert!(safe_component(&slug, 255, "x").len() <= 255);
    }

    /// Deterministic pseudo-random inputs built from the characters the algorithms treat
    /// specially: no panic, and every output keeps its promised shape.
    #[test]
    fn no_panics_and_shapes_hold_on_soup() {
        const PIECES: &[&str] = &[
            "<",
            ">",
            "<?",
            "?>",
            "<!--",
            "-->",
            "<!",
            "<?xml",
            "<!DOCTYPE",
            "\"",
            "'",
            "\\",
            "(",
            ")",
            "&",
            ";",
            "&amp;",
            "&nbsp;",
            "%",
            "%c3%a9",
            "%C3",
            "%zz",
            "---",
            "---ab---",
            ".",
            "/",
            " ",
            "\t",
            "\n",
            "\r",
            "\0",
            "a",
            "Z",
            "9",
            "_",
            "-",
            "é",
            "É",
            "ж",
            "Σ",
            "ς",
            "日",
            "🦀",
            "\u{301}",
            "\u{a0}",
            "\u{2014}",
            "\u{200b}",
            "\u{feff}",
            "×",
            "…",
            "l·l",
            "ẞ",
            "İ",
            "CON",
            "..",
            "*",
            ":",
            "\u{85}",
            "%e2%80%8b",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..3000 {
            let len = (next() % 40) as usize;
            let text: String = (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            let slug = sanitize_title(&text);
            assert!(slug.len() <= 200, "{text:?}");
            assert!(
                slug.bytes()
                    .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'%')),
                "{text:?} → {slug:?}"
            );
            assert!(!slug.starts_with('-') && !slug.ends_with('-'), "{text:?} → {slug:?}");
            let ascii = ascii_slug(&text);
            assert!(ascii.len() <= 200);
            assert!(
                ascii
                    .bytes()
                    .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-')),
                "{ascii:?}"
            );
            let decoded = decode_slug(&slug);
            let _ = decode_slug(&text);
            for max in [1, 3, 7, 255] {
                let name = safe_component(&decoded, max, "fallback");
                assert!(!name.is_empty() && name.len() <= max, "{decoded:?} {max} → {name:?}");
                assert!(!name.chars().any(forbidden_in_name), "{name:?}");
                assert!(!name.ends_with(['.', ' ']) && !is_windows_device(&name), "{name:?}");
                let raw = safe_component(&text, max, "");
                assert!(!raw.is_empty() && raw.len() <= max && !raw.chars().any(forbidden_in_name));
            }
        }
    }
}
