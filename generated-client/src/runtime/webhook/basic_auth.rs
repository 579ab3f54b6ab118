//! Checking the Basic-auth credentials Halo sends with a delivery, in
//! constant time.
//!
//! The check compares `username:password` as a whole, as Halo sends it
//! (RFC 7617), so a refusal never says which half was wrong. The
//! comparison ([`difference`]) visits every byte received whatever it
//! finds, and its running time depends on the length of what was received,
//! not on the configured password: it compares against the credentials
//! padded to a power of two no shorter than [`MIN_PADDED`], at an index
//! wrapped by a mask, so neither a branch nor an early exit reveals where
//! a guess first goes wrong or how long the password is.

use std::fmt;
use std::hint::black_box;

use base64::alphabet::STANDARD;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use reqwest::header::{HeaderMap, AUTHORIZATION};
use secrecy::{ExposeSecret, SecretSlice, SecretString};

/// The padded buffer's least length: passwords up to 63 bytes cost the
/// same whatever their length.
const MIN_PADDED: usize = 64;

/// Base64 as senders write it, padded or not (RFC 7617 says padded; a
/// missing `=` is no reason to refuse the right password).
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The username and password a webhook was configured with in Halo
/// (`basic_username`, `basic_password`), to check deliveries against.
///
/// `Debug` shows the username, never the password.
///
/// ```
/// use halopsa::runtime::webhook::{BasicAuth, BasicAuthError};
///
/// let auth = BasicAuth::new("halo", "s3cret");
/// // base64 of `halo:s3cret`
/// assert!(auth.check_value(Some(b"Basic aGFsbzpzM2NyZXQ=")).is_ok());
/// assert_eq!(
///     auth.check_value(Some(b"Basic aGFsbzp3cm9uZw==")), // halo:wrong
///     Err(BasicAuthError::WrongCredentials)
/// );
/// assert_eq!(auth.check_value(None), Err(BasicAuthError::Missing));
/// ```
pub struct BasicAuth {
    username: String,
    /// `username:password`, then zeros up to a power of two.
    padded: SecretSlice<u8>,
    /// The length of `username:password`.
    len: usize,
}

impl BasicAuth {
    /// The credentials to expect.
    pub fn new(username: impl Into<String>, password: impl Into<SecretString>) -> Self {
        let username = username.into();
        let password = password.into();
        let password = password.expose_secret();
        let len = username.len() + 1 + password.len();
        let size = len.max(MIN_PADDED).next_power_of_two();
        // Allocated once at its final size, so no copy of the password is
        // left behind in a reallocated buffer.
        let mut padded = Vec::with_capacity(size);
        padded.extend_from_slice(username.as_bytes());
        padded.push(b':');
        padded.extend_from_slice(password.as_bytes());
        padded.resize(size, 0);
        BasicAuth {
            username,
            padded: padded.into(),
            len,
        }
    }

    /// The username expected.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// Checks a request's `Authorization` header (axum's and reqwest's
    /// `HeaderMap` are the same type). Several such headers are refused as
    /// malformed: which one a proxy or framework would read is unclear.
    pub fn check(&self, headers: &HeaderMap) -> Result<(), BasicAuthError> {
        let mut values = headers.get_all(AUTHORIZATION).iter();
        match (values.next(), values.next()) {
            (None, _) => self.check_value(None),
            (Some(value), None) => self.check_value(Some(value.as_bytes())),
            (Some(_), Some(_)) => Err(BasicAuthError::Malformed),
        }
    }

    /// Checks the value of an `Authorization` header (`None`: there was
    /// none), for frameworks with other header types.
    pub fn check_value(&self, header: Option<&[u8]>) -> Result<(), BasicAuthError> {
        let header = header.ok_or(BasicAuthError::Missing)?;
        let encoded = basic_credentials(header)?;
        let decoded = BASE64
            .decode(encoded)
            .map_err(|_| BasicAuthError::Malformed)?;
        if !decoded.contains(&b':') {
            return Err(BasicAuthError::Malformed);
        }
        if difference(&decoded, self.padded.expose_secret(), self.len) == 0 {
            Ok(())
        } else {
            Err(BasicAuthError::WrongCredentials)
        }
    }
}

