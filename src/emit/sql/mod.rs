//! SQL output: the model as rows of one normalized schema, for SQLite,
//! PostgreSQL and MySQL/MariaDB.
//!
//! This module owns the schema (tables, columns, types per dialect, keys
//! and indexes) and [`Rows`], which turns model records into rows in an
//! order that satisfies every foreign key as it is inserted. Two writers
//! use it: [`script`] writes an SQL script for any dialect, [`sqlite`]
//! writes an SQLite database directly.
//!
//! Every table has a surrogate key `pk`, numbered by wxr in export order:
//! the export's own ids (`items.id`, `comments.id`, …) are kept as plain
//! columns because real exports repeat them or leave them out. Foreign keys
//! are the `*_pk` columns. A reference that cannot be resolved (a comment
//! whose parent is not in its item, an item whose author is not in the
//! export) keeps the exported value in its plain column (`parent`,
//! `author`), leaves the `*_pk` column null, and is reported.

pub mod script;
pub mod sqlite;

use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::model::{Author, Comment, Item, MODEL_VERSION, Record, Site, Term};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The SQL dialects of `--format sql`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite 3.
    Sqlite,
    /// PostgreSQL (12 and later).
    Postgres,
    /// MySQL 8 and MariaDB 10.5 and later.
    Mysql,
}

/// The type of a column, mapped to each dialect's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// The surrogate key or a reference to one.
    Key,
    /// An integer.
    Int,
    /// UTF-8 text of any length.
    Text,
    /// A boolean.
    Bool,
    /// A site-local wall-clock timestamp (no zone).
    Local,
    /// A UTC timestamp (the `_gmt` columns).
    Utc,
}

impl Type {
    /// The column type in `dialect`.
    pub fn sql(self, dialect: Dialect) -> &'static str {
        use Dialect::*;
        match (self, dialect) {
            (Type::Key | Type::Int, Sqlite) => "INTEGER",
            (Type::Key | Type::Int, _) => "BIGINT",
            (Type::Text, Mysql) => "LONGTEXT",
            (Type::Text, _) => "TEXT",
            (Type::Bool, _) => "BOOLEAN",
            (Type::Local, Postgres) => "TIMESTAMP",
            (Type::Utc, Postgres) => "TIMESTAMPTZ",
            (Type::Local | Type::Utc, _) => "DATETIME",
        }
    }
}

/// One column of the schema.
#[derive(Debug)]
pub struct Column {
    /// Its name: the model's field name, or `pk` / `*_pk` for keys.
    pub name: &'static str,
    /// Its type.
    pub ty: Type,
    /// `NOT NULL`.
    pub not_null: bool,
    /// The table whose `pk` this column references.
    pub references: Option<&'static str>,
}

/// One table of the schema.
#[derive(Debug)]
pub struct Table {
    /// Its name.
    pub name: &'static str,
    /// Its columns; the first is always `pk`.
    pub columns: &'static [Column],
    /// Its indexes: (name, columns).
    pub indexes: &'static [(&'static str, &'static [&'static str])],
}

const fn col(name: &'static str, ty: Type) -> Column {
    Column {
        name,
        ty,
        not_null: false,
        references: None,
    }
}

const fn req(name: &'static str, ty: Type) -> Column {
    Column {
        name,
        ty,
        not_null: true,
        references: None,
    }
}

const fn fk(name: &'static str, table: &'static str, not_null: bool) -> Column {
    Column {
        name,
        ty: Type::Key,
        not_null,
        references: Some(table),
    }
}

const PK: Column = Column {
    name: "pk",
    ty: Type::Key,
    not_null: true,
    references: None,
};

