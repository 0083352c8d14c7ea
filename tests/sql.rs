//! SQL output, loaded into real databases.
//!
//! Every reader fixture that converts, every `../shared/corpus` export
//! (with `WXR_CORPUS`) and a generated export full of hostile text are
//! written as SQL for each dialect and as an SQLite database, then:
//! - SQLite (always): the script loads in-process; every row and field is
//!   compared with the JSON Lines model (text exactly, dates and booleans
//!   by value); the foreign keys are checked, and each resolved reference
//!   is verified and each unresolved one proven unresolvable; the direct
//!   writer's database holds exactly the same rows.
//! - PostgreSQL and MariaDB (when `WXR_TEST_POSTGRES_URL` /
//!   `WXR_TEST_MYSQL_URL` name servers; `tests/with-databases.sh` starts
//!   throwaway ones and `.ci/run` requires them): each script loads into a
//!   fresh database with the servers' own clients, and a canonical dump of
//!   every table (text as UTF-8 hex) equals the SQLite one byte for byte.

use crate::util::run;
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use serde_json::Value as Json;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use wxr::emit::sql::{Dialect, TABLES, Type};

/// One export to convert: a name, the directory to run in, the arguments.
struct Input {
    name: String,
    dir: PathBuf,
    args: Vec<String>,
}

/// The reader fixtures that convert (their golden exit code is 0), with the
/// arguments of their golden case less any `--format`.
fn fixture_inputs() -> Vec<Input> {
    let dir = crate::util::fixtures();
    crate::golden::cases()
        .into_iter()
        .filter(|(case, _)| !dir.join(format!("{case}.exit")).exists())
        .map(|(case, args)| {
            let mut kept = Vec::new();
            let mut it = args.into_iter();
            while let Some(a) = it.next() {
                if a == "--format" {
                    it.next();
                } else {
                    kept.push(a);
                }
            }
            Input {
                name: case,
                dir: dir.clone(),
                args: kept,
            }
        })
        .collect()
}

fn corpus_inputs() -> Vec<Input> {
    let Some(dir) = crate::corpus::corpus_dir() else {
        return Vec::new();
    };
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".xml") && n != "wpimporter-malformed.xml")
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| Input {
            name: format!("corpus/{n}"),
            dir: dir.clone(),
            args: vec![n],
        })
        .collect()
}

/// Runs `wxr convert` on `input` with `extra` arguments; stdout on success.
fn convert(input: &Input, extra: &[&str]) -> String {
    let mut args: Vec<&str> = vec!["convert", "--quiet"];
    args.extend(input.args.iter().map(String::as_str));
    args.extend(extra);
    let r = run(&input.dir, &args);
    assert_eq!(r.code, 0, "{}: wxr {args:?} failed: {}", input.name, r.stderr);
    r.stdout
}

fn script(input: &Input, dialect: &str) -> String {
    convert(input, &["--format", "sql", "--dialect", dialect])
}

/// The JSON Lines records of `input` (they hold late authors and terms too).
fn model(input: &Input) -> Vec<Json> {
    convert(input, &["--format", "jsonl"])
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

fn load_sqlite(sql: &str) -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(sql).expect("the SQLite script loads");
    conn
}

/// The rows each table must hold, as the model has them, in `pk` order.
fn expected_rows(records: &[Json]) -> Vec<Vec<&Json>> {
    let mut tables: Vec<Vec<&Json>> = vec![Vec::new(); TABLES.len()];
    let mut items = Vec::new();
    for r in records {
        match r["record"].as_str().unwrap() {
            "site" => tables[0].push(r),
            "author" => tables[1].push(r),
            "term" => tables[2].push(r),
            "item" => items.push(r),
            other => panic!("record {other}"),
        }
    }
    tables[3] = tables[2].iter().flat_map(|t| t["meta"].as_array().unwrap()).collect();
    tables[4] = items.clone();
    tables[5] = items.iter().flat_map(|i| i["terms"].as_array().unwrap()).collect();
    tables[6] = items.iter().flat_map(|i| i["meta"].as_array().unwrap()).collect();
    let comments: Vec<&Json> = items.iter().flat_map(|i| i["comments"].as_array().unwrap()).collect();
    tables[8] = comments.iter().flat_map(|c| c["meta"].as_array().unwrap()).collect();
    tables[7] = comments;
    tables
}

