//! The catalog of finding codes: every code `wxr check` can report, with
//! its stable string, the rule family that finds it, and its policy (the
//! severity, confidence and fix a finding of it carries).
//!
//! A rule names a [`Code`] and nothing else; the finding's severity,
//! confidence and action come from here. Where a code's policy depends on
//! the circumstances (a trackback, `--partial-export`, a page that still
//! links back), the one exception is stated next to the table, in
//! [`Code::exception`]. The README's table of codes is held against this
//! catalog by a test, so the two cannot drift.

use super::{Action, Confidence, Severity};

/// The rule family a code belongs to: the file of `check/rules/` that
/// reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// Thread structure, for every comment.
    Structure,
    /// The source URL, from the export alone.
    Source,
    /// Moderation state of the ping, state of its item.
    State,
    /// Several pings from one source on one item.
    Duplicates,
    /// Pings from this site, resolved against the export.
    SelfPing,
    /// Fetching the source, and the link back on its page.
    Network,
}

impl Family {
    /// The name the README's table uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Structure => "structure",
            Family::Source => "source",
            Family::State => "state",
            Family::Duplicates => "duplicates",
            Family::SelfPing => "self",
            Family::Network => "network",
        }
    }
}

/// What a finding of a code carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// How serious it is.
    pub severity: Severity,
    /// How sure it is.
    pub confidence: Confidence,
    /// What to do about it.
    pub action: Action,
}

/// A circumstance that changes the policy of a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// The ping is a trackback (which never had to link back).
    Trackback,
    /// `--partial-export`: the export holds only part of the site.
    PartialExport,
    /// The source page still links back to the item.
    LinksBack,
}

impl Case {
    /// How the README says it, after the policy it gives.
    pub fn phrase(self) -> &'static str {
        match self {
            Case::Trackback => "for a trackback",
            Case::PartialExport => "with `--partial-export`",
            Case::LinksBack => "when the page still links back",
        }
    }
}

/// Declares [`Code`] from one line per code: variant, string, family,
/// then the default severity, confidence and action.
macro_rules! catalog {
    ($($(#[doc = $doc:literal])+ $variant:ident = $code:literal, $family:ident, $severity:ident, $confidence:ident, $action:ident;)+) => {
        /// A finding code. Its string ([`Code::as_str`]) is stable forever:
        /// it is the report's `code`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($(#[doc = $doc])+ $variant,)+
        }

        impl Code {
            /// Every code, in the order of the README's table.
            pub const ALL: &[Code] = &[$(Code::$variant),+];

            /// The stable string, such as `ping.source.http_not_found`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)+
                }
            }

            /// The family whose rules report it.
            pub fn family(self) -> Family {
                match self {
                    $(Code::$variant => Family::$family,)+
                }
            }

            /// Its policy when no [`Case`] changes it.
            pub fn default_policy(self) -> Policy {
                match self {
                    $(Code::$variant => Policy {
                        severity: Severity::$severity,
                        confidence: Confidence::$confidence,
                        action: Action::$action,
                    },)+
                }
            }
        }
    };
}

