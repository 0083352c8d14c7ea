//! Text is text in the built site: `fixtures/hostile/templates.xml` holds
//! Liquid (`{% for x in y %}`, `{{ "now" | date: "%Y" }}`), Hugo shortcodes
//! (`{{< youtube abc >}}`, `{{% notice %}}`, one never closed), Zola
//! shortcodes, a Jinja and an Ansible sample, and `+++` lines, in a post's
//! title, excerpt, body and code, in its comments (author and text), in a
//! post without an excerpt (Jekyll makes one from the first paragraph) and
//! in a page. Each generator builds the site (comments inline, and for Hugo
//! and Jekyll also as data files that the layout shows; Hugo with YAML and
//! TOML front matter, Zola with TOML), and each text must
//! be in the built pages as written, the year never where the date filter
//! was. The layouts show the title and the excerpt too. Text is compared
//! without tags, entities decoded, typographic quotes as straight ones (the
//! generators curl quotes in prose, as WordPress does) and whitespace
//! collapsed. Generators are found and skipped as in `ssg`.

use crate::ssg::{astro_project, build, tool};
use crate::util::{root, wxr};
use std::path::Path;

/// What each page must show, by URL.
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "template-syntax",
        &[
            r#"Title {% for x in y %} {{ 'now' | date: '%Y' }} {{< youtube abc >}} {{% notice %}} +++ title end"#,
            r#"Excerpt {% for x in y %} {{ 'now' | date: '%Y' }} {{< youtube abc >}} {{% notice %}} +++ excerpt end"#,
            r#"Body {% for x in y %} {{ "now" | date: "%Y" }} {{< youtube abc >}} {{% notice %}} body end."#,
            r#"In code: {{% notice %}} , {{ "now" | date: "%Y" }} , {{< youtube abc >}} , {% for x in y %} ."#,
            r#"{% extends "base.html" %} {% block content %} <ul> {% for user in users %} <li>{{ user.name | title }}</li> {% endfor %} </ul> {{ super() }} {% endblock %}"#,
            r#"- name: Greet the host debug: msg: "{{ ansible_facts['hostname'] }} {% raw %}{{ kept }}{% endraw %}""#,
            r#"Zola shortcodes: {{ youtube(id="abc") }}, {% note(kind="tip") %}a body{% end %} and a lone {% end %}; Hugo's own escape: {{</* figure */>}}."#,
            "Mallory {{% notice %}}",
            r#"Comment {% x %} {{< youtube abc >}} {{ "now" | date: "%Y" }} comment end"#,
            "Reply {% for x in y %} {{% notice %}} and, never closed, {{< and {{% reply end",
        ],
    ),
    (
        "no-excerpt",
        &[r#"First {% if broken %} {{ "now" | date: "%Y" }} first end."#],
    ),
    (
        "a-page",
        &[r#"Page {% for x in y %} {{ "now" | date: "%Y" }} {{< youtube abc >}} {{% notice %}} page end."#],
    ),
];

/// Converts the fixture for `ssg` with `--comments comments` and
/// `--front-matter syntax` into a new directory; returns it and the
/// report's written URLs.
fn site(ssg: &str, comments: &str, syntax: &str) -> (tempfile::TempDir, Vec<String>) {
    let out = tempfile::tempdir().unwrap();
    let input = root().join("fixtures/hostile/templates.xml");
    let o = wxr(&root())
        .args([
            "convert",
            "--format",
            "markdown",
            "-q",
            "--ssg",
            ssg,
            "--comments",
            comments,
            "--front-matter",
            syntax,
            "-o",
        ])
        .arg(out.path())
        .arg(&input)
        .output()
        .unwrap();
    assert!(o.status.success(), "{ssg}: {}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("_wxr/wxr-report.json")).unwrap()).unwrap();
    let urls = report["written"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["url"].as_str().unwrap().to_string())
        .collect();
    (out, urls)
}

/// The text of an HTML page: tags dropped (each one a space; a `<` starts
/// one only before a letter, `/`, `!` or `?`, as in HTML), entities
/// decoded, typographic quotes straight, whitespace collapsed.
fn text_of(html: &str) -> String {
    let mut bare = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        let tag = rest[at + 1..]
            .bytes()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, b'/' | b'!' | b'?'));
        if !tag {
            bare.push_str(&rest[..at + 1]);
            rest = &rest[at + 1..];
            continue;
        }
        bare.push_str(&rest[..at]);
        bare.push(' ');
        rest = rest[at..].find('>').map_or("", |end| &rest[at + end + 1..]);
    }
    bare.push_str(rest);
    let decoded = decode_entities(&bare);
    let straight: String = decoded
        .chars()
        .map(|c| match c {
            '“' | '”' | '„' => '"',
            '‘' | '’' => '\'',
            c => c,
        })
        .collect();
    collapse(&straight)
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `&lt;`, `&#34;`, `&#x27;` and the other entities generators write.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let entity = rest.find(';').filter(|&end| end <= 10).map(|end| &rest[1..end]);
        let c = entity.and_then(|e| match e {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            "ldquo" => Some('“'),
            "rdquo" => Some('”'),
            "lsquo" => Some('‘'),
            "rsquo" => Some('’'),
            _ => {
                let n = e.strip_prefix('#')?;
                let code = match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => n.parse().ok()?,
                };
                char::from_u32(code)
            }
        });
        match (c, entity) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = &rest[e.len() + 2..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every expected text is on its page of the site built in `public`, and
/// the year nowhere.
fn check(public: &Path, urls: &[String], what: &str) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let year = chrono::DateTime::from_timestamp(now as i64, 0)
        .unwrap()
        .format("%Y")
        .to_string();
    let mut problems = Vec::new();
    for (slug, texts) in EXPECTED {
        let Some(url) = urls
            .iter()
            .find(|u| u.trim_end_matches('/').ends_with(&format!("/{slug}")))
        else {
            problems.push(format!("no URL for {slug} in {urls:?}"));
            continue;
        };
        let file = public.join(url.trim_matches('/')).join("index.html");
        let Ok(html) = std::fs::read_to_string(&file) else {
            problems.push(format!("no page {}", file.display()));
            continue;
        };
        let text = text_of(&html);
        for want in *texts {
            if !text.contains(&collapse(want)) {
                problems.push(format!("{url}: {want:?} is not in the page's text:\n{text}"));
            }
        }
        if text.contains(&year) {
            problems.push(format!("{url}: the year {year} is in the page's text:\n{text}"));
        }
    }
    assert!(problems.is_empty(), "{what}:\n{}", problems.join("\n\n"));
}

