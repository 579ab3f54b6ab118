//! Why a command failed, the exit code of each class of failure, and the
//! hint printed under Halo's message.

use std::io;
use std::process::ExitCode;

use crate::Error;

/// A class of failure, and its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// Not a failure: the reader of stdout went away (`halo ... | head`).
    Closed = 0,
    /// Anything else: a validation error, an answer that did not decode.
    Failed = 1,
    /// A bad command line or configuration, or a refused confirmation.
    Usage = 2,
    /// No valid credentials, or not allowed (401, 403, a missing scope).
    Auth = 3,
    /// The record does not exist (404).
    NotFound = 4,
    /// The API's rate limit (429), beyond what the client waits out.
    RateLimited = 5,
    /// The server failed or did not answer (5xx, timeout, connection).
    Server = 6,
}

/// A failed command: its class, what went wrong and what to do.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) class: Class,
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
}

impl Failure {
    pub(crate) fn usage(message: impl Into<String>, hint: impl Into<String>) -> Failure {
        Failure {
            class: Class::Usage,
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    pub(crate) fn auth(message: impl Into<String>, hint: impl Into<String>) -> Failure {
        Failure {
            class: Class::Auth,
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    pub(crate) fn failed(message: impl Into<String>) -> Failure {
        Failure {
            class: Class::Failed,
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.class as u8)
    }

    /// `error: ...` and `hint: ...`, as printed on stderr.
    pub(crate) fn report(&self) -> String {
        let mut text = format!("error: {}", self.message);
        if let Some(hint) = &self.hint {
            text.push_str("\nhint: ");
            text.push_str(hint);
        }
        text
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        let (class, hint) = classify(&error);
        Failure {
            class,
            message: error.to_string(),
            hint: hint.map(str::to_owned),
        }
    }
}

/// Output that cannot be written is a failure too, except a closed pipe
/// (`halo ... | head`), which the caller treats as the end.
impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Failure {
        if error.kind() == io::ErrorKind::BrokenPipe {
            return Failure {
                class: Class::Closed,
                message: String::new(),
                hint: None,
            };
        }
        Failure::failed(format!("cannot write the output: {error}"))
    }
}

/// The class of an API error, and what to do about it.
fn classify(error: &Error) -> (Class, Option<&'static str>) {
    match error {
        Error::Config { .. } => (
            Class::Usage,
            Some("check the base URL and credentials (HALOPSA_* variables, or the profile `halo login` saved)"),
        ),
        Error::Auth { .. } => (
            Class::Auth,
            Some("check the client id and secret (and the tenant of a cloud instance): `halo login` saves them, or set HALOPSA_* variables"),
        ),
        Error::MissingScope { .. } => (Class::Auth, None),
        Error::RateLimited { .. } => (
            Class::RateLimited,
            Some("the tenant's API budget is spent for now (other integrations share it): wait and run the command again"),
        ),
        Error::Timeout { .. } | Error::Transport(_) => (
            Class::Server,
            Some("the server did not answer: check the base URL and the network, then try again"),
        ),
        Error::Incomplete { .. } => (
            Class::Failed,
            Some("records were deleted or moved while the listing ran: use --consistent for an export"),
        ),
        _ => match error.status() {
            Some(401) => (Class::Auth, Some("the API refused the token: check the credentials")),
            Some(403) => (
                Class::Auth,
                Some("the API application or the agent it acts as lacks a permission for this"),
            ),
            Some(404) => (Class::NotFound, Some("no such record: check the id (`list` shows them)")),
            Some(status) if status >= 500 => (
                Class::Server,
                Some("Halo failed to answer this request: try again later; `-v` shows the requests"),
            ),
            Some(400) => (Class::Failed, Some("Halo refused the values sent: `--dry-run` shows the request")),
            _ => (Class::Failed, None),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16) -> Error {
        Error::Api {
            status,
            message: "m".into(),
            details: Vec::new(),
            body: String::new(),
        }
    }

    #[test]
    fn failures_exit_by_class() {
        let class = |error: Error| Failure::from(error).class;
        assert_eq!(class(api(404)), Class::NotFound);
        assert_eq!(class(api(403)), Class::Auth);
        assert_eq!(class(api(503)), Class::Server);
        assert_eq!(class(api(400)), Class::Failed);
        assert_eq!(
            class(Error::RateLimited {
                retry_after: None,
                message: "m".into(),
                body: String::new()
            }),
            Class::RateLimited
        );
        assert_eq!(
            class(Error::Config {
                message: "m".into()
            }),
            Class::Usage
        );
        assert_eq!(Class::Server as u8, 6);
    }
}
