//! The redirect files of a hostile export, `fixtures/hostile/redirects-injection.xml`
//! (permalinks and old slugs with newlines, spaces, braces, `;`, `$`,
//! quotes, a backslash, `%0a`, `..`, queries with a quote and a `$`, a
//! slug that makes the new URL need encoding, and two posts whose
//! permalinks are old URLs of a third, as written and percent-encoded
//! otherwise, and a permalink that is the new URL without its trailing
//! slash), read by the real servers.
//! nginx and Apache (Debian packages) are started on 127.0.0.1, on a port
//! the test picks, as the user running the tests, with temporary paths
//! only: the generated file is included in a server block (nginx) or is
//! the document root's `.htaccess` (Apache); `nginx -t` and `apache2 -t`
//! (with the `.htaccess` included in the configuration, since `-t` reads
//! no `.htaccess`) must pass; every old URL must answer 301 with its new
//! URL, and what the injected text would have done must not happen
//! (`/etc` served, a `.jpg` served as PHP, every URL rewritten). A server
//! that is not installed is skipped with a line, unless
//! `WXR_REQUIRE_SERVERS=1` (set by `.ci/run`, which installs them) makes
//! its absence a failure. Netlify's `_redirects` has no server here: each
//! line must have exactly the fields expected. The CSV and the report's
//! list of left-out old URLs are checked too.

use crate::util::{root, run};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The old URLs of the fixture, as requested, and the new URL each must
/// redirect to.
const REDIRECTS: &[(&str, &str)] = &[
    ("/2010/05/plain/", "/posts/plain/"),
    ("/2010/05/old-plain/", "/posts/plain/"),
    ("/2010/05/caf%C3%A9/", "/posts/plain/"),
    ("/2010/05/caf%c3%a9/", "/posts/plain/"),
    ("/?p=1", "/posts/plain/"),
    (
        "/b/%20%7B%20return%20200%3B%20%7D%20location%20/%20%7B%20alias%20/etc/%3B%20%7D%20location%20%3D%20/b2/",
        "/posts/braces/",
    ),
    ("/2010/05/it%27s%20%22%24quoted%22%20%7Bx%7D%3B/", "/posts/old-slugs/"),
    ("/2010/05/back%5Cslash%23hash/", "/posts/old-slugs/"),
    ("/?p=7", "/posts/quote-query/"),
    ("/?p=8$host'x", "/posts/dollar-query/"),
    ("/?p=8", "/posts/dollar-query/"),
    ("/2010/05/new-slug/", "/posts/new-slug-x-%CE%BB/"),
    ("/?p=9", "/posts/new-slug-x-%CE%BB/"),
    ("/?p=10", "/posts/same-link/"),
    ("/?p=11", "/posts/same-decoded/"),
    ("/posts/loop", "/posts/loop/"),
    ("/feed/", "/index.xml"),
    ("/?feed=rss2", "/index.xml"),
    ("/category/news/local/", "/categories/local/"),
    ("/category/local/", "/categories/local/"),
    ("/?cat=5", "/categories/local/"),
    ("/tag/x%20%7D%20return%20200%3B/", "/tags/x-return-200/"),
    ("/?tag=x%20%7D%20return%20200%3B", "/tags/x-return-200/"),
    ("/author/ed-location-alias-etc/", "/"),
    ("/?author=3", "/"),
];

/// Requests that must not be redirected, with their status: the left-out
/// old URLs, and what the injected text would have redirected or served.
const NOT_REDIRECTED: &[(&str, u16)] = &[
    ("/c/", 404),
    ("/b2/", 404),
    ("/passwd", 404),
    ("/hostname", 404),
    ("/etc/passwd", 404),
    ("/spam/", 404),
    ("/anything/", 404),
    ("/2010/05/d-old", 404),
    ("/g/", 404),
    ("/?p=7%22", 200),
    ("/?x", 200),
    ("/posts/loop/", 404),
    // An author without a published post: never public.
    ("/author/silent/", 404),
    ("/?author=4", 200),
    // A tag slug with a newline.
    ("/tag/nl/", 404),
];

