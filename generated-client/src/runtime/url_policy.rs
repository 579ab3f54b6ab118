//! Where the client may send a request: URLs it accepts, how paths are
//! joined, and which redirects it follows.
//!
//! The rules keep credentials where they belong: plain http only to
//! loopback, no `.`/`..` segment that would send a request to another path
//! than the one named, and no redirect off the request's origin, which would
//! carry the `Authorization` header or the token request's body (holding
//! the client secret) elsewhere.

use std::net::IpAddr;

use url::{Host, Url};

use super::{Error, Result};

/// Redirects followed in a row, all within one origin, before the client
/// stops and reports the last one.
const MAX_REDIRECTS: usize = 5;

/// An absolute http(s) URL with a host and no query or fragment.
pub(crate) fn parse_http_url(name: &str, text: &str) -> Result<Url> {
    let text = text.trim();
    let url = Url::parse(text)
        .map_err(|err| config(format!("{name} `{text}` is not a valid URL: {err}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(config(format!(
            "{name} `{text}` must be an http or https URL with a host"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(config(format!(
            "{name} `{text}` must not have a query or fragment"
        )));
    }
    Ok(url)
}

/// Refuses plain `http://` to anything but loopback unless allowed: the
/// client secret and tokens would cross the network unencrypted.
pub(crate) fn ensure_secure(name: &str, url: &Url, allow_insecure_http: bool) -> Result<()> {
    if url.scheme() != "http" || allow_insecure_http || is_loopback(url) {
        return Ok(());
    }
    Err(config(format!(
        "{name} `{url}` uses plain http to a host that is not loopback, which would send \
         credentials unencrypted: use https, or allow_insecure_http(true) if you must"
    )))
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(domain)) => {
            let domain = domain.trim_end_matches('.').to_ascii_lowercase();
            domain == "localhost" || domain.ends_with(".localhost")
        }
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// The redirect policy of every HTTP client the builder creates; see
/// [`HaloClientBuilder::redirect_policy`](super::HaloClientBuilder::redirect_policy).
pub(crate) fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        if follows_redirect(attempt.previous(), attempt.url()) {
            attempt.follow()
        } else {
            tracing::warn!(
                status = attempt.status().as_u16(),
                to = %attempt.url().origin().ascii_serialization(),
                "redirect not followed: it leaves the request's origin or is one too many"
            );
            attempt.stop()
        }
    })
}

/// Whether to follow a redirect to `next`, given the URLs requested so far
/// (`previous[0]` is the original request): only within its origin, which
/// also rules out a switch from https to http, and at most
/// [`MAX_REDIRECTS`] times.
fn follows_redirect(previous: &[Url], next: &Url) -> bool {
    previous.len() <= MAX_REDIRECTS
        && previous
            .first()
            .is_some_and(|first| first.origin() == next.origin())
}

/// The message of an error for a 3xx answer the client did not follow, or
/// `None` for any other status.
pub(crate) fn redirect_not_followed(status: u16, location: Option<&str>) -> Option<String> {
    if !(300..400).contains(&status) {
        return None;
    }
    let target = match location.map(Url::parse) {
        Some(Ok(url)) => format!("to {}", url.origin().ascii_serialization()),
        Some(Err(_)) => "within the same origin".to_owned(),
        None => "without a Location".to_owned(),
    };
    Some(format!(
        "HTTP {status} redirect {target} not followed: the client follows redirects only \
         within the request's origin, at most {MAX_REDIRECTS} in a row, so that credentials \
         never travel elsewhere"
    ))
}

/// Appends path segments to `base`. Each part may hold several segments
/// (`/auth/token`); empty ones are skipped so slashes never double up, and
/// each segment is percent-encoded. A `.` or `..` segment is refused: the URL
/// library would resolve it, and the request would go to another path than
/// the one named.
pub(crate) fn join(base: &Url, parts: &[&str]) -> Result<Url> {
    let mut url = base.clone();
    {
        let mut segments = url
            .path_segments_mut()
            .map_err(|()| config(format!("`{base}` cannot take a path")))?;
        segments.pop_if_empty();
        for part in parts {
            if let Some(dots) = part.split('/').find(|s| is_dot_segment(s)) {
                return Err(config(format!(
                    "the path `{part}` has a `{dots}` segment; name the path the server serves"
                )));
            }
            segments.extend(part.split('/').filter(|s| !s.is_empty()));
        }
    }
    Ok(url)
}

