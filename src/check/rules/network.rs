//! Family `network`: one ping judged from its source's fetch (done once
//! per source by [`crate::check::net`], read by [`crate::check::page`]):
//! the fetch failures (`ping.source.dns_nxdomain`, `.timeout`, …), the
//! final HTTP status (`.http_not_found`, …), the redirects, the page
//! (`.not_html`, `.truncated`, `.charset_fallback`), and the link back to
//! the item (`ping.backlink.missing`, `.variant`, `.unverifiable`).

use super::{Ping, maker};
use crate::check::codes::{Case, Code};
use crate::check::{Action, Finding, Phase, SourceResult, fetch_form};
use crate::http::ErrorKind;
use crate::site::SiteIndex;
use serde_json::json;
use std::collections::BTreeSet;

/// The code of a fetch that failed before any response.
fn error_code(kind: ErrorKind) -> Code {
    use ErrorKind as K;
    match kind {
        K::DnsNxdomain => Code::SourceDnsNxdomain,
        K::DnsError => Code::SourceDnsError,
        K::ConnectRefused => Code::SourceConnectRefused,
        K::ConnectTimeout => Code::SourceConnectTimeout,
        K::ConnectionReset => Code::SourceConnectionReset,
        K::Tls => Code::SourceTlsError,
        K::Timeout => Code::SourceTimeout,
        K::Protocol => Code::SourceProtocolError,
        K::RedirectLimit => Code::SourceRedirectLimit,
        K::RedirectLoop => Code::SourceRedirectLoop,
        K::RedirectInvalid => Code::SourceRedirectInvalid,
        K::PrivateAddress => Code::SourcePrivateAddress,
    }
}

/// The code of a final response that is no success.
fn status_code(status: u16) -> Code {
    match status {
        404 => Code::SourceHttpNotFound,
        410 => Code::SourceHttpGone,
        401 | 403 | 407 => Code::SourceHttpForbidden,
        429 => Code::SourceHttpRateLimited,
        500..=599 => Code::SourceHttpServerError,
        // 4xx, and what is neither a success, a redirect nor an error.
        _ => Code::SourceHttpClientError,
    }
}

/// The findings of one ping from its source's result: reachability,
/// HTTP status, redirects, the page, then the backlink.
pub(crate) fn check(p: &Ping, r: &SourceResult, index: &SiteIndex, findings: &mut Vec<Finding>) {
    let m = maker(p);
    let f = &r.fetch;
    let hops = || json!(f.hops);
    let attempts = f.attempts;
    if let Some(e) = &f.error
        && f.status.is_none()
    {
        findings.push(m.network(
            error_code(e.kind),
            format!("the source could not be fetched: {}", e.detail),
            json!({ "error": e.detail, "attempts": attempts, "hops": hops() }),
        ));
        return;
    }
    let Some(status) = f.status else { return };
    let original = p.url.as_deref().map(fetch_form).unwrap_or_default();
    let final_url = f.final_url.clone().unwrap_or_default();
    let redirected = f.hops.len() > 1;
    if !(200..300).contains(&status) {
        findings.push(m.network(
            status_code(status),
            format!("the source answers HTTP {status}"),
            json!({ "status": status, "final_url": final_url, "attempts": attempts, "hops": hops() }),
        ));
        if matches!(status, 401 | 403 | 407 | 429) {
            findings.push(m.network(
                Code::BacklinkUnverifiable,
                format!("the page could not be read (HTTP {status}), so the link back is unknown"),
                json!({ "reason": status }),
            ));
        }
        return;
    }
    // A 2xx, maybe after redirects.
    let path = |u: &str| url::Url::parse(u).map(|u| u.path().to_string()).unwrap_or_default();
    if redirected && path(&final_url) == "/" && path(&original) != "/" {
        findings.push(m.network(
            Code::SourceRedirectToRoot,
            format!("the source page redirects to the home page {final_url}: the page is gone"),
            json!({ "final_url": final_url, "hops": hops() }),
        ));
        return;
    }
    let permanent = f.hops.iter().any(|h| matches!(h.status, 301 | 308));
    let redirect_code = if permanent {
        Code::SourceRedirectPermanent
    } else {
        Code::SourceRedirectTemporary
    };
    let Some(page) = &r.page else { return };
    if f.truncated {
        findings.push(m.network(
            Code::SourceTruncated,
            format!(
                "the page is larger than the body limit; its first {} bytes were examined",
                f.bytes_read
            ),
            json!({ "bytes_read": f.bytes_read }),
        ));
    }
    if page.charset_fallback {
        findings.push(m.network(
            Code::SourceCharsetFallback,
            format!(
                "the page's character set was unknown or its bytes invalid; read as {}",
                page.charset
            ),
            json!({ "charset": page.charset }),
        ));
    }
    if !page.html && !page.plain {
        findings.push(m.network(
            Code::SourceNotHtml,
            format!(
                "the source is not a web page ({})",
                f.content_type.as_deref().unwrap_or("no Content-Type")
            ),
            json!({ "content_type": f.content_type }),
        ));
    }
    // The backlink.
    let target = p.item.id;
    let mut found = None;
    let mut elsewhere = BTreeSet::new();
    let mut links_to_site = 0;
    for l in &page.links {
        if let Some(res) = index.resolve(&l.url, None) {
            links_to_site += 1;
            if Some(res.id) == target {
                found.get_or_insert((l.clone(), res.rule));
            } else {
                elsewhere.insert(res.id);
            }
        } else if index.is_self_url(&l.url) {
            links_to_site += 1;
        }
    }
    if let Some((link, rule)) = &found {
        let canonical = p.item.link.as_deref().map(fetch_form);
        if canonical.as_deref() != Some(fetch_form(&link.url).as_str()) {
            findings.push(m.network(
                Code::BacklinkVariant,
                "the page links back, in another form than the item's permalink".to_string(),
                json!({ "href": link.href, "rule": rule.as_str() }),
            ));
        }
        if redirected {
            let msg = if permanent {
                "the source moved permanently; it still links back"
            } else {
                "the source redirects temporarily; it still links back"
            };
            let mut moved = m.find(
                redirect_code,
                Phase::Network,
                Some(Case::LinksBack),
                format!("{msg}: {final_url}"),
                json!({ "final_url": final_url, "hops": hops() }),
            );
            if moved.fix.action == Action::RewriteSource {
                moved.fix.new_value = json!(final_url);
            }
            findings.push(moved);
        }
        return;
    }
    if redirected {
        findings.push(m.network(
            redirect_code,
            format!("the source redirects to {final_url}"),
            json!({ "final_url": final_url, "hops": hops() }),
        ));
    }
    let reason = if page.undecodable {
        Some("charset")
    } else if f.truncated {
        Some("truncated")
    } else if f.error.is_some() {
        // The body broke off: what was read was examined, but a missing
        // link cannot be concluded.
        Some("incomplete")
    } else if !page.html && !page.plain {
        Some("not_html")
    } else if f.bytes_read == 0 {
        Some("empty")
    } else {
        None
    };
    if let Some(reason) = reason {
        findings.push(m.network(
            Code::BacklinkUnverifiable,
            format!("no link back was found, but the page could not be read whole ({reason})"),
            json!({ "reason": reason }),
        ));
        return;
    }
    findings.push(m.network(
        Code::BacklinkMissing,
        if elsewhere.is_empty() {
            "the source page no longer links to this item".to_string()
        } else {
            "the source page no longer links to this item (it links to other items of the site)".to_string()
        },
        json!({ "links_to_site": links_to_site, "links_to_items": elsewhere, "title": page.title }),
    ));
}