/// `wxr convert` of the fixture with every redirect file, into `dir/site`.
fn convert(dir: &Path) -> String {
    let input = root().join("fixtures/hostile/redirects-injection.xml");
    let r = run(
        dir,
        &[
            "convert",
            input.to_str().unwrap(),
            "--format",
            "markdown",
            "--ssg",
            "hugo",
            "--redirects",
            "netlify,nginx,apache,csv",
            "-o",
            "site",
        ],
    );
    assert_eq!(r.code, 0, "the site is written\n{}", r.stderr);
    r.stderr
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join("site").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn netlify_lines_have_exactly_their_fields() {
    let dir = tempfile::tempdir().unwrap();
    convert(dir.path());
    let text = read(dir.path(), "static/_redirects");
    let url_safe = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b));
    let mut rules = Vec::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let path = |f: &str| f.starts_with('/') && url_safe(f);
        match fields[..] {
            [from, to, "301"] if path(from) && path(to) => rules.push((from.to_string(), to.to_string())),
            [from, query, to, "301!"] if path(from) && path(to) => {
                let (k, v) = query.split_once('=').expect("a key=value field");
                assert!(!k.is_empty() && url_safe(k) && url_safe(v), "{line:?}");
                rules.push((format!("{from}?{query}"), to.to_string()));
            }
            _ => panic!("not `from [key=value] to status`: {line:?}"),
        }
    }
    let want: Vec<(String, String)> = [
        ("/2010/05/plain/", "/posts/plain/"),
        ("/2010/05/old-plain/", "/posts/plain/"),
        ("/2010/05/caf%C3%A9/", "/posts/plain/"),
        ("/?p=1", "/posts/plain/"),
        (
            "/b/%20%7B%20return%20200%3B%20%7D%20location%20/%20%7B%20alias%20/etc/%3B%20%7D%20location%20%3D%20/b2/",
            "/posts/braces/",
        ),
        ("/?p=2", "/posts/braces/"),
        ("/?p=3", "/posts/newline/"),
        ("/2010/05/old-slugs/", "/posts/old-slugs/"),
        ("/2010/05/it%27s%20%22%24quoted%22%20%7Bx%7D%3B/", "/posts/old-slugs/"),
        ("/2010/05/back%5Cslash%23hash/", "/posts/old-slugs/"),
        ("/?p=4", "/posts/old-slugs/"),
        ("/?p=5", "/posts/dots/"),
        ("/?p=6", "/posts/encoded-newline/"),
        ("/?p=7", "/posts/quote-query/"),
        ("/?p=8%24host%27x", "/posts/dollar-query/"),
        ("/?p=8", "/posts/dollar-query/"),
        ("/2010/05/new-slug/", "/posts/new-slug-x-%CE%BB/"),
        ("/?p=9", "/posts/new-slug-x-%CE%BB/"),
        ("/?p=10", "/posts/same-link/"),
        ("/?p=11", "/posts/same-decoded/"),
        ("/posts/loop", "/posts/loop/"),
        ("/?p=12", "/posts/loop/"),
        // The archives: feeds, categories under their parents, tags,
        // the author of a post (a login with braces and `;`).
        ("/feed/", "/index.xml"),
        ("/feed/rss2/", "/index.xml"),
        ("/feed/rss/", "/index.xml"),
        ("/feed/rdf/", "/index.xml"),
        ("/feed/atom/", "/index.xml"),
        ("/comments/feed/", "/index.xml"),
        ("/?feed=rss2", "/index.xml"),
        ("/?feed=rss", "/index.xml"),
        ("/?feed=rdf", "/index.xml"),
        ("/?feed=atom", "/index.xml"),
        ("/?feed=comments-rss2", "/index.xml"),
        ("/category/news/local/feed/", "/index.xml"),
        ("/category/news/local/", "/categories/local/"),
        ("/category/local/", "/categories/local/"),
        ("/?cat=5", "/categories/local/"),
        ("/category/news/feed/", "/index.xml"),
        ("/category/news/", "/categories/news/"),
        ("/?cat=4", "/categories/news/"),
        // A query is matched as sent: its `%0A` is text.
        ("/?tag=nl%0AAddType%20application%2Fx-httpd-php%20jpg", "/tags/nl/"),
        ("/tag/x%20%7D%20return%20200%3B/feed/", "/index.xml"),
        ("/tag/x%20%7D%20return%20200%3B/", "/tags/x-return-200/"),
        ("/?tag=x%20%7D%20return%20200%3B", "/tags/x-return-200/"),
        ("/author/ed-location-alias-etc/feed/", "/index.xml"),
        ("/author/ed-location-alias-etc/", "/"),
        ("/?author=3", "/"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(rules, want, "{text}");
}

#[test]
fn csv_rows_have_two_fields_and_the_report_lists_what_was_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = convert(dir.path());
    let csv = read(dir.path(), "redirects.csv");
    for line in csv.lines().skip(1) {
        assert!(
            line.matches(',').count() == 1 && !line.contains('"') && line.starts_with('/'),
            "{line:?}"
        );
    }
    assert!(csv.contains("\n/?p=8$host'x,/posts/dollar-query/\n"), "{csv}");
    let report: Value = serde_json::from_str(&read(dir.path(), "_wxr/wxr-report.json")).unwrap();
    let dropped: Vec<(&str, &str)> = report["redirects_dropped"]
        .as_array()
        .expect("redirects_dropped")
        .iter()
        .map(|d| (d["old"].as_str().unwrap(), d["reason"].as_str().unwrap()))
        .collect();
    let olds: Vec<&str> = dropped.iter().map(|d| d.0).collect();
    assert_eq!(
        olds,
        [
            "/b/ { return 200; } location / { alias /etc/; } location = /b2/",
            "/c/\nAddType application/x-httpd-php jpg\n/* /spam/ 200!\n",
            "/2010/05/d-old\nAddType application/x-httpd-php jpg #/",
            "/2010/05/it's \"$quoted\" {x};/",
            "/2010/05/back\\slash#hash/",
            "/2010/05/%0aAddType%20application/x-httpd-php%20jpg/",
            "/2010/05/../",
            "/f/../../etc/passwd",
            "/g/%0aAddType%20application/x-httpd-php%20jpg/",
            "/?p=7\"; } location / { alias /etc/; } if ($args = \"x",
            "/2010/05/plain/",
            "/2010/05/caf%C3%A9/",
            // A tag's archive and feed, its slug with a newline.
            "/tag/nl%0aAddType%20application/x-httpd-php%20jpg/feed/",
            "/tag/nl%0aAddType%20application/x-httpd-php%20jpg/",
        ]
    );
    for (old, reason) in &dropped {
        // Names Windows refuses: in the redirect files, with no alias page.
        let want = if old.starts_with("/b/") || old.contains("quoted") || old.contains("slash") {
            "no alias page, only the redirect files (--redirects) have it"
        } else if old.starts_with("/2010/05/plain/") || old.starts_with("/2010/05/caf") {
            "already redirected to /posts/plain/"
        } else if old.contains("..") {
            ".."
        } else if old.contains("p=7") {
            "query"
        } else {
            "control character"
        };
        assert!(reason.contains(want), "{old:?}: {reason}");
    }
    assert!(
        stderr.contains("14 old URLs left out of the aliases or redirect files"),
        "{stderr}"
    );
    assert!(
        stderr.contains("25 old URLs of category, tag and author archives and feeds lead to their new pages"),
        "{stderr}"
    );
}

