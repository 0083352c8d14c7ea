//! `--format sql`: an SQL script of the model for SQLite, PostgreSQL or
//! MySQL/MariaDB, streamed.
//!
//! The script creates the schema, loads the rows as batched multi-row
//! `INSERT`s inside one transaction, then creates the indexes. Rows are
//! held per table only until a batch is full (about 1 MiB or 500 rows),
//! then written table by table in the schema's order, so every foreign
//! key points to a row already inserted. A statement is at most one row
//! over 1 MiB, well under MySQL's default 16 MiB `max_allowed_packet`.
//!
//! Literals are written so that no text can end them early:
//! - SQLite: `'…'` with `'` doubled; text holding NUL or a carriage return
//!   (which the `sqlite3` shell would drop before a line end) is a hex blob
//!   cast to text.
//! - PostgreSQL: `'…'` with `'` doubled (`standard_conforming_strings` is
//!   set on); text with control characters other than newline and tab uses
//!   an `E'…'` literal with backslash escapes. PostgreSQL text cannot hold
//!   NUL: it is removed and reported.
//! - MySQL: `'…'` with the escapes of `mysqldump` (`\\`, `\'`, `\0`, `\n`,
//!   `\r`, `\Z`) under a `sql_mode` the script sets, so a server default of
//!   `NO_BACKSLASH_ESCAPES` cannot change their meaning; the script holds no
//!   raw carriage return, which the `mysql` client would rewrite.

use super::{Dialect, Link, RowSink, Rows, T, TABLES, Value, create_indexes, create_table, ident};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::emit::Emitter;
use crate::model::Record;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Buffered text after which a batch is written.
const BATCH_BYTES: usize = 1 << 20;
/// Rows of one table after which a batch is written.
const BATCH_ROWS: usize = 500;

/// The SQL script emitter.
pub struct SqlScript<W: Write> {
    dialect: Dialect,
    rows: Rows,
    batch: Batch<W>,
    started: bool,
}

/// The rows held for the next write, one `VALUES` list per table, and the
/// writer they go to. A batch is written as soon as it is full, in the
/// middle of an item if need be (an item with thousands of comments): the
/// tables are written in schema order and rows arrive parents first, so
/// every key still points to a row already written.
struct Batch<W: Write> {
    w: W,
    dialect: Dialect,
    values: [String; TABLES.len()],
    counts: [usize; TABLES.len()],
    bytes: usize,
    nul_removed: u64,
    /// `UPDATE`s of late links, written after the rows.
    updates: String,
}

impl<W: Write> SqlScript<W> {
    /// Writes a script for `dialect` to `w`.
    pub fn new(w: W, dialect: Dialect) -> Self {
        SqlScript {
            dialect,
            rows: Rows::new(),
            batch: Batch {
                w,
                dialect,
                values: Default::default(),
                counts: [0; TABLES.len()],
                bytes: 0,
                nul_removed: 0,
                updates: String::new(),
            },
            started: false,
        }
    }

    fn start(&mut self) -> io::Result<()> {
        self.started = true;
        let d = self.dialect;
        let w = &mut self.batch.w;
        writeln!(
            w,
            "-- The WordPress export as written by wxr {}.",
            env!("CARGO_PKG_VERSION")
        )?;
        writeln!(w, "-- Schema: see the README's \"SQL output\" section.")?;
        match d {
            Dialect::Sqlite => {
                writeln!(w, "PRAGMA foreign_keys = ON;")?;
                writeln!(w, "BEGIN;")?;
            }
            Dialect::Postgres => {
                writeln!(w, "SET client_encoding = 'UTF8';")?;
                writeln!(w, "SET standard_conforming_strings = on;")?;
                writeln!(w, "BEGIN;")?;
            }
            Dialect::Mysql => {
                writeln!(w, "SET NAMES utf8mb4;")?;
                writeln!(w, "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION';")?;
            }
        }
        for t in &TABLES {
            writeln!(w, "{};", create_table(d, t))?;
        }
        if d == Dialect::Mysql {
            // MySQL commits at every CREATE TABLE: the data gets its own
            // transaction.
            writeln!(w, "START TRANSACTION;")?;
        }
        Ok(())
    }
}