/// Appends `value` (an id, a path parameter) as exactly one segment of
/// `url`: a `/` in it is percent-encoded, never a separator, and a value of
/// `.` or `..` is refused, as a URL library would resolve it.
pub(crate) fn push_segment(url: &mut Url, value: &str) -> Result<()> {
    if value.is_empty() || is_dot_segment(value) {
        return Err(config(format!(
            "`{value}` cannot be a path segment; an id or path parameter must name something"
        )));
    }
    let base = url.to_string();
    url.path_segments_mut()
        .map_err(|()| config(format!("`{base}` cannot take a path")))?
        .push(value);
    Ok(())
}

/// `.` or `..`, also percent-encoded (`%2e%2E`), which servers decode.
fn is_dot_segment(segment: &str) -> bool {
    let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
    decoded == "." || decoded == ".."
}

fn config(message: impl Into<String>) -> Error {
    Error::Config {
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_one_segment_whatever_it_holds() {
        let mut url = Url::parse("https://x.halopsa.com/api/Webhook").unwrap();
        push_segment(&mut url, "a/../b?c#d").unwrap();
        assert_eq!(
            url.as_str(),
            "https://x.halopsa.com/api/Webhook/a%2F..%2Fb%3Fc%23d"
        );
        for bad in ["", ".", "..", "%2E%2e"] {
            let mut url = Url::parse("https://x.halopsa.com/api/Webhook").unwrap();
            assert!(push_segment(&mut url, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn join_refuses_dot_segments_instead_of_resolving_them() {
        let base = Url::parse("https://x.halopsa.com/api").unwrap();
        assert_eq!(
            join(&base, &["Tickets", "7"]).unwrap().as_str(),
            "https://x.halopsa.com/api/Tickets/7"
        );
        for part in ["..", "Tickets/../Agent", ".", "%2e%2E", "a/.%2e/b"] {
            assert!(join(&base, &[part]).is_err(), "{part}");
        }
        // Dots inside a segment are ordinary characters.
        assert!(join(&base, &["v1.2", "..x"]).is_ok());
    }

    #[test]
    fn redirects_are_followed_within_the_origin_only() {
        let url = |text: &str| Url::parse(text).expect("test URL");
        let start = [url("http://127.0.0.1:8080/api/Tickets/1")];
        for same in [
            "http://127.0.0.1:8080/api/Tickets/1/",
            "http://127.0.0.1:8080/elsewhere?x=1",
        ] {
            assert!(follows_redirect(&start, &url(same)), "{same}");
        }
        for other in [
            // Loopback http to a host that is not loopback: never.
            "http://example.invalid/api/Tickets/1",
            "http://10.0.0.8:8080/api/Tickets/1",
            "http://localhost:8080/api/Tickets/1",
            "http://127.0.0.1:8081/api/Tickets/1",
            "https://127.0.0.1:8080/api/Tickets/1",
        ] {
            assert!(!follows_redirect(&start, &url(other)), "{other}");
        }
        // No downgrade from https to http on the same host and port.
        let secure = [url("https://example.halopsa.com/api")];
        assert!(!follows_redirect(
            &secure,
            &url("http://example.halopsa.com:443/api")
        ));
        assert!(follows_redirect(
            &secure,
            &url("https://example.halopsa.com:443/api/")
        ));
        // At most MAX_REDIRECTS hops.
        let chain = vec![url("https://example.halopsa.com/a"); MAX_REDIRECTS];
        assert!(follows_redirect(
            &chain,
            &url("https://example.halopsa.com/b")
        ));
        let chain = vec![url("https://example.halopsa.com/a"); MAX_REDIRECTS + 1];
        assert!(!follows_redirect(
            &chain,
            &url("https://example.halopsa.com/b")
        ));
        assert!(!follows_redirect(
            &[],
            &url("https://example.halopsa.com/b")
        ));

        let message =
            redirect_not_followed(302, Some("http://evil.example:81/steal?x")).expect("a redirect");
        assert!(message.contains("http://evil.example:81") && !message.contains("steal"));
        assert_eq!(redirect_not_followed(200, Some("http://x.example")), None);
    }
}
