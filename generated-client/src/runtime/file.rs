//! Files the API answers with: an attachment, a generated PDF. Their name
//! comes from `Content-Disposition` (RFC 6266), read so that it can only
//! ever be a plain file name, never a path.

use std::fmt;

use reqwest::header::{HeaderMap, CONTENT_DISPOSITION, CONTENT_TYPE};

/// A downloaded file, held in memory.
///
/// For large files, stream to a writer instead (`download` on a raw
/// request), which never holds the whole file.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct File {
    /// The file's name from `Content-Disposition`: a plain name (`report.pdf`)
    /// with any directories taken off, or `None` when the server gave none
    /// or gave one with a `..` segment.
    pub name: Option<String>,
    /// The `Content-Type` the server sent, e.g. `application/pdf`.
    pub content_type: Option<String>,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// What a streamed download wrote: the file's name and type as for
/// [`File`], and its size in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FileInfo {
    /// As [`File::name`].
    pub name: Option<String>,
    /// As [`File::content_type`].
    pub content_type: Option<String>,
    /// Bytes written.
    pub size: u64,
}

impl File {
    /// The file an answer carries: its headers and its body.
    pub(crate) fn from_parts(headers: &HeaderMap, bytes: Vec<u8>) -> File {
        File {
            name: name_in(headers),
            content_type: content_type_in(headers),
            bytes,
        }
    }
}

impl FileInfo {
    pub(crate) fn from_headers(headers: &HeaderMap, size: u64) -> FileInfo {
        FileInfo {
            name: name_in(headers),
            content_type: content_type_in(headers),
            size,
        }
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File")
            .field("name", &self.name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

fn name_in(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(CONTENT_DISPOSITION)?;
    // Latin-1 bytes are kept as such (RFC 9110 allows obs-text in values).
    let text: String = value.as_bytes().iter().map(|&b| char::from(b)).collect();
    disposition_file_name(&text)
}

fn content_type_in(headers: &HeaderMap) -> Option<String> {
    let text = headers.get(CONTENT_TYPE)?.to_str().ok()?.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The file name of a `Content-Disposition` value, made safe: `filename*`
/// (RFC 8187, UTF-8 or ISO-8859-1) wins over `filename`, as RFC 6266 says;
/// then [`safe_file_name`] applies.
pub(crate) fn disposition_file_name(value: &str) -> Option<String> {
    let mut plain = None;
    let mut extended = None;
    for (name, raw) in parameters(value) {
        if name.eq_ignore_ascii_case("filename*") {
            extended = extended.or_else(|| decode_extended(&raw));
        } else if name.eq_ignore_ascii_case("filename") {
            plain = plain.or(Some(raw));
        }
    }
    safe_file_name(&extended.or(plain)?)
}

/// The parameters after the disposition type: `name=value` pairs, values
/// unquoted (a quoted string may hold `;` and backslash escapes).
fn parameters(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = value.chars().peekable();
    // Skip the disposition type.
    for c in chars.by_ref() {
        if c == ';' {
            break;
        }
    }
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ';') {
            chars.next();
        }
        let mut name = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c == ';' {
                break;
            }
            name.push(c);
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        if chars.next() != Some('=') {
            continue;
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut raw = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => raw.extend(chars.next()),
                    '"' => break,
                    c => raw.push(c),
                }
            }
            // Anything after the closing quote, up to the next `;`, is junk.
            while chars.peek().is_some_and(|c| *c != ';') {
                chars.next();
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ';' {
                    break;
                }
                raw.push(c);
                chars.next();
            }
            raw = raw.trim_end().to_owned();
        }
        out.push((name.trim().to_owned(), raw));
    }
    out
}

