//! PHP-serialized values (`a:2:{s:5:"width";i:640;…}`), as WordPress stores
//! arrays in postmeta, decoded into plain data for front matter. Tokens come
//! from phpserz; this module builds the tree. Lengths broken by a charset
//! conversion (`s:8:"café.jpg"` with 9 bytes) are repaired once, by
//! re-measuring each string up to its closing `";`.
//!
//! Nothing is ever executed or instantiated: objects become maps with a
//! `__class` entry.

use phpserz::{PhpParser, PhpToken};

/// A decoded PHP value.
#[derive(Debug, Clone, PartialEq)]
pub enum Php {
    /// `N;`
    Null,
    /// `b:1;`
    Bool(bool),
    /// `i:42;`
    Int(i64),
    /// `d:1.5;`
    Float(f64),
    /// `s:3:"abc";` (decoded lossily as UTF-8).
    Str(String),
    /// An array or object, in order, keys as strings.
    Map(Vec<(String, Php)>),
}

impl Php {
    /// True for an array whose keys are 0, 1, 2… in order.
    pub fn is_list(&self) -> bool {
        match self {
            Php::Map(entries) => entries.iter().enumerate().all(|(i, (k, _))| *k == i.to_string()),
            _ => false,
        }
    }
}

/// True when `s` looks like a PHP-serialized value.
pub fn looks_serialized(s: &str) -> bool {
    let t = s.trim();
    t == "N;" || (t.len() >= 4 && matches!(&t[..2], "a:" | "s:" | "i:" | "d:" | "b:" | "O:") && t.ends_with([';', '}']))
}

/// Decodes `s`; `None` when it is not a serialized value, even after the
/// length repair. The flag says whether the repair was needed.
pub fn unserialize(s: &str) -> Option<(Php, bool)> {
    let t = s.trim();
    if let Some(v) = parse(t.as_bytes()) {
        return Some((v, false));
    }
    let repaired = repair_lengths(t)?;
    parse(repaired.as_bytes()).map(|v| (v, true))
}

fn parse(bytes: &[u8]) -> Option<Php> {
    let mut p = PhpParser::new(bytes);
    let v = value(&mut p, 0)?;
    // The whole input must be one value.
    match p.next_token() {
        Ok(None) => Some(v),
        _ => None,
    }
}

/// Reads one value; `depth` bounds nesting (hostile input).
fn value(p: &mut PhpParser<'_>, depth: usize) -> Option<Php> {
    if depth > 64 {
        return None;
    }
    Some(match p.read_token().ok()? {
        PhpToken::Null => Php::Null,
        PhpToken::Boolean(b) => Php::Bool(b),
        PhpToken::Integer(i) => Php::Int(i),
        PhpToken::Float(f) => Php::Float(f),
        PhpToken::String(s) => Php::Str(String::from_utf8_lossy(s.as_bytes()).into_owned()),
        PhpToken::Array { elements } => Php::Map(entries(p, elements, depth, Vec::new())?),
        PhpToken::Object { class, properties } => {
            let class = String::from_utf8_lossy(class.as_bytes()).into_owned();
            Php::Map(entries(
                p,
                properties,
                depth,
                vec![("__class".into(), Php::Str(class))],
            )?)
        }
        PhpToken::CustomObject { class, payload } => Php::Map(vec![
            (
                "__class".into(),
                Php::Str(String::from_utf8_lossy(class.as_bytes()).into_owned()),
            ),
            (
                "__payload".into(),
                Php::Str(String::from_utf8_lossy(payload.as_bytes()).into_owned()),
            ),
        ]),
        PhpToken::Reference { id, .. } => Php::Str(format!("(reference {id})")),
        PhpToken::End => return None,
    })
}

fn entries(p: &mut PhpParser<'_>, n: u32, depth: usize, mut out: Vec<(String, Php)>) -> Option<Vec<(String, Php)>> {
    for _ in 0..n {
        let key = match value(p, depth + 1)? {
            Php::Int(i) => i.to_string(),
            // Private and protected properties start with NUL markers.
            Php::Str(s) => s.rsplit('\0').next().unwrap_or("").to_string(),
            _ => return None,
        };
        let v = value(p, depth + 1)?;
        out.push((key, v));
    }
    match p.read_token().ok()? {
        PhpToken::End => Some(out),
        _ => None,
    }
}

/// Rewrites every `s:N:"…";` with N the real byte length of the text up to
/// its closing `";` (the first one followed by the end, `}` or the start
/// of another value).
fn repair_lengths(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 16);
    let mut i = 0;
    let mut changed = false;
    while i < b.len() {
        let at_string =
            b[i] == b's' && b.get(i + 1) == Some(&b':') && (i == 0 || matches!(b[i - 1], b';' | b'{' | b'}'));
        if !at_string {
            let c = s[i..].chars().next()?;
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        let digits = b[i + 2..].iter().take_while(|c| c.is_ascii_digit()).count();
        let open = i + 2 + digits;
        if digits == 0 || !b[open..].starts_with(b":\"") {
            return None;
        }
        let start = open + 2;
        let close = (start..b.len()).find(|&j| {
            b[j..].starts_with(b"\";")
                && match b.get(j + 2) {
                    None => true,
                    Some(c) => matches!(
                        c,
                        b'}' | b's' | b'i' | b'a' | b'b' | b'd' | b'N' | b'O' | b'C' | b'r' | b'R'
                    ),
                }
        })?;
        let text = s.get(start..close)?;
        let declared: usize = s[i + 2..open].parse().ok()?;
        changed |= declared != text.len();
        out.push_str(&format!("s:{}:\"{text}\";", text.len()));
        i = close + 2;
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(v: &Php) -> &Vec<(String, Php)> {
        match v {
            Php::Map(m) => m,
            other => panic!("not a map: {other:?}"),
        }
    }

    #[test]
    fn wordpress_values() {
        let (v, repaired) = unserialize(r#"a:2:{s:5:"width";i:640;s:4:"file";s:9:"café.jpg";}"#).unwrap();
        assert!(!repaired);
        assert_eq!(map(&v)[1], ("file".to_string(), Php::Str("café.jpg".into())));
        let (v, _) = unserialize(r#"a:2:{i:0;s:1:"x";i:1;b:1;}"#).unwrap();
        assert!(v.is_list());
        let (v, _) = unserialize(r#"O:8:"stdClass":1:{s:1:"x";i:1;}"#).unwrap();
        assert_eq!(map(&v)[0].0, "__class");
    }

    #[test]
    fn broken_lengths_are_repaired_once() {
        // 8 declared for the 9 bytes of "café.jpg", as after a charset conversion.
        let (v, repaired) = unserialize(r#"a:1:{s:4:"file";s:8:"café.jpg";}"#).unwrap();
        assert!(repaired);
        assert_eq!(map(&v)[0].1, Php::Str("café.jpg".into()));
        assert!(unserialize("not serialized").is_none());
        assert!(unserialize(r#"a:1:{s:4:"file";"#).is_none());
    }

    #[test]
    fn hostile_input_is_refused_not_followed() {
        let deep = "a:1:{i:0;".repeat(200) + "N;" + &"}".repeat(200);
        assert!(unserialize(&deep).is_none());
        assert!(unserialize("a:4294967295:{}").is_none());
    }
}