#[test]
fn hugo_shows_template_syntax_as_text() {
    let Some(hugo) = tool("hugo") else { return };
    for (comments, syntax) in [("inline", "yaml"), ("data", "toml")] {
        let (dir, urls) = site("hugo", comments, syntax);
        std::fs::write(
            dir.path().join("hugo.toml"),
            "baseURL = \"https://example.org/\"\ntitle = \"test\"\n",
        )
        .unwrap();
        let layouts = dir.path().join("layouts/_default");
        std::fs::create_dir_all(&layouts).unwrap();
        let thread = "{{ with index site.Data.comments (string .Params.wp_id) }}{{ range .comments }}\
                      <p>{{ .author }}</p>{{ .content | safeHTML }}\
                      {{ range .replies }}<p>{{ .author }}</p>{{ .content | safeHTML }}{{ end }}{{ end }}{{ end }}";
        std::fs::write(
            layouts.join("single.html"),
            format!("<h1>{{{{ .Title }}}}</h1><div>{{{{ .Summary }}}}</div>{{{{ .Content }}}}{thread}"),
        )
        .unwrap();
        std::fs::write(layouts.join("list.html"), "{{ range .Pages }}{{ .Title }}{{ end }}").unwrap();
        let what = format!("hugo, comments {comments}, {syntax} front matter");
        build(&hugo, &["--quiet"], dir.path(), &what);
        check(&dir.path().join("public"), &urls, &what);
    }
}

