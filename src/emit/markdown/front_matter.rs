//! Front matter: ordered fields (each generator names and places them, in
//! [`super::ssg`]) written as YAML (serde-saphyr, which quotes `yes`, `no`,
//! `null`, dates and numbers that must stay strings), TOML or JSON.
//!
//! No value can end the front matter early. The generators end it at the
//! first line that starts with the closing delimiter (Hugo, Jekyll, which
//! also takes `...`, Eleventy, and Astro, which takes `---` and `+++` alike),
//! or at the first `---` or `+++` followed by nothing but whitespace up to
//! the end of a line (Zola). So every value is written on the line of its
//! key, with its line breaks escaped: YAML strings are never block
//! scalars, and TOML strings never multi-line strings (the TOML is written
//! here, since the `toml` crate writes a string with a line break as one).
//! A YAML string that starts or ends with `---`, `+++` or `...` is
//! double-quoted, and a TOML key that starts with `---` quoted. JSON
//! strings never hold a line break.
//!
//! Dates carry the post's real UTC offset, `post_date` minus
//! `post_date_gmt`; a draft without a GMT date gets its wall-clock time
//! without an offset rather than a guessed one.

use chrono::NaiveDateTime;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// A front matter value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string.
    Str(String),
    /// An integer.
    Int(i64),
    /// A number with a fraction (finite: a PHP float from `--meta`).
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A list.
    List(Vec<Value>),
    /// A table, in order.
    Map(Fields),
}

/// Ordered key/value pairs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields(pub Vec<(String, Value)>);

impl Fields {
    /// Adds a field.
    pub fn put(&mut self, key: &str, value: Value) {
        self.0.push((key.to_string(), value));
    }

    /// Adds a string field when there is a value.
    pub fn put_str(&mut self, key: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.put(key, Value::Str(v.to_string()));
        }
    }

    /// Adds a list of strings when it is not empty.
    pub fn put_list(&mut self, key: &str, values: &[String]) {
        if !values.is_empty() {
            self.put(key, Value::List(values.iter().map(|v| Value::Str(v.clone())).collect()));
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Str(v) => s.serialize_str(v),
            Value::Int(v) => s.serialize_i64(*v),
            Value::Float(v) => s.serialize_f64(*v),
            Value::Bool(v) => s.serialize_bool(*v),
            Value::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(i)?;
                }
                seq.end()
            }
            Value::Map(m) => m.serialize(s),
        }
    }
}

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// The front matter syntaxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// `---` YAML `---`.
    Yaml,
    /// `+++` TOML `+++`.
    Toml,
    /// A JSON object (Hugo, Eleventy).
    Json,
}

/// Writes `fields` as front matter, delimiters included, ending with a
/// newline; every value on one line (see the module's comment).
pub fn render(fields: &Fields, syntax: Syntax) -> Result<String, String> {
    match syntax {
        Syntax::Yaml => {
            let mut options = serde_saphyr::SerializerOptions::default();
            options.prefer_block_scalars = false;
            let body = serde_saphyr::to_string_with_options(&OneLine(fields), options).map_err(|e| e.to_string())?;
            Ok(format!("---\n{}---\n", quote_delimiter_keys(ensure_newline(body))))
        }
        Syntax::Toml => {
            let mut body = String::new();
            toml_table(&mut body, &[], fields);
            Ok(format!("+++\n{}+++\n", ensure_newline(body)))
        }
        Syntax::Json => {
            let body = serde_json::to_string_pretty(fields).map_err(|e| e.to_string())?;
            Ok(format!("{body}\n"))
        }
    }
}

/// `fields` as a TOML document (a generator's configuration): plain keys,
/// then tables, every string on one line.
pub fn toml(fields: &Fields) -> String {
    let mut body = String::new();
    toml_table(&mut body, &[], fields);
    ensure_newline(body)
}

/// `fields` as a JSON document (pretty, ending with a newline).
pub fn json(fields: &impl Serialize) -> Result<String, String> {
    serde_json::to_string_pretty(fields)
        .map(|s| s + "\n")
        .map_err(|e| e.to_string())
}

/// `fields` as a YAML document, strings with line breaks as block scalars:
/// a comment data file, which no generator splits.
pub fn yaml(fields: &impl Serialize) -> Result<String, String> {
    serde_saphyr::to_string(fields)
        .map(ensure_newline)
        .map_err(|e| e.to_string())
}

/// Fields or a value for front matter YAML: a string that starts or ends
/// like a delimiter line is double-quoted.
struct OneLine<'a, T>(&'a T);

