//! Every name that the generated crate, its runtime or Rust already use, in one
//! place, and which spec names may therefore not take.
//!
//! The lists of runtime names are checked against the runtime's source by
//! `codegen/tests/reserved.rs`: adding a method to `HaloClient` or a request
//! type, or a re-export to the crate root, without listing it here fails that
//! test. Names the generated code itself introduces inside function bodies and
//! `record!` expansions (locals, type parameters, helper items) need no entry:
//! they are hygienic or start with `__`, which no spec name can.

/// Where a reserved name is already used, for the message that rejects it
/// ("... is already {owner}").
pub(crate) type Owner = String;

/// Types and traits re-exported at the crate root by `generated-client/src/lib.rs`.
pub const ROOT_REEXPORTS: &[&str] = &[
    "AccessToken",
    "Base64",
    "Clear",
    "Error",
    "File",
    "FileInfo",
    "HaloClient",
    "HaloClientBuilder",
    "Id",
    "Listing",
    "ListingSummary",
    "Multipart",
    "Page",
    "RateLimit",
    "RawResponse",
    "ReportRows",
    "Result",
    "RetryPolicy",
    "StaticToken",
    "SyncCursor",
    "TokenSource",
];

/// Names that generated files import by name: runtime types (`crate::runtime`),
/// the `API` constant's types (`crate::runtime::spec`) and chrono's.
pub const IMPORTED_TYPES: &[&str] = &[
    "ActionRequest",
    "ApiSpec",
    "AuthSpec",
    "Base64",
    "ChangedSince",
    "CreateManyRequest",
    "CreateRequest",
    "DateTime",
    "Extra",
    "HaloClient",
    "Id",
    "Json",
    "ListShape",
    "Listed",
    "Multipart",
    "NaiveDate",
    "Nothing",
    "PaginationSpec",
    "RateLimitSpec",
    "ReportQuery",
    "Resource",
    "ResultFuture",
    "SyncCursor",
    "TextId",
    "UpdateRequest",
    "Utc",
];

/// Macros that generated files import by name (macro namespace; listed so the
/// test can tie every `use` of a generated file to this table).
pub const IMPORTED_MACROS: &[&str] = &[
    "fields",
    "input",
    "params",
    "record",
    "request",
    "wire_enum",
];

/// Rust's prelude: generated code names these unqualified (`Option<String>`),
/// and a user's `use halopsa::*;` would shadow them.
pub const PRELUDE: &[&str] = &[
    "AsMut",
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "Default",
    "DoubleEndedIterator",
    "Drop",
    "Eq",
    "Err",
    "ExactSizeIterator",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Into",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
];

/// Module names already taken: the crate root's `runtime` and `generated`, the
/// shared `types` module, and crates and modules generated code names by path.
pub const MODULES: &[&str] = &[
    "alloc",
    "chrono",
    "cli",
    "core",
    "generated",
    "runtime",
    "serde",
    "serde_json",
    "std",
    "types",
];

/// Every inherent method of `HaloClient`, whatever its visibility: an accessor
/// of the same name would be a second definition.
pub const CLIENT_METHODS: &[&str] = &[
    "api_base",
    "builder",
    "endpoint",
    "execute_download",
    "execute_response",
    "execute_with",
    "from_env",
    "from_inner",
    "invalidate",
    "item_endpoint",
    "limiter",
    "observers",
    "rate_limit",
    "request",
    "retry_policy",
    "token",
    "transport",
];

/// Every method of each kind of entity request type (`request!` and
/// `input!` in `runtime/macros/request.rs`), whatever its visibility: a
/// generated setter or parameter of the same name would be a second definition.
pub const REQUEST_METHODS: &[(&str, &[&str])] = &[
    ("action", &["param", "retry_policy", "send"]),
    ("delete", &["new", "param", "retry_policy", "send"]),
    ("file", &["download", "param", "retry_policy", "send"]),
    (
        "get",
        &[
            "new",
            "param",
            "retry_policy",
            "send",
            "send_opt",
            "send_opt_boxed",
        ],
    ),
    ("input", &["as_map", "field", "new", "set"]),
    (
        "list",
        &[
            "collect",
            "collect_with_summary",
            "consistent",
            "lenient",
            "new",
            "order",
            "order_desc",
            "page_no",
            "page_size",
            "pages",
            "param",
            "prefetch",
            "retry_policy",
            "send",
            "stream",
        ],
    ),
    (
        "patch",
        &["changes", "field", "new", "retry_policy", "send", "set"],
    ),
    (
        "unpaged_list",
        &[
            "new",
            "order",
            "order_desc",
            "param",
            "retry_policy",
            "send",
        ],
    ),
];

/// Methods the generator gives every entity's handle (`TicketsApi`); an
/// action of the same name would be a second definition. The generator owns
/// this list (`emit/entity.rs`, `emit/sync.rs`).
pub const HANDLE_METHODS: &[&str] = &[
    "changed_since",
    "create",
    "create_many",
    "delete",
    "get",
    "get_opt",
    "list",
    "patch",
    "update",
];

