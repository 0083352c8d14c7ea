//! `--format sqlite`: the model written straight into an SQLite database
//! (rusqlite, bundled SQLite), with the schema of the SQL script.
//!
//! A new database is written into a temporary file by the caller and
//! renamed when complete, without a journal (nothing to roll back to).
//! `--append` adds to an existing wxr database inside one transaction, so
//! a failed run leaves it as it was; it is refused unless the database's
//! tables are exactly the ones this version writes. Appended authors
//! (by login) and terms (by taxonomy and slug) that the database already
//! holds are reused, and items it already holds (an identical `items`
//! row) are skipped and counted.

use super::{Dialect, Link, RowSink, Rows, T, TABLES, Value, create_indexes, create_table, item_values, site_values};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::emit::Emitter;
use crate::model::Record;
use rusqlite::{Connection, OptionalExtension, params_from_iter, types::ToSqlOutput};
use std::collections::HashMap;
use std::io;
use std::path::Path;

/// Why a database cannot be written.
#[derive(Debug)]
pub enum DbError {
    /// SQLite failed.
    Sqlite(rusqlite::Error),
    /// `--append` to a database whose schema is not this version's.
    SchemaMismatch(String),
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbError::Sqlite(e) => write!(f, "SQLite: {e}"),
            DbError::SchemaMismatch(why) => write!(
                f,
                "--append refused: {why}; append only to a database wxr {} wrote, or write a new file",
                env!("CARGO_PKG_VERSION")
            ),
        }
    }
}

impl std::error::Error for DbError {}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        DbError::Sqlite(e)
    }
}

impl From<DbError> for io::Error {
    fn from(e: DbError) -> Self {
        io::Error::other(e)
    }
}

/// The direct SQLite writer.
pub struct SqliteDb {
    conn: Connection,
    inserts: [String; TABLES.len()],
    rows: Rows,
    appending: bool,
    /// The highest item key before this run (`--append`).
    items_before: i64,
    skipped_items: u64,
    skipped_sites: u64,
}

/// The inserting side, borrowed by [`Rows`].
struct Inserter<'c> {
    conn: &'c Connection,
    inserts: &'c [String; TABLES.len()],
}

impl SqliteDb {
    /// Creates the schema in a new (empty) database file at `path`.
    pub fn create(path: &Path) -> Result<Self, DbError> {
        let conn = Connection::open(path)?;
        conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON; BEGIN;")?;
        SqliteDb::fresh(conn)
    }

    /// Creates the schema on an open connection, inside its transaction.
    fn fresh(conn: Connection) -> Result<Self, DbError> {
        for t in &TABLES {
            conn.execute_batch(&create_table(Dialect::Sqlite, t))?;
        }
        Ok(SqliteDb {
            conn,
            inserts: inserts(),
            rows: Rows::new(),
            appending: false,
            items_before: 0,
            skipped_items: 0,
            skipped_sites: 0,
        })
    }