#[test]
fn jekyll_shows_template_syntax_as_text() {
    let Some(jekyll) = tool("jekyll") else { return };
    for comments in ["inline", "data"] {
        let (dir, urls) = site("jekyll", comments, "yaml");
        std::fs::write(dir.path().join("_config.yml"), "title: test\n").unwrap();
        let layouts = dir.path().join("_layouts");
        std::fs::create_dir_all(&layouts).unwrap();
        let layout = "<h1>{{ page.title }}</h1><div>{{ page.excerpt }}</div>{{ content }}\
                      {% assign id = page.wp_id | append: \"\" %}{% for c in site.data.comments[id].comments %}\
                      <p>{{ c.author }}</p>{{ c.content }}\
                      {% for r in c.replies %}<p>{{ r.author }}</p>{{ r.content }}{% endfor %}{% endfor %}";
        std::fs::write(layouts.join("post.html"), layout).unwrap();
        std::fs::write(layouts.join("page.html"), layout).unwrap();
        let what = format!("jekyll, comments {comments}");
        build(&jekyll, &["build", "--quiet"], dir.path(), &what);
        check(&dir.path().join("_site"), &urls, &what);
    }
}

#[test]
fn eleventy_shows_template_syntax_as_text() {
    let Some(eleventy) = tool("eleventy") else { return };
    let (dir, urls) = site("eleventy", "inline", "yaml");
    // A layout for every page that shows the excerpt too, in place of
    // wxr's (whose post pages show none).
    std::fs::remove_file(dir.path().join("posts/posts.json")).unwrap();
    std::fs::write(
        dir.path().join("_includes/wxr/page.njk"),
        "<h1>{{ title }}</h1><div>{{ excerpt | safe }}</div>{{ content | safe }}",
    )
    .unwrap();
    build(&eleventy, &["--quiet"], dir.path(), "eleventy");
    check(&dir.path().join("_site"), &urls, "eleventy");
}

#[test]
fn zola_shows_template_syntax_as_text() {
    let Some(zola) = tool("zola") else { return };
    let (dir, urls) = site("zola", "inline", "toml");
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    for (name, text) in [
        (
            "page.html",
            "<h1>{{ page.title }}</h1><div>{{ page.description | safe }}</div>{{ page.content | safe }}",
        ),
        ("section.html", "{% for p in section.pages %}{{ p.title }}{% endfor %}"),
        ("index.html", "index"),
    ] {
        std::fs::write(templates.join(name), text).unwrap();
    }
    build(&zola, &["build"], dir.path(), "zola");
    check(&dir.path().join("public"), &urls, "zola");
}

#[test]
fn astro_shows_template_syntax_as_text() {
    let Some(astro) = tool("astro") else { return };
    let (dir, urls) = site("astro", "inline", "yaml");
    astro_project(&astro, dir.path());
    // The project's page, with the description.
    std::fs::write(
        dir.path().join("src/pages/[...slug].astro"),
        r#"---
import { getCollection, render } from "astro:content";
export async function getStaticPaths() {
  const { collections } = await import("../content.config");
  const paths = [];
  for (const name of Object.keys(collections)) {
    if (name === "comments") continue;
    for (const entry of await getCollection(name)) {
      paths.push({ params: { slug: `${name}/${entry.id}` }, props: { entry } });
    }
  }
  return paths;
}
const { entry } = Astro.props;
const { Content } = await render(entry);
---
<h1>{entry.data.title}</h1><div set:html={entry.data.description} />
<Content />
"#,
    )
    .unwrap();
    build(&astro, &["build", "--silent"], dir.path(), "astro");
    check(&dir.path().join("dist"), &urls, "astro");
}
