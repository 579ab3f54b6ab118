//! Reading a flag's text by its type: ids, numbers, dates, booleans, lists
//! and JSON, into the value sent, written as the typed API writes it (a
//! date-time in RFC 3339 UTC, a list comma-joined in a query).

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, Utc};

use super::spec::{Key, Ty};
use super::value::Node;

/// Reads `text` as a value of `ty`, or says what was expected.
pub(crate) fn parse(ty: &Ty, text: &str) -> Result<Node, String> {
    let trimmed = text.trim();
    let number = |what: &str| -> Result<Node, String> {
        trimmed
            .parse::<i64>()
            .map(|n| Node::Number(n.into()))
            .map_err(|_| format!("`{text}` is not {what}"))
    };
    match ty {
        Ty::Bool => match trimmed.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Ok(Node::Bool(true)),
            "false" | "no" | "0" => Ok(Node::Bool(false)),
            _ => Err(format!("`{text}` is not true or false")),
        },
        Ty::Int => trimmed
            .parse::<i32>()
            .map(|n| Node::Number(n.into()))
            .map_err(|_| format!("`{text}` is not a whole number")),
        Ty::Long => number("a whole number"),
        Ty::Ref(_, Key::Int) => trimmed
            .parse::<i32>()
            .map(|n| Node::Number(n.into()))
            .map_err(|_| format!("`{text}` is not an id (a whole number)")),
        Ty::Ref(_, Key::Text) => non_empty(text),
        Ty::Float => trimmed
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Node::Number)
            .ok_or_else(|| format!("`{text}` is not a number")),
        Ty::Text => Ok(Node::String(text.to_owned())),
        Ty::Date => NaiveDate::parse_from_str(trimmed, "%Y-%m-%d")
            .map(|date| Node::String(date.format("%Y-%m-%d").to_string()))
            .map_err(|_| format!("`{text}` is not a date (YYYY-MM-DD)")),
        Ty::DateTime => datetime(trimmed)
            .map(|at| Node::String(at.to_rfc3339_opts(SecondsFormat::AutoSi, true)))
            .ok_or_else(|| {
                format!("`{text}` is not a date and time (2024-05-01T10:30:00Z, or UTC without an offset, or a date)")
            }),
        Ty::Json | Ty::Struct(_) => serde_json::from_str::<Node>(trimmed)
            .map_err(|err| format!("`{text}` is not JSON: {err}")),
        Ty::File => file_base64(text),
        Ty::IntEnum(variants) => variants
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(trimmed))
            .map(|(_, value)| Node::Number((*value).into()))
            .map_or_else(|| number("a name or value of this enum"), Ok),
        Ty::TextEnum(variants) => Ok(Node::String(
            variants
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(trimmed))
                .map_or(text, |(_, value)| value)
                .to_owned(),
        )),
        Ty::List(inner) => match inner {
            // A list of records or JSON is written as a JSON array.
            Ty::Json | Ty::Struct(_) | Ty::List(_) => serde_json::from_str::<Node>(trimmed)
                .ok()
                .filter(|node| matches!(node, Node::Array(_)))
                .ok_or_else(|| format!("`{text}` is not a JSON array")),
            _ if trimmed.is_empty() => Ok(Node::Array(Vec::new())),
            _ => trimmed
                .split(',')
                .map(|item| parse(inner, item))
                .collect::<Result<Vec<_>, _>>()
                .map(Node::Array),
        },
    }
}

/// The content of the file at `path`, base64-encoded as Halo takes files
/// in JSON.
fn file_base64(path: &str) -> Result<Node, String> {
    use base64::Engine;
    let bytes = std::fs::read(path).map_err(|err| format!("cannot read `{path}`: {err}"))?;
    Ok(Node::String(
        base64::engine::general_purpose::STANDARD.encode(bytes),
    ))
}

fn non_empty(text: &str) -> Result<Node, String> {
    if text.trim().is_empty() {
        Err("an empty key names nothing".to_owned())
    } else {
        Ok(Node::String(text.to_owned()))
    }
}

/// RFC 3339, or a date and time without an offset (read as UTC), or a date
/// (midnight UTC).
fn datetime(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    const FORMATS: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ];
    FORMATS
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .map(|date| date.and_time(NaiveTime::MIN))
        })
        .map(|naive| naive.and_utc())
}

/// A value as a query parameter, as the typed API sends it: a list
/// comma-joined, JSON compact.
pub(crate) fn query_text(value: &Node) -> String {
    match value {
        Node::Array(items) => items.iter().map(query_text).collect::<Vec<_>>().join(","),
        other => other.text(),
    }
}

/// What a flag of this type takes, for its help: `<ID>`, `<DATE>`.
pub(crate) fn value_name(ty: &Ty) -> &'static str {
    match ty {
        Ty::Bool => "BOOL",
        Ty::Int | Ty::Long => "N",
        Ty::Float => "NUMBER",
        Ty::Text => "TEXT",
        Ty::Date => "DATE",
        Ty::DateTime => "DATETIME",
        Ty::Json | Ty::Struct(_) => "JSON",
        Ty::File => "PATH",
        Ty::Ref(..) => "ID",
        Ty::IntEnum(_) | Ty::TextEnum(_) => "VALUE",
        Ty::List(inner) => match inner {
            Ty::Ref(..) => "IDS",
            Ty::Json | Ty::Struct(_) | Ty::List(_) => "JSON",
            _ => "LIST",
        },
    }
}

