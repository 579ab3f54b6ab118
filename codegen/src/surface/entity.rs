//! An entity's surface: its id, record, lookups and accessor, then each
//! operation with its arguments, parameters and setters.

use super::root::field_value;
use super::{quoted, value, Lines};
use crate::emit::{merged_element, sync_source, type_name};
use crate::model::{Entity, KeyKind, Param, Spec, Type};

pub(super) fn entity(spec: &Spec, e: &Entity) -> String {
    let mut out = Lines::default();
    let path = format!("{}/{}", spec.api.base_path, e.path);
    out.item("module", &e.module, format!("path {}", quoted(&path)));
    scopes(&mut out, e);
    id_type(&mut out, e);
    record(&mut out, spec, e);
    lookups(&mut out, spec, e);
    out.item(
        "accessor",
        &e.accessor,
        format!("HaloClient::{}() -> {}", e.accessor, e.handle),
    );
    list(&mut out, e);
    get(&mut out, e);
    create(&mut out, e);
    update(&mut out, e);
    setters(&mut out, e);
    delete(&mut out, e);
    for action in &e.actions {
        super::action::action(&mut out, spec, e, action);
    }
    changed_since(&mut out, e);
    out.0
}

/// `scope read: "read:tickets"`: what a 403 to the five operations names.
fn scopes(out: &mut Lines, e: &Entity) {
    for (kind, scope) in [("read", &e.scopes.read), ("edit", &e.scopes.edit)] {
        if let Some(scope) = scope {
            out.item("scope", kind, quoted(scope));
        }
    }
}

/// `type TicketId: Id<Ticket>`; a singleton has no id.
fn id_type(out: &mut Lines, e: &Entity) {
    match e.key {
        _ if e.singleton => {}
        KeyKind::Int => out.item("type", &e.id_type, format!("Id<{}>", e.name)),
        KeyKind::Text { uuid } => {
            let id = format!("TextId<{}>", e.name);
            out.item(
                "type",
                &e.id_type,
                value([id.as_str()].into_iter().chain(uuid.then_some("uuid"))),
            );
        }
    }
}

fn record(out: &mut Lines, spec: &Spec, e: &Entity) {
    if e.singleton {
        out.item(
            "struct",
            &e.name,
            "singleton record, unknown fields kept in extra",
        );
    } else {
        out.item("struct", &e.name, "record, unknown fields kept in extra");
        let wire = format!("wire {}", quoted("id"));
        out.item(
            "field",
            "id",
            value([e.id_type.as_str(), &wire, "required"]),
        );
    }
    for field in &e.fields {
        out.item("field", &field.rust, field_value(spec, field, &e.id_type));
    }
}

fn lookups(out: &mut Lines, spec: &Spec, e: &Entity) {
    for (method, field, element) in &e.lookups {
        let key = spec
            .types
            .iter()
            .find(|t| t.name == *element)
            .and_then(|t| t.lookup.as_ref())
            .map_or("name", |lookup| lookup.key.as_str());
        let signature = format!("{}::{method}(key: &str) -> Option<&{element}>", e.name);
        let finds = format!("finds {field} by {key}");
        out.item("method", method, value([signature.as_str(), &finds]));
    }
}

/// `op <name>: <Handle>::<name>(<args>) -> <returns>  <notes>`
pub(super) fn op(
    out: &mut Lines,
    e: &Entity,
    name: &str,
    args: &[String],
    returns: &str,
    notes: &[&str],
) {
    let signature = format!("{}::{name}({}) -> {returns}", e.handle, args.join(", "));
    out.item(
        "op",
        name,
        value(std::iter::once(signature.as_str()).chain(notes.iter().copied())),
    );
}

/// A parameter's type as its setter or argument takes it: `switch` for a
/// flag, `[ClientId]` for any iterable of ids.
pub(super) fn param_type(param: &Param, own_id: &str) -> String {
    match &param.ty {
        _ if param.flag && !param.required => "switch".to_owned(),
        Type::List(inner) => format!("[{}]", type_name(inner, own_id)),
        other => type_name(other, own_id),
    }
}

/// `id: TicketId`, then `name: Type` for each required parameter: the
/// arguments of an operation's method.
pub(super) fn args<'a>(
    id: Option<&str>,
    required: impl IntoIterator<Item = &'a Param>,
    own_id: &str,
) -> Vec<String> {
    let id = id.map(|ty| format!("id: {ty}"));
    let required = required
        .into_iter()
        .filter(|p| p.required)
        .map(|p| format!("{}: {}", p.rust, param_type(p, own_id)));
    id.into_iter().chain(required).collect()
}

/// The parameters of one request type, each under `kind` as `prefix` + its
/// name; a required one is an argument of the method instead of a setter.
pub(super) fn params<'a>(
    out: &mut Lines,
    kind: &str,
    prefix: &str,
    params: impl IntoIterator<Item = &'a Param>,
    own_id: &str,
) {
    for param in params {
        let ty = param_type(param, own_id);
        let wire = format!("wire {}", quoted(&param.wire));
        let required = param.required.then_some("required");
        let name = format!("{prefix}{}", param.rust);
        out.item(
            kind,
            &name,
            value([ty.as_str(), &wire].into_iter().chain(required)),
        );
    }
}

