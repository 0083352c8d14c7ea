//! What a failure was and whether to try again: [`ErrorKind`] from ureq's
//! typed errors, the one `Retry-After` parser, and the [`Retry`] policy
//! (which failures and statuses are retried, and after how long).

use super::resolve::{DnsFailure, PrivateRefused};
use serde::{Deserialize, Serialize};
use std::io;
use std::time::{Duration, SystemTime};

/// How a request failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The name does not exist.
    DnsNxdomain,
    /// Resolution failed for now.
    DnsError,
    /// The server refused the connection.
    ConnectRefused,
    /// Connecting took too long.
    ConnectTimeout,
    /// The connection was reset or closed early.
    ConnectionReset,
    /// TLS failed.
    Tls,
    /// The response did not complete in time.
    Timeout,
    /// The server did not speak HTTP properly.
    Protocol,
    /// More redirects than allowed.
    RedirectLimit,
    /// A redirect came back to a URL already visited, with the same cookies.
    RedirectLoop,
    /// A redirect without a usable `Location`.
    RedirectInvalid,
    /// The name resolves to a private address.
    PrivateAddress,
}

impl ErrorKind {
    /// Worth another attempt.
    pub fn transient(self) -> bool {
        matches!(
            self,
            ErrorKind::DnsError | ErrorKind::ConnectTimeout | ErrorKind::ConnectionReset | ErrorKind::Timeout
        )
    }

    /// A failure on the way to a server or back (the name, the connection,
    /// the transfer), which a machine without a working network gets too:
    /// not a server's answer (the redirect kinds) nor wxr's own refusal (a
    /// private address).
    pub fn on_the_way(self) -> bool {
        !matches!(
            self,
            ErrorKind::RedirectLimit | ErrorKind::RedirectLoop | ErrorKind::RedirectInvalid | ErrorKind::PrivateAddress
        )
    }
}

impl From<&DnsFailure> for ErrorKind {
    fn from(d: &DnsFailure) -> ErrorKind {
        match d {
            DnsFailure::NxDomain(_) => ErrorKind::DnsNxdomain,
            DnsFailure::Temporary(_) => ErrorKind::DnsError,
        }
    }
}

/// Classifies a client error, from its type wherever ureq gives one; `url`
/// (the one requested) tells a TLS failure from another. The detail is the
/// error as the client gave it.
pub fn classify(e: &ureq::Error, url: &str) -> (ErrorKind, String) {
    use ureq::Timeout as T;
    let detail = e.to_string();
    let kind = match e {
        ureq::Error::Timeout(T::Connect) => ErrorKind::ConnectTimeout,
        ureq::Error::Timeout(T::Resolve) => ErrorKind::DnsError,
        ureq::Error::Timeout(_) => ErrorKind::Timeout,
        ureq::Error::HostNotFound => ErrorKind::DnsNxdomain,
        ureq::Error::Io(io) => return classify_io(io, url),
        ureq::Error::ConnectionFailed => ErrorKind::ConnectRefused,
        ureq::Error::TooManyRedirects => ErrorKind::RedirectLimit,
        ureq::Error::Tls(_) => ErrorKind::Tls,
        _ => ErrorKind::Protocol,
    };
    (kind, detail)
}

/// Classifies an I/O error of a request or of reading its body.
pub fn classify_io(e: &io::Error, url: &str) -> (ErrorKind, String) {
    if let Some(inner) = e.get_ref() {
        if let Some(d) = inner.downcast_ref::<DnsFailure>() {
            return (ErrorKind::from(d), d.to_string());
        }
        if let Some(p) = inner.downcast_ref::<PrivateRefused>() {
            return (ErrorKind::PrivateAddress, p.to_string());
        }
    }
    let detail = e.to_string();
    let tls = url.starts_with("https:")
        && (e.kind() == io::ErrorKind::InvalidData || format!("{e:?}").to_ascii_lowercase().contains("rustls"));
    let kind = match e.kind() {
        _ if tls => ErrorKind::Tls,
        io::ErrorKind::ConnectionRefused => ErrorKind::ConnectRefused,
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe
        | io::ErrorKind::UnexpectedEof
        | io::ErrorKind::NotConnected => ErrorKind::ConnectionReset,
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => ErrorKind::Timeout,
        _ if detail.to_ascii_lowercase().contains("timed out") || detail.contains("timeout") => ErrorKind::Timeout,
        _ => ErrorKind::Protocol,
    };
    (kind, detail)
}