catalog! {
    /// A reply to a comment that is not on its item.
    CommentOrphan = "comment.orphan", Structure, Warning, Certain, Reparent;
    /// A comment that is its own parent.
    CommentParentSelf = "comment.parent_self", Structure, Warning, Certain, Reparent;
    /// A comment whose parents lead back to it.
    CommentParentCycle = "comment.parent_cycle", Structure, Warning, Certain, Reparent;
    /// A parent with a higher id than its reply (the importer loses it).
    CommentParentAfterChild = "comment.parent_after_child", Structure, Warning, Certain, Review;
    /// One comment id on several comments.
    CommentIdDuplicate = "comment.id_duplicate", Structure, Error, Certain, Review;
    /// A ping with a parent comment (WordPress never sets one).
    PingParentSet = "ping.parent_set", Structure, Info, Certain, None;
    /// A ping without a source URL.
    SourceMissing = "ping.source.missing", Source, Error, Certain, Delete;
    /// A source URL that is not absolute, or has no host.
    SourceMalformed = "ping.source.malformed", Source, Error, Certain, Delete;
    /// A source URL neither http nor https.
    SourceUnsupportedScheme = "ping.source.unsupported_scheme", Source, Error, Certain, Delete;
    /// A source URL holding a user name or password.
    SourceHasCredentials = "ping.source.has_credentials", Source, Warning, Certain, Review;
    /// A source on a private or loopback address: seen in the URL, or
    /// (reported by the network rules) once its name is resolved.
    SourcePrivateAddress = "ping.source.private_address", Source, Warning, Certain, Delete;
    /// A source on a reserved domain (RFC 2606).
    SourceReservedDomain = "ping.source.reserved_domain", Source, Error, Certain, Delete;
    /// A ping marked as spam.
    StatusSpam = "ping.status.spam", State, Warning, Certain, Delete;
    /// A ping never moderated.
    StatusPending = "ping.status.pending", State, Warning, Certain, Review;
    /// A ping in the trash.
    StatusTrash = "ping.status.trash", State, Info, Certain, Delete;
    /// A ping Akismet judged spam, not marked as spam.
    AkismetSpam = "ping.akismet_spam", State, Warning, Certain, MarkSpam;
    /// A ping on an item that is not published.
    TargetNotPublished = "ping.target.not_published", State, Warning, Certain, Review;
    /// A ping on an item closed to pings.
    TargetPingsClosed = "ping.target.pings_closed", State, Info, Certain, None;
    /// A ping on an item neither a post nor a page.
    TargetUnusualType = "ping.target.unusual_type", State, Info, Certain, Review;
    /// A second ping of one kind from one source on one item.
    Duplicate = "ping.duplicate", Duplicates, Warning, Certain, Delete;
    /// A pingback and a trackback from one source on one item.
    DuplicateCrossType = "ping.duplicate_cross_type", Duplicates, Info, Certain, Review;
    /// A ping from this site.
    SelfPing = "ping.self", SelfPing, Info, Certain, None;
    /// A ping from this site that is no item of the export.
    SelfUnresolved = "ping.self.unresolved", SelfPing, Error, Certain, Delete;
    /// An item that pings itself.
    SelfSameItem = "ping.self.same_item", SelfPing, Error, Certain, Delete;
    /// A ping from an item of this site that is not published.
    SelfSourceNotPublished = "ping.self.source_not_published", SelfPing, Error, Certain, Delete;
    /// A ping from an item of this site that no longer links to the target.
    SelfNoBacklink = "ping.self.no_backlink", SelfPing, Error, Certain, Delete;
    /// The source's host name does not exist.
    SourceDnsNxdomain = "ping.source.dns_nxdomain", Network, Error, Certain, Delete;
    /// The source's host name could not be resolved.
    SourceDnsError = "ping.source.dns_error", Network, Warning, Likely, Review;
    /// The source's server refused the connection.
    SourceConnectRefused = "ping.source.connect_refused", Network, Warning, Likely, Review;
    /// Connecting to the source's server timed out.
    SourceConnectTimeout = "ping.source.connect_timeout", Network, Warning, Likely, Review;
    /// The connection was reset.
    SourceConnectionReset = "ping.source.connection_reset", Network, Warning, Likely, Review;
    /// TLS failed.
    SourceTlsError = "ping.source.tls_error", Network, Warning, Likely, Review;
    /// The source did not answer in time.
    SourceTimeout = "ping.source.timeout", Network, Warning, Likely, Review;
    /// The source's server spoke broken HTTP.
    SourceProtocolError = "ping.source.protocol_error", Network, Warning, Likely, Review;
    /// HTTP 404.
    SourceHttpNotFound = "ping.source.http_not_found", Network, Error, Certain, Delete;
    /// HTTP 410.
    SourceHttpGone = "ping.source.http_gone", Network, Error, Certain, Delete;
    /// HTTP 401, 403 or 407.
    SourceHttpForbidden = "ping.source.http_forbidden", Network, Warning, Likely, Review;
    /// HTTP 429.
    SourceHttpRateLimited = "ping.source.http_rate_limited", Network, Warning, Likely, Review;
    /// Any other HTTP status that is no success.
    SourceHttpClientError = "ping.source.http_client_error", Network, Warning, Likely, Review;
    /// HTTP 5xx.
    SourceHttpServerError = "ping.source.http_server_error", Network, Warning, Likely, Review;
    /// The source moved permanently.
    SourceRedirectPermanent = "ping.source.redirect_permanent", Network, Info, Certain, None;
    /// The source redirects temporarily.
    SourceRedirectTemporary = "ping.source.redirect_temporary", Network, Info, Certain, None;
    /// The source redirects to its site's home page: the page is gone.
    SourceRedirectToRoot = "ping.source.redirect_to_root", Network, Error, Likely, Delete;
    /// The redirects come back to a URL already visited.
    SourceRedirectLoop = "ping.source.redirect_loop", Network, Error, Certain, Delete;
    /// More redirects than `--max-redirects`.
    SourceRedirectLimit = "ping.source.redirect_limit", Network, Error, Certain, Delete;
    /// A redirect without a usable `Location`.
    SourceRedirectInvalid = "ping.source.redirect_invalid", Network, Error, Certain, Delete;
    /// The source is not a web page.
    SourceNotHtml = "ping.source.not_html", Network, Warning, Certain, Review;
    /// The page is larger than the body limit.
    SourceTruncated = "ping.source.truncated", Network, Info, Certain, None;
    /// The page's character set was unknown or its bytes invalid.
    SourceCharsetFallback = "ping.source.charset_fallback", Network, Info, Certain, None;
    /// The page no longer links to the item.
    BacklinkMissing = "ping.backlink.missing", Network, Error, Certain, Delete;
    /// The page links back in another form than the permalink.
    BacklinkVariant = "ping.backlink.variant", Network, Info, Certain, None;
    /// The page could not be read whole, so the link back is unknown.
    BacklinkUnverifiable = "ping.backlink.unverifiable", Network, Warning, Likely, Review;
}