fn list(out: &mut Lines, e: &Entity) {
    let Some(shape) = e.list.as_ref().filter(|_| e.ops.list) else {
        return;
    };
    let paging = if shape.paginated {
        "paginated"
    } else {
        "one request"
    };
    let records = if shape.bare {
        format!("bare array, or key {}", quoted(&shape.key))
    } else {
        format!("key {}", quoted(&shape.key))
    };
    let args = args(None, &e.filters, &e.id_type);
    op(out, e, "list", &args, &e.list_type, &[paging, &records]);
    params(out, "filter", "", &e.filters, &e.id_type);
    if let Some((wire, method)) = &shape.count_param {
        let wire = format!("wire {}", quoted(wire));
        out.item("filter", method, value(["i32", &wire, "limit"]));
    }
}

fn get(out: &mut Lines, e: &Entity) {
    if !e.ops.get {
        return;
    }
    let args = args(Some(&e.id_type), &e.get_params, &e.id_type);
    op(out, e, "get", &args, &e.get_type, &[]);
    params(out, "get_param", "", &e.get_params, &e.id_type);
    let opt = format!("ResultFuture<Option<{}>>", e.name);
    op(out, e, "get_opt", &args, &opt, &[]);
}

fn create(out: &mut Lines, e: &Entity) {
    if !e.ops.create {
        return;
    }
    let one = [format!("new: &{}", e.new_type)];
    op(
        out,
        e,
        "create",
        &one,
        &format!("CreateRequest<{}>", e.name),
        &[],
    );
    let many = [format!("new: [&{}]", e.new_type)];
    let returns = format!("CreateManyRequest<{}>", e.name);
    op(out, e, "create_many", &many, &returns, &[]);
}

fn update(out: &mut Lines, e: &Entity) {
    if !e.ops.update {
        return;
    }
    let record = [format!("{}: &{}", e.module, e.name)];
    op(
        out,
        e,
        "update",
        &record,
        &format!("UpdateRequest<{}>", e.name),
        &[],
    );
    op(
        out,
        e,
        "patch",
        &[format!("id: {}", e.id_type)],
        &e.patch_type,
        &[],
    );
    for verb in &e.verbs {
        let sets = verb
            .sets
            .iter()
            .map(|(wire, _)| quoted(wire))
            .collect::<Vec<_>>()
            .join(", ");
        op(
            out,
            e,
            &verb.method_name,
            &[format!("id: {}", e.id_type)],
            &e.patch_type,
            &[&format!("sets {sets}")],
        );
    }
}

/// The setters of the create input and the patch, and the patch's `merge_*` setters.
fn setters(out: &mut Lines, e: &Entity) {
    let targets: Vec<&str> = [
        e.ops.create.then_some(e.new_type.as_str()),
        e.ops.update.then_some(e.patch_type.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if targets.is_empty() {
        return;
    }
    let on = format!("on {}", targets.join(", "));
    for field in e.fields.iter().filter(|f| !f.read_only) {
        let ty = type_name(&field.ty, &e.id_type);
        let wire = format!("wire {}", quoted(&field.wire));
        out.item("setter", &field.rust, value([ty.as_str(), &on, &wire]));
    }
    for field in &e.request_fields {
        let ty = match field.ty {
            Type::Bool => "switch".to_owned(),
            _ => type_name(&field.ty, &e.id_type),
        };
        let wire = format!("wire {}", quoted(&field.wire));
        out.item(
            "setter",
            &field.rust,
            value([ty.as_str(), &on, &wire, "request-only"]),
        );
    }
    if !e.ops.update {
        return;
    }
    for field in &e.fields {
        let Some(element) = merged_element(field) else {
            continue;
        };
        let ty = format!("[{}]", type_name(element, &e.id_type));
        let on = format!("on {}", e.patch_type);
        let merges = format!("merges into {} by id or name", quoted(&field.wire));
        out.item(
            "setter",
            &format!("merge_{}", field.rust),
            value([ty.as_str(), &on, &merges]),
        );
    }
}

fn delete(out: &mut Lines, e: &Entity) {
    if !e.ops.delete {
        return;
    }
    let args = args(Some(&e.id_type), &e.delete_params, &e.id_type);
    op(out, e, "delete", &args, &e.delete_type, &[]);
    params(out, "delete_param", "", &e.delete_params, &e.id_type);
}

fn changed_since(out: &mut Lines, e: &Entity) {
    let Some(source) = sync_source(e) else {
        return;
    };
    let by = format!("by {} after {}", source.updated.rust, quoted(source.since));
    let tombstones = match source.deleted {
        Some(filter) => format!("tombstones {}", quoted(filter)),
        None => "no tombstones".to_owned(),
    };
    let returns = format!("ChangedSince<{}>", e.name);
    let cursor = ["cursor: &SyncCursor".to_owned()];
    op(
        out,
        e,
        "changed_since",
        &cursor,
        &returns,
        &[&by, &tombstones],
    );
}