impl<W: Write> Batch<W> {
    fn flush(&mut self) -> io::Result<()> {
        let d = self.dialect;
        for (n, t) in TABLES.iter().enumerate() {
            if self.counts[n] == 0 {
                continue;
            }
            let cols: Vec<String> = t.columns.iter().map(|c| ident(d, c.name)).collect();
            writeln!(self.w, "INSERT INTO {} ({}) VALUES", ident(d, t.name), cols.join(", "))?;
            self.w.write_all(self.values[n].as_bytes())?;
            self.w.write_all(b";\n")?;
            self.values[n].clear();
            self.counts[n] = 0;
        }
        self.w.write_all(self.updates.as_bytes())?;
        self.updates.clear();
        self.bytes = 0;
        Ok(())
    }
}

impl<W: Write> RowSink for Batch<W> {
    type Error = io::Error;

    fn row(&mut self, table: T, values: &[Value<'_>]) -> io::Result<()> {
        let n = table as usize;
        debug_assert_eq!(values.len(), TABLES[n].columns.len());
        let s = &mut self.values[n];
        let before = s.len();
        s.push_str(if self.counts[n] == 0 { "(" } else { ",\n(" });
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            self.nul_removed += literal(self.dialect, v, s);
        }
        s.push(')');
        self.counts[n] += 1;
        self.bytes += s.len() - before;
        if self.bytes >= BATCH_BYTES || self.counts[n] >= BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn link(&mut self, link: Link<'_>) -> io::Result<()> {
        let d = self.dialect;
        let (table, column, pk, matching) = link.update();
        let column = ident(d, column);
        let u = &mut self.updates;
        let _ = write!(
            u,
            "UPDATE {} SET {column} = {pk} WHERE {column} IS NULL",
            ident(d, table.table().name)
        );
        for (c, v) in matching {
            let _ = write!(u, " AND {} = ", ident(d, c));
            self.nul_removed += string(d, v, u);
        }
        u.push_str(";\n");
        Ok(())
    }
}

impl<W: Write> Emitter for SqlScript<W> {
    fn record(&mut self, record: &Record) -> io::Result<()> {
        if !self.started {
            self.start()?;
        }
        self.rows.record(record, &mut self.batch)
    }

