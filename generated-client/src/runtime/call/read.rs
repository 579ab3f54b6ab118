//! What an attempt does with the body of a success answer: read it into
//! memory, within the client's size limit, or stream it to a writer.
//!
//! Reading is part of the attempt, so a connection that breaks while the
//! body arrives is retried like one that broke before the answer, as long
//! as nothing has left the client's hands: a streamed body is retried only
//! until its first byte was written.

use std::future::Future;
use std::time::Duration;

use tokio::io::AsyncWrite;

use super::answer::{markup_instead_of_json, transport_failure};
use crate::runtime::file::FileInfo;
use crate::runtime::retry::Failure;
use crate::runtime::transport::{Pending, Response, SendError, StreamError};
use crate::runtime::Error;

/// Why a body was not read.
pub(super) enum Unread {
    /// A failure the retry policy decides about.
    Failed { error: Error, failure: Failure },
    /// A failure no retry can fix.
    Fatal(Error),
}

/// Reads the body of a success answer.
pub(super) trait ReadBody {
    type Output;

    /// Reads `pending`'s body; `elapsed` is the call's time so far, for a
    /// timeout's error.
    fn read(
        &mut self,
        pending: Pending,
        elapsed: Duration,
    ) -> impl Future<Output = Result<Self::Output, Unread>>;
}

/// The whole body in memory.
pub(super) struct ReadAll {
    /// Whether the body must be JSON, so that a page of markup (a proxy's,
    /// a login page) is reported as such.
    pub(super) json: bool,
}

impl ReadBody for ReadAll {
    type Output = Response;

    async fn read(&mut self, pending: Pending, elapsed: Duration) -> Result<Response, Unread> {
        let response = match pending.read_all().await {
            Ok(response) => response,
            // The same request would get the same body again.
            Err(SendError::TooLarge(error)) => return Err(Unread::Fatal(error)),
            Err(SendError::Transport(err)) => {
                let (error, failure) = transport_failure(err, elapsed);
                return Err(Unread::Failed { error, failure });
            }
        };
        if self.json {
            if let Some(error) = markup_instead_of_json(&response) {
                return Err(Unread::Fatal(error));
            }
        }
        Ok(response)
    }
}

/// The body streamed to a writer.
pub(super) struct WriteTo<'w, W: ?Sized> {
    pub(super) writer: &'w mut W,
}

impl<W> ReadBody for WriteTo<'_, W>
where
    W: AsyncWrite + Unpin + ?Sized,
{
    type Output = FileInfo;

    async fn read(&mut self, mut pending: Pending, elapsed: Duration) -> Result<FileInfo, Unread> {
        match pending.write_to(self.writer).await {
            Ok(size) => Ok(FileInfo::from_headers(&pending.headers, size)),
            // Nothing written yet: sending again starts the file afresh.
            Err(StreamError::Transport { error, written: 0 }) => {
                let (error, failure) = transport_failure(error, elapsed);
                Err(Unread::Failed { error, failure })
            }
            // Bytes the writer holds cannot be taken back; a second answer
            // would be written after them.
            Err(StreamError::Transport { error, .. }) => {
                Err(Unread::Fatal(Error::from_transport(error, elapsed)))
            }
            Err(StreamError::TooLarge(error)) => Err(Unread::Fatal(error)),
            Err(StreamError::Write(error)) => Err(Unread::Fatal(Error::Write(error.into()))),
        }
    }
}
