//! Drafting `actions:`: one per operation on a sub-path of the collection
//! (`/Invoice/PDF/{id}`, `/Invoice/updatelines`), with its method, path
//! template, typed path parameters and query parameters. The body is guessed
//! from the request schema (`form` for multipart). The document has no
//! response schemas, so the response is a guess too: `bytes` for a GET whose
//! path names a file (`image`, `document`, `download`, `pdf`) and a POST to a
//! PDF, else `json`. When the collection's own POST takes a model with `sql`
//! and `_loadreportonly` (Halo's report engine), a report query is drafted
//! too. Operations the spec format cannot express (other media types,
//! segments no template can write) become notes instead.

use std::fmt::Write as _;

use halopsa_codegen::reserved::{HANDLE_METHODS, TRAIT_METHODS};

use super::{one_line, scalar, section, words, Line, Types};
use crate::openapi::{Declared, IdKind, Kind, Parameter, RequestBody, Segment};

/// A drafted action.
pub(super) struct ActionDraft {
    pub(super) name: String,
    method: &'static str,
    /// The template under the collection: `PDF/{id}`.
    template: String,
    path_params: Vec<Line>,
    params: Vec<Line>,
    body: Option<BodyGuess>,
    response: BodyGuess,
}

/// What the document says an operation takes.
enum BodyKind {
    Json(Declared),
    /// `multipart/form-data` (the media type as written).
    Form(String),
}

/// An action's `body:` or `response:`, and how it was guessed.
struct BodyGuess {
    value: String,
    note: String,
}

/// The collection whose sub-paths become actions.
pub(super) struct Owner<'a> {
    pub(super) collection: &'a str,
    pub(super) model: &'a str,
    pub(super) singleton: bool,
    pub(super) key: IdKind,
}

impl ActionDraft {
    pub(super) fn render(&self, out: &mut String) {
        // The name is made of ASCII letters, digits and `_` (see
        // `action_name`); the path and every parameter come from the document
        // and are written as scalars.
        let _ = writeln!(out, "      {}:", self.name);
        let _ = writeln!(out, "        doc: TODO.");
        let _ = writeln!(out, "        method: {}", self.method);
        if !self.template.is_empty() {
            let _ = writeln!(out, "        path: {}", scalar(&self.template));
        }
        section(out, "        ", "path_params", &self.path_params);
        section(out, "        ", "params", &self.params);
        if let Some(body) = &self.body {
            let _ = writeln!(
                out,
                "        body: {}  # {}",
                scalar(&body.value),
                one_line(&body.note)
            );
        }
        let _ = writeln!(
            out,
            "        response: {}  # {}",
            self.response.value,
            one_line(&self.response.note)
        );
    }
}

/// The guessed `response:` of `verb` on `path`: the document declares no
/// answers, so only the path can say that one is a file: a GET of an image,
/// a document, a download or a PDF, or a POST that makes a PDF. (An upload
/// to the same path answers with what was stored.)
fn response_guess(verb: &str, path: &str, uploads: bool) -> BodyGuess {
    let names = |words: &[&str]| {
        Segment::split(path).iter().any(|segment| match segment {
            Segment::Literal(text) => {
                let text = text.to_ascii_lowercase();
                words.iter().any(|word| text.contains(word))
            }
            _ => false,
        })
    };
    let file = match verb {
        "GET" => names(&["pdf", "image", "document", "download"]),
        "POST" => !uploads && names(&["pdf"]),
        _ => false,
    };
    if file {
        BodyGuess {
            value: "bytes".into(),
            note:
                "A guess from the path, which names a file: the document has no response schemas."
                    .into(),
        }
    } else {
        BodyGuess {
            value: "json".into(),
            note: "A guess: the document has no response schemas.".into(),
        }
    }
}

/// The report engine's answer: `POST` of a model with `sql` and
/// `_loadreportonly` runs the SQL without saving anything.
fn report_guess() -> BodyGuess {
    BodyGuess {
        value: "report".into(),
        note: "The request model has `sql` and `_loadreportonly`: an SQL report query, which takes the SQL and answers rows."
            .into(),
    }
}

