//! What the site and redirect fuzz targets share: exports made of fuzzer
//! text, a run of the site writer, and the checks of what it wrote.

use std::path::{Path, PathBuf};
use wxr::emit::markdown::front_matter::Syntax;
use wxr::emit::markdown::plan::Policy;
use wxr::emit::markdown::{CommentsMode, Options, Redirects, Ssg, write_site};
use wxr::merge::Inputs;
use wxr::read::{ReadOptions, Source};

/// `text` in a CDATA section, which it cannot end.
pub fn cdata(text: &str) -> String {
    format!("<![CDATA[{}]]>", text.replace("]]>", "]]]]><![CDATA[>"))
}

/// An export of `items` items of fuzzer fields, nine each (type, title,
/// link, body, excerpt, slug, old slug, commenter, commenter's URL; one
/// may take another's slug or link: collisions), each with a comment and
/// a pingback, each a child of the one before (pages nest), then the
/// site's title and language.
pub fn export(fields: &[String], items: usize) -> String {
    let f = |i: usize| fields.get(i).map_or("", String::as_str);
    let mut xml = String::new();
    for n in 1..=items {
        let base = (n - 1) * 9;
        let kind = match f(base).len() % 4 {
            0 => "post",
            1 => "page",
            _ => f(base),
        };
        xml.push_str(&format!(
            "<item><title>{title}</title><link>{link}</link><guid isPermaLink=\"false\">http://blog.example/?p={n}</guid>
<content:encoded>{body}</content:encoded><excerpt:encoded>{excerpt}</excerpt:encoded>
<wp:post_id>{n}</wp:post_id><wp:post_date>2010-02-08 09:15:00</wp:post_date><wp:post_name>{slug}</wp:post_name>
<wp:status>publish</wp:status><wp:post_parent>{parent}</wp:post_parent><wp:post_type>{kind}</wp:post_type>
<category domain=\"post_tag\" nicename=\"t\">{title}</category>
<wp:postmeta><wp:meta_key>_wp_old_slug</wp:meta_key><wp:meta_value>{old}</wp:meta_value></wp:postmeta>
<wp:comment><wp:comment_id>{c1}</wp:comment_id><wp:comment_author>{author}</wp:comment_author><wp:comment_author_url>{url}</wp:comment_author_url><wp:comment_date>2010-02-09 10:00:00</wp:comment_date><wp:comment_content>{text}</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type></wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment>
<wp:comment><wp:comment_id>{c2}</wp:comment_id><wp:comment_author>{title}</wp:comment_author><wp:comment_author_url>{link}</wp:comment_author_url><wp:comment_date>2010-02-10 10:00:00</wp:comment_date><wp:comment_content>{text}</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type>pingback</wp:comment_type><wp:comment_parent>{c1}</wp:comment_parent></wp:comment>
</item>\n",
            title = cdata(f(base + 1)),
            link = cdata(&format!("http://blog.example{}", f(base + 2))),
            body = cdata(f(base + 3)),
            excerpt = cdata(f(base + 4)),
            slug = cdata(f(base + 5)),
            old = cdata(f(base + 6)),
            author = cdata(f(base + 7)),
            url = cdata(f(base + 8)),
            text = cdata(f(base + 3)),
            parent = n - 1,
            c1 = n * 10,
            c2 = n * 10 + 1,
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<rss version=\"2.0\" xmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:wp=\"http://wordpress.org/export/1.2/\">
<channel><title>{}</title><link>http://blog.example/</link><language>{}</language><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>http://blog.example/</wp:base_site_url>
{xml}</channel></rss>\n",
        cdata(f(items * 9)),
        cdata(f(items * 9 + 1)),
    )
}

/// Every file under `dir`, checked to be a file or folder inside it.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let kind = e.file_type().unwrap();
        assert!(!kind.is_symlink(), "a link: {:?}", e.path());
        let name = e.file_name().into_string().expect("a UTF-8 name");
        assert!(
            !name.chars().any(char::is_control) && name != ".." && name != ".",
            "{name:?}"
        );
        if kind.is_dir() {
            files(&e.path(), out);
        } else {
            out.push(e.path());
        }
    }
}

