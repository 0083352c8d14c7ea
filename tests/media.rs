//! `--download-media` against a local HTTP server (the shared one of
//! `server.rs`, started and stopped by the test): what is fetched, what is
//! preferred, retried, refused and reported, how pages are rewritten, and
//! that a second run resumes instead of starting over.

use crate::server::Server;
use crate::util::run;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// The routes: a fixed table, and a `429` the first time for `busy.gif`.
fn respond(req: tiny_http::Request, path: &str, hit: usize, _stop: Arc<AtomicBool>) {
    let header = |k: &str, v: &str| tiny_http::Header::from_bytes(k, v).unwrap();
    let (status, body, kind) = match path {
        "/wp-content/uploads/2010/05/photo.jpg" => (200, "photo bytes", "image/jpeg"),
        "/wp-content/uploads/2010/05/photo-300x200.jpg" => (200, "thumbnail", "image/jpeg"),
        "/wp-content/uploads/2011/01/guide.pdf" => (200, "%PDF guide", "application/pdf"),
        "/wp-content/uploads/2011/01/video.mp4" => (200, "video bytes", "video/mp4"),
        "/wp-content/uploads/2011/01/busy.gif" if hit == 1 => (429, "slow down", "text/plain"),
        "/wp-content/uploads/2011/01/busy.gif" => (200, "GIF89a busy", "image/gif"),
        "/wp-content/uploads/2011/01/soft.jpg" => (200, "<html>home page</html>", "text/html"),
        "/wp-content/uploads/2011/01/sp%20ace.jpg" => (200, "spaced", "image/jpeg"),
        "/wp-content/uploads/a-b.jpg" => (200, "dash", "image/jpeg"),
        "/wp-content/uploads/a:b.jpg" => (200, "colon", "image/jpeg"),
        "/wp-content/uploads/public.jpg" => (200, "public", "image/jpeg"),
        "/wp-content/uploads/2011/01/big.jpg" => {
            let big =
                tiny_http::Response::from_data(vec![b'x'; 2 << 20]).with_header(header("Content-Type", "image/jpeg"));
            let _ = req.respond(big);
            return;
        }
        "/wp-content/uploads/2011/01/moved.jpg" => {
            // The same server under another name: another host.
            let host = req
                .headers()
                .iter()
                .find(|h| h.field.equiv("Host"))
                .map(|h| h.value.to_string());
            let port = host
                .as_deref()
                .and_then(|h| h.rsplit(':').next())
                .unwrap_or("80")
                .to_string();
            let to = format!("http://localhost:{port}/wp-content/uploads/2010/05/photo.jpg");
            let moved = tiny_http::Response::from_string("")
                .with_status_code(302)
                .with_header(header("Location", &to));
            let _ = req.respond(moved);
            return;
        }
        _ => (404, "not found", "text/plain"),
    };
    let resp = tiny_http::Response::from_string(body)
        .with_status_code(status)
        .with_header(header("Content-Type", kind))
        .with_header(header("Retry-After", "0"));
    let _ = req.respond(resp);
}

