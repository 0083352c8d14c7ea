//! The progress bar, as a user sees it on a terminal: `wxr convert` of an
//! export of 10 MiB to a site, run under `script` (util-linux) for a
//! pseudo-terminal. The bar names the pass it counts and its total is the
//! size of the input, once, though the site reads it twice.

use std::process::Command;

/// An export of `items` posts of about 4 KiB each.
fn export(items: usize) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
         xmlns:wp=\"http://wordpress.org/export/1.2/\">\n<channel><title>Big</title>\
         <link>http://big.example</link><wp:wxr_version>1.2</wp:wxr_version>\n",
    );
    let text = "Un paragraphe assez long pour peser son poids, avec des mots. ".repeat(64);
    for i in 1..=items {
        xml.push_str(&format!(
            "<item><title>Post {i}</title><link>http://big.example/?p={i}</link>\
             <content:encoded><![CDATA[<p>{text}</p>]]></content:encoded>\
             <wp:post_id>{i}</wp:post_id><wp:post_date>2010-05-01 10:00:00</wp:post_date>\
             <wp:post_name>post-{i}</wp:post_name><wp:status>publish</wp:status>\
             <wp:post_type>post</wp:post_type></item>\n"
        ));
    }
    xml.push_str("</channel></rss>\n");
    xml
}

#[test]
fn the_bar_names_its_pass_and_counts_the_input_once() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("progress bar test skipped: no `script` (util-linux) for a terminal");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.xml");
    std::fs::write(&input, export(2600)).unwrap();
    let size = std::fs::metadata(&input).unwrap().len();
    assert!(size > 8 << 20, "{size} bytes: too small for a bar");
    let command = format!(
        "stty cols 120; '{}' convert big.xml -f markdown -o site",
        env!("CARGO_BIN_EXE_wxr")
    );
    let o = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .current_dir(dir.path())
        .env("TERM", "xterm")
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{shown}");
    let frames: Vec<&str> = shown.split(['\r', '\n']).filter(|f| f.contains(" eta ")).collect();
    assert!(!frames.is_empty(), "no bar: {shown}");
    let total = format!("/{:.2} MiB", size as f64 / f64::from(1 << 20));
    for f in &frames {
        assert!(f.contains(&total), "not the input's size {total}: {f:?}");
    }
    assert!(
        frames.iter().any(|f| f.contains("pass 2/2: writing the site")),
        "{frames:?}"
    );
    assert!(!frames.iter().any(|f| f.contains("pass 3")), "{frames:?}");
    // The run's summary follows the bar, which is gone.
    assert!(shown.contains("2600 posts and pages"), "{shown}");
}
