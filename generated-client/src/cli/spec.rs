//! The types of the generated table (`crate::generated::cli`): what the
//! command-line client knows of each collection. The generator writes the
//! values; [`command`](super::command) turns them into clap commands.
//!
//! The enums cover every construct of the spec format; the spec in hand
//! may use only some (no text keys, no enums), so unused variants are
//! allowed here rather than removed.
#![allow(dead_code)]

/// One collection: `halo tickets ...`.
#[derive(Debug)]
pub(crate) struct Collection {
    /// The command, e.g. `tickets`.
    pub(crate) command: &'static str,
    /// The collection's doc.
    pub(crate) about: &'static str,
    /// The wire path under the API base, e.g. `Tickets`.
    pub(crate) path: &'static str,
    /// What its ids are.
    pub(crate) key: Key,
    /// The doc of its `id` field (empty for a singleton).
    pub(crate) id_doc: &'static str,
    /// One record at the path, without an id: `get` and `update` are actions.
    pub(crate) singleton: bool,
    /// How `list` answers, when the collection has `list`.
    pub(crate) list: Option<List>,
    pub(crate) ops: Ops,
    /// The wire names a table shows.
    pub(crate) columns: &'static [&'static str],
    /// The fields other than `id`, in spec order.
    pub(crate) fields: &'static [Field],
    pub(crate) filters: &'static [Param],
    pub(crate) get_params: &'static [Param],
    pub(crate) delete_params: &'static [Param],
    pub(crate) actions: &'static [Action],
    /// Named patches that send request-only switches: `halo tickets restore ID`.
    pub(crate) verbs: &'static [Verb],
}

/// A named patch: the record's id and these request-only fields set to `true`.
#[derive(Debug)]
pub(crate) struct Verb {
    /// The subcommand, e.g. `restore`.
    pub(crate) command: &'static str,
    pub(crate) about: &'static str,
    /// The wire names of the switches it sends.
    pub(crate) sets: &'static [&'static str],
}

/// What a collection's ids are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    Int,
    Text,
}

/// Which of the five operations a collection has.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ops {
    pub(crate) list: bool,
    pub(crate) get: bool,
    pub(crate) create: bool,
    pub(crate) update: bool,
    pub(crate) delete: bool,
}

/// How a list answers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct List {
    /// The key an object answer holds the records under.
    pub(crate) key: &'static str,
    /// Documented as a bare array (an object under `key` is read too).
    pub(crate) bare: bool,
    pub(crate) paginated: bool,
    /// The parameter capping an unpaginated list: (wire name, flag).
    pub(crate) count: Option<(&'static str, &'static str)>,
}

/// A field of the collection's records.
#[derive(Debug)]
pub(crate) struct Field {
    pub(crate) wire: &'static str,
    pub(crate) flag: &'static str,
    pub(crate) ty: Ty,
    pub(crate) doc: &'static str,
    /// The server ignores it on writes: no flag.
    pub(crate) read_only: bool,
}

impl Field {
    pub(crate) const fn new(
        wire: &'static str,
        flag: &'static str,
        ty: Ty,
        doc: &'static str,
    ) -> Self {
        Field {
            wire,
            flag,
            ty,
            doc,
            read_only: false,
        }
    }

    pub(crate) const fn read_only(
        wire: &'static str,
        flag: &'static str,
        ty: Ty,
        doc: &'static str,
    ) -> Self {
        Field {
            wire,
            flag,
            ty,
            doc,
            read_only: true,
        }
    }
}

/// A query (or path) parameter: a filter, a get, delete or action parameter.
#[derive(Debug)]
pub(crate) struct Param {
    pub(crate) wire: &'static str,
    pub(crate) flag: &'static str,
    pub(crate) ty: Ty,
    pub(crate) doc: &'static str,
    /// A flag without a value that sends `true`.
    pub(crate) switch: bool,
    pub(crate) required: bool,
}

impl Param {
    pub(crate) const fn new(
        wire: &'static str,
        flag: &'static str,
        ty: Ty,
        doc: &'static str,
    ) -> Self {
        Param {
            wire,
            flag,
            ty,
            doc,
            switch: false,
            required: false,
        }
    }

    pub(crate) const fn switch(wire: &'static str, flag: &'static str, doc: &'static str) -> Self {
        Param {
            wire,
            flag,
            ty: Ty::Bool,
            doc,
            switch: true,
            required: false,
        }
    }

    pub(crate) const fn required(mut self) -> Self {
        self.required = true;
        self
    }
}

/// A value's type, which decides how a flag's text is read.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ty {
    Bool,
    Int,
    Long,
    Float,
    Text,
    Date,
    DateTime,
    /// Any JSON.
    Json,
    /// A file's content, sent base64-encoded; the flag names the file.
    File,
    /// The id of a record of another collection: its name (`client
    /// contract`) and key.
    Ref(&'static str, Key),
    /// A shared struct, written as JSON.
    Struct(&'static str),
    /// An integer enum: (name, value) of each variant.
    IntEnum(&'static [(&'static str, i64)]),
    /// A string enum: (name, value) of each variant.
    TextEnum(&'static [(&'static str, &'static str)]),
    List(&'static Ty),
}

/// An operation other than the five.
#[derive(Debug)]
pub(crate) struct Action {
    /// The subcommand, e.g. `update-lines`.
    pub(crate) command: &'static str,
    pub(crate) about: &'static str,
    pub(crate) method: Method,
    /// The path under the collection's, in order.
    pub(crate) path: &'static [Part],
    pub(crate) path_params: &'static [Param],
    pub(crate) params: &'static [Param],
    pub(crate) body: Body,
    pub(crate) response: Response,
    /// May be sent again when the server might have acted.
    pub(crate) retry: bool,
    /// The API scope it needs, which a 403 names.
    pub(crate) scope: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
    Delete,
}

/// A segment of an action's path.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Part {
    Literal(&'static str),
    /// The record's id.
    Id,
    /// The path parameter of this wire name.
    Param(&'static str),
}

/// What an action sends, read from standard input.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Body {
    None,
    /// One record, sent as `[{..}]`.
    Record,
    /// One record sent as the object itself, `{..}`.
    Object,
    /// A multipart form: `--part NAME=VALUE` and `--file NAME=PATH`.
    Form,
    /// Records, sent as `[{..}, ..]`.
    Records,
    /// Ids, sent as `[1, 2]`.
    Ids,
    /// A value of this type, sent as is.
    Value(Ty),
}

/// What an action answers.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Response {
    None,
    Record,
    /// A JSON array of records.
    Records,
    /// Records in the collection's list shape.
    List,
    Value(Ty),
    /// A file, written to `--out` (or to stdout when it is not a terminal).
    Bytes,
    /// The rows of an SQL report: the action takes the query.
    Report,
}