/// Compares every row and model field of the database with the model.
fn model_problems(conn: &Connection, records: &[Json]) -> Vec<String> {
    let mut problems = Vec::new();
    for (table, want) in TABLES.iter().zip(expected_rows(records)) {
        let fields: Vec<_> = table
            .columns
            .iter()
            .filter(|c| c.name != "pk" && !c.name.ends_with("_pk") && c.name != "model_version")
            .collect();
        let cols: Vec<String> = fields.iter().map(|c| format!("\"{}\"", c.name)).collect();
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {} FROM \"{}\" ORDER BY pk",
                cols.join(", "),
                table.name
            ))
            .unwrap();
        let got: Vec<Vec<Json>> = stmt
            .query_map([], |r| {
                Ok((0..fields.len())
                    .map(|i| match r.get_ref(i).unwrap() {
                        ValueRef::Null => Json::Null,
                        ValueRef::Integer(n) if fields[i].ty == Type::Bool => Json::Bool(n != 0),
                        ValueRef::Integer(n) => Json::from(n),
                        ValueRef::Text(t) => Json::from(std::str::from_utf8(t).unwrap()),
                        other => panic!("unexpected {other:?}"),
                    })
                    .collect())
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        if got.len() != want.len() {
            problems.push(format!(
                "{}: {} rows, the model has {}",
                table.name,
                got.len(),
                want.len()
            ));
            continue;
        }
        for (n, (row, rec)) in got.iter().zip(&want).enumerate() {
            for (c, value) in fields.iter().zip(row) {
                let mut model = rec[c.name].clone();
                if matches!(c.ty, Type::Local | Type::Utc)
                    && let Some(s) = model.as_str()
                {
                    model = Json::from(s.trim_end_matches('Z').replacen('T', " ", 1));
                }
                if *value != model {
                    problems.push(format!(
                        "{} row {}: {} is {value}, the model has {model}",
                        table.name,
                        n + 1,
                        c.name
                    ));
                }
            }
        }
    }
    problems
}

/// Checks the foreign keys, and that every `*_pk` points to the row the
/// plain column names and is null only when no such row exists.
fn reference_problems(conn: &Connection) -> Vec<String> {
    let checks = [
        (
            "foreign key violations",
            "SELECT count(*) FROM pragma_foreign_key_check",
        ),
        (
            "comments.parent_pk to another comment than parent",
            "SELECT count(*) FROM comments c JOIN comments p ON p.pk = c.parent_pk \
             WHERE p.id IS NOT c.parent OR p.item_pk <> c.item_pk",
        ),
        (
            "comments.parent_pk null though the parent is in the item",
            "SELECT count(*) FROM comments c WHERE c.parent IS NOT NULL AND c.parent_pk IS NULL \
             AND EXISTS (SELECT 1 FROM comments p WHERE p.item_pk = c.item_pk AND p.id = c.parent) \
             AND NOT EXISTS (SELECT 1 FROM comments d WHERE d.parent_pk = c.pk)",
        ),
        (
            "items.author_pk to another author",
            "SELECT count(*) FROM items i JOIN authors a ON a.pk = i.author_pk WHERE a.login IS NOT i.author",
        ),
        (
            "items.author_pk null though the author is there",
            "SELECT count(*) FROM items i WHERE i.author_pk IS NULL \
             AND EXISTS (SELECT 1 FROM authors a WHERE a.login = i.author)",
        ),
        (
            "item_terms.term_pk to another term",
            "SELECT count(*) FROM item_terms it JOIN terms t ON t.pk = it.term_pk \
             WHERE t.taxonomy <> it.taxonomy OR t.slug IS NOT it.slug",
        ),
        (
            "item_terms.term_pk null though the term is there",
            "SELECT count(*) FROM item_terms it WHERE it.term_pk IS NULL \
             AND EXISTS (SELECT 1 FROM terms t WHERE t.taxonomy = it.taxonomy AND t.slug = it.slug)",
        ),
        (
            "terms.parent_pk null though the parent is there",
            "SELECT count(*) FROM terms c WHERE c.parent IS NOT NULL AND c.parent_pk IS NULL \
             AND EXISTS (SELECT 1 FROM terms p WHERE p.taxonomy = c.taxonomy AND p.slug = c.parent)",
        ),
        (
            "terms.parent_pk to another term",
            "SELECT count(*) FROM terms c JOIN terms p ON p.pk = c.parent_pk \
             WHERE p.taxonomy <> c.taxonomy OR p.slug IS NOT c.parent",
        ),
    ];
    checks
        .iter()
        .filter_map(|(what, sql)| {
            let n: i64 = conn.query_row(sql, [], |r| r.get(0)).unwrap();
            (n > 0).then(|| format!("{n} × {what}"))
        })
        .collect()
}