/// The tables, in the order they are created and loaded: every foreign key
/// points to a table earlier in the list or to its own table.
pub static TABLES: [Table; 9] = [
    Table {
        name: "site",
        columns: &[
            PK,
            req("model_version", Type::Int),
            col("title", Type::Text),
            col("link", Type::Text),
            col("description", Type::Text),
            col("language", Type::Text),
            col("base_site_url", Type::Text),
            col("base_blog_url", Type::Text),
            col("wxr_version", Type::Text),
            col("generator", Type::Text),
        ],
        indexes: &[],
    },
    Table {
        name: "authors",
        columns: &[
            PK,
            col("id", Type::Int),
            col("login", Type::Text),
            col("email", Type::Text),
            col("display_name", Type::Text),
            col("first_name", Type::Text),
            col("last_name", Type::Text),
        ],
        indexes: &[("authors_login", &["login"])],
    },
    Table {
        name: "terms",
        columns: &[
            PK,
            col("id", Type::Int),
            req("taxonomy", Type::Text),
            col("slug", Type::Text),
            col("name", Type::Text),
            col("description", Type::Text),
            col("parent", Type::Text),
            fk("parent_pk", "terms", false),
        ],
        indexes: &[
            ("terms_taxonomy_slug", &["taxonomy", "slug"]),
            ("terms_parent_pk", &["parent_pk"]),
        ],
    },
    Table {
        name: "term_meta",
        columns: &[
            PK,
            fk("term_pk", "terms", true),
            req("key", Type::Text),
            req("value", Type::Text),
        ],
        indexes: &[("term_meta_term_pk", &["term_pk"])],
    },
    Table {
        name: "items",
        columns: &[
            PK,
            col("id", Type::Int),
            req("type", Type::Text),
            req("status", Type::Text),
            col("title", Type::Text),
            col("slug", Type::Text),
            col("link", Type::Text),
            col("guid", Type::Text),
            col("author", Type::Text),
            fk("author_pk", "authors", false),
            col("date", Type::Local),
            col("date_gmt", Type::Utc),
            req("content", Type::Text),
            req("excerpt", Type::Text),
            col("parent", Type::Int),
            req("menu_order", Type::Int),
            col("comment_status", Type::Text),
            col("ping_status", Type::Text),
            col("password", Type::Text),
            req("sticky", Type::Bool),
            col("attachment_url", Type::Text),
            col("modified", Type::Local),
            col("modified_gmt", Type::Utc),
        ],
        indexes: &[
            ("items_id", &["id"]),
            ("items_slug", &["slug"]),
            ("items_type_status", &["type", "status"]),
            ("items_date", &["date"]),
            ("items_parent", &["parent"]),
            ("items_author_pk", &["author_pk"]),
        ],
    },
    Table {
        name: "item_terms",
        columns: &[
            PK,
            fk("item_pk", "items", true),
            req("taxonomy", Type::Text),
            col("slug", Type::Text),
            req("name", Type::Text),
            fk("term_pk", "terms", false),
        ],
        indexes: &[
            ("item_terms_item_pk", &["item_pk"]),
            ("item_terms_term_pk", &["term_pk"]),
        ],
    },
    Table {
        name: "item_meta",
        columns: &[
            PK,
            fk("item_pk", "items", true),
            req("key", Type::Text),
            req("value", Type::Text),
        ],
        indexes: &[("item_meta_item_pk", &["item_pk"]), ("item_meta_key", &["key"])],
    },
    Table {
        name: "comments",
        columns: &[
            PK,
            fk("item_pk", "items", true),
            col("id", Type::Int),
            req("type", Type::Text),
            req("status", Type::Text),
            col("parent", Type::Int),
            fk("parent_pk", "comments", false),
            col("author", Type::Text),
            col("author_email", Type::Text),
            col("author_url", Type::Text),
            col("author_ip", Type::Text),
            col("date", Type::Local),
            col("date_gmt", Type::Utc),
            req("content", Type::Text),
            col("user_id", Type::Int),
        ],
        indexes: &[
            ("comments_item_pk", &["item_pk"]),
            ("comments_parent_pk", &["parent_pk"]),
            ("comments_type_status", &["type", "status"]),
            ("comments_id", &["id"]),
            ("comments_date", &["date"]),
        ],
    },
    Table {
        name: "comment_meta",
        columns: &[
            PK,
            fk("comment_pk", "comments", true),
            req("key", Type::Text),
            req("value", Type::Text),
        ],
        indexes: &[("comment_meta_comment_pk", &["comment_pk"])],
    },
];

/// Indexes into [`TABLES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum T {
    /// `site`
    Site,
    /// `authors`
    Authors,
    /// `terms`
    Terms,
    /// `term_meta`
    TermMeta,
    /// `items`
    Items,
    /// `item_terms`
    ItemTerms,
    /// `item_meta`
    ItemMeta,
    /// `comments`
    Comments,
    /// `comment_meta`
    CommentMeta,
}

impl T {
    /// The table's schema.
    pub fn table(self) -> &'static Table {
        &TABLES[self as usize]
    }
}

/// Quotes an identifier (every name in the schema is a plain lowercase word).
pub fn ident(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::Mysql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    }
}