const DELIMITERS: [&str; 3] = ["---", "+++", "..."];

/// Starts with a front matter delimiter.
fn starts_like_delimiter(s: &str) -> bool {
    DELIMITERS.iter().any(|d| s.starts_with(d))
}

/// Starts or ends with a front matter delimiter.
fn delimiter_like(s: &str) -> bool {
    starts_like_delimiter(s) || DELIMITERS.iter().any(|d| s.ends_with(d))
}

fn one_line_str<S: Serializer>(s: &str, ser: S) -> Result<S::Ok, S::Error> {
    if delimiter_like(s) {
        serde_saphyr::DoubleQuoted(s).serialize(ser)
    } else {
        ser.serialize_str(s)
    }
}

/// `body` (YAML whose values are each on one line) with its top-level keys
/// that start like a delimiter double-quoted: serde-saphyr writes a key
/// such as `---x` plain, and takes no style for keys. A line that starts
/// with a delimiter can only be such a key, plain, so without a `:`.
fn quote_delimiter_keys(body: String) -> String {
    if !body.lines().any(starts_like_delimiter) {
        return body;
    }
    let mut out = String::with_capacity(body.len() + 8);
    for line in body.lines() {
        match line.split_once(':') {
            Some((key, rest)) if starts_like_delimiter(key) => {
                out.push('"');
                out.push_str(&key.replace('\\', "\\\\").replace('"', "\\\""));
                out.push('"');
                out.push(':');
                out.push_str(rest);
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

impl Serialize for OneLine<'_, Fields> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.0.len()))?;
        for (k, v) in &self.0.0 {
            map.serialize_entry(&OneLine(k), &OneLine(v))?;
        }
        map.end()
    }
}

impl Serialize for OneLine<'_, String> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        one_line_str(self.0, s)
    }
}

impl Serialize for OneLine<'_, Value> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Str(v) => one_line_str(v, s),
            Value::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(&OneLine(i))?;
                }
                seq.end()
            }
            Value::Map(m) => OneLine(m).serialize(s),
            v => v.serialize(s),
        }
    }
}

/// A non-empty list of tables only: a TOML array of tables.
fn table_array(v: &Value) -> Option<&[Value]> {
    match v {
        Value::List(items) if !items.is_empty() && items.iter().all(|i| matches!(i, Value::Map(_))) => Some(items),
        _ => None,
    }
}

/// Appends the table `fields` at `path` (the top level when empty) as TOML:
/// its plain keys, then its tables and arrays of tables, in order.
/// Recursion as deep as the fields (`--meta` values are 64 deep at most).
fn toml_table(out: &mut String, path: &[&str], fields: &Fields) {
    for (k, v) in &fields.0 {
        if !matches!(v, Value::Map(_)) && table_array(v).is_none() {
            toml_key(out, k);
            out.push_str(" = ");
            toml_value(out, v);
            out.push('\n');
        }
    }
    for (k, v) in &fields.0 {
        let mut sub = path.to_vec();
        sub.push(k);
        let (tables, brackets): (Vec<&Fields>, _) = match (v, table_array(v)) {
            (Value::Map(m), _) => (vec![m], ("[", "]")),
            (_, Some(items)) => (
                items
                    .iter()
                    .filter_map(|i| match i {
                        Value::Map(m) => Some(m),
                        _ => None,
                    })
                    .collect(),
                ("[[", "]]"),
            ),
            _ => continue,
        };
        for table in tables {
            // A table of tables only needs no header of its own.
            let only_tables = !table.0.is_empty()
                && table
                    .0
                    .iter()
                    .all(|(_, v)| matches!(v, Value::Map(_)) || table_array(v).is_some());
            if only_tables && brackets.0 == "[" {
                toml_table(out, &sub, table);
                continue;
            }
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(brackets.0);
            for (i, part) in sub.iter().enumerate() {
                if i > 0 {
                    out.push('.');
                }
                toml_key(out, part);
            }
            out.push_str(brackets.1);
            out.push('\n');
            toml_table(out, &sub, table);
        }
    }
}

/// A value on one line: lists as inline arrays, tables as inline tables.
fn toml_value(out: &mut String, v: &Value) {
    match v {
        Value::Str(s) => toml_str(out, s),
        Value::Int(i) => out.push_str(&i.to_string()),
        // Debug writes a fraction or an exponent (`1.0`, `1e300`), as TOML
        // wants of a float.
        Value::Float(x) => out.push_str(&format!("{x:?}")),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                toml_value(out, item);
            }
            out.push(']');
        }
        Value::Map(m) if m.0.is_empty() => out.push_str("{}"),
        Value::Map(m) => {
            out.push_str("{ ");
            for (i, (k, v)) in m.0.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                toml_key(out, k);
                out.push_str(" = ");
                toml_value(out, v);
            }
            out.push_str(" }");
        }
    }
}