impl Types<'_> {
    /// One action per operation on a sub-path of the collection, and a note
    /// for each operation the spec format cannot express; and a report query
    /// when the collection's own POST runs SQL.
    pub(super) fn actions(&self, owner: &Owner<'_>) -> (Vec<ActionDraft>, Vec<String>) {
        let doc = self.doc;
        let mut drafts = Vec::new();
        let mut skipped = Vec::new();
        let own_post = doc.request_body(owner.collection, "post");
        if matches!(&own_post, Some(RequestBody::Json(body)) if self.runs_sql(body)) {
            drafts.push((
                ActionDraft {
                    name: "query".into(),
                    method: "POST",
                    template: String::new(),
                    path_params: Vec::new(),
                    params: Vec::new(),
                    body: None,
                    response: report_guess(),
                },
                Vec::new(),
            ));
        }
        for path in doc.sub_paths(owner.collection) {
            let segments = Segment::split(&path).split_off(1);
            let unwritable = segments.iter().any(|s| match s {
                Segment::Literal(text) => !literal_segment(text),
                Segment::Param(name) => !param_name(name),
                Segment::Other(_) => true,
            });
            let methods = doc.methods(&path);
            if unwritable {
                skipped.push(format!("`{path}` cannot be written as a path template"));
                continue;
            }
            for method in methods.iter().copied() {
                let endpoint = format!("{} {path}", method.to_uppercase());
                let Some(verb) = verb(method) else {
                    skipped.push(format!(
                        "{endpoint}: the spec format has GET, POST and DELETE"
                    ));
                    continue;
                };
                let body = match doc.request_body(&path, method) {
                    Some(RequestBody::Other(media))
                        if media.starts_with("multipart/form-data") && verb != "GET" =>
                    {
                        Some(BodyKind::Form(media))
                    }
                    Some(RequestBody::Other(media)) => {
                        skipped.push(format!(
                            "{endpoint} takes `{media}`, which the spec format cannot send"
                        ));
                        continue;
                    }
                    Some(RequestBody::Json(_)) if verb == "GET" => {
                        skipped.push(format!("{endpoint} takes a body, which a GET cannot send"));
                        continue;
                    }
                    Some(RequestBody::Json(declared)) => Some(BodyKind::Json(declared)),
                    None => None,
                };
                let mut draft = self.action(owner, &path, (method, verb), &segments, body);
                // Several methods on one path: the method tells them apart.
                if methods.len() > 1 {
                    draft.name = format!("{method}_{}", draft.name);
                }
                drafts.push((draft, segments.clone()));
            }
        }
        let names = unique_names(drafts.iter().map(|(d, s)| (d.name.clone(), s.as_slice())));
        let drafts = drafts
            .into_iter()
            .zip(names)
            .map(|((mut draft, _), name)| {
                draft.name = name;
                draft
            })
            .collect();
        (drafts, skipped)
    }

    /// The action for `method` (as the document and the spec write it) on
    /// `path`, named after its literal segments.
    fn action(
        &self,
        owner: &Owner<'_>,
        path: &str,
        (method, verb): (&str, &'static str),
        segments: &[Segment],
        body: Option<BodyKind>,
    ) -> ActionDraft {
        let doc = self.doc;
        let declared_params = doc.path_params(path, method);
        let mut template = Vec::new();
        let mut path_params = Vec::new();
        for segment in segments {
            let Segment::Param(name) = segment else {
                if let Segment::Literal(text) = segment {
                    template.push(text.clone());
                }
                continue;
            };
            let param = declared_params
                .iter()
                .find(|p| p.name == *name)
                .cloned()
                .unwrap_or_else(|| Parameter {
                    name: name.clone(),
                    description: String::new(),
                    declared: vec![Declared {
                        ty: Some("string".into()),
                        ..Declared::default()
                    }],
                    required: true,
                });
            let declared = param.declared.first().cloned().unwrap_or_default();
            let own_id = !owner.singleton && owner.key.fits(&doc.kind(&declared));
            if name == "id" && own_id {
                template.push("{id}".to_owned());
                continue;
            }
            let line = if name == "id" {
                // `{id}` in a template is the record's id; this one is not.
                let renamed = Parameter {
                    name: "target_id".into(),
                    ..param.clone()
                };
                Line {
                    comment: Some(format!(
                        "the document's `{{id}}`, declared `{declared}`: not an id of this collection"
                    )),
                    ..self.param(&renamed)
                }
            } else {
                self.param(&param)
            };
            template.push(format!("{{{}}}", line.wire));
            path_params.push(line);
        }
        let params: Vec<Line> = doc
            .query_params(path, method)
            .iter()
            .map(|p| self.query_param(p, "action"))
            .collect();
        let (body, response) = match body {
            Some(BodyKind::Form(media)) => (
                Some(BodyGuess {
                    value: "form".into(),
                    note: format!("The document takes `{media}`: the method takes a `Multipart`."),
                }),
                response_guess(verb, path, true),
            ),
            Some(BodyKind::Json(declared)) => {
                let body = self.body(owner, &declared);
                let uploads = body.value == "records";
                (Some(body), response_guess(verb, path, uploads))
            }
            None => (None, response_guess(verb, path, false)),
        };
        ActionDraft {
            name: action_name(segments),
            method: verb,
            template: template.join("/"),
            path_params,
            params,
            body,
            response,
        }
    }

    /// Whether a request schema is an array of a model with `sql` and
    /// `_loadreportonly`: Halo's report engine.
    fn runs_sql(&self, declared: &Declared) -> bool {
        let Kind::Array(items) = self.doc.kind(declared) else {
            return false;
        };
        items.reference.as_deref().is_some_and(|model| {
            ["sql", "_loadreportonly"]
                .iter()
                .all(|name| self.doc.property(model, name).is_some())
        })
    }

    /// What an action sends, guessed from its request schema: `records` for
    /// an array of the model, `object` for the model itself, `ids` for an
    /// array of ids, a shared type (or a list of one) the spec has, else `json`.
    fn body(&self, owner: &Owner<'_>, declared: &Declared) -> BodyGuess {
        let doc = self.doc;
        let guess = |value: &str| BodyGuess {
            value: value.to_owned(),
            note: format!("A guess from the request schema `{declared}`."),
        };
        if let Kind::Object {
            schema: Some(schema),
        } = doc.kind(declared)
        {
            if !owner.singleton && schema == owner.model {
                return guess("object");
            }
        }
        if let Kind::Array(items) = doc.kind(declared) {
            if !owner.singleton {
                if items.reference.as_deref() == Some(owner.model) {
                    return guess("records");
                }
                if owner.key.fits(&doc.kind(&items)) {
                    return guess("ids");
                }
            }
        }
        let ty = self.ty(declared);
        let item = ty
            .strip_prefix("list<")
            .and_then(|t| t.strip_suffix('>'))
            .unwrap_or(&ty);
        if self.has_type(item) {
            return guess(&ty);
        }
        let mut json = guess("json");
        if let Some(note) = self.model_note(declared) {
            json.note = format!("{} {note}.", json.note);
        }
        json
    }
}