/// A small export of a site served at `origin`.
fn export(origin: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Media test</title>
<link>{origin}</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>{origin}</wp:base_site_url>
<wp:base_blog_url>{origin}</wp:base_blog_url>
<item>
<title>photo</title>
<link>{origin}/hello/photo/</link>
<dc:creator>admin</dc:creator>
<guid isPermaLink="false">{origin}/wp-content/uploads/2010/05/photo.jpg</guid>
<content:encoded><![CDATA[]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>10</wp:post_id>
<wp:post_date>2010-05-01 10:00:00</wp:post_date>
<wp:post_date_gmt>2010-05-01 08:00:00</wp:post_date_gmt>
<wp:post_name>photo</wp:post_name>
<wp:status>inherit</wp:status>
<wp:post_parent>1</wp:post_parent>
<wp:post_type>attachment</wp:post_type>
<wp:attachment_url>{origin}/wp-content/uploads/2010/05/photo.jpg</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value><![CDATA[2010/05/photo.jpg]]></wp:meta_value></wp:postmeta>
</item>
<item>
<title>Hello</title>
<link>{origin}/hello/</link>
<dc:creator>admin</dc:creator>
<guid isPermaLink="false">{origin}/?p=1</guid>
<content:encoded><![CDATA[<img src="{origin}/wp-content/uploads/2010/05/photo-300x200.jpg" alt="A photo" width="300" height="200" />

Read <a href="{origin}/wp-content/uploads/2011/01/guide.pdf">the guide</a>.

<img src="/wp-content/uploads/2010/05/gone.png" alt="Gone" />

<img src="{origin}/wp-content/uploads/2011/01/busy.gif" alt="Busy" />

<img src="{origin}/wp-content/uploads/2011/01/soft.jpg" alt="Soft" />

<video src="{origin}/wp-content/uploads/2011/01/video.mp4" controls></video>

<img src="http://elsewhere.invalid/x.png" alt="Elsewhere" />]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>1</wp:post_id>
<wp:post_date>2010-05-01 10:00:00</wp:post_date>
<wp:post_date_gmt>2010-05-01 08:00:00</wp:post_date_gmt>
<wp:post_name>hello</wp:post_name>
<wp:status>publish</wp:status>
<wp:post_parent>0</wp:post_parent>
<wp:post_type>post</wp:post_type>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>10</wp:meta_value></wp:postmeta>
</item>
</channel>
</rss>
"#
    )
}

fn report(site: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(site.join("_wxr/wxr-report.json")).expect("a report");
    serde_json::from_str(&text).expect("JSON")
}

#[test]
fn download_media_fetches_rewrites_reports_and_resumes() {
    let server = Server::start(respond);
    let origin = format!("http://{}", server.addr);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("export.xml"), export(&origin)).unwrap();
    let args = [
        "convert",
        "export.xml",
        "-f",
        "markdown",
        "-o",
        "site",
        "--download-media",
        "--allow-private",
    ];

    // A dry run lists the downloads and asks the server for nothing.
    let dry = run(dir.path(), &[&args[..], &["--dry-run"]].concat());
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(dry.stdout.contains(&format!(
        "download {origin}/wp-content/uploads/2010/05/photo.jpg  -> static/wp-content/uploads/2010/05/photo.jpg"
    )));
    assert_eq!(dry.stdout.matches("download ").count(), 6, "{}", dry.stdout);
    assert!(server.take_paths().is_empty());
    assert!(!dir.path().join("site").exists());

    let first = run(dir.path(), &args);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stderr.contains("media: 4 downloaded, 0 already there, 2 failed"),
        "{}",
        first.stderr
    );
    let mut asked = server.take_paths();
    asked.sort();
    assert_eq!(
        asked,
        [
            "/wp-content/uploads/2010/05/gone.png",
            "/wp-content/uploads/2010/05/photo.jpg",
            "/wp-content/uploads/2011/01/busy.gif",
            "/wp-content/uploads/2011/01/busy.gif",
            "/wp-content/uploads/2011/01/guide.pdf",
            "/wp-content/uploads/2011/01/soft.jpg",
            "/wp-content/uploads/2011/01/video.mp4",
        ],
        "the thumbnail is replaced by its original, a 429 is retried, other hosts are left alone"
    );
    let site = dir.path().join("site");
    let file = |p: &str| std::fs::read_to_string(site.join("static/wp-content/uploads").join(p)).ok();
    assert_eq!(file("2010/05/photo.jpg").as_deref(), Some("photo bytes"));
    assert_eq!(file("2011/01/guide.pdf").as_deref(), Some("%PDF guide"));
    assert_eq!(file("2011/01/busy.gif").as_deref(), Some("GIF89a busy"));
    assert_eq!(file("2011/01/video.mp4").as_deref(), Some("video bytes"));
    assert_eq!(file("2010/05/gone.png"), None);
    assert_eq!(file("2011/01/soft.jpg"), None, "an HTML page is not saved as an image");
    for d in ["2010/05", "2011/01"] {
        let dir = site.join("static/wp-content/uploads").join(d);
        for e in std::fs::read_dir(&dir).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            assert!(!name.starts_with(".wxr-"), "{d}/{name}: no partial file is left");
        }
    }

    let post = std::fs::read_to_string(site.join("content/posts/hello/index.md")).unwrap();
    assert!(
        post.contains("![A photo](/wp-content/uploads/2010/05/photo.jpg)"),
        "{post}"
    );
    assert!(
        post.contains("[the guide](/wp-content/uploads/2011/01/guide.pdf)"),
        "{post}"
    );
    assert!(
        post.contains(r#"src="/wp-content/uploads/2011/01/video.mp4""#),
        "{post}"
    );
    assert!(post.contains("![Elsewhere](http://elsewhere.invalid/x.png)"), "{post}");
    // What failed keeps pointing at the old site: never at a missing copy.
    assert!(
        post.contains(&format!("![Soft]({origin}/wp-content/uploads/2011/01/soft.jpg)")),
        "{post}"
    );
    assert!(post.contains("![Gone](/wp-content/uploads/2010/05/gone.png)"), "{post}");
    // The featured image is the local copy too.
    assert!(
        !post.contains(&format!("{origin}/wp-content/uploads/2010/05")),
        "{post}"
    );
    assert!(
        post.lines()
            .any(|l| l.contains("/wp-content/uploads/2010/05/photo.jpg") && !l.starts_with('!')),
        "{post}"
    );

    let rep = report(&site);
    let media = rep["media"].as_array().unwrap();
    let entry = |name: &str| {
        media
            .iter()
            .find(|m| m["url"].as_str().unwrap().ends_with(name))
            .unwrap()
    };
    assert_eq!(entry("gone.png")["result"], "failed");
    assert_eq!(entry("gone.png")["error"], "HTTP 404 Not Found");
    assert_eq!(entry("busy.gif")["result"], "fetched");
    assert_eq!(entry("busy.gif")["attempts"], 2);
    assert!(entry("soft.jpg")["error"].as_str().unwrap().contains("HTML page"));
    assert_eq!(entry("photo.jpg")["bytes"], 11);

    // A second run asks only for what failed.
    let second = run(dir.path(), &args);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(
        second.stderr.contains("media: 0 downloaded, 4 already there, 2 failed"),
        "{}",
        second.stderr
    );
    let mut asked = server.take_paths();
    asked.sort();
    assert_eq!(
        asked,
        [
            "/wp-content/uploads/2010/05/gone.png",
            "/wp-content/uploads/2011/01/soft.jpg"
        ]
    );
}