/// Methods that request types, the client and records get from the traits they
/// implement (`Clone`, `Debug`, `IntoFuture`, serde, `Resource`) and from std's
/// blanket impls. An inherent method of the same name would hide the trait's.
pub const TRAIT_METHODS: &[&str] = &[
    "borrow",
    "borrow_mut",
    "clone",
    "clone_from",
    "clone_into",
    "deserialize",
    "eq",
    "fmt",
    "from",
    "id",
    "into",
    "into_future",
    "ne",
    "serialize",
    "to_owned",
    "try_from",
    "try_into",
    "type_id",
];

/// Method names of std's operator and conversion traits. Clippy's
/// `should_implement_trait` rejects a builder method of that name, and a
/// reader would expect the trait's meaning.
pub const TRAIT_LIKE_METHODS: &[&str] = &[
    "add",
    "as_mut",
    "as_ref",
    "bitand",
    "bitor",
    "bitxor",
    "cmp",
    "default",
    "deref",
    "deref_mut",
    "div",
    "drop",
    "from_iter",
    "from_str",
    "hash",
    "index",
    "index_mut",
    "into_iter",
    "mul",
    "neg",
    "next",
    "not",
    "rem",
    "shl",
    "shr",
    "sub",
];

/// Top-level commands of the command-line client (`generated-client/src/cli/`)
/// besides the collections' (`halo tickets`), and clap's `help`: a collection
/// whose command would take one of these names is refused.
pub const CLI_COMMANDS: &[&str] = &["completions", "fake", "help", "login", "report", "request"];

/// A collection's subcommands besides its actions, and clap's `help`: an
/// action of the same name would be a second subcommand.
pub const CLI_SUBCOMMANDS: &[&str] =
    &["create", "delete", "get", "help", "list", "patch", "update"];

/// Flags the command-line client gives every command (`--output`, `-v`) or
/// its operations (`--all` on a list, `--clear` on a patch, `--out` on a
/// file download, `--part` and `--file` on a form upload), as written in
/// `generated-client/src/cli/command.rs`, and clap's `--help` and
/// `--version`: a filter, parameter or field whose flag would take one of
/// these names is refused.
pub const CLI_FLAGS: &[&str] = &[
    "all",
    "clear",
    "columns",
    "consistent",
    "dry-run",
    "file",
    "help",
    "order",
    "order-desc",
    "out",
    "output",
    "page",
    "part",
    "page-size",
    "profile",
    "verbose",
    "version",
    "yes",
];

/// Who already uses `name` as a type, trait or value at the crate root or in a
/// generated file, if anyone.
pub(crate) fn type_name(name: &str) -> Option<Owner> {
    let owner = if ROOT_REEXPORTS.contains(&name) {
        "re-exported at the crate root by the runtime"
    } else if IMPORTED_TYPES.contains(&name) {
        "imported by generated files"
    } else if PRELUDE.contains(&name) {
        "in Rust's prelude"
    } else {
        return None;
    };
    Some(owner.to_owned())
}

/// Who already uses `name` as a module, if anyone.
pub(crate) fn module(name: &str) -> Option<Owner> {
    MODULES
        .contains(&name)
        .then(|| "a module or crate that the generated code already names".to_owned())
}

/// Who already has a method `name` on `HaloClient`, if anyone.
pub(crate) fn client_method(name: &str) -> Option<Owner> {
    method_of("`HaloClient`", CLIENT_METHODS, name)
}

/// Who already has a method `name` on an entity's request type of this kind
/// (`list`, `get`, `patch`, `input`, ...).
pub(crate) fn request_method(kind: &str, name: &str) -> Option<Owner> {
    let own = REQUEST_METHODS
        .iter()
        .find(|(ty, _)| *ty == kind)
        .map_or(&[][..], |(_, methods)| *methods);
    let what = match kind {
        "input" => "the create input".to_owned(),
        kind => format!("the {} request", kind.replace('_', " ")),
    };
    method_of(&what, own, name).or_else(|| {
        TRAIT_LIKE_METHODS
            .contains(&name)
            .then(|| "the method of a std trait (clippy's `should_implement_trait`)".to_owned())
    })
}

/// Who already has a method `name` on an entity's handle, if anyone.
pub(crate) fn handle_method(name: &str) -> Option<Owner> {
    method_of("the handle", HANDLE_METHODS, name)
}

/// Who already has a method `name` on every record, if anyone.
pub(crate) fn record_method(name: &str) -> Option<Owner> {
    method_of("", &[], name)
}

fn method_of(ty: &str, own: &[&str], name: &str) -> Option<Owner> {
    if own.contains(&name) {
        Some(format!("a method of {ty}"))
    } else if TRAIT_METHODS.contains(&name) {
        Some(format!(
            "the trait method `{name}` that every generated type has"
        ))
    } else {
        None
    }
}