/// How to write a value of this type, when the value name does not say:
/// appended to the flag's help.
pub(crate) fn type_hint(ty: &Ty) -> Option<String> {
    Some(match ty {
        Ty::Bool => "true or false".to_owned(),
        Ty::Date => "YYYY-MM-DD".to_owned(),
        Ty::DateTime => "RFC 3339, or UTC without an offset, or a date".to_owned(),
        Ty::Ref(entity, _) => format!("{entity} id"),
        Ty::Struct(name) => format!("a {name} as a JSON object"),
        Ty::File => "a file, sent base64-encoded".to_owned(),
        Ty::IntEnum(variants) => one_of(
            variants
                .iter()
                .map(|(name, value)| format!("{name} ({value})")),
        ),
        Ty::TextEnum(variants) => one_of(
            variants
                .iter()
                .map(|(name, value)| format!("{name} ({value})")),
        ),
        Ty::List(inner) => match inner {
            Ty::Ref(entity, _) => format!("{entity} ids, comma-separated"),
            Ty::Struct(name) => format!("a JSON array of {name}"),
            Ty::Json | Ty::List(_) => "a JSON array".to_owned(),
            other => match type_hint(other) {
                Some(hint) => format!("comma-separated; each {hint}"),
                None => "comma-separated".to_owned(),
            },
        },
        Ty::Int | Ty::Long | Ty::Float | Ty::Text | Ty::Json => return None,
    })
}

fn one_of(names: impl Iterator<Item = String>) -> String {
    format!("one of {}", names.collect::<Vec<_>>().join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(ty: &Ty, text: &str) -> String {
        serde_json::to_string(&parse(ty, text).expect(text)).unwrap()
    }

    #[test]
    fn values_are_written_as_the_typed_api_writes_them() {
        assert_eq!(json(&Ty::Int, " 12 "), "12");
        assert_eq!(json(&Ty::Bool, "yes"), "true");
        assert_eq!(json(&Ty::Float, "1.5"), "1.5");
        assert_eq!(json(&Ty::Date, "2024-05-01"), r#""2024-05-01""#);
        assert_eq!(
            json(&Ty::DateTime, "2024-05-01T10:30:00+02:00"),
            r#""2024-05-01T08:30:00Z""#
        );
        assert_eq!(
            json(&Ty::DateTime, "2024-05-01 10:30"),
            r#""2024-05-01T10:30:00Z""#
        );
        assert_eq!(
            json(&Ty::DateTime, "2024-05-01"),
            r#""2024-05-01T00:00:00Z""#
        );
        assert_eq!(
            json(&Ty::List(&Ty::Ref("client", Key::Int)), "1, 2,3"),
            "[1,2,3]"
        );
        assert_eq!(
            json(&Ty::Struct("Address"), r#"{"line1":"x"}"#),
            r#"{"line1":"x"}"#
        );
        assert_eq!(
            json(&Ty::IntEnum(&[("Company", 1), ("Site", 2)]), "site"),
            "2"
        );
        assert_eq!(json(&Ty::IntEnum(&[("Company", 1)]), "7"), "7");
        assert_eq!(
            json(&Ty::TextEnum(&[("Email", "email")]), "EMAIL"),
            r#""email""#
        );
        assert_eq!(
            json(&Ty::Ref("role", Key::Text), "Help desk"),
            r#""Help desk""#
        );
    }

    #[test]
    fn bad_values_say_what_was_expected() {
        assert!(parse(&Ty::Int, "twelve")
            .unwrap_err()
            .contains("whole number"));
        assert!(parse(&Ty::Ref("client", Key::Int), "x")
            .unwrap_err()
            .contains("id"));
        assert!(parse(&Ty::Date, "01/05/2024")
            .unwrap_err()
            .contains("YYYY-MM-DD"));
        assert!(parse(&Ty::Bool, "maybe")
            .unwrap_err()
            .contains("true or false"));
        assert!(
            parse(&Ty::Int, "99999999999").is_err(),
            "out of i32's range"
        );
        assert!(parse(&Ty::List(&Ty::Int), "1,x").is_err());
    }

    #[test]
    fn query_values_are_comma_joined() {
        let list = parse(&Ty::List(&Ty::Int), "1,2").unwrap();
        assert_eq!(query_text(&list), "1,2");
        assert_eq!(query_text(&parse(&Ty::Text, "a b").unwrap()), "a b");
    }

    #[test]
    fn a_file_flag_sends_the_file_base64_encoded() {
        let path = std::env::temp_dir().join(format!("halo-args-{}.txt", std::process::id()));
        std::fs::write(&path, b"Toner replaced.").unwrap();
        let sent = json(&Ty::File, path.to_str().unwrap());
        std::fs::remove_file(&path).unwrap();
        assert_eq!(sent, r#""VG9uZXIgcmVwbGFjZWQu""#);
        let missing = parse(&Ty::File, "/no/such/file").unwrap_err();
        assert!(missing.contains("cannot read `/no/such/file`"), "{missing}");
    }
}
