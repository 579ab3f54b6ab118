//! Sending one API call: bearer token, a single replay on 401, error mapping.
//!
//! Every request type funnels through [`HaloClient::execute`], so retries and
//! rate limiting can later be added here in one place.

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use secrecy::ExposeSecret;
use url::Url;

use super::auth::AccessToken;
use super::{error_body, Error, HaloClient, Result};

/// One fully built API request, replayable as often as needed.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub(crate) method: Method,
    pub(crate) url: Url,
    /// JSON body, already serialized.
    pub(crate) body: Option<Vec<u8>>,
    /// Whether sending it twice is harmless (a create is not); the retry
    /// policy keys on this.
    pub(crate) idempotent: bool,
}

impl HaloClient {
    /// Sends `call` and returns the body of its success response.
    ///
    /// A 401 means the cached token died early (revoked, or the server's
    /// clock disagrees), so the token is replaced and the call replayed
    /// once; the request was refused unprocessed, so replaying is safe even
    /// for a create.
    pub(crate) async fn execute(&self, call: &Call) -> Result<Vec<u8>> {
        tracing::debug!(
            method = %call.method,
            url = %call.url,
            idempotent = call.idempotent,
            "sending request"
        );
        let token = self.token().await?;
        let (mut status, mut body) = self.send_once(call, &token).await?;
        if status == StatusCode::UNAUTHORIZED {
            tracing::debug!("401 from the API: renewing the token and replaying once");
            self.invalidate(&token).await;
            let token = self.token().await?;
            (status, body) = self.send_once(call, &token).await?;
            if status == StatusCode::UNAUTHORIZED {
                let text = String::from_utf8_lossy(&body).into_owned();
                let parsed = error_body::parse(status.as_u16(), &text);
                return Err(Error::Auth {
                    status: Some(status.as_u16()),
                    code: parsed.code,
                    message: format!("the API rejected a fresh token: {}", parsed.message),
                    body: text,
                });
            }
        }
        if status.is_success() {
            return Ok(body);
        }
        let text = String::from_utf8_lossy(&body).into_owned();
        let parsed = error_body::parse(status.as_u16(), &text);
        Err(Error::Api {
            status: status.as_u16(),
            message: parsed.message,
            details: parsed.details,
            body: text,
        })
    }

    async fn send_once(&self, call: &Call, token: &AccessToken) -> Result<(StatusCode, Vec<u8>)> {
        let mut request = self
            .http()
            .request(call.method.clone(), call.url.clone())
            .bearer_auth(token.secret.expose_secret())
            .header(ACCEPT, "application/json");
        if let Some(body) = &call.body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        if let Some(timeout) = self.timeout() {
            request = request.timeout(timeout);
        }
        let response = request.send().await.map_err(Error::Transport)?;
        let status = response.status();
        let body = response.bytes().await.map_err(Error::Transport)?;
        Ok((status, body.into()))
    }
}
