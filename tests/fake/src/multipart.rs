//! Reading `multipart/form-data` (RFC 7578) as Halo's upload endpoints take
//! it: the boundary from `Content-Type`, each part's name, file name and
//! content type from its headers, and its bytes as sent.

/// One part of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    pub(crate) name: String,
    pub(crate) file_name: Option<String>,
    pub(crate) content_type: Option<String>,
    pub(crate) bytes: Vec<u8>,
}

/// The parts of `body`, given its `Content-Type`; why not, when it is not
/// a well-formed multipart body.
pub(crate) fn parse(content_type: &str, body: &[u8]) -> Result<Vec<Part>, String> {
    let (mime, parameters) = content_type.split_once(';').unwrap_or((content_type, ""));
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return Err(format!(
            "The request content type '{}' is not multipart/form-data.",
            mime.trim()
        ));
    }
    let boundary = parameters
        .split(';')
        .filter_map(|p| p.split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, value)| value.trim().trim_matches('"'))
        .filter(|b| !b.is_empty())
        .ok_or("The multipart body has no boundary.")?;
    let delimiter = format!("--{boundary}");
    let mut rest = body
        .strip_prefix(delimiter.as_bytes())
        .ok_or("The multipart body does not start with its boundary.")?;
    let separator = format!("\r\n--{boundary}");
    let mut parts = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        rest = rest
            .strip_prefix(b"\r\n")
            .ok_or("A multipart boundary is not followed by a line break.")?;
        let end = find(rest, separator.as_bytes()).ok_or("A multipart part does not end.")?;
        parts.push(part(&rest[..end])?);
        rest = &rest[end + separator.len()..];
    }
}

/// A part: headers, a blank line, the content.
fn part(raw: &[u8]) -> Result<Part, String> {
    let split = find(raw, b"\r\n\r\n").ok_or("A multipart part has no blank line.")?;
    let head = std::str::from_utf8(&raw[..split]).map_err(|_| "A part's headers are not UTF-8.")?;
    let mut name = None;
    let mut file_name = None;
    let mut content_type = None;
    for line in head.split("\r\n") {
        let Some((header, value)) = line.split_once(':') else {
            continue;
        };
        if header.trim().eq_ignore_ascii_case("content-disposition") {
            for parameter in value.split(';').skip(1) {
                let Some((key, quoted)) = parameter.split_once('=') else {
                    continue;
                };
                let text = quoted.trim().trim_matches('"').to_owned();
                match key.trim() {
                    "name" => name = Some(text),
                    "filename" => file_name = Some(text),
                    _ => {}
                }
            }
        } else if header.trim().eq_ignore_ascii_case("content-type") {
            content_type = Some(value.trim().to_owned());
        }
    }
    Ok(Part {
        name: name.ok_or("A multipart part has no name.")?,
        file_name,
        content_type,
        bytes: raw[split + 4..].to_vec(),
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_keep_their_names_types_and_exact_bytes() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a b.png\"\r\n\
Content-Type: image/png\r\n\r\n\x89PNG\r\n\x00\xff\r\n--XyZ--\r\n";
        let parts = parse("multipart/form-data; boundary=XyZ", body).expect("parses");
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "note");
        assert_eq!(parts[0].bytes, b"hello");
        assert_eq!(parts[1].file_name.as_deref(), Some("a b.png"));
        assert_eq!(parts[1].content_type.as_deref(), Some("image/png"));
        assert_eq!(parts[1].bytes, b"\x89PNG\r\n\x00\xff");
        assert!(parse("application/json", body).is_err());
        assert!(parse("multipart/form-data; boundary=Other", body).is_err());
        assert!(parse("multipart/form-data; boundary=XyZ", b"--XyZ\r\nbroken").is_err());
    }
}