#[test]
fn without_download_media_nothing_is_fetched_or_rewritten() {
    let server = Server::start(respond);
    let origin = format!("http://{}", server.addr);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("export.xml"), export(&origin)).unwrap();
    let r = run(dir.path(), &["convert", "export.xml", "-f", "markdown", "-o", "site"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(server.take_paths().is_empty());
    let post = std::fs::read_to_string(dir.path().join("site/content/posts/hello/index.md")).unwrap();
    assert!(post.contains(&format!("({origin}/wp-content/uploads/2010/05/photo-300x200.jpg)")));
    assert!(!dir.path().join("site/static/wp-content").exists());
}

/// The export names the URLs: without `--allow-private` nothing on this
/// machine or the local network is fetched; a redirect to another host is
/// not followed into the site; a file larger than `--media-max-size` is
/// not written; a URL with a space is fetched encoded, as a browser would.
#[test]
fn download_media_keeps_to_public_hosts_and_a_size() {
    let server = Server::start(respond);
    let origin = format!("http://{}", server.addr);
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        r#"<img src="{origin}/wp-content/uploads/2011/01/big.jpg" alt="Big" />

<img src="{origin}/wp-content/uploads/2011/01/moved.jpg" alt="Moved" />

<img src="{origin}/wp-content/uploads/2011/01/sp ace.jpg" alt="Spaced" />"#
    );
    let xml = export(&origin).replace(r#"<img src="http://elsewhere.invalid/x.png" alt="Elsewhere" />"#, &body);
    std::fs::write(dir.path().join("export.xml"), xml).unwrap();
    let args = [
        "convert",
        "export.xml",
        "-f",
        "markdown",
        "-o",
        "site",
        "--download-media",
    ];

    let refused = run(dir.path(), &args);
    assert_eq!(refused.code, 0, "{}", refused.stderr);
    assert!(server.take_paths().is_empty(), "a private address is not asked");
    let rep = report(&dir.path().join("site"));
    let errors: Vec<&str> = rep["media"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["error"].as_str())
        .collect();
    assert!(
        !errors.is_empty() && errors.iter().all(|e| e.contains("private address")),
        "{errors:?}"
    );

    std::fs::remove_dir_all(dir.path().join("site")).unwrap();
    let allowed = run(
        dir.path(),
        &[&args[..], &["--allow-private", "--media-max-size", "1MiB"]].concat(),
    );
    assert_eq!(allowed.code, 0, "{}", allowed.stderr);
    let rep = report(&dir.path().join("site"));
    let outcome = |name: &str| {
        rep["media"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["url"].as_str().unwrap().ends_with(name))
            .cloned()
            .unwrap_or_else(|| panic!("{name} not in {rep}"))
    };
    let big = outcome("big.jpg");
    assert!(big["error"].as_str().unwrap().contains("larger than 1 MiB"), "{big}");
    let moved = outcome("moved.jpg");
    assert!(
        moved["error"].as_str().unwrap().contains("redirected to another host"),
        "{moved}"
    );
    assert_eq!(outcome("sp ace.jpg")["result"], "fetched");
    let uploads = dir.path().join("site/static/wp-content/uploads/2011/01");
    assert!(!uploads.join("big.jpg").exists() && !uploads.join("moved.jpg").exists());
    assert_eq!(std::fs::read_to_string(uploads.join("sp ace.jpg")).unwrap(), "spaced");
}

/// The media of what is not published stay out: the images of a draft
/// and of a private post, and the attachments uploaded to them or private
/// themselves, are neither fetched nor listed in `media.json`. Two files
/// that one file system holds as one (`a:b.jpg` made safe is `a-b.jpg`)
/// are two files, the second suffixed and reported, each image showing
/// its own.
#[test]
fn download_media_leaves_out_unpublished_media_and_tells_names_apart() {
    let server = Server::start(respond);
    let origin = format!("http://{}", server.addr);
    let item = |id: i64, status: &str, kind: &str, parent: i64, body: &str, url: &str| {
        format!(
            "<item><title>item {id}</title><link>{origin}/?p={id}</link><guid>{origin}/?p={id}</guid>
<content:encoded><![CDATA[{body}]]></content:encoded><wp:post_id>{id}</wp:post_id>
<wp:post_date>2010-05-01 10:00:00</wp:post_date><wp:post_name>item-{id}</wp:post_name>
<wp:status>{status}</wp:status><wp:post_parent>{parent}</wp:post_parent><wp:post_type>{kind}</wp:post_type>
{url}</item>\n"
        )
    };
    let img = |name: &str| format!("<img src=\"{origin}/wp-content/uploads/{name}\" alt=\"{name}\" />");
    let file = |name: &str| format!("<wp:attachment_url>{origin}/wp-content/uploads/{name}</wp:attachment_url>");
    let items = [
        item(
            1,
            "publish",
            "post",
            0,
            &(img("a-b.jpg") + "\n\n" + &img("a:b.jpg")),
            "",
        ),
        item(2, "draft", "post", 0, &img("secret/draft.jpg"), ""),
        item(3, "private", "post", 0, &img("secret/private.jpg"), ""),
        item(4, "inherit", "attachment", 3, "", &file("secret/of-private.jpg")),
        item(5, "private", "attachment", 0, "", &file("secret/own.jpg")),
        item(6, "inherit", "attachment", 1, "", &file("public.jpg")),
    ];
    let export = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>t</title><link>{origin}</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>{origin}</wp:base_site_url>
{}</channel></rss>
"#,
        items.concat()
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("export.xml"), export).unwrap();
    let args = [
        "convert",
        "export.xml",
        "-f",
        "markdown",
        "-o",
        "site",
        "--download-media",
        "--allow-private",
    ];
    let r = run(dir.path(), &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut asked = server.take_paths();
    asked.sort();
    assert_eq!(
        asked,
        [
            "/wp-content/uploads/a-b.jpg",
            "/wp-content/uploads/a:b.jpg",
            "/wp-content/uploads/public.jpg",
        ]
    );
    let manifest = std::fs::read_to_string(dir.path().join("site/_wxr/media.json")).unwrap();
    assert!(!manifest.contains("secret"), "{manifest}");
    assert!(manifest.contains("public.jpg"), "{manifest}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("site/_wxr/wxr-report.json")).unwrap()).unwrap();
    assert_eq!(
        report["collisions"],
        serde_json::json!([[
            "static/wp-content/uploads/a-b.jpg",
            "static/wp-content/uploads/a-b-2.jpg"
        ]])
    );
    let post = std::fs::read_to_string(dir.path().join("site/content/posts/item-1/index.md")).unwrap();
    assert!(post.contains("](/wp-content/uploads/a-b.jpg)"), "{post}");
    assert!(post.contains("](/wp-content/uploads/a-b-2.jpg)"), "{post}");
    let uploads = dir.path().join("site/static/wp-content/uploads");
    assert_eq!(std::fs::read_to_string(uploads.join("a-b.jpg")).unwrap(), "dash");
    assert_eq!(std::fs::read_to_string(uploads.join("a-b-2.jpg")).unwrap(), "colon");
}