/// `UTF-8''na%C3%AFve.pdf` (RFC 8187): charset, language, percent-encoded
/// bytes. `None` for another charset or bytes that are not in it.
fn decode_extended(raw: &str) -> Option<String> {
    let mut pieces = raw.splitn(3, '\'');
    let charset = pieces.next()?.trim();
    let _language = pieces.next()?;
    let encoded = pieces.next()?;
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut rest = encoded.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            let hex = tail.get(..2)?;
            let hex = std::str::from_utf8(hex).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    if charset.eq_ignore_ascii_case("utf-8") {
        String::from_utf8(bytes).ok()
    } else if charset.eq_ignore_ascii_case("iso-8859-1") {
        Some(bytes.into_iter().map(char::from).collect())
    } else {
        None
    }
}

/// A name that is only ever a file name: directories (`/`, `\`, a drive
/// such as `C:`) are taken off and control characters dropped; a name with
/// a `..` segment is refused outright, as is one that is empty or `.`.
pub(crate) fn safe_file_name(name: &str) -> Option<String> {
    let segments: Vec<&str> = name.split(['/', '\\']).collect();
    if segments.iter().any(|segment| segment.trim() == "..") {
        return None;
    }
    let last = segments.last()?;
    let last = match last.as_bytes() {
        [drive, b':', ..] if drive.is_ascii_alphabetic() => &last[2..],
        _ => last,
    };
    let clean: String = last.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim();
    (!clean.is_empty() && clean != "." && clean != "..").then(|| clean.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_follow_rfc_6266() {
        let name = disposition_file_name;
        assert_eq!(
            name("attachment; filename=\"report.pdf\"").as_deref(),
            Some("report.pdf")
        );
        assert_eq!(
            name("attachment; filename=report.pdf").as_deref(),
            Some("report.pdf")
        );
        // filename* wins, wherever it stands.
        assert_eq!(
            name("attachment; filename*=UTF-8''na%C3%AFve%20file.txt; filename=\"naive.txt\"")
                .as_deref(),
            Some("naïve file.txt")
        );
        assert_eq!(
            name("attachment; filename=\"naive.txt\"; filename*=utf-8'en'na%C3%AFve.txt")
                .as_deref(),
            Some("naïve.txt")
        );
        assert_eq!(
            name("attachment; filename*=iso-8859-1''caf%E9.txt").as_deref(),
            Some("café.txt")
        );
        // An undecodable filename* falls back to filename.
        assert_eq!(
            name("attachment; filename*=UTF-8''%FF%FE.txt; filename=\"plain.txt\"").as_deref(),
            Some("plain.txt")
        );
        // Quoted strings keep `;` and unescape backslashes.
        assert_eq!(
            name(r#"inline; filename="a;b \"c\".txt"; size=3"#).as_deref(),
            Some("a;b \"c\".txt")
        );
        assert_eq!(name("attachment"), None);
        assert_eq!(name("attachment; filename="), None);
    }

    #[test]
    fn a_file_name_is_never_a_path() {
        let name = disposition_file_name;
        assert_eq!(
            name("attachment; filename=\"/etc/passwd\"").as_deref(),
            Some("passwd")
        );
        assert_eq!(
            name("attachment; filename=C:\\Windows\\win.ini").as_deref(),
            Some("win.ini")
        );
        // In a quoted string a backslash escapes; an escaped one is a separator.
        assert_eq!(
            name(r#"attachment; filename="C:\\Windows\\win.ini""#).as_deref(),
            Some("win.ini")
        );
        assert_eq!(
            name("attachment; filename=\"C:boot.ini\"").as_deref(),
            Some("boot.ini")
        );
        for hostile in [
            "attachment; filename=\"../../.ssh/authorized_keys\"",
            "attachment; filename=\"..\"",
            "attachment; filename=a\\..\\b",
            "attachment; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd",
            "attachment; filename=\".\"",
            "attachment; filename=\"dir/\"",
        ] {
            assert_eq!(name(hostile), None, "{hostile}");
        }
        assert_eq!(
            name("attachment; filename*=UTF-8''bell%07%0A.txt").as_deref(),
            Some("bell.txt")
        );
        // Dots inside a name are ordinary.
        assert_eq!(
            name("attachment; filename=\"v1..2.tar.gz\"").as_deref(),
            Some("v1..2.tar.gz")
        );
    }
}