/// The front matter of a written page, parsed; it must end where wxr
/// ended it, after the last field.
fn check_front_matter(path: &Path, text: &str, syntax: Syntax) {
    match syntax {
        Syntax::Yaml => {
            let body = text.strip_prefix("---\n").expect("YAML front matter");
            let (fm, _) = body.split_once("\n---\n").expect("closed");
            let v: serde_json::Value = serde_saphyr::from_str(fm).unwrap_or_else(|e| panic!("{path:?}: {e}\n{fm}"));
            assert!(
                v.get("wp_id").is_some() || v.get("layout").is_some(),
                "{path:?}: ended early:\n{fm}"
            );
        }
        Syntax::Toml => {
            let body = text.strip_prefix("+++\n").expect("TOML front matter");
            let (fm, _) = body.split_once("\n+++\n").expect("closed");
            let v: toml::Table = toml::from_str(fm).unwrap_or_else(|e| panic!("{path:?}: {e}\n{fm}"));
            let extra = v.get("extra").and_then(|e| e.as_table());
            assert!(
                v.contains_key("wp_id") || extra.is_some_and(|e| e.contains_key("wp_id")),
                "{path:?}: ended early:\n{fm}"
            );
        }
        Syntax::Json => {}
    }
}

/// Each line of a redirect file is one redirect in the server's syntax.
fn check_redirects(name: &str, text: &str) {
    let quoted = r#""(?:[^"\\\x00-\x1f]|\\.)*""#;
    let nginx = regex::Regex::new(&format!(
        r#"^(?:location = {quoted} \{{ return 301 {quoted}; \}}|if \(\$args ~ "\^(?:[A-Za-z0-9\-_=&/]|\\x[0-9A-F]{{2}}|\\\.)*\$"\) \{{ return 301 {quoted}; \}})$"#
    ))
    .unwrap();
    for line in text.lines() {
        assert!(!line.chars().any(char::is_control), "{name}: {line:?}");
        if name.ends_with("nginx.conf") {
            assert!(nginx.is_match(line), "{name}: {line:?}");
        } else if name.ends_with(".htaccess") {
            let fields: Vec<&str> = line.split(' ').collect();
            let ok = match fields[0] {
                "RewriteEngine" => line == "RewriteEngine On",
                "RewriteCond" => fields.len() == 3 && fields[1] == "%{QUERY_STRING}",
                "RewriteRule" => fields.len() == 4 && fields[1].starts_with('^') && fields[3].starts_with('['),
                _ => false,
            };
            assert!(ok, "{name}: {line:?}");
        } else if name.ends_with("_redirects") {
            let n = line.split(' ').count();
            assert!(n >= 3 && !line.contains("  "), "{name}: {line:?}");
        }
    }
}

/// Writes the site of `data` (its first byte chooses the generator and
/// where comments go; the rest is fields separated by `\x1f`) with every
/// redirect file, and checks what was written.
pub fn run(data: &[u8], items: usize) {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let fields: Vec<String> = text.split('\u{1f}').map(str::to_string).collect();
    let ssgs: Vec<Ssg> = Ssg::all().collect();
    let ssg = ssgs[usize::from(choice) % ssgs.len()];
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.xml");
    std::fs::write(&input, export(&fields, items)).unwrap();
    let site = dir.path().join("site");
    let opts = Options {
        ssg,
        syntax: ssg.syntax(),
        out_dir: site.clone(),
        policy: Policy::default(),
        comments: match choice >> 6 {
            0 | 1 => CommentsMode::Data,
            2 => CommentsMode::Inline,
            _ => CommentsMode::None,
        },
        redirects: vec![Redirects::Netlify, Redirects::Nginx, Redirects::Apache, Redirects::Csv],
        dry_run: false,
        force: false,
        prune: false,
        meta_keys: Vec::new(),
        download: None,
        download_bar: false,
    };
    let inputs = Inputs::new(vec![Source::Path(input)], ReadOptions::default());
    let Ok(report) = write_site(&inputs, &opts) else { return };
    // Nothing beside the export and the site.
    let top: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(top.len(), 2, "{top:?}");
    let mut written = Vec::new();
    files(&site, &mut written);
    for path in written {
        let rel = path.strip_prefix(&site).unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        // The generator's project (configuration, theme) is not a page.
        let project = report.project.contains(&rel);
        if rel.ends_with(".md") && !project {
            check_front_matter(&path, &text, opts.syntax);
        }
        if rel.ends_with("_redirects") || rel.ends_with(".htaccess") || rel.ends_with("nginx.conf") {
            check_redirects(&rel, &text);
        }
    }
}