/// True when the servers must be there (`WXR_REQUIRE_SERVERS=1`).
fn required() -> bool {
    std::env::var_os("WXR_REQUIRE_SERVERS").is_some_and(|v| v != "0")
}

/// The first of `candidates` that runs with `-v`, or `None` (skip, with
/// a line) when none does.
fn server_binary(name: &str, candidates: &[&str]) -> Option<PathBuf> {
    let found = candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| Command::new(p).arg("-v").output().is_ok_and(|o| o.status.success()));
    if found.is_none() {
        assert!(!required(), "WXR_REQUIRE_SERVERS is set but {name} does not run");
        eprintln!("{name} redirect test skipped: {name} is not installed (.ci/run installs it)");
    }
    found
}

/// A free port on 127.0.0.1 (free when asked: the server binds it next).
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A server process, killed when dropped.
struct Running {
    child: Child,
    log: PathBuf,
}

impl Running {
    /// Starts `cmd` and waits until it accepts connections on `port`.
    fn start(name: &'static str, mut cmd: Command, port: u16, log: PathBuf) -> Running {
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut running = Running { child, log };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = running.child.try_wait().unwrap() {
                panic!("{name} stopped ({status}): {}", running.log());
            }
            assert!(Instant::now() < deadline, "{name} does not listen: {}", running.log());
            std::thread::sleep(Duration::from_millis(20));
        }
        running
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response: status, `Location` (its path: servers may make it
/// absolute), `Content-Type` and body.
struct Answer {
    status: u16,
    location: Option<String>,
    content_type: String,
    body: String,
}

fn get(port: u16, path: &str) -> Answer {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .proxy(None)
        .max_redirects(0)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .into();
    let origin = format!("http://127.0.0.1:{port}");
    let mut r = agent
        .get(format!("{origin}{path}"))
        .call()
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let header = |name: &str| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap_or("(not text)").to_string())
    };
    let location = header("location").map(|l| l.strip_prefix(&origin).unwrap_or(&l).to_string());
    let content_type = header("content-type").unwrap_or_default();
    Answer {
        status: r.status().as_u16(),
        location,
        content_type,
        body: r.body_mut().read_to_string().unwrap_or_default(),
    }
}

