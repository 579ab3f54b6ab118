//! One request through the runtime's raw request (the token, retries,
//! pacing, errors, size limit and tracing of every call), or, with
//! `--dry-run`, what would be sent: the method, the URL with its query and
//! the JSON body, never a token.

use std::io::{self, IsTerminal, Read, Write};

use reqwest::Method;

use super::error::Failure;
use super::value::Node;
use super::Context;
use tokio::io::AsyncWrite;

use crate::runtime::RawRequest;
use crate::{FileInfo, HaloClient, Multipart, RawResponse};

/// A request to the API, as the client will send it.
pub(crate) struct Request {
    pub(crate) method: Method,
    /// The collection's path (or any path under the API base).
    pub(crate) path: String,
    /// Appended to the path, each one segment whatever it holds.
    pub(crate) segments: Vec<String>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Option<Node>,
    /// A multipart body (a `form` action), instead of JSON.
    pub(crate) form: Option<Multipart>,
    /// Whether it may be sent again when the server might have acted;
    /// `None` for the method's default.
    pub(crate) idempotent: Option<bool>,
    pub(crate) scope: Option<&'static str>,
}

impl Request {
    pub(crate) fn new(method: Method, path: impl Into<String>) -> Request {
        Request {
            method,
            path: path.into(),
            segments: Vec::new(),
            query: Vec::new(),
            body: None,
            form: None,
            idempotent: None,
            scope: None,
        }
    }

    /// Sends it and returns the answer, or prints it under `--dry-run` and
    /// returns `None`.
    pub(crate) async fn send(
        self,
        context: &Context,
        client: &HaloClient,
    ) -> Result<Option<RawResponse>, Failure> {
        let request = self.raw(client);
        if context.dry_run {
            self.print_dry_run(&request)?;
            return Ok(None);
        }
        Ok(Some(request.send().await?))
    }

    /// Sends it and writes the file it answers to `writer` as it arrives,
    /// never holding it whole; under `--dry-run` prints it instead.
    pub(crate) async fn download<W>(
        self,
        context: &Context,
        client: &HaloClient,
        writer: &mut W,
    ) -> Result<Option<FileInfo>, Failure>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let request = self.raw(client);
        if context.dry_run {
            self.print_dry_run(&request)?;
            return Ok(None);
        }
        Ok(Some(request.download(writer).await?))
    }

    /// The runtime's raw request for it.
    fn raw(&self, client: &HaloClient) -> RawRequest {
        let mut request = client.request(self.method.clone(), &self.path);
        for segment in &self.segments {
            request = request.segment(segment);
        }
        for (name, value) in &self.query {
            request = request.query(name.clone(), value.as_str());
        }
        if let Some(body) = &self.body {
            request = request.json(body);
        }
        if let Some(form) = &self.form {
            request = request.multipart(form.clone());
        }
        if let Some(idempotent) = self.idempotent {
            request = request.idempotent(idempotent);
        }
        if let Some(scope) = self.scope {
            request = request.scope(scope);
        }
        request
    }

    fn print_dry_run(&self, request: &RawRequest) -> Result<(), Failure> {
        print_dry_run(&self.method, request.url()?.as_str(), self.body.as_ref())?;
        if let Some(form) = &self.form {
            println!("Content-Type: multipart/form-data\n\n{form:?}");
        }
        Ok(())
    }
}

/// What `--dry-run` prints: `GET https://...`, then the JSON body.
pub(crate) fn print_dry_run(
    method: &Method,
    url: &str,
    body: Option<&Node>,
) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    writeln!(out, "{method} {url}")?;
    if let Some(body) = body {
        writeln!(out, "Content-Type: application/json\n")?;
        serde_json::to_writer_pretty(&mut out, body).map_err(io::Error::from)?;
        writeln!(out)?;
    }
    out.flush()?;
    Ok(())
}

/// The JSON answer of a request: an empty body is `null`.
pub(crate) fn answer(response: &RawResponse) -> Result<Node, Failure> {
    if response.body().iter().all(u8::is_ascii_whitespace) {
        return Ok(Node::Null);
    }
    Ok(response.json::<Node>()?)
}

/// A JSON document from stdin, for a command that sends one (`what`).
pub(crate) fn stdin_json(what: &str) -> Result<Node, Failure> {
    let mut stdin = io::stdin();
    if stdin.is_terminal() {
        return Err(Failure::usage(
            format!("{what} needs a JSON document on stdin"),
            "pipe one in (`... < record.json`), or give the fields as flags where the command has them",
        ));
    }
    let mut text = String::new();
    stdin.read_to_string(&mut text).map_err(|err| {
        Failure::usage(
            format!("cannot read stdin: {err}"),
            "pipe a JSON document in",
        )
    })?;
    if text.trim().is_empty() {
        return Err(Failure::usage(
            format!("{what} needs a JSON document on stdin, and stdin is empty"),
            "pipe one in (`... < record.json`), or give the fields as flags where the command has them",
        ));
    }
    serde_json::from_str(&text).map_err(|err| {
        Failure::usage(
            format!("stdin is not a JSON document: {err}"),
            "send one JSON value (an object for one record)",
        )
    })
}
