//! Redirect files from every old URL of the site to its new one: Netlify
//! `_redirects`, nginx rules, Apache `.htaccess`, CSV.

use super::plan::Plan;
use super::{Redirects, Ssg};

/// A redirect file from every old URL to the new one.
pub(super) fn redirect_file(kind: Redirects, ssg: Ssg, plan: &Plan) -> (String, String) {
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    for p in plan.decisions.iter().flatten() {
        for old in p.aliases.iter().chain(&p.query_urls) {
            pairs.push((old, &p.url));
        }
    }
    let static_dir = ssg.static_dir();
    let mut text = String::new();
    let name = match kind {
        Redirects::Netlify => {
            for (old, new) in &pairs {
                match old.split_once('?') {
                    Some((path, query)) => {
                        let (k, v) = query.split_once('=').unwrap_or((query, ""));
                        text.push_str(&format!("{path} {k}={v} {new} 301!\n"));
                    }
                    None => text.push_str(&format!("{old} {new} 301\n")),
                }
            }
            format!("{static_dir}_redirects")
        }
        Redirects::Nginx => {
            for (old, new) in &pairs {
                match old.split_once('?') {
                    Some((_, query)) => text.push_str(&format!("if ($args = \"{query}\") {{ return 301 {new}; }}\n")),
                    None => text.push_str(&format!("location = {old} {{ return 301 {new}; }}\n")),
                }
            }
            "redirects.nginx.conf".to_string()
        }
        Redirects::Apache => {
            text.push_str("RewriteEngine On\n");
            for (old, new) in &pairs {
                match old.split_once('?') {
                    Some((path, query)) => {
                        let path = path.trim_start_matches('/');
                        text.push_str(&format!(
                            "RewriteCond %{{QUERY_STRING}} ^{}$\nRewriteRule ^{}$ {new}? [R=301,L]\n",
                            regex_escape(query),
                            regex_escape(path)
                        ));
                    }
                    None => text.push_str(&format!(
                        "RewriteRule ^{}/?$ {new} [R=301,L]\n",
                        regex_escape(old.trim_matches('/'))
                    )),
                }
            }
            format!("{static_dir}.htaccess")
        }
        Redirects::Csv => {
            text.push_str("old,new\n");
            for (old, new) in &pairs {
                text.push_str(&format!("{},{}\n", csv_field(old), csv_field(new)));
            }
            "redirects.csv".to_string()
        }
    };
    (name, text)
}

fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