    fn finish(&mut self) -> io::Result<Diagnostics> {
        if !self.started {
            self.start()?;
        }
        let mut diagnostics = self.rows.finish(&mut self.batch)?;
        self.batch.flush()?;
        let w = &mut self.batch.w;
        writeln!(w, "COMMIT;")?;
        for t in &TABLES {
            for i in create_indexes(self.dialect, t) {
                writeln!(w, "{i};")?;
            }
        }
        w.flush()?;
        if self.batch.nul_removed > 0 {
            diagnostics.push(Diagnostic {
                code: "sql.nul_removed",
                severity: Severity::Warning,
                message: format!(
                    "{} removed from text: PostgreSQL text cannot hold them",
                    crate::diag::counted(self.batch.nul_removed, "NUL character", "NUL characters")
                ),
                location: None,
                item_id: None,
                count: self.batch.nul_removed,
            });
        }
        Ok(diagnostics)
    }
}

/// Appends `v` as a literal of `dialect`; returns how many NUL characters
/// had to be removed (PostgreSQL only).
pub fn literal(dialect: Dialect, v: &Value<'_>, out: &mut String) -> u64 {
    match *v {
        Value::Null => out.push_str("NULL"),
        Value::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Bool(b) => out.push_str(match (dialect, b) {
            (Dialect::Sqlite, true) => "1",
            (Dialect::Sqlite, false) => "0",
            (_, true) => "TRUE",
            (_, false) => "FALSE",
        }),
        Value::Text(s) => return string(dialect, s, out),
        Value::Local(s) => {
            let _ = write!(out, "'{}'", Value::timestamp(s));
        }
        Value::Utc(s) => {
            let zone = if dialect == Dialect::Postgres { "+00" } else { "" };
            let _ = write!(out, "'{}{zone}'", Value::timestamp(s));
        }
    }
    0
}

/// Appends `s` as a string literal of `dialect`; returns the NULs removed.
pub fn string(dialect: Dialect, s: &str, out: &mut String) -> u64 {
    match dialect {
        Dialect::Sqlite => {
            // The sqlite3 shell drops a carriage return before a line end,
            // and cannot read a NUL: such text goes as hex.
            if s.contains(['\0', '\r']) {
                out.push_str("CAST(X'");
                for b in s.bytes() {
                    let _ = write!(out, "{b:02X}");
                }
                out.push_str("' AS TEXT)");
            } else {
                quoted(s, out);
            }
            0
        }
        Dialect::Postgres => {
            let plain = |c: char| c >= ' ' || c == '\n' || c == '\t';
            if s.chars().all(plain) {
                quoted(s, out);
                return 0;
            }
            let mut removed = 0;
            out.push_str("E'");
            for c in s.chars() {
                match c {
                    '\0' => removed += 1,
                    '\'' => out.push_str("''"),
                    '\\' => out.push_str("\\\\"),
                    '\r' => out.push_str("\\r"),
                    c if !plain(c) => {
                        let _ = write!(out, "\\{:03o}", c as u32);
                    }
                    c => out.push(c),
                }
            }
            out.push('\'');
            removed
        }
        Dialect::Mysql => {
            out.push('\'');
            for c in s.chars() {
                match c {
                    '\0' => out.push_str("\\0"),
                    '\'' => out.push_str("\\'"),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\x1a' => out.push_str("\\Z"),
                    c => out.push(c),
                }
            }
            out.push('\'');
            0
        }
    }
}

/// `'…'` with every `'` doubled.
fn quoted(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
    out.push('\'');
    let mut rest = s;
    while let Some(i) = rest.find('\'') {
        out.push_str(&rest[..=i]);
        out.push('\'');
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
    out.push('\'');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(d: Dialect, s: &str) -> String {
        let mut out = String::new();
        string(d, s, &mut out);
        out
    }

    #[test]
    fn quotes_are_doubled_or_escaped() {
        let hostile = "');DROP TABLE items;--";
        assert_eq!(lit(Dialect::Sqlite, hostile), "''');DROP TABLE items;--'");
        assert_eq!(lit(Dialect::Postgres, hostile), "''');DROP TABLE items;--'");
        assert_eq!(lit(Dialect::Mysql, hostile), "'\\');DROP TABLE items;--'");
    }

    #[test]
    fn backslashes_are_literal_except_in_mysql_and_e_strings() {
        assert_eq!(lit(Dialect::Postgres, "a\\'b"), "'a\\''b'");
        assert_eq!(lit(Dialect::Mysql, "a\\'b"), "'a\\\\\\'b'");
        assert_eq!(lit(Dialect::Postgres, "a\\\rb"), "E'a\\\\\\rb'");
    }

    #[test]
    fn control_characters() {
        assert_eq!(lit(Dialect::Postgres, "a\u{1}\tb\n"), "E'a\\001\tb\n'");
        assert_eq!(lit(Dialect::Mysql, "a\r\n\0\u{1a}"), "'a\\r\\n\\0\\Z'");
        assert_eq!(lit(Dialect::Sqlite, "a\0"), "CAST(X'6100' AS TEXT)");
        assert_eq!(lit(Dialect::Sqlite, "x\r\ny"), "CAST(X'780D0A79' AS TEXT)");
        let mut out = String::new();
        assert_eq!(string(Dialect::Postgres, "a\0b", &mut out), 1);
        assert_eq!(out, "E'ab'");
    }

    #[test]
    fn timestamps() {
        let mut out = String::new();
        literal(Dialect::Postgres, &Value::Utc("2010-05-01T08:30:00Z"), &mut out);
        literal(Dialect::Mysql, &Value::Utc("2010-05-01T08:30:00Z"), &mut out);
        literal(Dialect::Sqlite, &Value::Local("2010-05-01T10:30:00"), &mut out);
        assert_eq!(
            out,
            "'2010-05-01 08:30:00+00''2010-05-01 08:30:00''2010-05-01 10:30:00'"
        );
    }
}
