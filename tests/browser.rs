//! The built blog as a reader sees it: the French fixture, with a hostile
//! reply added to its thread, converted for Hugo and built by Hugo, is
//! served on 127.0.0.1 and loaded by headless Chromium (Debian's
//! `chromium`, or `WXR_CHROMIUM`; required when `WXR_SSG` is set, as
//! `.ci/run` installs it). In the DOM Chromium rendered, the comment
//! thread (nested as in the export) and the ping list are there and
//! visible, and the hostile reply's text is shown while nothing of it ran:
//! each of its scripts would have changed the page's title or set a
//! global. The server adds to every page it serves a probe script (the
//! test's own, never in the site) that writes what it measured into an
//! attribute of the root element, which `--dump-dom` prints. A screenshot
//! of the post is saved as `target/browser/french-post.png`.
//!
//! The page of `wxr check --format html` is looked at the same way: its
//! filters and sorting work in the browser, and the hostile title and
//! source URL it shows ran nothing (`target/browser/check-report.png`).

use crate::ssg::{build, tool};
use crate::util::{fixtures, root, wxr};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A reply to comment 1182 in which every part tries to run: the page's
/// title stays the post's and `window.pwned` stays unset unless one did.
const HOSTILE_REPLY: &str = r#"<wp:comment>
<wp:comment_id>9901</wp:comment_id>
<wp:comment_author><![CDATA[Visiteur <script>window.pwned='author'</script>]]></wp:comment_author>
<wp:comment_author_url>javascript:void(window.pwned='url')</wp:comment_author_url>
<wp:comment_date>2010-02-09 09:00:00</wp:comment_date>
<wp:comment_date_gmt>2010-02-09 14:00:00</wp:comment_date_gmt>
<wp:comment_content><![CDATA[Merci pour la liste ! <script>document.title='PWNED-script';window.pwned='script'</script><img src="x" onerror="document.title='PWNED-img';window.pwned='img'"><svg onload="window.pwned='svg'"></svg><a href="javascript:void(window.pwned='link')" id="hostile-link">lien</a><iframe srcdoc="<script>parent.pwned='iframe'</script>"></iframe>[md](javascript:void(window.pwned='md')) {{< youtube x >}}]]></wp:comment_content>
<wp:comment_approved>1</wp:comment_approved>
<wp:comment_type></wp:comment_type>
<wp:comment_parent>1182</wp:comment_parent>
</wp:comment>
"#;

/// The test's probe: after the page loaded (and its images failed), it
/// clicks the hostile reply's links, then writes into `data-probe` of the
/// root element whether each part of the discussion has a box on screen
/// (a size, not `display: none`, not hidden), the page's title, and
/// `window.pwned`.
const PROBE: &str = r#"<script>
addEventListener('load', () => setTimeout(() => {
  const seen = (css) => {
    const e = document.querySelector(css);
    if (!e) return 'missing';
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.display !== 'none' && s.visibility !== 'hidden' && s.opacity !== '0'
      ? 'visible' : 'hidden';
  };
  for (const a of document.querySelectorAll('#comment-9901 a')) {
    if (!/^https?:/.test(a.href)) a.click();
  }
  setTimeout(() => {
    const out = {
      comments: seen('section.comments'),
      pings: seen('section.pings'),
      deepest: seen('#comment-1184'),
      hostile: seen('#comment-9901'),
      comments_shown: document.querySelectorAll('section.comments li.comment').length,
      pings_shown: document.querySelectorAll('section.pings li').length,
      title: document.title,
      pwned: String(window.pwned),
    };
    document.documentElement.setAttribute('data-probe', JSON.stringify(out));
  }, 200);
}, 200));
</script>"#;

/// Chromium's command, or `None` (skip) when it is not installed.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("WXR_CHROMIUM").map_or_else(|| PathBuf::from("chromium"), PathBuf::from);
    let found = Command::new(&path)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("WXR_SSG").is_none_or(|v| v == "0"),
            "WXR_SSG is set but `{}` does not run",
            path.display()
        );
        eprintln!("browser test skipped: chromium is not installed (.ci/run installs it)");
        return None;
    }
    Some(path)
}

