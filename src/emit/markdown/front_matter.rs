//! Front matter: ordered fields (each generator names and places them, in
//! [`super::ssg`]) written as YAML (serde-saphyr, which quotes `yes`, `no`,
//! `null`, dates and numbers that must stay strings), TOML or JSON.
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
/// newline.
pub fn render(fields: &Fields, syntax: Syntax) -> Result<String, String> {
    match syntax {
        Syntax::Yaml => Ok(format!("---\n{}---\n", yaml(fields)?)),
        Syntax::Toml => {
            // TOML needs plain keys before tables.
            let (plain, tables): (Vec<_>, Vec<_>) =
                fields.0.iter().cloned().partition(|(_, v)| !matches!(v, Value::Map(_)));
            let ordered = Fields(plain.into_iter().chain(tables).collect());
            let body = toml::to_string(&ordered).map_err(|e| e.to_string())?;
            Ok(format!("+++\n{}+++\n", ensure_newline(body)))
        }
        Syntax::Json => {
            let body = serde_json::to_string_pretty(fields).map_err(|e| e.to_string())?;
            Ok(format!("{body}\n"))
        }
    }
}

/// `fields` as a YAML document (front matter body, comment data files).
pub fn yaml(fields: &Fields) -> Result<String, String> {
    serde_saphyr::to_string(fields)
        .map(ensure_newline)
        .map_err(|e| e.to_string())
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
}
