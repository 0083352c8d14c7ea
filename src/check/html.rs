//! `wxr check --format html`: the report as one page for the blogger,
//! self-contained (its style and script inline, nothing loaded from
//! anywhere): the counts, filters by severity and by action, and a table
//! of every finding, grouped by post as the human report is, whose
//! columns sort when their heading is clicked. Each row links to the post
//! and to the ping's source, says why and what to do with the comment id.
//!
//! Titles, source URLs and messages (which quote pages of other sites)
//! come from strangers: every one is escaped as text, links are written
//! only for `http`, `https` and `mailto` URLs, with `rel="nofollow
//! noreferrer"`, and the page's Content-Security-Policy loads nothing and
//! runs only its own inline script. Without JavaScript the table is all
//! there, unsorted and unfiltered.

use super::report::{Report, action_phrase, by_item, item_heading, sentence, todo};
use super::{Action, Severity};
use crate::diag::counted;
use crate::transform::sanitize::safe_url;
use crate::transform::shortcodes::esc_attr;
use std::io::{self, Write};

/// The page's style: readable on a phone and on a wide screen.
const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:90rem;padding:0 1rem;color:#222}\
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}\
fieldset{display:inline-block;border:1px solid #ccc;margin:0 1rem .5rem 0;padding:.3rem .8rem}\
label{margin-right:.8rem;white-space:nowrap}\
table{border-collapse:collapse;width:100%;font-size:.9rem}\
th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}\
th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer}\
th[aria-sort=ascending] button::after{content:' \\25B2'}th[aria-sort=descending] button::after{content:' \\25BC'}\
td.why{max-width:32rem}td.post{min-width:9rem}td a{word-break:break-all}small{color:#666}\
.sev{font-weight:600;padding:0 .3rem;border-radius:3px}.error{background:#fdd}.warning{background:#ffe9b3}.info{background:#e6eefc}\
@media (max-width:50rem){table{font-size:.8rem}}";

/// The page's script: the filters and the sorting of the table.
const SCRIPT: &str = r"(() => {
  const table = document.getElementById('findings');
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const filters = document.getElementById('filters');
  const shown = document.getElementById('shown');
  const update = () => {
    const on = (name) => new Set(Array.from(filters.querySelectorAll('input[name=' + name + ']:checked'), (i) => i.value));
    const severity = on('severity'), action = on('action');
    let n = 0;
    for (const r of rows) {
      r.hidden = !(severity.has(r.dataset.severity) && action.has(r.dataset.action));
      if (!r.hidden) n++;
    }
    shown.textContent = n + ' of ' + rows.length + ' findings shown';
  };
  filters.addEventListener('change', update);
  table.tHead.addEventListener('click', (e) => {
    const th = e.target.closest('th');
    if (!th) return;
    const column = th.cellIndex, numeric = th.dataset.type === 'number';
    const ascending = th.getAttribute('aria-sort') !== 'ascending';
    for (const h of table.tHead.rows[0].cells) h.removeAttribute('aria-sort');
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    const key = (r) => {
      const c = r.cells[column];
      const v = c.dataset.sort ?? c.textContent;
      return numeric ? Number(v) : v.toLowerCase();
    };
    const sorted = rows.slice().sort((a, b) => {
      const x = key(a), y = key(b);
      return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
    });
    body.append(...sorted);
  });
  update();
})();";

/// The columns: heading, and whether it sorts as a number.
const COLUMNS: [(&str, bool); 8] = [
    ("Severity", true),
    ("Post", false),
    ("Comment", true),
    ("Type", false),
    ("Source", false),
    ("Why", false),
    ("What to do", false),
    ("Code", false),
];

/// Every action, in the filter's order.
const ACTIONS: [Action; 6] = [
    Action::Delete,
    Action::RewriteSource,
    Action::Reparent,
    Action::MarkSpam,
    Action::Review,
    Action::None,
];