/// The `CREATE TABLE` statement of `table`, without the final `;`.
pub fn create_table(dialect: Dialect, table: &Table) -> String {
    let mut s = format!("CREATE TABLE {} (\n", ident(dialect, table.name));
    for (i, c) in table.columns.iter().enumerate() {
        s += &format!("  {} {}", ident(dialect, c.name), c.ty.sql(dialect));
        if c.name == "pk" {
            s += " PRIMARY KEY";
        } else if c.not_null {
            s += " NOT NULL";
        }
        if let Some(t) = c.references {
            s += &format!(" REFERENCES {} ({})", ident(dialect, t), ident(dialect, "pk"));
        }
        if i + 1 < table.columns.len() {
            s += ",";
        }
        s += "\n";
    }
    s += ")";
    if dialect == Dialect::Mysql {
        s += " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
    }
    s
}

/// The `CREATE INDEX` statements of `table`, without the final `;`. MySQL
/// indexes a text column by its first 191 characters (its key length limit
/// in utf8mb4).
pub fn create_indexes(dialect: Dialect, table: &Table) -> Vec<String> {
    table
        .indexes
        .iter()
        .map(|(name, cols)| {
            let cols: Vec<String> = cols
                .iter()
                .map(|c| {
                    let text = table.columns.iter().any(|k| k.name == *c && k.ty == Type::Text);
                    if dialect == Dialect::Mysql && text {
                        format!("{}(191)", ident(dialect, c))
                    } else {
                        ident(dialect, c)
                    }
                })
                .collect();
            format!(
                "CREATE INDEX {} ON {} ({})",
                ident(dialect, name),
                ident(dialect, table.name),
                cols.join(", ")
            )
        })
        .collect()
}

/// One value of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    /// `NULL`.
    Null,
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// Text.
    Text(&'a str),
    /// A model date, `YYYY-MM-DDTHH:MM:SS` (site-local).
    Local(&'a str),
    /// A model date, `YYYY-MM-DDTHH:MM:SSZ` (UTC).
    Utc(&'a str),
}

impl Value<'_> {
    /// A model date as `YYYY-MM-DD HH:MM:SS`, the form every dialect reads.
    pub fn timestamp(s: &str) -> String {
        s.trim_end_matches('Z').replacen('T', " ", 1)
    }
}

fn text(s: &Option<String>) -> Value<'_> {
    s.as_deref().map_or(Value::Null, Value::Text)
}

fn int(n: Option<i64>) -> Value<'static> {
    n.map_or(Value::Null, Value::Int)
}

fn local(s: &Option<String>) -> Value<'_> {
    s.as_deref().map_or(Value::Null, Value::Local)
}

fn utc(s: &Option<String>) -> Value<'_> {
    s.as_deref().map_or(Value::Null, Value::Utc)
}

fn key(pk: Option<i64>) -> Value<'static> {
    int(pk)
}

/// A reference resolved late: rows already sent that name an author or a
/// term which arrived after them get its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link<'a> {
    /// `items.author_pk` of the items whose `author` is `login`.
    Author {
        /// The login.
        login: &'a str,
        /// The author's key.
        pk: i64,
    },
    /// `terms.parent_pk` of the terms naming this one as their parent.
    TermParent {
        /// The taxonomy.
        taxonomy: &'a str,
        /// The parent's slug.
        parent: &'a str,
        /// The parent's key.
        pk: i64,
    },
    /// `item_terms.term_pk` of the rows naming this term.
    Term {
        /// The taxonomy.
        taxonomy: &'a str,
        /// The slug.
        slug: &'a str,
        /// The term's key.
        pk: i64,
    },
}

impl<'a> Link<'a> {
    /// The update as (table, key column, key, [(column, value)] to match);
    /// only rows whose key column is still null are updated.
    pub fn update(&self) -> (T, &'static str, i64, Vec<(&'static str, &'a str)>) {
        match *self {
            Link::Author { login, pk } => (T::Items, "author_pk", pk, vec![("author", login)]),
            Link::TermParent { taxonomy, parent, pk } => (
                T::Terms,
                "parent_pk",
                pk,
                vec![("taxonomy", taxonomy), ("parent", parent)],
            ),
            Link::Term { taxonomy, slug, pk } => (
                T::ItemTerms,
                "term_pk",
                pk,
                vec![("taxonomy", taxonomy), ("slug", slug)],
            ),
        }
    }
}

