//! Faults to inject: the next N matching requests fail in a chosen way.

use std::time::Duration;

/// A way for the fake to misbehave; see [`FakeHalo::inject`](super::FakeHalo::inject).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answers with this status (500, 502, 503, ...) and a Halo-style JSON
    /// error body, without handling the request.
    Status(u16),
    /// Answers 429, with `Retry-After` in whole seconds (rounded up) when
    /// `retry_after` is set.
    TooManyRequests {
        /// The wait to advertise, if any.
        retry_after: Option<Duration>,
    },
    /// Closes the connection without answering.
    CloseConnection,
    /// Waits this long, then handles the request normally: a client with a
    /// shorter timeout has given up by then (and a create is still saved).
    Stall(Duration),
    /// Answers 200 with a truncated JSON body.
    MalformedJson,
    /// Answers with this status and an HTML error page, as a proxy does.
    HtmlPage(u16),
    /// Handles the request (a create is saved) and then answers 500.
    CommitThen500,
}

#[derive(Debug)]
struct Rule {
    fault: Fault,
    remaining: u32,
    /// Lower-cased path prefix; `None` matches every API request.
    path: Option<String>,
}

#[derive(Debug, Default)]
pub(crate) struct Faults {
    rules: Vec<Rule>,
}

impl Faults {
    pub(crate) fn add(&mut self, fault: Fault, count: u32, path: Option<String>) {
        if count > 0 {
            self.rules.push(Rule {
                fault,
                remaining: count,
                path: path.map(|p| p.to_ascii_lowercase()),
            });
        }
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }

    /// The fault for this request, if one is due; rules are used up in the
    /// order they were added. `api` says whether the path is an API call.
    pub(crate) fn take(&mut self, path: &str, api: bool) -> Option<Fault> {
        let path = path.to_ascii_lowercase();
        let index = self.rules.iter().position(|rule| match &rule.path {
            None => api,
            Some(prefix) => {
                path == *prefix
                    || path
                        .strip_prefix(prefix.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            }
        })?;
        let rule = &mut self.rules[index];
        rule.remaining -= 1;
        let fault = rule.fault.clone();
        if rule.remaining == 0 {
            self.rules.remove(index);
        }
        Some(fault)
    }
}