/// Every old URL redirects to its new one; nothing else is redirected,
/// `/etc` is not served and a `.jpg` is a JPEG.
fn check_answers(name: &str, port: u16, server: &Running) {
    for (old, new) in REDIRECTS {
        let a = get(port, old);
        assert_eq!(
            (a.status, a.location.as_deref()),
            (301, Some(*new)),
            "{name}: GET {old}\n{}",
            server.log()
        );
    }
    for (path, status) in NOT_REDIRECTED {
        let a = get(port, path);
        assert_eq!((a.status, a.location.as_deref()), (*status, None), "{name}: GET {path}");
        assert!(!a.body.contains("root:"), "{name}: GET {path} served a system file");
    }
    let a = get(port, "/photo.jpg");
    assert_eq!(
        (a.status, a.content_type.as_str()),
        (200, "image/jpeg"),
        "{name}: GET /photo.jpg"
    );
}

/// A document root standing in for the built site: a page and a JPEG,
/// readable by the server's user.
fn docroot(dir: &Path) -> PathBuf {
    let www = dir.join("www");
    std::fs::create_dir_all(&www).unwrap();
    std::fs::write(www.join("index.html"), "<p>home</p>\n").unwrap();
    std::fs::write(www.join("photo.jpg"), b"\xff\xd8\xff\xe0 not a real jpeg").unwrap();
    www
}

#[cfg(unix)]
#[test]
fn nginx_serves_the_redirects_and_no_injected_directive() {
    let dir = tempfile::tempdir().unwrap();
    convert(dir.path());
    let Some((server, port)) = nginx(dir.path(), "site/redirects.nginx.conf") else {
        return;
    };
    check_answers("nginx", port, &server);
}

/// nginx serving `docroot(d)` with the rules of `d/rules` (`-t` must
/// pass); none when nginx is not installed (and not required).
#[cfg(unix)]
fn nginx(d: &Path, rules: &str) -> Option<(Running, u16)> {
    let nginx = server_binary("nginx", &["nginx", "/usr/sbin/nginx"])?;
    let www = docroot(d);
    let port = free_port();
    let conf = d.join("nginx.conf");
    let p = |rel: &str| d.join(rel).display().to_string();
    std::fs::write(
        &conf,
        format!(
            "daemon off;\nmaster_process off;\npid {pid};\nerror_log {log};\n\
             events {{ worker_connections 64; }}\n\
             http {{\n  access_log off;\n  types {{ image/jpeg jpg; text/html html; }}\n  absolute_redirect off;\n\
             client_body_temp_path {t}/body; proxy_temp_path {t}/proxy; fastcgi_temp_path {t}/fastcgi;\n\
             uwsgi_temp_path {t}/uwsgi; scgi_temp_path {t}/scgi;\n\
             server {{\n    listen 127.0.0.1:{port};\n    root {www};\n    include {rules};\n  }}\n}}\n",
            pid = p("nginx.pid"),
            log = p("nginx-error.log"),
            t = d.display(),
            www = www.display(),
            rules = p(rules),
        ),
    )
    .unwrap();
    let args = |test: bool| {
        let mut c = Command::new(&nginx);
        if test {
            c.arg("-t");
        }
        c.arg("-e").arg(d.join("nginx-error.log")).arg("-c").arg(&conf);
        c
    };
    let t = args(true).output().unwrap();
    assert!(
        t.status.success(),
        "nginx -t: {}\n{}",
        String::from_utf8_lossy(&t.stderr),
        std::fs::read_to_string(d.join(rules)).unwrap_or_default()
    );
    Some((
        Running::start("nginx", args(false), port, d.join("nginx-error.log")),
        port,
    ))
}

#[cfg(unix)]
#[test]
fn apache_serves_the_redirects_and_no_injected_directive() {
    let dir = tempfile::tempdir().unwrap();
    convert(dir.path());
    let Some((server, port)) = apache(dir.path(), "site/static/.htaccess") else {
        return;
    };
    check_answers("apache2", port, &server);
}