/// Serves the files of `dir` on a free 127.0.0.1 port (`/x/` is
/// `x/index.html`), with `probe` before the `</body>` of every page;
/// stops when the returned flag is set.
fn serve(dir: PathBuf, probe: &'static str) -> (String, std::sync::Arc<std::sync::atomic::AtomicBool>) {
    use std::sync::atomic::{AtomicBool, Ordering};
    let server = tiny_http::Server::http("127.0.0.1:0").expect("a loopback port");
    let base = format!("http://{}/", server.server_addr().to_ip().expect("an IP address"));
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let s = stop.clone();
    std::thread::spawn(move || {
        while !s.load(Ordering::Relaxed) {
            let Ok(Some(req)) = server.recv_timeout(std::time::Duration::from_millis(50)) else {
                continue;
            };
            let path = req.url().split(['?', '#']).next().unwrap_or("").to_string();
            let path = crate::ssg::decoded(path.trim_start_matches('/'));
            let mut file = dir.join(&path);
            if path.is_empty() || path.ends_with('/') {
                file = file.join("index.html");
            }
            let answer = match std::fs::read(&file) {
                Ok(mut body) if !path.contains("..") => {
                    let ext = file.extension().and_then(|x| x.to_str()).unwrap_or("");
                    let kind = match ext {
                        "html" => "text/html; charset=utf-8",
                        "css" => "text/css",
                        "js" => "text/javascript",
                        "xml" => "application/xml",
                        "png" => "image/png",
                        "jpg" | "jpeg" => "image/jpeg",
                        "svg" => "image/svg+xml",
                        _ => "application/octet-stream",
                    };
                    if ext == "html" {
                        let page = String::from_utf8_lossy(&body).replace("</body>", &format!("{probe}</body>"));
                        body = page.into_bytes();
                    }
                    let header = tiny_http::Header::from_bytes("Content-Type", kind).unwrap();
                    tiny_http::Response::from_data(body).with_header(header)
                }
                _ => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
            };
            let _ = req.respond(answer);
        }
    });
    (base, stop)
}