/// One canonical line per row: every column as text, text columns as the
/// hex of their UTF-8 bytes, `NULL` for null.
fn dump_queries(dialect: Dialect) -> String {
    let mut out = String::new();
    if dialect == Dialect::Postgres {
        out += "SET TIME ZONE 'UTC';\n";
    }
    for t in &TABLES {
        let exprs: Vec<String> = t
            .columns
            .iter()
            .map(|c| {
                let q = match dialect {
                    Dialect::Mysql => format!("`{}`", c.name),
                    _ => format!("\"{}\"", c.name),
                };
                let e = match (c.ty, dialect) {
                    // SQLite's hex(NULL) is '', not NULL.
                    (Type::Text, Dialect::Sqlite) => format!("iif({q} IS NULL, NULL, lower(hex({q})))"),
                    (Type::Text, Dialect::Postgres) => format!("encode(convert_to({q}, 'UTF8'), 'hex')"),
                    (Type::Text, Dialect::Mysql) => format!("lower(hex({q}))"),
                    (Type::Local | Type::Utc, Dialect::Postgres) => format!("to_char({q}, 'YYYY-MM-DD HH24:MI:SS')"),
                    (Type::Local | Type::Utc, Dialect::Mysql) => format!("DATE_FORMAT({q}, '%Y-%m-%d %H:%i:%s')"),
                    (Type::Bool, Dialect::Postgres) => format!("({q})::int::text"),
                    (_, Dialect::Postgres) => format!("({q})::text"),
                    (_, Dialect::Mysql) => format!("CAST({q} AS CHAR)"),
                    (_, Dialect::Sqlite) => format!("CAST({q} AS TEXT)"),
                };
                format!("coalesce({e}, 'NULL')")
            })
            .collect();
        let row = match dialect {
            Dialect::Mysql => format!("CONCAT_WS('|', {})", exprs.join(", ")),
            _ => exprs.join(" || '|' || "),
        };
        let name = match dialect {
            Dialect::Mysql => format!("`{}`", t.name),
            _ => format!("\"{}\"", t.name),
        };
        out += &format!("SELECT '## {}';\nSELECT {row} FROM {name} ORDER BY pk;\n", t.name);
    }
    out
}

fn dump_sqlite(conn: &Connection) -> String {
    let mut out = String::new();
    for q in dump_queries(Dialect::Sqlite).lines() {
        let mut stmt = conn.prepare(q).unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
        for r in rows {
            out += &r.unwrap();
            out.push('\n');
        }
    }
    out
}

/// A database server reached through its command-line client.
struct Server {
    dialect: Dialect,
    host: String,
    port: String,
    user: String,
    /// Databases created by this run, dropped at the end.
    created: Vec<String>,
}

impl Server {
    /// The server named by `var`, or `None` (with one line saying so) when
    /// it is not set. `.ci/run` sets `WXR_REQUIRE_DATABASES`, which turns a
    /// missing server into a failure.
    fn from_env(var: &str, dialect: Dialect) -> Option<Server> {
        let Ok(url) = std::env::var(var) else {
            assert!(
                std::env::var_os("WXR_REQUIRE_DATABASES").is_none(),
                "{var} is not set, and WXR_REQUIRE_DATABASES requires the server"
            );
            return None;
        };
        // scheme://user@host:port/...
        let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
        let (user, rest) = rest.split_once('@').unwrap_or(("root", rest));
        let hostport = rest.split('/').next().unwrap();
        let (host, port) = hostport.split_once(':').unwrap_or((hostport, ""));
        Some(Server {
            dialect,
            host: host.to_string(),
            port: port.to_string(),
            user: user.to_string(),
            created: Vec::new(),
        })
    }