/// Apache serving `docroot(d)` with `d/htaccess` as its `.htaccess`
/// (`-t` must pass with it); none when Apache or its mod_rewrite is not
/// installed (and not required).
#[cfg(unix)]
fn apache(d: &Path, htaccess: &str) -> Option<(Running, u16)> {
    use std::os::unix::fs::PermissionsExt;
    let apache = server_binary("apache2", &["apache2", "/usr/sbin/apache2"])?;
    let modules = Path::new("/usr/lib/apache2/modules");
    if !modules.join("mod_rewrite.so").exists() {
        assert!(
            !required(),
            "WXR_REQUIRE_SERVERS is set but {} has no mod_rewrite",
            modules.display()
        );
        eprintln!("apache2 redirect test skipped: no mod_rewrite in {}", modules.display());
        return None;
    }
    let www = docroot(d);
    let text = std::fs::read_to_string(d.join(htaccess)).unwrap();
    std::fs::write(www.join(".htaccess"), &text).unwrap();
    // Run as root, Apache serves as another user: it must read the root.
    for p in [d, &www] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    for f in ["index.html", "photo.jpg", ".htaccess"] {
        std::fs::set_permissions(www.join(f), std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let root_user = std::fs::metadata("/proc/self").is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0);
    let port = free_port();
    let load: String = [
        ("mpm_prefork", "mod_mpm_prefork"),
        ("authz_core", "mod_authz_core"),
        ("rewrite", "mod_rewrite"),
        ("alias", "mod_alias"),
        ("mime", "mod_mime"),
        ("dir", "mod_dir"),
    ]
    .iter()
    .map(|(m, f)| format!("LoadModule {m}_module {}/{f}.so\n", modules.display()))
    .collect();
    let conf = |extra: &str| {
        format!(
            "ServerRoot \"{d}\"\nServerName 127.0.0.1\nListen 127.0.0.1:{port}\n{load}\
             PidFile \"{d}/httpd.pid\"\nErrorLog \"{d}/apache-error.log\"\nLogLevel warn\n\
             DefaultRuntimeDir \"{d}\"\nMutex file:{d} default\n{user}\
             TypesConfig /dev/null\nAddType image/jpeg .jpg\nAddType text/html .html\n\
             DocumentRoot \"{www}\"\n<Directory \"{www}\">\n  AllowOverride All\n  Require all granted\n{extra}</Directory>\n",
            d = d.display(),
            www = www.display(),
            user = if root_user {
                "User www-data\nGroup www-data\n"
            } else {
                ""
            },
        )
    };
    // `-t` reads no .htaccess: the check includes it where it applies.
    std::fs::write(
        d.join("check.conf"),
        conf(&format!("  Include \"{}/.htaccess\"\n", www.display())),
    )
    .unwrap();
    std::fs::write(d.join("httpd.conf"), conf("")).unwrap();
    let t = Command::new(&apache)
        .arg("-t")
        .arg("-f")
        .arg(d.join("check.conf"))
        .output()
        .unwrap();
    assert!(
        t.status.success(),
        "apache2 -t: {}\n{text}",
        String::from_utf8_lossy(&t.stderr),
    );
    let mut cmd = Command::new(&apache);
    cmd.arg("-X").arg("-f").arg(d.join("httpd.conf"));
    Some((Running::start("apache2", cmd, port, d.join("apache-error.log")), port))
}

/// A term's archive leads to its anchor on the list of terms (Jekyll's
/// theme), by path and by query, and a query's target keeps no query:
/// both servers send the fragment as written.
#[cfg(unix)]
#[test]
fn nginx_and_apache_lead_an_archive_to_its_anchor() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = root().join("fixtures/read/site-menu.xml");
    let args = [
        "convert",
        input.to_str().unwrap(),
        "--format",
        "markdown",
        "--ssg",
        "jekyll",
    ];
    let r = run(d, &[&args[..], &["--redirects", "nginx,apache", "-o", "site"]].concat());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let answers = [
        ("/tag/raku-smoke/", "/tags/#raku-smoke"),
        ("/?tag=raku-smoke", "/tags/#raku-smoke"),
        ("/category/glazes/", "/categories/#glazes"),
        ("/?cat=6", "/categories/"),
        ("/feed/", "/feed.xml"),
    ];
    let servers = [
        ("nginx", nginx(&d.join("n"), "../site/redirects.nginx.conf")),
        ("apache2", apache(&d.join("a"), "../site/.htaccess")),
    ];
    for (name, server) in servers {
        let Some((server, port)) = server else { continue };
        for (old, new) in answers {
            let a = get(port, old);
            assert_eq!(
                (a.status, a.location.as_deref()),
                (301, Some(new)),
                "{name}: GET {old}\n{}",
                server.log()
            );
        }
    }
}