/// A bare key when TOML allows one and it cannot start a delimiter line,
/// else a quoted one.
fn toml_key(out: &mut String, k: &str) {
    let bare = !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if bare && !k.starts_with("---") {
        out.push_str(k);
    } else {
        toml_str(out, k);
    }
}

/// A one-line string: basic (`"…"`) when nothing needs escaping, else
/// literal (`'…'`) when it can be, else basic with escapes.
fn toml_str(out: &mut String, s: &str) {
    let control = |c: char| c < ' ' || c == '\u{7f}';
    let controls = s.chars().any(control);
    if !controls && !s.contains(['"', '\\']) {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else if !controls && !s.contains('\'') {
        out.push('\'');
        out.push_str(s);
        out.push('\'');
    } else {
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                c if control(c) => out.push_str(&format!("\\u{:04X}", u32::from(c))),
                c => out.push(c),
            }
        }
        out.push('"');
    }
}

fn ensure_newline(mut s: String) -> String {
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// The post's date with its UTC offset (`2010-02-08T09:15:00-05:00`), from
/// the site-local and UTC dates of the model; without an offset when the
/// UTC date is unknown or the difference is not a real offset.
pub fn date_with_offset(local: Option<&str>, gmt: Option<&str>) -> Option<String> {
    let local_s = local?;
    let parse = |s: &str| NaiveDateTime::parse_from_str(s.trim_end_matches('Z'), "%Y-%m-%dT%H:%M:%S").ok();
    let l = parse(local_s)?;
    let Some(g) = gmt.and_then(parse) else {
        return Some(local_s.to_string());
    };
    let minutes = (l - g).num_minutes();
    // Real offsets are whole quarter hours within ±14 h.
    if minutes.abs() > 14 * 60 || minutes % 15 != 0 || (l - g).num_seconds() % 60 != 0 {
        return Some(local_s.to_string());
    }
    let sign = if minutes < 0 { '-' } else { '+' };
    Some(format!(
        "{local_s}{sign}{:02}:{:02}",
        minutes.abs() / 60,
        minutes.abs() % 60
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_come_from_the_two_dates() {
        assert_eq!(
            date_with_offset(Some("2010-02-08T09:15:00"), Some("2010-02-08T14:15:00Z")).as_deref(),
            Some("2010-02-08T09:15:00-05:00")
        );
        assert_eq!(
            date_with_offset(Some("2023-10-28T07:05:00"), Some("2023-10-27T20:05:00Z")).as_deref(),
            Some("2023-10-28T07:05:00+11:00")
        );
        assert_eq!(
            date_with_offset(Some("2024-08-28T17:03:52"), None).as_deref(),
            Some("2024-08-28T17:03:52")
        );
        assert_eq!(
            date_with_offset(Some("2010-01-01T00:00:00"), Some("2010-01-03T00:00:00Z")).as_deref(),
            Some("2010-01-01T00:00:00")
        );
    }

    #[test]
    fn yaml_quotes_what_yaml_1_1_would_misread() {
        let mut f = Fields::default();
        f.put_str("title", Some("yes"));
        f.put_list(
            "tags",
            &[
                "no".into(),
                "null".into(),
                "2010-02-01".into(),
                "1e3".into(),
                "a: b".into(),
            ],
        );
        f.put("draft", Value::Bool(false));
        let y = render(&f, Syntax::Yaml).unwrap();
        assert!(y.starts_with("---\n") && y.ends_with("---\n"), "{y}");
        for quoted in ["\"yes\"", "\"no\"", "\"null\"", "\"2010-02-01\"", "\"1e3\"", "\"a: b\""] {
            assert!(y.contains(quoted), "{quoted} not quoted in\n{y}");
        }
        assert!(y.contains("draft: false"), "{y}");
    }

    /// Strings that would end the front matter if written as they are, or
    /// on lines of their own.
    const CLOSERS: &[&str] = &[
        "Up\n+++\ndown",
        "Up\n---\ndown",
        "Up\n...\ndown",
        "+++",
        "---",
        "...",
        "+++ after",
        "--- after",
        "before +++",
        "before ---",
        "before +++ \t",
        "\n+++\n",
        "a\r+++\rb",
        "a\r\n---\r\nb",
        "both \"quotes\" and 'apostrophes'\n+++",
        "back\\slash\n---",
        "ctl\u{7}\u{7f} nel\u{85} ls\u{2028}---",
        "a long line of words, long enough to be folded by a YAML writer that folds them, and then --- at the end ---",
    ];

    fn hostile() -> Fields {
        let mut f = Fields::default();
        let strs = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        for (i, s) in CLOSERS.iter().enumerate() {
            f.put(&format!("k{i}"), Value::Str(s.to_string()));
        }
        f.put_list("tags", &strs(CLOSERS));
        let mut table = Fields::default();
        for s in CLOSERS {
            table.put(s, Value::Str(s.to_string()));
        }
        table.put(
            "rows",
            Value::List(vec![Value::Map(table.clone()), Value::Map(table.clone())]),
        );
        table.put(
            "nested",
            Value::List(vec![Value::List(vec![Value::Map(table.clone())])]),
        );
        // A top-level key is at the start of its line.
        for key in ["---", "---x", "+++", "+++x", "...", "...x", "x\n+++", "-", "a-b"] {
            f.put(key, Value::Int(1));
        }
        f.put("extra", Value::Map(table));
        f
    }

    /// The fields as the generic data the formats read back into.
    fn data(fields: &Fields) -> serde_json::Value {
        serde_json::to_value(fields).unwrap()
    }

    #[test]
    fn no_value_ends_the_front_matter() {
        let f = hostile();
        for syntax in [Syntax::Yaml, Syntax::Toml, Syntax::Json] {
            let text = render(&f, syntax).unwrap();
            let (open, close) = match syntax {
                Syntax::Yaml => ("---\n", "---\n"),
                Syntax::Toml => ("+++\n", "+++\n"),
                Syntax::Json => ("", ""),
            };
            let body = text.strip_prefix(open).and_then(|t| t.strip_suffix(close)).unwrap();
            for line in body.split(['\n', '\r']) {
                let end = line.trim_end();
                assert!(
                    !["---", "+++", "..."]
                        .iter()
                        .any(|d| line.starts_with(d) || end.ends_with(d)),
                    "{syntax:?}: the line {line:?} ends the front matter in\n{text}"
                );
            }
            let back: serde_json::Value = match syntax {
                Syntax::Yaml => serde_saphyr::from_str(body).unwrap(),
                Syntax::Toml => toml::from_str(body).unwrap(),
                Syntax::Json => serde_json::from_str(body).unwrap(),
            };
            assert_eq!(back, data(&f), "{syntax:?}:\n{text}");
        }
    }

    #[test]
    fn toml_strings_are_basic_literal_or_escaped() {
        let mut f = Fields::default();
        for s in [
            "plain",
            "with \"quotes\"",
            "back\\slash",
            "both \" and '",
            "tab\tx",
            "del\u{7f}",
        ] {
            f.put_list("v", &[s.to_string()]);
        }
        assert_eq!(
            render(&f, Syntax::Toml).unwrap(),
            "+++\nv = [\"plain\"]\nv = ['with \"quotes\"']\nv = ['back\\slash']\nv = [\"both \\\" and '\"]\nv = [\"tab\\tx\"]\nv = [\"del\\u007F\"]\n+++\n"
        );
    }

    #[test]
    fn toml_puts_tables_last() {
        let mut f = Fields::default();
        let mut tax = Fields::default();
        tax.put_list("tags", &["a".into()]);
        f.put("taxonomies", Value::Map(tax));
        f.put_str("title", Some("T"));
        let t = render(&f, Syntax::Toml).unwrap();
        assert_eq!(t, "+++\ntitle = \"T\"\n\n[taxonomies]\ntags = [\"a\"]\n+++\n");
    }

    #[test]
    fn floats_stay_numbers_in_every_syntax() {
        let mut f = Fields::default();
        f.put("price", Value::Float(12.5));
        f.put("ratio", Value::Float(1.0));
        assert_eq!(
            render(&f, Syntax::Toml).unwrap(),
            "+++\nprice = 12.5\nratio = 1.0\n+++\n"
        );
        let yaml = render(&f, Syntax::Yaml).unwrap();
        let back: serde_json::Value =
            serde_saphyr::from_str(yaml.trim_start_matches("---\n").trim_end_matches("---\n")).unwrap();
        assert_eq!(back["price"], 12.5);
        assert!(back["ratio"].is_f64() || back["ratio"] == 1, "{yaml}");
        let json = render(&f, Syntax::Json).unwrap();
        assert!(json.contains("\"price\": 12.5"), "{json}");
    }
}
