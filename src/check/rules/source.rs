//! Family `source`: the source URL, from the export alone. Its syntax
//! (`ping.source.missing`, `.malformed`, `.unsupported_scheme`,
//! `.has_credentials`), then the sources never fetched
//! (`.reserved_domain`, `.private_address`).

use super::{Ping, maker};
use crate::check::codes::Code;
use crate::check::{Finding, Options, source_host};
use crate::site;
use serde_json::json;

/// The source URL's syntax. Returns the cleaned URL when it can be
/// fetched or resolved.
pub(crate) fn syntax(p: &Ping, findings: &mut Vec<Finding>) -> Option<String> {
    let m = maker(p);
    let raw = p.url.as_deref().unwrap_or_default();
    let clean = site::clean_url(raw);
    if clean.is_empty() {
        findings.push(m.offline(
            Code::SourceMissing,
            format!("this {} has no source URL", p.kind),
            json!({}),
        ));
        return None;
    }
    let parsed = match url::Url::parse(&clean) {
        Ok(u) => u,
        Err(e) => {
            findings.push(m.offline(
                Code::SourceMalformed,
                format!("the source URL is not an absolute URL ({e})"),
                json!({ "url": raw }),
            ));
            return None;
        }
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        if parsed.cannot_be_a_base() && !parsed.has_host() && clean.contains("://") {
            findings.push(m.offline(
                Code::SourceMalformed,
                "the source URL is not an absolute URL".to_string(),
                json!({ "url": raw }),
            ));
        } else {
            findings.push(m.offline(
                Code::SourceUnsupportedScheme,
                format!("the source is a {}: URL, not a web page", parsed.scheme()),
                json!({ "scheme": parsed.scheme() }),
            ));
        }
        return None;
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        findings.push(m.offline(
            Code::SourceMalformed,
            "the source URL has no host".to_string(),
            json!({ "url": raw }),
        ));
        return None;
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        findings.push(m.offline(
            Code::SourceHasCredentials,
            "the source URL holds a user name or password; not fetched".to_string(),
            json!({}),
        ));
        return None;
    }
    Some(clean)
}

/// The sources never fetched: on a reserved domain, or on a private or
/// loopback address unless `--allow-private`. Returns why, as the
/// report's `skipped` counts it.
pub(crate) fn unfetchable(p: &Ping, url: &str, opts: &Options, findings: &mut Vec<Finding>) -> Option<&'static str> {
    let m = maker(p);
    if is_reserved(url, opts) {
        findings.push(m.offline(
            Code::SourceReservedDomain,
            "the source is on a reserved domain (RFC 2606), which can never be a live page".to_string(),
            json!({ "host": source_host(url) }),
        ));
        return Some("reserved");
    }
    if is_private(url) && !opts.net.allow_private {
        findings.push(m.offline(
            Code::SourcePrivateAddress,
            "the source is on a private or loopback address (a staging copy?); not fetched".to_string(),
            json!({ "host": source_host(url) }),
        ));
        return Some("private");
    }
    None
}

fn is_reserved(url: &str, opts: &Options) -> bool {
    let host = source_host(url);
    crate::http::is_reserved_host(&host) && !opts.resolver.serves(&host)
}

fn is_private(url: &str) -> bool {
    crate::http::is_private_host(&source_host(url))
}