/// Where [`Rows`] sends rows: in an order that satisfies the foreign keys.
pub trait RowSink {
    /// The error of the sink.
    type Error;
    /// Receives one row of `table`, a value per column.
    fn row(&mut self, table: T, values: &[Value<'_>]) -> Result<(), Self::Error>;
    /// Sets a key on rows sent earlier (after every row sent so far).
    fn link(&mut self, link: Link<'_>) -> Result<(), Self::Error>;
}

/// Items that name an author or term not (yet) in the export.
#[derive(Debug, Default)]
struct Unresolved {
    count: u64,
    /// The first items' ids, for the report.
    items: Vec<Option<i64>>,
}

impl Unresolved {
    fn add(&mut self, item: Option<i64>) {
        self.count += 1;
        if self.items.len() < crate::diag::MAX_EXAMPLES {
            self.items.push(item);
        }
    }
}

/// Turns records into rows: numbers the keys, resolves references and
/// orders rows so that every foreign key points to a row already sent.
///
/// Terms are held until the first item (or the end) so that a parent
/// listed after its child still resolves; everything else is sent as it
/// arrives, so memory stays bounded by one item.
#[derive(Debug, Default)]
pub struct Rows {
    next: [i64; TABLES.len()],
    authors: HashMap<String, i64>,
    terms: HashMap<(String, String), i64>,
    pending_terms: Vec<Term>,
    items_started: bool,
    /// Authors and terms already in the database (`--append`): matching
    /// records are not repeated.
    existing_authors: HashSet<String>,
    existing_terms: HashSet<(String, String)>,
    unresolved_authors: BTreeMap<String, Unresolved>,
    unresolved_terms: BTreeMap<(String, String), Unresolved>,
    /// (taxonomy, parent slug) → the slugs of the terms naming it.
    unresolved_parents: BTreeMap<(String, String), Vec<String>>,
    diagnostics: Diagnostics,
}

impl Rows {
    /// A fresh numbering, from 1 in every table.
    pub fn new() -> Self {
        Rows::default()
    }

    /// Continues the numbering of a database that already holds rows:
    /// `last[t]` is the highest `pk` of table `t`, and `authors` / `terms`
    /// the keys of the authors (login) and terms (taxonomy, slug) in it.
    pub fn resume(
        last: [i64; TABLES.len()],
        authors: HashMap<String, i64>,
        terms: HashMap<(String, String), i64>,
    ) -> Self {
        Rows {
            next: last,
            existing_authors: authors.keys().cloned().collect(),
            existing_terms: terms.keys().cloned().collect(),
            authors,
            terms,
            ..Rows::default()
        }
    }

    fn pk(&mut self, t: T) -> i64 {
        self.next[t as usize] += 1;
        self.next[t as usize]
    }

    fn report(&mut self, code: &'static str, severity: Severity, item_id: Option<i64>, message: String) {
        self.diagnostics.push(Diagnostic {
            code,
            severity,
            message,
            location: None,
            item_id,
            count: 1,
        });
    }

    /// Sends the rows of one record.
    pub fn record<S: RowSink>(&mut self, record: &Record, sink: &mut S) -> Result<(), S::Error> {
        match record {
            Record::Site(s) => self.site(s, sink),
            Record::Author(a) => self.author(a, sink),
            Record::Term(t) if !self.items_started => {
                self.pending_terms.push(t.clone());
                Ok(())
            }
            Record::Term(t) => self.terms(std::slice::from_ref(t), sink),
            Record::Item(i) => {
                if !self.items_started {
                    self.items_started = true;
                    self.flush_terms(sink)?;
                }
                self.item(i, sink)
            }
        }
    }

    /// Sends what is still held (terms of an export without items) and
    /// returns what was reported.
    pub fn finish<S: RowSink>(&mut self, sink: &mut S) -> Result<Diagnostics, S::Error> {
        self.flush_terms(sink)?;
        for (login, u) in std::mem::take(&mut self.unresolved_authors) {
            self.report_unresolved(
                "sql.author_missing",
                Severity::Warning,
                &u,
                &format!("author {login:?} is not among the export's authors; items.author_pk is null"),
            );
        }
        for ((taxonomy, parent), children) in std::mem::take(&mut self.unresolved_parents) {
            for child in children {
                self.report(
                    "sql.term_parent_missing",
                    Severity::Warning,
                    None,
                    format!(
                        "term {taxonomy}/{child} names parent {parent:?}, which is not in the export; terms.parent_pk is null"
                    ),
                );
            }
        }
        for ((taxonomy, slug), u) in std::mem::take(&mut self.unresolved_terms) {
            self.report_unresolved(
                "sql.term_missing",
                Severity::Notice,
                &u,
                &format!("term {taxonomy}/{slug} is not among the export's terms; item_terms.term_pk is null"),
            );
        }
        Ok(std::mem::take(&mut self.diagnostics))
    }

    fn report_unresolved(&mut self, code: &'static str, severity: Severity, u: &Unresolved, message: &str) {
        for id in &u.items {
            self.report(code, severity, *id, message.to_string());
        }
        let rest = u.count - u.items.len() as u64;
        if rest > 0 {
            self.diagnostics.push(Diagnostic {
                code,
                severity,
                message: format!("{message}: {}", crate::diag::counted(rest, "more item", "more items")),
                location: None,
                item_id: None,
                count: rest,
            });
        }
    }

    fn flush_terms<S: RowSink>(&mut self, sink: &mut S) -> Result<(), S::Error> {
        let terms = std::mem::take(&mut self.pending_terms);
        self.terms(&terms, sink)
    }

    fn site<S: RowSink>(&mut self, s: &Site, sink: &mut S) -> Result<(), S::Error> {
        let pk = self.pk(T::Site);
        sink.row(T::Site, &site_values(s, pk))
    }

    fn author<S: RowSink>(&mut self, a: &Author, sink: &mut S) -> Result<(), S::Error> {
        if let Some(login) = &a.login
            && self.existing_authors.contains(login)
        {
            self.report(
                "sql.author_present",
                Severity::Notice,
                None,
                format!("author {login:?} is already in the database; its row is reused"),
            );
            return Ok(());
        }
        let pk = self.pk(T::Authors);
        if let Some(login) = &a.login {
            self.authors.entry(login.clone()).or_insert(pk);
        }
        sink.row(
            T::Authors,
            &[
                Value::Int(pk),
                int(a.id),
                text(&a.login),
                text(&a.email),
                text(&a.display_name),
                text(&a.first_name),
                text(&a.last_name),
            ],
        )?;
        if let Some(login) = &a.login
            && self.unresolved_authors.remove(login).is_some()
        {
            sink.link(Link::Author { login, pk })?;
        }
        Ok(())
    }

    /// Numbers `terms` in their order, then sends them parents first.
    fn terms<S: RowSink>(&mut self, terms: &[Term], sink: &mut S) -> Result<(), S::Error> {
        let mut keys: Vec<Option<i64>> = Vec::with_capacity(terms.len());
        for t in terms {
            let known = t
                .slug
                .as_ref()
                .is_some_and(|s| self.existing_terms.contains(&(t.taxonomy.clone(), s.clone())));
            if known {
                self.report(
                    "sql.term_present",
                    Severity::Notice,
                    None,
                    format!(
                        "term {}/{} is already in the database; its row is reused",
                        t.taxonomy,
                        t.slug.as_deref().unwrap_or_default()
                    ),
                );
                keys.push(None);
                continue;
            }
            let pk = self.pk(T::Terms);
            if let Some(slug) = &t.slug {
                self.terms.entry((t.taxonomy.clone(), slug.clone())).or_insert(pk);
            }
            keys.push(Some(pk));
        }
        let parents: Vec<Option<i64>> = terms
            .iter()
            .map(|t| {
                let p = t.parent.as_ref()?;
                let found = self.terms.get(&(t.taxonomy.clone(), p.clone())).copied();
                if found.is_none() {
                    // It may come later; reported at the end if it does not.
                    self.unresolved_parents
                        .entry((t.taxonomy.clone(), p.clone()))
                        .or_default()
                        .push(t.slug.clone().unwrap_or_default());
                }
                found
            })
            .collect();
        let order = parents_first(&keys, &parents, |i| {
            let t = &terms[i];
            self.report(
                "sql.term_parent_cycle",
                Severity::Warning,
                None,
                format!(
                    "term {}/{} is its own ancestor; terms.parent_pk is null",
                    t.taxonomy,
                    t.slug.as_deref().unwrap_or_default()
                ),
            );
        });
        for (i, parent) in order {
            let t = &terms[i];
            let Some(pk) = keys[i] else { continue };
            sink.row(
                T::Terms,
                &[
                    Value::Int(pk),
                    int(t.id),
                    Value::Text(&t.taxonomy),
                    text(&t.slug),
                    text(&t.name),
                    text(&t.description),
                    text(&t.parent),
                    key(parent),
                ],
            )?;
            for m in &t.meta {
                let mpk = self.pk(T::TermMeta);
                sink.row(
                    T::TermMeta,
                    &[
                        Value::Int(mpk),
                        Value::Int(pk),
                        Value::Text(&m.key),
                        Value::Text(&m.value),
                    ],
                )?;
            }
            if let Some(slug) = &t.slug {
                let k = (t.taxonomy.clone(), slug.clone());
                if self.unresolved_terms.remove(&k).is_some() {
                    sink.link(Link::Term {
                        taxonomy: &t.taxonomy,
                        slug,
                        pk,
                    })?;
                }
                if self.unresolved_parents.remove(&k).is_some() {
                    sink.link(Link::TermParent {
                        taxonomy: &t.taxonomy,
                        parent: slug,
                        pk,
                    })?;
                }
            }
        }
        Ok(())
    }

    fn item<S: RowSink>(&mut self, i: &Item, sink: &mut S) -> Result<(), S::Error> {
        let pk = self.pk(T::Items);
        let author_pk = match &i.author {
            Some(login) => {
                let found = self.authors.get(login).copied();
                if found.is_none() {
                    self.unresolved_authors.entry(login.clone()).or_default().add(i.id);
                }
                found
            }
            None => None,
        };
        sink.row(T::Items, &item_values(i, pk, author_pk))?;
        for t in &i.terms {
            let tpk = self.pk(T::ItemTerms);
            let term_pk = t
                .slug
                .as_ref()
                .and_then(|s| self.terms.get(&(t.taxonomy.clone(), s.clone())).copied());
            if term_pk.is_none() {
                match &t.slug {
                    Some(slug) => self
                        .unresolved_terms
                        .entry((t.taxonomy.clone(), slug.clone()))
                        .or_default()
                        .add(i.id),
                    None => self.report(
                        "sql.term_missing",
                        Severity::Notice,
                        i.id,
                        format!(
                            "term {}/{:?} has no slug (WXR 1.0); item_terms.term_pk is null",
                            t.taxonomy, t.name
                        ),
                    ),
                }
            }
            sink.row(
                T::ItemTerms,
                &[
                    Value::Int(tpk),
                    Value::Int(pk),
                    Value::Text(&t.taxonomy),
                    text(&t.slug),
                    Value::Text(&t.name),
                    key(term_pk),
                ],
            )?;
        }
        for m in &i.meta {
            let mpk = self.pk(T::ItemMeta);
            sink.row(
                T::ItemMeta,
                &[
                    Value::Int(mpk),
                    Value::Int(pk),
                    Value::Text(&m.key),
                    Value::Text(&m.value),
                ],
            )?;
        }
        self.comments(i, pk, sink)
    }

    /// Numbers the item's comments in export order, then sends them
    /// parents first.
    fn comments<S: RowSink>(&mut self, i: &Item, item_pk: i64, sink: &mut S) -> Result<(), S::Error> {
        let keys: Vec<Option<i64>> = i.comments.iter().map(|_| Some(self.pk(T::Comments))).collect();
        let mut by_id: HashMap<i64, i64> = HashMap::with_capacity(i.comments.len());
        for (c, k) in i.comments.iter().zip(&keys) {
            if let (Some(id), Some(k)) = (c.id, k) {
                by_id.entry(id).or_insert(*k);
            }
        }
        let parents: Vec<Option<i64>> = i
            .comments
            .iter()
            .map(|c| {
                let p = c.parent?;
                let found = by_id.get(&p).copied();
                if found.is_none() {
                    self.report(
                        "sql.comment_orphan",
                        Severity::Warning,
                        i.id,
                        format!(
                            "comment {} replies to comment {p}, which is not in its item; comments.parent_pk is null",
                            c.id.map_or_else(|| "without id".to_string(), |n| n.to_string())
                        ),
                    );
                }
                found
            })
            .collect();
        let order = parents_first(&keys, &parents, |n| {
            let c: &Comment = &i.comments[n];
            self.report(
                "sql.comment_parent_cycle",
                Severity::Warning,
                i.id,
                format!(
                    "comment {} is its own ancestor; comments.parent_pk is null",
                    c.id.map_or_else(|| "without id".to_string(), |n| n.to_string())
                ),
            );
        });
        for (n, parent) in order {
            let c = &i.comments[n];
            let Some(pk) = keys[n] else { continue };
            sink.row(
                T::Comments,
                &[
                    Value::Int(pk),
                    Value::Int(item_pk),
                    int(c.id),
                    Value::Text(c.kind.as_str()),
                    Value::Text(&c.status),
                    int(c.parent),
                    key(parent),
                    text(&c.author),
                    text(&c.author_email),
                    text(&c.author_url),
                    text(&c.author_ip),
                    local(&c.date),
                    utc(&c.date_gmt),
                    Value::Text(&c.content),
                    int(c.user_id),
                ],
            )?;
            for m in &c.meta {
                let mpk = self.pk(T::CommentMeta);
                sink.row(
                    T::CommentMeta,
                    &[
                        Value::Int(mpk),
                        Value::Int(pk),
                        Value::Text(&m.key),
                        Value::Text(&m.value),
                    ],
                )?;
            }
        }
        Ok(())
    }
}

/// The `site` row of `s`, with its key.
pub fn site_values(s: &Site, pk: i64) -> [Value<'_>; 10] {
    [
        Value::Int(pk),
        Value::Int(i64::from(MODEL_VERSION)),
        text(&s.title),
        text(&s.link),
        text(&s.description),
        text(&s.language),
        text(&s.base_site_url),
        text(&s.base_blog_url),
        text(&s.wxr_version),
        text(&s.generator),
    ]
}

/// The `items` row of `i`, with its key and its author's.
pub fn item_values(i: &Item, pk: i64, author_pk: Option<i64>) -> [Value<'_>; 23] {
    [
        Value::Int(pk),
        int(i.id),
        Value::Text(&i.kind),
        Value::Text(&i.status),
        text(&i.title),
        text(&i.slug),
        text(&i.link),
        text(&i.guid),
        text(&i.author),
        key(author_pk),
        local(&i.date),
        utc(&i.date_gmt),
        Value::Text(&i.content),
        Value::Text(&i.excerpt),
        int(i.parent),
        Value::Int(i.menu_order),
        text(&i.comment_status),
        text(&i.ping_status),
        text(&i.password),
        Value::Bool(i.sticky),
        text(&i.attachment_url),
        local(&i.modified),
        utc(&i.modified_gmt),
    ]
}

/// Orders rows so that each comes after its parent. `keys[i]` is row i's
/// key, `parents[i]` its parent's key (already resolved, or `None`). A row
/// in a cycle loses its parent (`cycle(i)` is called) and the cycle's other
/// rows follow it. Returns (row index, parent key to write), every row once,
/// in export order wherever the parents allow.
fn parents_first(
    keys: &[Option<i64>],
    parents: &[Option<i64>],
    mut cycle: impl FnMut(usize),
) -> Vec<(usize, Option<i64>)> {
    let index: HashMap<i64, usize> = keys.iter().enumerate().filter_map(|(i, k)| k.map(|k| (k, i))).collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); keys.len()];
    let mut out = Vec::with_capacity(keys.len());
    let mut placed = vec![false; keys.len()];
    let mut roots = Vec::new();
    for (i, p) in parents.iter().enumerate() {
        // A parent outside this batch (an earlier record) is already sent.
        match p.and_then(|p| index.get(&p)) {
            Some(&j) => children[j].push(i),
            None => roots.push(i),
        }
    }
    let place = |start: usize, parent: Option<i64>, out: &mut Vec<(usize, Option<i64>)>, placed: &mut Vec<bool>| {
        let mut stack = vec![(start, parent)];
        while let Some((i, p)) = stack.pop() {
            if placed[i] {
                continue;
            }
            placed[i] = true;
            out.push((i, p));
            for &c in children[i].iter().rev() {
                stack.push((c, keys[i]));
            }
        }
    };
    for r in roots {
        let p = parents[r];
        place(r, p, &mut out, &mut placed);
    }
    // What is left is a cycle or hangs off one: climb the parents from the
    // first such row until a row comes back, and cut the cycle there. The
    // rows hanging off it keep their parents.
    for i in 0..keys.len() {
        if placed[i] {
            continue;
        }
        let mut seen = HashSet::new();
        let mut at = i;
        while seen.insert(at) {
            match parents[at].and_then(|p| index.get(&p)) {
                Some(&j) if !placed[j] => at = j,
                _ => break,
            }
        }
        cycle(at);
        place(at, None, &mut out, &mut placed);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_first_orders_children_after_parents_and_cuts_cycles() {
        // Row 0 replies to row 2; rows 3 and 4 reply to each other; row 5
        // replies to row 3 (it hangs off the cycle, it is not in it).
        let keys = [Some(10), Some(11), Some(12), Some(13), Some(14), Some(15)];
        let parents = [Some(12), None, None, Some(14), Some(13), Some(13)];
        let mut cut = Vec::new();
        let order = parents_first(&keys, &parents, |i| cut.push(i));
        let rows: Vec<usize> = order.iter().map(|(i, _)| *i).collect();
        assert_eq!(rows, [1, 2, 0, 3, 4, 5]);
        assert_eq!(cut, [3], "only a row of the cycle is cut");
        assert_eq!(order[3], (3, None), "the cut row loses its parent");
        assert_eq!(order[4], (4, Some(13)), "the rest of the cycle keeps it");
        assert_eq!(order[5], (5, Some(13)), "a row hanging off the cycle keeps its parent");
        assert_eq!(order[2], (0, Some(12)));
        // Row 0 hangs off the cycle 1 ↔ 2 and comes first: still not cut.
        let mut cut = Vec::new();
        let order = parents_first(&[Some(1), Some(2), Some(3)], &[Some(2), Some(3), Some(2)], |i| {
            cut.push(i)
        });
        assert_eq!(cut.len(), 1);
        assert_ne!(cut[0], 0);
        assert!(order.contains(&(0, Some(2))), "{order:?}");
    }

    /// Collects what [`Rows`] sends, as text.
    #[derive(Default)]
    struct Collect {
        rows: Vec<String>,
        links: Vec<String>,
    }

    impl RowSink for Collect {
        type Error = ();
        fn row(&mut self, table: T, values: &[Value<'_>]) -> Result<(), ()> {
            self.rows.push(format!("{table:?} {values:?}"));
            Ok(())
        }
        fn link(&mut self, link: Link<'_>) -> Result<(), ()> {
            self.links.push(format!("{link:?}"));
            Ok(())
        }
    }

    #[test]
    fn a_parent_term_after_its_child_is_linked_when_it_comes() {
        let term = |slug: &str, parent: Option<&str>| {
            Record::Term(Term {
                taxonomy: "category".into(),
                slug: Some(slug.into()),
                parent: parent.map(String::from),
                ..Term::default()
            })
        };
        let mut rows = Rows::new();
        let mut c = Collect::default();
        let item = Record::Item(Box::new(Item {
            id: Some(1),
            ..Item::default()
        }));
        for r in [
            item,
            term("child", Some("par")),
            term("par", None),
            term("orphan", Some("nowhere")),
        ] {
            rows.record(&r, &mut c).unwrap();
        }
        let d = rows.finish(&mut c).unwrap();
        assert_eq!(
            c.links,
            [r#"TermParent { taxonomy: "category", parent: "par", pk: 2 }"#]
        );
        let missing: Vec<&crate::diag::Group> = d
            .groups()
            .iter()
            .filter(|g| g.code == "sql.term_parent_missing")
            .collect();
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].count, 1, "only the term whose parent never came");
    }

    #[test]
    fn mysql_indexes_text_columns_by_prefix() {
        let items = T::Items.table();
        let idx = create_indexes(Dialect::Mysql, items);
        assert!(idx.contains(&"CREATE INDEX `items_type_status` ON `items` (`type`(191), `status`(191))".to_string()));
        assert!(idx.contains(&"CREATE INDEX `items_id` ON `items` (`id`)".to_string()));
        let pg = create_indexes(Dialect::Postgres, items);
        assert!(pg.contains(&"CREATE INDEX \"items_slug\" ON \"items\" (\"slug\")".to_string()));
    }

    #[test]
    fn every_foreign_key_points_backwards() {
        for (n, t) in TABLES.iter().enumerate() {
            assert_eq!(t.columns[0].name, "pk");
            for c in t.columns.iter().filter_map(|c| c.references) {
                let target = TABLES.iter().position(|u| u.name == c).expect("known table");
                assert!(target <= n, "{}: {c} is created later", t.name);
            }
        }
    }
}