impl fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicAuth")
            .field("username", &self.username)
            .field("password", &"[REDACTED]")
            .finish()
    }
}

/// Why a delivery's credentials were refused: answer 401 to any of them.
/// None says which half of the credentials was wrong, or shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BasicAuthError {
    /// The request has no `Authorization` header: the webhook is not set
    /// to Basic authentication, or the request is not from Halo.
    #[error("the request has no Authorization header")]
    Missing,
    /// The header names another scheme (`Bearer`, ...).
    #[error("the Authorization header is not Basic authentication")]
    OtherScheme,
    /// The header says `Basic` but what follows is not base64 of
    /// `username:password`, or there are several such headers.
    #[error("the Authorization header holds no readable Basic credentials")]
    Malformed,
    /// Well-formed credentials, but not the ones configured.
    #[error("wrong username or password")]
    WrongCredentials,
}

/// The base64 credentials of a `Basic` header value (RFC 7235: the scheme,
/// case-insensitive, then spaces, then one token).
fn basic_credentials(header: &[u8]) -> Result<&[u8], BasicAuthError> {
    let header = header.trim_ascii();
    let (scheme, rest) = match header.iter().position(|&b| b == b' ') {
        Some(space) => (&header[..space], &header[space..]),
        None => (header, &[][..]),
    };
    if !scheme.eq_ignore_ascii_case(b"basic") {
        return Err(BasicAuthError::OtherScheme);
    }
    let token = rest.trim_ascii_start();
    if token.is_empty() || token.iter().any(u8::is_ascii_whitespace) {
        return Err(BasicAuthError::Malformed);
    }
    Ok(token)
}

