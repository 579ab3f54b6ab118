//! URL paths: a strict grammar, so a request goes exactly where the spec says.
//!
//! A path is segments of ASCII letters, digits, `_`, `-` and `.` between
//! slashes, never `.` or `..` alone. Anything else would be rewritten on the
//! way out: URL libraries resolve `..`, percent-encode `?`, `#` and spaces, and
//! some servers read `\` as `/`, so the request would reach another path than
//! the one a reviewer read in the spec.

/// Which form a path must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathKind {
    /// From the server root: `/api`, `/auth/token`.
    Absolute,
    /// A collection under the base path: one segment, such as `Tickets`.
    Collection,
}

/// Why a path was refused: a message (after "`key: path` ") and a help line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PathError {
    pub problem: String,
    pub help: String,
}

/// Checks `path` against the grammar of `kind`.
pub(crate) fn check(path: &str, kind: PathKind) -> Result<(), PathError> {
    let example = match kind {
        PathKind::Absolute => "`/api`",
        PathKind::Collection => "`Tickets`",
    };
    let error = |problem: String, help: String| Err(PathError { problem, help });
    if path.is_empty() {
        return error(
            "is empty".into(),
            format!("write the path as Halo's document names it, such as {example}"),
        );
    }
    let rest = match (kind, path.strip_prefix('/')) {
        (PathKind::Absolute, Some(rest)) => rest,
        (PathKind::Absolute, None) => {
            return error(
                "does not start with `/`".into(),
                "write it from the server root, such as `/api`".into(),
            )
        }
        (PathKind::Collection, Some(_)) => {
            return error(
                "starts with `/`".into(),
                "write it relative to `base_path`, such as `Tickets`".into(),
            )
        }
        (PathKind::Collection, None) => path,
    };
    if let Some(c) = path.chars().find(|c| !is_path_char(*c)) {
        return error(
            format!("contains {}", describe(c)),
            format!("{} (such as {example})", char_help(c)),
        );
    }
    let segments: Vec<&str> = rest.split('/').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return error(
            "has an empty segment (`//` or a trailing `/`)".into(),
            format!("remove the extra `/`, as in {example}"),
        );
    }
    if let Some(dots) = segments.iter().find(|s| **s == "." || **s == "..") {
        return error(
            format!("has the segment `{dots}`"),
            format!(
                "URL libraries resolve `.` and `..` away, so the request would go elsewhere; write the path the server serves, such as {example}"
            ),
        );
    }
    if kind == PathKind::Collection && segments.len() > 1 {
        return error(
            "has more than one segment".into(),
            "a collection's path is one segment under `base_path`, such as `Tickets`".into(),
        );
    }
    Ok(())
}

/// The characters of a path: segment characters and the separator.
fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')
}

fn describe(c: char) -> String {
    if c.is_ascii_graphic() {
        format!("`{c}`")
    } else if c == ' ' {
        "a space".into()
    } else {
        format!("the character U+{:04X}", c as u32)
    }
}

/// Why a character cannot be in a path, and what to write instead.
fn char_help(c: char) -> &'static str {
    match c {
        '?' | '&' | '=' => "a path has no query; declare query parameters under `filters:`, `get_params:` or `delete_params:`",
        '#' => "a fragment is never sent to the server; remove it",
        '\\' => "separate segments with `/`",
        '%' => "write the path unencoded; the client encodes nothing in it",
        c if c.is_whitespace() => "a path has no whitespace",
        _ => "a path holds ASCII letters, digits, `_`, `-` and `.` between slashes",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn problem(path: &str, kind: PathKind) -> String {
        check(path, kind).unwrap_err().problem
    }

    #[test]
    pub(super) fn accepts_plain_paths() {
        for path in ["/api", "/auth/token", "/api/AuthInfo", "/v1.2/x_y-z"] {
            assert_eq!(check(path, PathKind::Absolute), Ok(()), "{path}");
        }
        for path in ["Tickets", "KBArticle", "Client_Contract", "a.b"] {
            assert_eq!(check(path, PathKind::Collection), Ok(()), "{path}");
        }
    }

    #[test]
    pub(super) fn refuses_what_a_url_library_would_rewrite() {
        use PathKind::*;
        assert_eq!(problem("/api/../admin", Absolute), "has the segment `..`");
        assert_eq!(problem("/api/./x", Absolute), "has the segment `.`");
        assert_eq!(problem("..", Collection), "has the segment `..`");
        assert_eq!(problem("Tickets?x=1", Collection), "contains `?`");
        assert_eq!(problem("Tickets#top", Collection), "contains `#`");
        assert_eq!(problem("Tick ets", Collection), "contains a space");
        assert_eq!(problem("api\\x", Collection), "contains `\\`");
        assert_eq!(problem("Tickets%2F", Collection), "contains `%`");
        assert_eq!(
            problem("Tick\u{e9}ts", Collection),
            "contains the character U+00E9"
        );
        assert_eq!(problem("a/b", Collection), "has more than one segment");
        assert_eq!(problem("/Tickets", Collection), "starts with `/`");
        assert_eq!(problem("api", Absolute), "does not start with `/`");
        assert_eq!(
            problem("/api/", Absolute),
            "has an empty segment (`//` or a trailing `/`)"
        );
        assert_eq!(
            problem("/", Absolute),
            "has an empty segment (`//` or a trailing `/`)"
        );
        assert_eq!(problem("", Collection), "is empty");
    }
}