    /// Opens the wxr database at `path` to add to it (a missing file is
    /// created, as a new database).
    pub fn append(path: &Path) -> Result<Self, DbError> {
        let conn = Connection::open(path)?;
        conn.execute_batch("PRAGMA foreign_keys = ON; BEGIN IMMEDIATE;")?;
        let mut have: Vec<(String, String)> = conn
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        if have.is_empty() {
            return SqliteDb::fresh(conn);
        }
        let mut want: Vec<(String, String)> = TABLES
            .iter()
            .map(|t| (t.name.to_string(), create_table(Dialect::Sqlite, t)))
            .collect();
        want.sort();
        have.sort();
        if have != want {
            let why = match want.iter().find(|w| !have.contains(w)) {
                Some((name, _)) if have.iter().any(|(n, _)| n == name) => {
                    format!("its table {name:?} has other columns")
                }
                Some((name, _)) => format!("it has no table {name:?}"),
                None => "it has tables wxr does not write".to_string(),
            };
            return Err(DbError::SchemaMismatch(why));
        }
        let mut last = [0i64; TABLES.len()];
        for (n, t) in TABLES.iter().enumerate() {
            last[n] = conn.query_row(&format!("SELECT coalesce(max(pk), 0) FROM \"{}\"", t.name), [], |r| {
                r.get(0)
            })?;
            if last[n] > i64::MAX / 2 {
                return Err(DbError::SchemaMismatch(format!(
                    "its table {:?} has keys near the largest integer",
                    t.name
                )));
            }
        }
        let mut authors = HashMap::new();
        let mut stmt = conn.prepare("SELECT login, pk FROM authors WHERE login IS NOT NULL ORDER BY pk")?;
        for r in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (login, pk) = r?;
            authors.entry(login).or_insert(pk);
        }
        drop(stmt);
        let mut terms = HashMap::new();
        let mut stmt = conn.prepare("SELECT taxonomy, slug, pk FROM terms WHERE slug IS NOT NULL ORDER BY pk")?;
        for r in stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
        })? {
            let (taxonomy, slug, pk) = r?;
            terms.entry((taxonomy, slug)).or_insert(pk);
        }
        drop(stmt);
        Ok(SqliteDb {
            conn,
            inserts: inserts(),
            rows: Rows::resume(last, authors, terms),
            appending: true,
            items_before: last[T::Items as usize],
            skipped_items: 0,
            skipped_sites: 0,
        })
    }

    /// Whether an appended record is already in the database.
    fn already_there(&self, record: &Record) -> rusqlite::Result<bool> {
        match record {
            // Only items from before this run: a copy within the export is
            // kept, as a plain run keeps it.
            Record::Item(i) => self.row_exists(T::Items, &item_values(i, 0, None), Some(self.items_before)),
            Record::Site(s) => self.row_exists(T::Site, &site_values(s, 0), None),
            _ => Ok(false),
        }
    }

    /// Whether `table` has a row equal to `values` in every column but the
    /// keys (`pk` and the `*_pk` references), among the rows up to `upto`.
    fn row_exists(&self, table: T, values: &[Value<'_>], upto: Option<i64>) -> rusqlite::Result<bool> {
        let (mut conds, mut vals): (Vec<String>, Vec<ToSqlOutput<'_>>) = table
            .table()
            .columns
            .iter()
            .zip(values)
            .filter(|(c, _)| c.name != "pk" && c.references.is_none())
            .enumerate()
            .map(|(n, (c, v))| (format!("\"{}\" IS ?{}", c.name, n + 1), bind(v)))
            .unzip();
        if let Some(upto) = upto {
            vals.push(ToSqlOutput::from(upto));
            conds.push(format!("pk <= ?{}", vals.len()));
        }
        self.conn
            .prepare_cached(&format!(
                "SELECT 1 FROM \"{}\" WHERE {} LIMIT 1",
                table.table().name,
                conds.join(" AND ")
            ))?
            .query_row(params_from_iter(vals), |_| Ok(()))
            .optional()
            .map(|r| r.is_some())
    }
}

/// The `INSERT` statement of each table.
fn inserts() -> [String; TABLES.len()] {
    std::array::from_fn(|n| {
        let t = &TABLES[n];
        let cols: Vec<String> = t.columns.iter().map(|c| format!("\"{}\"", c.name)).collect();
        let marks: Vec<String> = (1..=t.columns.len()).map(|i| format!("?{i}")).collect();
        format!(
            "INSERT INTO \"{}\" ({}) VALUES ({})",
            t.name,
            cols.join(", "),
            marks.join(", ")
        )
    })
}

impl RowSink for Inserter<'_> {
    type Error = rusqlite::Error;

    fn row(&mut self, table: T, values: &[Value<'_>]) -> rusqlite::Result<()> {
        let mut stmt = self.conn.prepare_cached(&self.inserts[table as usize])?;
        stmt.execute(params_from_iter(values.iter().map(bind)))?;
        Ok(())
    }

    fn link(&mut self, link: Link<'_>) -> rusqlite::Result<()> {
        let (table, column, pk, matching) = link.update();
        let mut sql = format!(
            "UPDATE \"{}\" SET \"{column}\" = ?1 WHERE \"{column}\" IS NULL",
            table.table().name
        );
        for (n, (c, _)) in matching.iter().enumerate() {
            sql += &format!(" AND \"{c}\" = ?{}", n + 2);
        }
        let mut params: Vec<ToSqlOutput<'_>> = vec![ToSqlOutput::from(pk)];
        params.extend(matching.iter().map(|(_, v)| ToSqlOutput::from(*v)));
        self.conn.execute(&sql, params_from_iter(params))?;
        Ok(())
    }
}

/// A value as SQLite stores it: dates as `YYYY-MM-DD HH:MM:SS`, booleans
/// as 0 and 1.
fn bind<'a>(v: &Value<'a>) -> ToSqlOutput<'a> {
    match *v {
        Value::Null => ToSqlOutput::from(rusqlite::types::Null),
        Value::Int(n) => ToSqlOutput::from(n),
        Value::Bool(b) => ToSqlOutput::from(i64::from(b)),
        Value::Text(s) => ToSqlOutput::from(s),
        Value::Local(s) | Value::Utc(s) => ToSqlOutput::from(Value::timestamp(s)),
    }
}

impl Emitter for SqliteDb {
    fn record(&mut self, record: &Record) -> io::Result<()> {
        let err = |e: rusqlite::Error| io::Error::from(DbError::Sqlite(e));
        if self.appending && self.already_there(record).map_err(err)? {
            match record {
                Record::Item(_) => self.skipped_items += 1,
                _ => self.skipped_sites += 1,
            }
            return Ok(());
        }
        let mut ins = Inserter {
            conn: &self.conn,
            inserts: &self.inserts,
        };
        self.rows.record(record, &mut ins).map_err(err)
    }

    fn finish(&mut self) -> io::Result<Diagnostics> {
        let err = |e: rusqlite::Error| io::Error::from(DbError::Sqlite(e));
        let mut ins = Inserter {
            conn: &self.conn,
            inserts: &self.inserts,
        };
        let mut diagnostics = self.rows.finish(&mut ins).map_err(err)?;
        let mut ddl = String::new();
        for t in &TABLES {
            for i in create_indexes(Dialect::Sqlite, t) {
                // On --append the indexes are already there.
                ddl += &i.replacen("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1);
                ddl += ";\n";
            }
        }
        ddl += "COMMIT;";
        self.conn.execute_batch(&ddl).map_err(err)?;
        if self.skipped_items > 0 {
            diagnostics.push(Diagnostic {
                code: "sql.item_present",
                severity: Severity::Notice,
                message: format!(
                    "{} already in the database (an identical items row) not added again",
                    crate::diag::counted(self.skipped_items, "item", "items")
                ),
                location: None,
                item_id: None,
                count: self.skipped_items,
            });
        }
        if self.skipped_sites > 0 {
            diagnostics.push(Diagnostic {
                code: "sql.site_present",
                severity: Severity::Notice,
                message: "the site row is already in the database".to_string(),
                location: None,
                item_id: None,
                count: self.skipped_sites,
            });
        }
        Ok(diagnostics)
    }
}