/// Writes the page of `report`.
pub(super) fn write(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    let s = &report.summary;
    let paths = esc_attr(&report.export.paths.join(", "));
    writeln!(w, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")?;
    writeln!(
        w,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        w,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
    )?;
    writeln!(w, "<meta name=\"referrer\" content=\"no-referrer\">")?;
    writeln!(
        w,
        "<title>Pingback audit: {paths}</title>\n<style>{STYLE}</style></head><body>"
    )?;
    writeln!(w, "<h1>Pingback audit: {paths}</h1>")?;
    writeln!(w, "<p>{}</p>", s.counts().join(" · "))?;
    writeln!(w, "<p><strong>{}</strong></p>", esc_attr(&s.summary_line()))?;
    for d in &s.diagnostics {
        writeln!(w, "<p><code>{}</code>: {}</p>", esc_attr(&d.code), esc_attr(&d.message))?;
    }
    let findings = report.by_severity(Severity::Info);
    let groups = by_item(&findings);
    writeln!(w, "<form id=\"filters\"><fieldset><legend>Severity</legend>")?;
    for (sev, n) in [
        (Severity::Error, s.findings.error),
        (Severity::Warning, s.findings.warning),
        (Severity::Info, s.findings.info),
    ] {
        let name = sev.as_str();
        writeln!(
            w,
            "<label><input type=\"checkbox\" name=\"severity\" value=\"{name}\" checked> {name} ({n})</label>"
        )?;
    }
    writeln!(w, "</fieldset><fieldset><legend>Action</legend>")?;
    for a in ACTIONS {
        let n = findings.iter().filter(|f| f.fix.action == a).count();
        let name = a.as_str();
        writeln!(
            w,
            "<label><input type=\"checkbox\" name=\"action\" value=\"{name}\" checked> {} ({n})</label>",
            name.replace('_', " ")
        )?;
    }
    writeln!(w, "</fieldset></form>")?;
    writeln!(
        w,
        "<p id=\"shown\">{}</p>",
        counted(findings.len() as u64, "finding", "findings")
    )?;
    write!(w, "<table id=\"findings\"><thead><tr>")?;
    for (name, numeric) in COLUMNS {
        let kind = if numeric { " data-type=\"number\"" } else { "" };
        write!(w, "<th{kind}><button type=\"button\">{name}</button></th>")?;
    }
    writeln!(w, "</tr></thead><tbody>")?;
    for f in groups.iter().flatten() {
        row(w, f)?;
    }
    writeln!(w, "</tbody></table>")?;
    let todo = report.to_do(Severity::Info);
    if !todo.is_empty() {
        writeln!(w, "<h2>To do</h2><ul>")?;
        for (action, ids) in &todo {
            let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
            writeln!(w, "<li>{}: {}</li>", action_phrase(*action, ids.len()), ids.join(", "))?;
        }
        writeln!(w, "</ul>")?;
    }
    writeln!(w, "<script>{SCRIPT}</script>\n</body></html>")
}

/// One finding's row.
fn row(w: &mut dyn Write, f: &super::Finding) -> io::Result<()> {
    let sev = f.severity.as_str();
    let rank = match f.severity {
        Severity::Error => 3,
        Severity::Warning => 2,
        Severity::Info => 1,
    };
    let heading = esc_attr(&item_heading(f));
    let post = match f.item_link.as_deref().and_then(safe_url) {
        Some(url) => format!(
            "<a href=\"{}\" rel=\"nofollow noreferrer\">{heading}</a>",
            esc_attr(&url)
        ),
        None => heading.clone(),
    };
    let ping = matches!(f.comment_type.as_deref(), Some("pingback" | "trackback"));
    let source = match f.source_url.as_deref() {
        None | Some("") if ping => "<small>(no source)</small>".to_string(),
        None | Some("") => String::new(),
        Some(u) => match safe_url(u) {
            Some(url) => format!(
                "<a href=\"{}\" rel=\"nofollow noreferrer\">{}</a>",
                esc_attr(&url),
                esc_attr(u)
            ),
            None => esc_attr(u),
        },
    };
    let kind = f.comment_type.as_deref().unwrap_or("");
    let id = f.comment_id.map_or_else(|| "-".to_string(), |c| c.to_string());
    writeln!(
        w,
        "<tr data-severity=\"{sev}\" data-action=\"{}\"><td data-sort=\"{rank}\"><span class=\"sev {sev}\">{sev}</span></td>\
         <td class=\"post\" data-sort=\"{heading}\">{post}</td><td data-sort=\"{}\">{}</td><td>{}</td><td>{source}</td>\
         <td class=\"why\">{}</td><td>{}</td><td><code>{}</code></td></tr>",
        f.fix.action.as_str(),
        f.comment_id.unwrap_or(-1),
        id,
        esc_attr(kind),
        esc_attr(&sentence(&f.message)),
        esc_attr(&todo(f).unwrap_or_default()),
        esc_attr(&f.code),
    )
}