/// The wait a `Retry-After` value asks for: a number of seconds, or an
/// HTTP date (a date already past asks for none). Uncapped: [`Retry`]
/// caps it.
pub fn retry_after(value: &str) -> Option<Duration> {
    retry_after_at(value, SystemTime::now())
}

fn retry_after_at(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse() {
        return Some(Duration::from_secs(secs));
    }
    let when = SystemTime::from(chrono::DateTime::parse_from_rfc2822(v).ok()?);
    Some(when.duration_since(now).unwrap_or_default())
}

/// When to try a request again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retry {
    /// Retries after the first attempt.
    pub retries: u32,
    /// The first wait before a retry; it doubles each time.
    pub backoff: Duration,
    /// The longest wait a server's `Retry-After` may ask for.
    pub max_retry_after: Duration,
}

impl Retry {
    /// The wait before another try after attempt `attempt` (from 1) failed
    /// with `kind`, or `None` for no more: transient failures are retried,
    /// and a name that does not exist gets one confirmation.
    pub fn after_error(&self, kind: ErrorKind, attempt: u32) -> Option<Duration> {
        let wait = if kind.transient() {
            self.backoff(attempt)
        } else if kind == ErrorKind::DnsNxdomain && attempt == 1 {
            self.backoff
        } else {
            return None;
        };
        (attempt <= self.retries).then_some(wait)
    }

    /// The wait before another try after attempt `attempt` (from 1) got
    /// `status`, or `None` for no more: 408, 429, 500, 502, 503 and 504 are
    /// retried, after the server's `Retry-After` (capped) when it gave one.
    pub fn after_status(&self, status: u16, retry_after: Option<Duration>, attempt: u32) -> Option<Duration> {
        if !matches!(status, 408 | 429 | 500 | 502 | 503 | 504) || attempt > self.retries {
            return None;
        }
        Some(retry_after.map_or_else(|| self.backoff(attempt), |w| w.min(self.max_retry_after)))
    }

    /// The backoff doubled per attempt with ±20% jitter.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self
            .backoff
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)).min(64));
        // Jitter from the clock's nanoseconds: no need for a random generator.
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        base.saturating_mul(800 + nanos % 400) / 1000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_717); // Sun, 06 Nov 1994 08:48:37 GMT
        assert_eq!(retry_after_at(" 120 ", now), Some(Duration::from_secs(120)));
        assert_eq!(retry_after_at("0", now), Some(Duration::ZERO));
        assert_eq!(
            retry_after_at("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            retry_after_at("Sun, 06 Nov 1994 08:40:00 GMT", now),
            Some(Duration::ZERO)
        );
        for bad in ["", "-1", "1.5", "soon", "99999999999999999999999"] {
            assert_eq!(retry_after_at(bad, now), None, "{bad:?}");
        }
    }

    #[test]
    fn the_policy_retries_what_may_pass_and_caps_the_wait() {
        let r = Retry {
            retries: 2,
            backoff: Duration::from_millis(100),
            max_retry_after: Duration::from_secs(5),
        };
        assert_eq!(
            r.after_status(503, Some(Duration::from_secs(60)), 1),
            Some(Duration::from_secs(5))
        );
        assert_eq!(r.after_status(429, Some(Duration::ZERO), 2), Some(Duration::ZERO));
        assert_eq!(r.after_status(429, Some(Duration::ZERO), 3), None, "out of retries");
        assert!(
            r.after_status(500, None, 2)
                .is_some_and(|w| w >= Duration::from_millis(160))
        );
        for status in [200, 301, 404, 410, 501] {
            assert_eq!(r.after_status(status, None, 1), None, "{status}");
        }
        assert!(r.after_error(ErrorKind::Timeout, 1).is_some());
        assert_eq!(
            r.after_error(ErrorKind::DnsNxdomain, 1),
            Some(Duration::from_millis(100))
        );
        assert_eq!(r.after_error(ErrorKind::DnsNxdomain, 2), None, "one confirmation");
        assert_eq!(r.after_error(ErrorKind::Tls, 1), None);
        assert_eq!(r.after_error(ErrorKind::ConnectionReset, 3), None);
    }
}