/// `GET`, `POST` or `DELETE`: the methods the spec format has.
fn verb(method: &str) -> Option<&'static str> {
    match method {
        "get" => Some("GET"),
        "post" => Some("POST"),
        "delete" => Some("DELETE"),
        _ => None,
    }
}

/// Whether a literal segment fits the generator's path grammar.
fn literal_segment(text: &str) -> bool {
    !text.is_empty()
        && text != "."
        && text != ".."
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Whether a path parameter's name can be a spec name (and so a Rust one).
fn param_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The snake_case name of an action from its literal segments:
/// `PDF/{id}` -> `pdf`, `GetS3PresignedURL` -> `get_s3_presigned_url`.
fn action_name(segments: &[Segment]) -> String {
    let words: Vec<String> = segments
        .iter()
        .filter_map(|s| match s {
            Segment::Literal(text) => Some(text),
            _ => None,
        })
        .flat_map(|text| words(text))
        .map(|w| w.to_ascii_lowercase())
        .collect();
    let mut name = words.join("_");
    if name.is_empty() {
        name = "item".into();
    }
    name
}

/// Names made distinct and usable: a name the handle already has, a Rust
/// keyword or one starting with a digit gets `_action`; two actions of one
/// name gain their path parameters' names, then a number.
fn unique_names<'a>(drafts: impl Iterator<Item = (String, &'a [Segment])>) -> Vec<String> {
    let mut names: Vec<(String, &[Segment])> = drafts
        .map(|(name, segments)| {
            let usable = name.starts_with(|c: char| c.is_ascii_alphabetic())
                && !HANDLE_METHODS.contains(&name.as_str())
                && !TRAIT_METHODS.contains(&name.as_str())
                && !KEYWORDS.contains(&name.as_str());
            let name = if usable {
                name
            } else {
                format!("{name}_action")
            };
            (name, segments)
        })
        .collect();
    let clashes = |names: &[(String, &[Segment])], name: &str| {
        names.iter().filter(|(n, _)| n == name).count() > 1
    };
    let with_params: Vec<String> = names
        .iter()
        .map(|(name, segments)| {
            let params: Vec<String> = segments
                .iter()
                .filter_map(|s| match s {
                    Segment::Param(p) => Some(words(p).join("_").to_ascii_lowercase()),
                    _ => None,
                })
                .collect();
            if clashes(&names, name) && !params.is_empty() {
                format!("{name}_{}", params.join("_"))
            } else {
                name.clone()
            }
        })
        .collect();
    for (entry, name) in names.iter_mut().zip(with_params) {
        entry.0 = name;
    }
    let mut out: Vec<String> = Vec::new();
    for (name, _) in &names {
        let mut unique = name.clone();
        let mut n = 2;
        while out.contains(&unique) {
            unique = format!("{name}_{n}");
            n += 1;
        }
        out.push(unique);
    }
    out
}

/// Rust's keywords (all editions), which no action may be named: the
/// generator's list, for names it would refuse.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];