/// Chromium's command line for one page, headless, with a profile of its own.
fn headless(chromium: &Path, profile: &Path) -> Command {
    let mut c = Command::new(chromium);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--hide-scrollbars",
        "--virtual-time-budget=5000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

#[test]
fn chromium_shows_the_thread_and_runs_nothing_of_a_hostile_comment() {
    let Some(chromium) = chromium() else { return };
    let Some(hugo) = tool("hugo") else { return };
    let dir = tempfile::tempdir().unwrap();
    let export = std::fs::read_to_string(fixtures().join("french-blog-post.xml")).unwrap();
    let at = export.find("<wp:comment>").unwrap();
    let export = format!("{}{HOSTILE_REPLY}{}", &export[..at], &export[at..]);
    let input = dir.path().join("export.xml");
    std::fs::write(&input, export).unwrap();
    let site = dir.path().join("site");
    let o = wxr(&root())
        .args(["convert", "--format", "markdown", "--ssg", "hugo", "-q", "-o"])
        .arg(&site)
        .arg(&input)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let (base, stop) = serve(site.join("public"), PROBE);
    build(&hugo, &["--quiet", "--baseURL", &base], &site, "hugo");
    let post = format!("{base}posts/infolettre-cinq-erreurs-qui-font-fuir-vos-abonnes/");

    let (html, probe) = probed(&chromium, &dir.path().join("profile"), &post);
    for part in ["comments", "pings", "deepest", "hostile"] {
        assert_eq!(probe[part], "visible", "{part}: {probe}");
    }
    // The French post's 10 comments and the hostile reply, its 11 pings.
    assert_eq!(probe["comments_shown"], 11, "{probe}");
    assert_eq!(probe["pings_shown"], 11, "{probe}");
    assert_eq!(probe["pwned"], "undefined", "a hostile script ran: {probe}");
    assert!(
        probe["title"].as_str().unwrap().contains("cinq erreurs qui font fuir"),
        "{probe}"
    );
    // Rendered nested under its parent, its text shown as text.
    let count = |css: &str| html.select(&scraper::Selector::parse(css).unwrap()).count();
    assert_eq!(count("li#comment-1182 > ol > li#comment-9901"), 1, "nested under 1182");
    let reply: String = html
        .select(&scraper::Selector::parse("li#comment-9901").unwrap())
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(reply.contains("Merci pour la liste !"), "{reply}");
    assert!(reply.contains("{{< youtube x >}}"), "the shortcode is text: {reply}");

    screenshot(&chromium, &dir.path().join("profile"), &post, "french-post.png", 4000);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Saves a screenshot of `url`, 1280 pixels wide and `height` high, as
/// `target/browser/name`.
fn screenshot(chromium: &Path, profile: &Path, url: &str, name: &str, height: u32) {
    let shots = root().join("target/browser");
    std::fs::create_dir_all(&shots).unwrap();
    let shot = shots.join(name);
    let _ = std::fs::remove_file(&shot);
    let o = headless(chromium, profile)
        .arg(format!("--window-size=1280,{height}"))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(url)
        .output()
        .unwrap();
    assert!(o.status.success(), "chromium: {}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::metadata(&shot).unwrap().len() > 10_000, "an empty screenshot");
}

/// The DOM Chromium rendered of `url`, and what the probe the server
/// added wrote into the root element's `data-probe`.
fn probed(chromium: &Path, profile: &Path, url: &str) -> (scraper::Html, serde_json::Value) {
    let o = headless(chromium, profile).arg("--dump-dom").arg(url).output().unwrap();
    assert!(o.status.success(), "chromium: {}", String::from_utf8_lossy(&o.stderr));
    let dom = String::from_utf8_lossy(&o.stdout).into_owned();
    let html = scraper::Html::parse_document(&dom);
    let probe = html
        .root_element()
        .attr("data-probe")
        .unwrap_or_else(|| panic!("the probe did not run:\n{dom}"));
    let probe = serde_json::from_str(probe).unwrap();
    (html, probe)
}

/// The check report's probe: counts the rows on screen as the filters
/// change, sorts by comment id both ways, and writes what it saw.
const REPORT_PROBE: &str = r#"<script>
addEventListener('load', () => setTimeout(() => {
  const rows = () => Array.from(document.querySelectorAll('#findings tbody tr'));
  const visible = () => rows().filter((r) => r.getBoundingClientRect().height > 0).length;
  const click = (css) => document.querySelector(css).click();
  const out = { rows: rows().length, visible: visible() };
  click('input[name=severity][value=info]');
  out.without_info = visible();
  out.shown_without_info = document.getElementById('shown').textContent;
  click('input[name=action][value=delete]');
  out.without_info_or_delete = visible();
  click('input[name=severity][value=info]');
  click('input[name=action][value=delete]');
  out.all_again = visible();
  const th = Array.from(document.querySelectorAll('#findings th')).find((h) => h.textContent === 'Comment');
  th.querySelector('button').click();
  out.ascending = rows().map((r) => Number(r.cells[2].dataset.sort));
  th.querySelector('button').click();
  out.descending = rows().map((r) => Number(r.cells[2].dataset.sort));
  out.aria_sort = th.getAttribute('aria-sort');
  out.title = document.title;
  out.pwned = String(window.pwned);
  document.documentElement.setAttribute('data-probe', JSON.stringify(out));
}, 200));
</script>"#;

#[test]
fn chromium_filters_and_sorts_the_check_report_and_runs_nothing_of_it() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let export = std::fs::read_to_string(fixtures().join("../check/offline.xml")).unwrap();
    // A post title and a source URL that try to run.
    let export = export.replacen(
        "<title>Hello</title>",
        "<title><![CDATA[Hello <img src=x onerror=\"window.pwned='title'\"><script>window.pwned='script'</script>]]></title>",
        1,
    );
    let export = export.replacen(
        "<wp:comment_author_url></wp:comment_author_url>",
        "<wp:comment_author_url><![CDATA[http://x.test/\"><script>window.pwned='source'</script>]]></wp:comment_author_url>",
        1,
    );
    std::fs::write(dir.path().join("export.xml"), export).unwrap();
    let www = dir.path().join("www");
    std::fs::create_dir_all(&www).unwrap();
    let report = |format: &str, out: &Path| {
        let o = wxr(dir.path())
            .args(["check", "export.xml", "--offline", "-q", "--format", format, "-o"])
            .arg(out)
            .output()
            .unwrap();
        assert!(
            o.status.code().is_some_and(|c| c < 2),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    report("html", &www.join("index.html"));
    report("json", &dir.path().join("report.json"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap()).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let count = |f: &dyn Fn(&serde_json::Value) -> bool| findings.iter().filter(|x| f(x)).count();
    let not_info = count(&|f| f["severity"] != "info");
    let neither = count(&|f| f["severity"] != "info" && f["fix"]["action"] != "delete");

    let (base, stop) = serve(www.clone(), REPORT_PROBE);
    let (html, probe) = probed(&chromium, &dir.path().join("profile"), &base);
    assert_eq!(probe["rows"], findings.len(), "{probe}");
    assert_eq!(probe["visible"], findings.len(), "{probe}");
    assert_eq!(probe["without_info"], not_info, "{probe}");
    assert_eq!(
        probe["shown_without_info"],
        format!("{not_info} of {} findings shown", findings.len()),
        "{probe}"
    );
    assert_eq!(probe["without_info_or_delete"], neither, "{probe}");
    assert_eq!(probe["all_again"], findings.len(), "{probe}");
    let ids = |key: &str| -> Vec<i64> {
        probe[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .collect()
    };
    let mut want = ids("ascending");
    want.sort_unstable();
    assert_eq!(ids("ascending"), want, "sorted by comment id");
    want.reverse();
    assert_eq!(ids("descending"), want, "sorted the other way");
    assert_eq!(probe["aria_sort"], "descending");
    assert_eq!(probe["pwned"], "undefined", "a hostile script ran: {probe}");
    assert!(
        probe["title"].as_str().unwrap().starts_with("Pingback audit"),
        "{probe}"
    );
    // The hostile title is shown as text.
    let post: String = html
        .select(&scraper::Selector::parse("tr td.post").unwrap())
        .map(|td| td.text().collect::<String>())
        .find(|t| t.contains("Hello"))
        .unwrap();
    assert!(post.contains("<script>window.pwned='script'</script>"), "{post}");

    screenshot(&chromium, &dir.path().join("profile"), &base, "check-report.png", 1600);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
}
