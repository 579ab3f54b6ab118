//! Request bodies, encoded once before the first attempt so that a retry or
//! a replay after a 401 sends exactly the same bytes: JSON, a form
//! (`application/x-www-form-urlencoded`) and multipart form data.

use std::fmt;

use reqwest::header::HeaderValue;
use serde::Serialize;

use super::{Error, Result};

/// A request body and its content type.
#[derive(Clone)]
pub(crate) struct Body {
    pub(crate) content_type: HeaderValue,
    pub(crate) bytes: Vec<u8>,
}

impl Body {
    /// JSON already serialized.
    pub(crate) fn json_bytes(bytes: Vec<u8>) -> Body {
        Body {
            content_type: HeaderValue::from_static("application/json"),
            bytes,
        }
    }

    /// `value` as JSON.
    pub(crate) fn json(value: &impl Serialize) -> Result<Body> {
        let bytes = serde_json::to_vec(value).map_err(|err| encode(err.to_string()))?;
        Ok(Body::json_bytes(bytes))
    }

    /// `value` (a struct, a map or a list of pairs) as a URL-encoded form.
    pub(crate) fn form(value: &impl Serialize) -> Result<Body> {
        let text = serde_urlencoded::to_string(value).map_err(|err| encode(err.to_string()))?;
        Ok(Body {
            content_type: HeaderValue::from_static("application/x-www-form-urlencoded"),
            bytes: text.into_bytes(),
        })
    }

    /// `form` as `multipart/form-data`.
    pub(crate) fn multipart(form: &Multipart) -> Result<Body> {
        let boundary = boundary_for(&form.parts);
        let mut bytes = Vec::with_capacity(form.encoded_len_hint());
        for part in &form.parts {
            bytes.extend_from_slice(b"--");
            bytes.extend_from_slice(boundary.as_bytes());
            bytes.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
            bytes.extend_from_slice(quoted(&part.name).as_bytes());
            bytes.push(b'"');
            if let Some(file_name) = &part.file_name {
                bytes.extend_from_slice(b"; filename=\"");
                bytes.extend_from_slice(quoted(file_name).as_bytes());
                bytes.push(b'"');
            }
            bytes.extend_from_slice(b"\r\n");
            if let Some(content_type) = &part.content_type {
                // A line break here would start a header of the caller's making.
                if content_type.chars().any(char::is_control) {
                    return Err(encode(format!(
                        "the content type of the multipart part `{}` has a control character",
                        part.name
                    )));
                }
                bytes.extend_from_slice(b"Content-Type: ");
                bytes.extend_from_slice(content_type.as_bytes());
                bytes.extend_from_slice(b"\r\n");
            }
            bytes.extend_from_slice(b"\r\n");
            bytes.extend_from_slice(&part.bytes);
            bytes.extend_from_slice(b"\r\n");
        }
        bytes.extend_from_slice(b"--");
        bytes.extend_from_slice(boundary.as_bytes());
        bytes.extend_from_slice(b"--\r\n");
        let content_type =
            HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
                .map_err(|err| encode(err.to_string()))?;
        Ok(Body {
            content_type,
            bytes,
        })
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The bytes are the caller's data: their size is enough to debug with.
        f.debug_struct("Body")
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// A `multipart/form-data` request body: named text fields and files.
///
/// Halo takes some uploads this way, e.g. `POST /Attachment/image` with the
/// file as the part `file`. The body is encoded once and kept, so a retry
/// sends the same bytes.
///
/// ```
/// use halopsa::Multipart;
///
/// let form = Multipart::new()
///     .text("ticket_id", "42")
///     .file("file", "screenshot.png", "image/png", vec![0x89, b'P', b'N', b'G']);
/// # let _ = form;
/// ```
#[derive(Clone, Default)]
pub struct Multipart {
    parts: Vec<Part>,
}

#[derive(Clone)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Multipart::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push(Part {
            name: name.into(),
            file_name: None,
            content_type: None,
            bytes: value.into().into_bytes(),
        });
        self
    }

    /// Adds a file: the field `name`, the file's name as the server should
    /// record it, its content type (e.g. `image/png`) and its bytes.
    pub fn file(
        mut self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        bytes: impl Into<Vec<u8>>,
    ) -> Self {
        self.parts.push(Part {
            name: name.into(),
            file_name: Some(file_name.into()),
            content_type: Some(content_type.into()),
            bytes: bytes.into(),
        });
        self
    }

    fn encoded_len_hint(&self) -> usize {
        self.parts
            .iter()
            .map(|part| part.bytes.len() + part.name.len() + 160)
            .sum::<usize>()
            + 64
    }
}

impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for part in &self.parts {
            list.entry(&format_args!(
                "{:?} ({} bytes{})",
                part.name,
                part.bytes.len(),
                if part.file_name.is_some() {
                    ", a file"
                } else {
                    ""
                }
            ));
        }
        list.finish()
    }
}

/// A field or file name inside the quotes of `Content-Disposition`, as
/// browsers write it (HTML's form encoding): a quote or a line break is
/// percent-encoded, so a name can never end the header early.
fn quoted(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A random boundary that occurs in no part.
fn boundary_for(parts: &[Part]) -> String {
    loop {
        let boundary: String = std::iter::repeat_with(fastrand::alphanumeric)
            .take(32)
            .collect();
        let boundary = format!("halopsa-{boundary}");
        let needle = boundary.as_bytes();
        let clashes = parts.iter().any(|part| {
            part.bytes.windows(needle.len()).any(|w| w == needle)
                || part.name.contains(&boundary)
                || part
                    .file_name
                    .as_ref()
                    .is_some_and(|n| n.contains(&boundary))
        });
        if !clashes {
            return boundary;
        }
    }
}

fn encode(message: String) -> Error {
    Error::Encode { message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_is_encoded_as_browsers_do() {
        let form = Multipart::new().text("ticket_id", "42").file(
            "file",
            "a \"b\"\r\n.txt",
            "text/plain",
            b"hello".to_vec(),
        );
        let body = Body::multipart(&form).expect("encodes");
        let content_type = body.content_type.to_str().expect("ascii");
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .expect("a boundary");
        let expected = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"ticket_id\"\r\n\r\n42\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
             filename=\"a %22b%22%0D%0A.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n\
             --{boundary}--\r\n"
        );
        assert_eq!(String::from_utf8(body.bytes).expect("utf-8"), expected);

        let injected = Multipart::new().file("f", "x", "text/plain\r\nX-Evil: 1", Vec::new());
        assert!(matches!(
            Body::multipart(&injected),
            Err(Error::Encode { .. })
        ));
    }

    #[test]
    fn forms_are_url_encoded() {
        let body = Body::form(&[("summary", "a&b c"), ("id", "7")]).expect("encodes");
        assert_eq!(body.bytes, b"summary=a%26b+c&id=7");
        assert_eq!(
            body.content_type,
            HeaderValue::from_static("application/x-www-form-urlencoded")
        );
    }
}