impl Code {
    /// The one circumstance that changes this code's policy, and the
    /// policy it gives.
    pub fn exception(self) -> Option<(Case, Policy)> {
        let base = self.default_policy();
        match self {
            // WordPress required the link for a pingback, never for a
            // trackback.
            Code::BacklinkMissing => Some((
                Case::Trackback,
                Policy {
                    severity: Severity::Warning,
                    action: Action::Review,
                    ..base
                },
            )),
            // The post may simply not be in a partial export.
            Code::SelfUnresolved => Some((
                Case::PartialExport,
                Policy {
                    severity: Severity::Warning,
                    action: Action::Review,
                    ..base
                },
            )),
            // The page moved but is alive: point the ping at it.
            Code::SourceRedirectPermanent => Some((
                Case::LinksBack,
                Policy {
                    action: Action::RewriteSource,
                    ..base
                },
            )),
            _ => None,
        }
    }

    /// Its policy, given which cases hold.
    pub fn policy(self, holds: impl Fn(Case) -> bool) -> Policy {
        match self.exception() {
            Some((case, policy)) if holds(case) => policy,
            _ => self.default_policy(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The header of the README's table of codes.
    const HEADER: &str = "| Code | Family | Severity | Confidence | Fix |";

    /// The report's name of a severity, confidence or action.
    fn name<T: serde::Serialize>(v: T) -> String {
        serde_json::to_value(v)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// The catalog as the README's rows, cells trimmed.
    fn catalog_rows() -> Vec<Vec<String>> {
        Code::ALL
            .iter()
            .map(|&code| {
                let base = code.default_policy();
                let other = code.exception();
                // The default, then the exception's value where it differs.
                let field = |f: fn(Policy) -> String| match other {
                    Some((case, p)) if f(p) != f(base) => format!("{}; {} {}", f(base), f(p), case.phrase()),
                    _ => f(base),
                };
                vec![
                    format!("`{}`", code.as_str()),
                    code.family().as_str().to_string(),
                    field(|p| name(p.severity)),
                    field(|p| name(p.confidence)),
                    field(|p| name(p.action)),
                ]
            })
            .collect()
    }

    /// The table under [`HEADER`] in the README's `check` section.
    fn readme_rows() -> Vec<Vec<String>> {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap_or_default();
        let section = readme
            .split("\n### ")
            .find(|s| s.starts_with("Check: the pingback audit"))
            .unwrap_or_default();
        section
            .lines()
            .skip_while(|l| l.trim() != HEADER)
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .map(|l| {
                l.trim()
                    .trim_matches('|')
                    .split(" | ")
                    .map(|c| c.trim().to_string())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_readme_table_is_the_catalog() {
        let readme = readme_rows();
        assert!(
            !readme.is_empty(),
            "the README's check section has no table headed {HEADER}"
        );
        let show = |rows: &[Vec<String>]| rows.iter().map(|r| r.join(" | ")).collect::<Vec<_>>();
        assert_eq!(show(&readme), show(&catalog_rows()));
    }

    #[test]
    fn codes_are_unique_and_well_formed() {
        let strings: BTreeSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(strings.len(), Code::ALL.len());
        for s in strings {
            assert!(
                s.starts_with("comment.") || s.starts_with("ping."),
                "{s}: a code starts with comment. or ping."
            );
            assert!(
                s.bytes().all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_'),
                "{s}"
            );
        }
    }
}