/// Zero when `received` equals the first `len` bytes of `padded`; else the
/// OR of every byte's XOR with the byte it meets, with any difference in
/// length on top.
///
/// Every byte of `received` is visited whatever the bytes before it held:
/// a mismatch at the first byte and one at the last both show in the
/// result. `padded.len()` must be a power of two; a `received` longer than
/// it wraps around, and its length alone makes the result non-zero. No
/// step branches on the secret, and `black_box` keeps the compiler from
/// stopping once the result can no longer become zero.
fn difference(received: &[u8], padded: &[u8], len: usize) -> u8 {
    debug_assert!(padded.len().is_power_of_two());
    let mask = padded.len().wrapping_sub(1);
    let mut diff = 0u8;
    for (i, byte) in received.iter().enumerate() {
        diff = black_box(diff | (byte ^ padded[i & mask]));
    }
    let lengths = (received.len() ^ len).to_le_bytes();
    diff | lengths.iter().fold(0, |acc, b| acc | b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn header(user: &str, password: &str) -> String {
        format!("Basic {}", BASE64.encode(format!("{user}:{password}")))
    }

    fn check(auth: &BasicAuth, value: &str) -> Result<(), BasicAuthError> {
        auth.check_value(Some(value.as_bytes()))
    }

    #[test]
    fn the_configured_credentials_pass() {
        let auth = BasicAuth::new("halo", "correct horse battery staple");
        assert_eq!(
            check(&auth, &header("halo", "correct horse battery staple")),
            Ok(())
        );
        // The scheme is case-insensitive; spaces around the token are not part of it.
        let token = BASE64.encode("halo:correct horse battery staple");
        assert_eq!(check(&auth, &format!("bAsIc   {token} ")), Ok(()));
        // Padding left off is still the same credentials.
        let unpadded = "Basic aGFsbzp4";
        assert_eq!(check(&BasicAuth::new("halo", "x"), unpadded), Ok(()));
    }

    #[test]
    fn a_wrong_username_or_password_is_refused_alike() {
        let auth = BasicAuth::new("halo", "s3cret");
        for (user, password) in [
            ("Halo", "s3cret"),
            ("halo", "s3creT"),
            ("halo", "s3cre"),
            ("halo", "s3cret "),
            ("halo", ""),
            ("", "s3cret"),
            ("hal", "o:s3cret"),
        ] {
            assert_eq!(
                check(&auth, &header(user, password)),
                Err(BasicAuthError::WrongCredentials),
                "{user}:{password}"
            );
        }
    }

    #[test]
    fn malformed_headers_and_other_schemes_are_told_apart() {
        let auth = BasicAuth::new("halo", "s3cret");
        assert_eq!(auth.check_value(None), Err(BasicAuthError::Missing));
        for other in [
            "Bearer aGFsbzpzM2NyZXQ=",
            "Digest username=\"halo\"",
            "aGFsbzpzM2NyZXQ=",
            "",
        ] {
            assert_eq!(
                check(&auth, other),
                Err(BasicAuthError::OtherScheme),
                "{other:?}"
            );
        }
        for malformed in [
            "Basic",
            "Basic ",
            "Basic not*base64",
            "Basic aGFsbw==",               // `halo`: no colon
            "Basic aGFsbzpzM2NyZXQ= extra", // two tokens
            "Basic aGFsbzpzM2NyZXQ===",     // too much padding
        ] {
            assert_eq!(
                check(&auth, malformed),
                Err(BasicAuthError::Malformed),
                "{malformed:?}"
            );
        }
    }

    #[test]
    fn several_authorization_headers_are_refused() {
        let auth = BasicAuth::new("halo", "s3cret");
        let right = HeaderValue::from_str(&header("halo", "s3cret")).unwrap();
        let mut headers = HeaderMap::new();
        assert_eq!(auth.check(&headers), Err(BasicAuthError::Missing));
        headers.append(AUTHORIZATION, right.clone());
        assert_eq!(auth.check(&headers), Ok(()));
        headers.append(AUTHORIZATION, right);
        assert_eq!(auth.check(&headers), Err(BasicAuthError::Malformed));
    }

    #[test]
    fn neither_debug_nor_errors_show_the_password() {
        let auth = BasicAuth::new("halo", "hunter2-password");
        let shown = format!("{auth:?}");
        assert!(
            shown.contains("halo") && !shown.contains("hunter2"),
            "{shown}"
        );
        let refused = check(&auth, &header("halo", "hunter2-passworx")).unwrap_err();
        assert!(!format!("{refused} {refused:?}").contains("hunter2"));
    }

    #[test]
    fn the_comparison_reads_past_the_first_difference() {
        let zeros = [0u8; 8];
        // Differences at the first and at the last byte both show: it did not stop at the first.
        assert_eq!(difference(&[0x01, 0, 0, 0, 0, 0, 0, 0x80], &zeros, 8), 0x81);
        assert_eq!(difference(&[0, 0, 0, 0, 0, 0, 0, 0x40], &zeros, 8), 0x40);
        assert_eq!(
            difference(&[0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80], &zeros, 8),
            0xFF
        );
        assert_eq!(difference(&zeros, &zeros, 8), 0);
    }

    #[test]
    fn lengths_that_differ_never_compare_equal() {
        // `user:pw` padded with zeros: a guess with the padding's zeros appended is still wrong.
        let auth = BasicAuth::new("user", "pw");
        let padded = auth.padded.expose_secret();
        assert_eq!(padded.len(), MIN_PADDED);
        assert_eq!(difference(b"user:pw", padded, auth.len), 0);
        assert_ne!(difference(b"user:pw\0", padded, auth.len), 0);
        assert_ne!(difference(b"user:p", padded, auth.len), 0);
        assert_ne!(difference(b"", padded, auth.len), 0);
        // A guess longer than the buffer wraps around and is refused by its length.
        let mut long = padded.to_vec();
        long.extend_from_slice(padded);
        assert_ne!(difference(&long, padded, auth.len), 0);
    }

    #[test]
    fn long_credentials_get_a_larger_power_of_two() {
        let password = "p".repeat(100);
        let auth = BasicAuth::new("halo", password.as_str());
        assert_eq!(auth.padded.expose_secret().len(), 128);
        assert_eq!(check(&auth, &header("halo", &password)), Ok(()));
        assert_eq!(
            check(&auth, &header("halo", &password[1..])),
            Err(BasicAuthError::WrongCredentials)
        );
    }
}