    fn client(&self, db: Option<&str>) -> Command {
        match self.dialect {
            Dialect::Postgres => {
                let mut c = Command::new("psql");
                c.args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]).args([
                    "-h",
                    &self.host,
                    "-U",
                    &self.user,
                    "-d",
                    db.unwrap_or("postgres"),
                ]);
                if !self.port.is_empty() {
                    c.args(["-p", &self.port]);
                }
                c
            }
            _ => {
                let mut c = Command::new("mariadb");
                c.args(["--no-defaults", "-N", "-B", "-h", &self.host, "-u", &self.user]);
                if !self.port.is_empty() {
                    c.args(["-P", &self.port]);
                }
                if let Some(db) = db {
                    c.arg(db);
                }
                c
            }
        }
    }

    /// Runs `sql` (on standard input) in `db`; the output, or the error.
    fn run(&self, db: Option<&str>, sql: &str) -> Result<String, String> {
        let mut child = self
            .client(db)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run the {:?} client: {e}", self.dialect));
        let mut stdin = child.stdin.take().unwrap();
        let sql = sql.to_string();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(sql.as_bytes());
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        if out.status.success() {
            Ok(String::from_utf8(out.stdout).unwrap())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    /// A new empty database for `name`.
    fn fresh(&mut self, name: &str) -> String {
        let db: String = format!("wxr_test_{name}")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .take(60)
            .collect();
        let create = match self.dialect {
            Dialect::Postgres => {
                format!("DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db} ENCODING 'UTF8' TEMPLATE template0;")
            }
            _ => format!("DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db} CHARACTER SET utf8mb4;"),
        };
        self.run(None, &create).unwrap_or_else(|e| panic!("create {db}: {e}"));
        self.created.push(db.clone());
        db
    }

    /// Loads `script` into a fresh database and returns its canonical dump.
    fn load_and_dump(&mut self, name: &str, script: &str) -> Result<String, String> {
        let db = self.fresh(name);
        self.run(Some(&db), script)?;
        let out = self.run(Some(&db), &dump_queries(self.dialect))?;
        // psql's -A output ends each row with a newline like SQLite's.
        Ok(out)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        for db in std::mem::take(&mut self.created) {
            let _ = self.run(None, &format!("DROP DATABASE IF EXISTS {db};"));
        }
    }
}

/// A WXR export whose every text field is hostile to SQL quoting: quotes,
/// backslashes, statement terminators, comment markers, client commands,
/// every whitespace and control character XML allows, 4-byte characters.
/// Deterministic (a fixed-seed generator), `items` items.
fn hostile_export(items: usize) -> String {
    const PIECES: &[&str] = &[
        "'",
        "''",
        "\\",
        "\\'",
        "\\\\",
        "\"",
        "`",
        "');DROP TABLE items;--",
        "'; DELETE FROM comments; --",
        "/*",
        "*/",
        "--",
        "#",
        ";",
        "\n",
        "\r\n",
        "\r",
        "\t",
        "%",
        "_",
        "$$",
        "$1",
        ":name",
        ":'x'",
        "\\q",
        "\\G",
        "\\c",
        "\\.",
        "\\N",
        "NULL",
        "\u{85}",
        "\u{9f}",
        "\u{7f}",
        "\u{a0}",
        "\u{2028}",
        "\u{feff}",
        "😀",
        "𝄞",
        "👩‍👩‍👧",
        "é",
        "e\u{301}",
        "日本語",
        "עברית",
        "ﷺ",
        "\u{10ffff}",
        "\u{fffd}",
        "]]>",
        "<",
        "&",
        "x",
        " ",
        "0x27",
        "\\x27",
        "\\u0027",
        "\u{1a}",
    ];
    let mut state: u64 = 0x0005_eed0_f5a1;
    let mut next = move || {
        // splitmix64
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let mut text = |max: u64| -> String {
        let n = next() % max;
        (0..n)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect()
    };
    // XML text: escaped, with CR as a character reference so it survives
    // XML's line-end normalization.
    fn x(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('\r', "&#13;")
    }
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" \
         xmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:wp=\"http://wordpress.org/export/1.2/\">\n<channel>\n",
    );
    out += &format!(
        "<title>{}</title>\n<link>http://hostile.example</link>\n<wp:wxr_version>1.2</wp:wxr_version>\n",
        x(&text(12))
    );
    out += &format!(
        "<wp:author><wp:author_id>1</wp:author_id><wp:author_login>{}</wp:author_login><wp:author_display_name>{}</wp:author_display_name></wp:author>\n",
        x("o'brien\\"),
        x(&text(8))
    );
    out += &format!(
        "<wp:category><wp:term_id>2</wp:term_id><wp:category_nicename>a'b</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name>{}</wp:cat_name></wp:category>\n",
        x(&text(6))
    );
    for i in 0..items {
        let id = 100 + i;
        out += "<item>\n";
        out += &format!("<title>{}</title>\n", x(&text(10)));
        out += "<dc:creator>o'brien\\</dc:creator>\n";
        out += &format!("<content:encoded>{}</content:encoded>\n", x(&text(60)));
        out += &format!("<excerpt:encoded>{}</excerpt:encoded>\n", x(&text(6)));
        out += &format!(
            "<wp:post_id>{id}</wp:post_id>\n<wp:post_date>2010-05-0{} 10:30:00</wp:post_date>\n",
            1 + i % 9
        );
        out += "<wp:post_date_gmt>2010-05-01 08:30:00</wp:post_date_gmt>\n";
        out += &format!("<wp:post_name>{}</wp:post_name>\n", x(&text(4)));
        out += "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type><wp:is_sticky>1</wp:is_sticky>\n";
        out += &format!(
            "<category domain=\"category\" nicename=\"a'b\">{}</category>\n",
            x(&text(4))
        );
        out += &format!(
            "<wp:postmeta><wp:meta_key>{}</wp:meta_key><wp:meta_value>{}</wp:meta_value></wp:postmeta>\n",
            x(&text(4)),
            x(&text(20))
        );
        for c in 0..3 {
            out += &format!(
                "<wp:comment><wp:comment_id>{}</wp:comment_id><wp:comment_author>{}</wp:comment_author>\
                 <wp:comment_author_url>{}</wp:comment_author_url><wp:comment_content>{}</wp:comment_content>\
                 <wp:comment_approved>1</wp:comment_approved><wp:comment_parent>{}</wp:comment_parent>\
                 <wp:commentmeta><wp:meta_key>k</wp:meta_key><wp:meta_value>{}</wp:meta_value></wp:commentmeta></wp:comment>\n",
                id * 10 + c,
                x(&text(5)),
                x(&text(5)),
                x(&text(30)),
                if c == 0 { 0 } else { id * 10 + c - 1 },
                x(&text(5))
            );
        }
        out += "</item>\n";
    }
    out += "</channel>\n</rss>\n";
    out
}

/// The hostile export, written to a temporary directory.
fn hostile_input(tmp: &Path) -> Input {
    std::fs::write(tmp.join("hostile.xml"), hostile_export(60)).unwrap();
    Input {
        name: "hostile".to_string(),
        dir: tmp.to_path_buf(),
        args: vec!["hostile.xml".to_string()],
    }
}

fn all_inputs(tmp: &Path) -> Vec<Input> {
    let mut inputs = fixture_inputs();
    inputs.push(hostile_input(tmp));
    inputs.extend(corpus_inputs());
    inputs
}

#[test]
fn sqlite_script_and_database_hold_the_model_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = all_inputs(tmp.path());
    assert!(inputs.len() >= 25, "only {} inputs", inputs.len());
    let mut problems = Vec::new();
    for input in &inputs {
        let conn = load_sqlite(&script(input, "sqlite"));
        let records = model(input);
        for p in model_problems(&conn, &records)
            .into_iter()
            .chain(reference_problems(&conn))
        {
            problems.push(format!("{}: {p}", input.name));
        }
        // The direct writer: the same rows, and the same schema.
        let db = tmp.path().join("direct.db");
        let _ = std::fs::remove_file(&db);
        convert(input, &["--format", "sqlite", "-o", db.to_str().unwrap()]);
        let direct = Connection::open(&db).unwrap();
        if dump_sqlite(&direct) != dump_sqlite(&conn) {
            problems.push(format!("{}: the direct database differs from the script's", input.name));
        }
        let schema = |c: &Connection| -> Vec<String> {
            let mut s = c.prepare("SELECT sql FROM sqlite_master ORDER BY name").unwrap();
            s.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
        };
        assert_eq!(schema(&direct), schema(&conn), "{}: schemas differ", input.name);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn hostile_text_reaches_the_database_intact() {
    // The generated export really is hostile: the model holds the pieces.
    let tmp = tempfile::tempdir().unwrap();
    let input = hostile_input(tmp.path());
    let jsonl = convert(&input, &["--format", "jsonl"]);
    for piece in ["');DROP TABLE items;--", "\\'", "\\r\\n", "😀", "\u{85}", "]]>"] {
        assert!(jsonl.contains(piece), "the hostile export lacks {piece:?}");
    }
    let conn = load_sqlite(&script(&input, "sqlite"));
    let (items, comments, pks): (i64, i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM comments), \
             (SELECT count(*) FROM comments WHERE parent_pk IS NOT NULL)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((items, comments, pks), (60, 180, 120));
}

/// Text through each dialect's literal straight into the database: every
/// control character including NUL, quotes and backslashes in all orders.
/// PostgreSQL cannot store NUL, which the writer removes (and reports).
fn literal_cases() -> Vec<String> {
    let mut cases: Vec<String> = (0u32..0x20)
        .map(|c| format!("a{}b", char::from_u32(c).unwrap()))
        .collect();
    cases.extend(
        [
            "",
            "'",
            "\\",
            "\\'",
            "'\\",
            "\\\\'",
            "'';",
            "\r\n",
            "😀'\\😀",
            "\u{1a}\\Z",
            "$$'$$",
            "\\0",
            "\\n",
        ]
        .map(String::from),
    );
    let mut s: u32 = 7;
    for _ in 0..200 {
        let mut t = String::new();
        for _ in 0..12 {
            s = s.wrapping_mul(1_103_515_245).wrapping_add(12345);
            t.push(['\'', '\\', '\0', '\r', '\n', '"', ';', '😀', 'x', '\u{1}', '`', '-'][(s >> 16) as usize % 12]);
        }
        cases.push(t);
    }
    cases
}

/// One `SELECT` per case, of the hex of the case's literal.
fn literal_queries(dialect: Dialect, cases: &[String]) -> Vec<String> {
    cases
        .iter()
        .map(|c| {
            let mut lit = String::new();
            wxr::emit::sql::script::string(dialect, c, &mut lit);
            match dialect {
                Dialect::Postgres => format!("SELECT encode(convert_to({lit}, 'UTF8'), 'hex');"),
                _ => format!("SELECT lower(hex({lit}));"),
            }
        })
        .collect()
}

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn literals_round_trip_through_sqlite() {
    let cases = literal_cases();
    let conn = Connection::open_in_memory().unwrap();
    for (c, q) in cases.iter().zip(literal_queries(Dialect::Sqlite, &cases)) {
        let got: String = conn.query_row(&q, [], |r| r.get(0)).unwrap();
        assert_eq!(got, hex(c), "{c:?} through {q}");
    }
}

/// The servers that are set, with a line saying how many when not both.
fn servers() -> Vec<Server> {
    let servers: Vec<Server> = [
        Server::from_env("WXR_TEST_POSTGRES_URL", Dialect::Postgres),
        Server::from_env("WXR_TEST_MYSQL_URL", Dialect::Mysql),
    ]
    .into_iter()
    .flatten()
    .collect();
    if servers.len() < 2 {
        eprintln!(
            "SQL server tests: {} of 2 servers set (WXR_TEST_POSTGRES_URL, WXR_TEST_MYSQL_URL); tests/with-databases.sh starts both",
            servers.len()
        );
    }
    servers
}

/// The export `file` of `dir` through the checks of this module: the
/// SQLite script holds the model exactly and its references resolve, the
/// direct writer's database holds the same rows, and so does each server
/// that is set (PostgreSQL, MariaDB). The problems found.
pub(crate) fn export_problems(dir: &Path, file: &str) -> Vec<String> {
    let input = Input {
        name: file.to_string(),
        dir: dir.to_path_buf(),
        args: vec![file.to_string()],
    };
    let conn = load_sqlite(&script(&input, "sqlite"));
    let mut problems: Vec<String> = model_problems(&conn, &model(&input))
        .into_iter()
        .chain(reference_problems(&conn))
        .collect();
    let want = dump_sqlite(&conn);
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("direct.db");
    convert(&input, &["--format", "sqlite", "-o", db.to_str().unwrap()]);
    if dump_sqlite(&Connection::open(&db).unwrap()) != want {
        problems.push("the direct database differs from the script's".to_string());
    }
    for mut server in servers() {
        let name = match server.dialect {
            Dialect::Postgres => "postgres",
            _ => "mysql",
        };
        match server.load_and_dump(file, &script(&input, name)) {
            Ok(got) if got == want => {}
            Ok(got) => problems.push(format!(
                "{name} holds other rows than SQLite:\n{}",
                crate::util::diff(&want, &got)
            )),
            Err(e) => problems.push(format!("{name} refused the script: {e}")),
        }
    }
    problems
}

#[test]
fn postgres_and_mariadb_load_every_script_with_the_same_rows() {
    let mut servers = servers();
    if servers.is_empty() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let inputs = all_inputs(tmp.path());
    let mut problems = Vec::new();
    // The literals first: the smallest proof that escaping holds.
    let cases = literal_cases();
    for server in &mut servers {
        let db = server.fresh("literals");
        let out = server
            .run(Some(&db), &literal_queries(server.dialect, &cases).join("\n"))
            .unwrap_or_else(|e| panic!("{:?}: literals: {e}", server.dialect));
        let got: Vec<&str> = out.lines().collect();
        assert_eq!(got.len(), cases.len(), "{:?}", server.dialect);
        for (c, g) in cases.iter().zip(got) {
            let want = if server.dialect == Dialect::Postgres {
                hex(&c.replace('\0', ""))
            } else {
                hex(c)
            };
            assert_eq!(g, want, "{:?}: {c:?}", server.dialect);
        }
    }
    for input in &inputs {
        let want = dump_sqlite(&load_sqlite(&script(input, "sqlite")));
        for server in &mut servers {
            let name = match server.dialect {
                Dialect::Postgres => "postgres",
                _ => "mysql",
            };
            match server.load_and_dump(&input.name, &script(input, name)) {
                Ok(got) if got == want => {}
                Ok(got) => problems.push(format!(
                    "{}: {name} holds other rows than SQLite:\n{}",
                    input.name,
                    crate::util::diff(&want, &got)
                )),
                Err(e) => problems.push(format!("{}: {name} refused the script: {e}", input.name)),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn append_adds_a_second_part_without_repeating_what_is_there() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = crate::util::fixtures();
    let db = tmp.path().join("blog.db");
    let db_s = db.to_str().unwrap();
    let ok = |args: &[&str]| {
        let r = run(&dir, args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        r
    };
    ok(&["convert", "multi-part-1.xml", "-f", "sqlite", "-o", db_s]);
    ok(&["convert", "multi-part-2.xml", "-f", "sqlite", "--append", "-o", db_s]);
    let again = ok(&[
        "convert",
        "multi-part-2.xml",
        "-f",
        "sqlite",
        "--append",
        "-o",
        db_s,
        "-v",
    ]);
    assert!(again.stderr.contains("sql.item_present"), "{}", again.stderr);
    let both = tmp.path().join("both.db");
    ok(&[
        "convert",
        "multi-part-1.xml",
        "multi-part-2.xml",
        "-f",
        "sqlite",
        "-o",
        both.to_str().unwrap(),
    ]);
    let count = |path: &Path, sql: &str| -> i64 {
        Connection::open(path)
            .unwrap()
            .query_row(sql, [], |r| r.get(0))
            .unwrap()
    };
    for q in [
        "SELECT count(*) FROM items",
        "SELECT count(*) FROM comments",
        "SELECT count(DISTINCT login) FROM authors",
        "SELECT count(*) FROM authors",
        "SELECT count(*) FROM terms",
        "SELECT count(*) FROM item_terms WHERE term_pk IS NULL",
        "SELECT count(*) FROM items WHERE author_pk IS NULL",
    ] {
        assert_eq!(count(&db, q), count(&both, q), "{q}");
    }
    let conn = Connection::open(&db).unwrap();
    assert_eq!(
        conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r
            .get::<_, i64>(0))
            .unwrap(),
        0
    );
}

#[test]
fn append_refuses_a_database_of_another_shape() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("other.db");
    Connection::open(&db)
        .unwrap()
        .execute_batch("CREATE TABLE items (id INTEGER, title TEXT); INSERT INTO items VALUES (1, 'kept');")
        .unwrap();
    let r = run(
        &crate::util::fixtures(),
        &[
            "convert",
            "french-blog-post.xml",
            "-f",
            "sqlite",
            "--append",
            "-o",
            db.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("--append refused"), "{}", r.stderr);
    let title: String = Connection::open(&db)
        .unwrap()
        .query_row("SELECT title FROM items", [], |r| r.get(0))
        .unwrap();
    assert_eq!(title, "kept", "the database is left as it was");
}

#[test]
fn sql_usage_errors_exit_2() {
    let dir = crate::util::fixtures();
    for (args, says) in [
        (&["convert", "french-blog-post.xml", "-f", "sql"][..], "--dialect"),
        (&["convert", "french-blog-post.xml", "-f", "sqlite"][..], "-o FILE"),
        (
            &["convert", "french-blog-post.xml", "-f", "json", "--append"][..],
            "--append",
        ),
        (
            &["convert", "french-blog-post.xml", "-f", "json", "--dialect", "mysql"][..],
            "--dialect",
        ),
    ] {
        let r = run(&dir, args);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
    }
}

#[test]
fn a_failed_database_write_leaves_no_file() {
    // An input error half-way: the database file must not appear, with
    // --append to a file that is not there either.
    for append in [false, true] {
        let tmp = tempfile::tempdir().unwrap();
        let db = tmp.path().join("blog.db");
        let mut args = vec![
            "convert",
            "truncated-download.xml",
            "-f",
            "sqlite",
            "-o",
            db.to_str().unwrap(),
        ];
        if append {
            args.push("--append");
        }
        let r = run(&crate::util::fixtures(), &args);
        assert_eq!(r.code, 3, "{}", r.stderr);
        assert!(!db.exists(), "append: {append}");
        let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert!(left.is_empty(), "temporary files left: {left:?}");
    }
}

/// An export with one post holding `comments` comments of about 1 KB.
fn big_item_export(comments: usize) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
         xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><title>Big</title>\
         <wp:wxr_version>1.2</wp:wxr_version>\n<item><title>Busy post</title><wp:post_id>1</wp:post_id>\
         <wp:status>publish</wp:status><wp:post_type>post</wp:post_type>\n",
    );
    let text = "Lorem ipsum dolor sit amet, it's \\ a comment. ".repeat(21);
    for n in 1..=comments {
        out += &format!(
            "<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_content>{text}{n}</wp:comment_content>\
             <wp:comment_approved>1</wp:comment_approved><wp:comment_parent>{}</wp:comment_parent></wp:comment>\n",
            n.saturating_sub(1)
        );
    }
    out += "</item></channel></rss>\n";
    out
}

#[test]
fn a_big_item_is_split_into_statements_under_the_packet_limit() {
    // 3,000 comments of 1 KB in one item, each replying to the one before.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("big.xml"), big_item_export(3000)).unwrap();
    let input = Input {
        name: "big".into(),
        dir: tmp.path().to_path_buf(),
        args: vec!["big.xml".into()],
    };
    for dialect in ["sqlite", "postgres", "mysql"] {
        let sql = script(&input, dialect);
        let mut longest = 0;
        let mut statements = 0;
        for stmt in sql.split(";\n") {
            if stmt.trim_start().starts_with("INSERT INTO") {
                statements += 1;
                longest = longest.max(stmt.len());
            }
        }
        assert!(statements >= 4, "{dialect}: {statements} INSERTs for 3 MB of comments");
        assert!(longest < (1 << 20) + 4096, "{dialect}: a statement of {longest} bytes");
    }
    let conn = load_sqlite(&script(&input, "sqlite"));
    let (n, linked): (i64, i64) = conn
        .query_row("SELECT count(*), count(parent_pk) FROM comments", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((n, linked), (3000, 2999));
    assert!(reference_problems(&conn).is_empty());
}

/// The SQLite script as the `sqlite3` shell loads it, when it is
/// installed (`.ci/run` installs it): the shell reads lines, and would drop
/// a carriage return before a line end.
#[test]
fn the_sqlite3_shell_loads_the_hostile_script_exactly() {
    let found = Command::new("sqlite3")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("WXR_REQUIRE_DATABASES").is_none(),
            "WXR_REQUIRE_DATABASES is set but sqlite3 does not run"
        );
        eprintln!("sqlite3 shell test skipped: sqlite3 is not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let input = hostile_input(tmp.path());
    let sql = script(&input, "sqlite");
    let db = tmp.path().join("shell.db");
    let mut child = Command::new("sqlite3")
        .arg("-bail")
        .arg(&db)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(sql.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let shell = Connection::open(&db).unwrap();
    assert_eq!(
        dump_sqlite(&shell),
        dump_sqlite(&load_sqlite(&script(&input, "sqlite")))
    );
}
