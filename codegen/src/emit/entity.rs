//! One file per entity: its id, model, handle, request types and create input.
//!
//! The file reads top to bottom as a user meets the entity: the record, the
//! handle on `HaloClient`, then one request type per operation with its own
//! parameters (`TicketList`, `TicketGet`, ...), and the create input and
//! patch request with their field setters. Repetitive parts are tables that
//! the runtime's macros expand (see `runtime/macros/`), so a field costs a
//! line or two here.

use proc_macro2::TokenStream;
use quote::quote;

use super::fields::{extra_field, optional_field, type_text, Imports};
use super::markdown::code_span;
use super::serde_impl::{self, Kind};
use super::tables::{string_literal, Table, Tables};
use super::{doc, doc_raw, ident, module_doc, module_doc_raw, render, words};
use crate::model::{Entity, Field, KeyKind, Param, Spec, Type, Verb};
use crate::GeneratedFile;

/// What one entity file needs from the runtime, collected while emitting it.
#[derive(Default)]
pub(super) struct Uses {
    pub(super) runtime: Vec<&'static str>,
    pub(super) macros: Vec<&'static str>,
}

pub(super) fn emit(spec: &Spec, entity: &Entity) -> GeneratedFile {
    let mut imports = Imports::default();
    let mut tables = Tables::default();
    let mut uses = Uses {
        runtime: vec!["Extra", "HaloClient"],
        macros: vec!["record"],
    };
    if !entity.singleton {
        uses.runtime.extend(["ListShape", "Resource"]);
    }

    let module_docs = module_doc(&entity.doc);
    let module_docs = {
        let wire_path = module_doc_raw(&format!(
            "\nWire path: {}. Start from [`HaloClient::{}`].",
            code_span(&format!("{}/{}", spec.api.base_path, entity.path)),
            entity.accessor,
        ));
        quote!(#module_docs #wire_path)
    };
    let id_alias = id_alias(entity, &mut uses);
    let model = model(entity, &mut imports, &mut tables);
    let resource = (!entity.singleton).then(|| resource(entity));
    let lookups = lookups(spec, entity);
    let handle = handle(entity, &mut uses, &mut imports);
    let (sync, sync_runtime) = super::sync::changed_since(entity);
    uses.runtime.extend(sync_runtime);
    let requests = requests(entity, &mut imports, &mut tables, &mut uses);
    if imports.base64 {
        uses.runtime.push("Base64");
    }

    uses.runtime.sort_by_key(|name| name.to_lowercase());
    uses.runtime.dedup();
    uses.macros.sort_unstable();
    uses.macros.dedup();
    let runtime = uses.runtime.iter().map(|name| ident(name));
    let macros = uses.macros.iter().map(|name| ident(name));
    let (external, internal) = imports.tokens(&[entity.id_type.as_str()]);

    let tokens = quote! {
        #module_docs

        #external

        use crate::runtime::macros::{#(#macros),*};
        use crate::runtime::{#(#runtime),*};
        #internal

        #id_alias

        #model
        #resource
        #lookups
        #handle
        #sync
        #requests
    };
    render(spec, format!("{}.rs", entity.module), None, tokens, &tables)
}

/// The record struct and its `record!` table.
fn model(entity: &Entity, imports: &mut Imports, tables: &mut Tables) -> TokenStream {
    let docs = doc(&entity.doc);
    let name = ident(&entity.name);
    let id_type = ident(&entity.id_type);
    let id_doc = doc(&entity.id_doc);
    let fields = entity
        .fields
        .iter()
        .map(|field| optional_field(field, &entity.id_type, imports))
        .collect::<Vec<_>>();
    let extra = extra_field(
        "Fields the spec does not list, kept so that an update sends them back unchanged.",
    );
    let kind = if entity.singleton {
        Kind::Struct
    } else {
        Kind::Entity(&entity.id_type)
    };
    let serde = tables.add(serde_impl::table(
        &entity.name,
        kind,
        &entity.fields.iter().collect::<Vec<_>>(),
    ));
    let id = (!entity.singleton).then(|| {
        quote! {
            #id_doc
            pub id: #id_type,
        }
    });
    // A singleton is read and written whole, and made by nobody: it has a
    // `Default` (every field unset) like the shared structs its table makes it.
    let derives = if entity.singleton {
        quote!(#[derive(Debug, Clone, Default, PartialEq)])
    } else {
        quote!(#[derive(Debug, Clone, PartialEq)])
    };
    quote! {
        #docs
        #derives
        pub struct #name {
            #id
            #(#fields)*
            #extra
        }

        #serde
    }
}

/// `pub type TicketId = Id<Ticket>;` (or `TextId<..>` for text keys); nothing
/// for a singleton.
fn id_alias(entity: &Entity, uses: &mut Uses) -> TokenStream {
    let (name, id_type) = (ident(&entity.name), ident(&entity.id_type));
    let (runtime, what) = match entity.key {
        _ if entity.singleton => return TokenStream::new(),
        KeyKind::Int => ("Id", "a plain `i32` converts into one".to_owned()),
        KeyKind::Text { uuid } => (
            "TextId",
            format!(
                "Halo keys these records by text{}; a `&str` converts into one",
                if uuid { " (a UUID)" } else { "" }
            ),
        ),
    };
    uses.runtime.push(runtime);
    let docs = doc_raw(&format!(
        "Identifies {} [`{}`]; {what}.",
        article(&entity.name),
        entity.name
    ));
    let runtime = ident(runtime);
    quote! {
        #docs
        pub type #id_type = #runtime<#name>;
    }
}

/// `impl Resource`: where the collection lives and how it lists.
fn resource(entity: &Entity) -> TokenStream {
    let name = ident(&entity.name);
    let id_type = ident(&entity.id_type);
    let path = &entity.path;
    // An integer id is `Copy`; a text id is cloned.
    let id = match entity.key {
        KeyKind::Int => quote!(self.id),
        KeyKind::Text { .. } => quote!(self.id.clone()),
    };
    // An entity without a list still names its shape; nothing reads its key.
    let shape = match entity.list.as_ref() {
        Some(list) if list.bare => {
            let key = &list.key;
            quote!(ListShape::Bare(#key))
        }
        Some(list) => {
            let key = &list.key;
            quote!(ListShape::Wrapped(#key))
        }
        None => {
            let key = &entity.accessor;
            quote!(ListShape::Bare(#key))
        }
    };
    let read = entity
        .scopes
        .read
        .as_ref()
        .map(|scope| quote!(const READ_SCOPE: Option<&'static str> = Some(#scope);));
    let edit = entity
        .scopes
        .edit
        .as_ref()
        .map(|scope| quote!(const EDIT_SCOPE: Option<&'static str> = Some(#scope);));
    quote! {
        impl Resource for #name {
            const PATH: &'static str = #path;
            const LIST: ListShape = #shape;
            type Id = #id_type;

            fn id(&self) -> #id_type {
                #id
            }

            #read
            #edit
        }
    }
}

/// The accessor on `HaloClient`, the handle type and its operation methods.
fn handle(entity: &Entity, uses: &mut Uses, imports: &mut Imports) -> TokenStream {
    let name = ident(&entity.name);
    let handle = ident(&entity.handle);
    let accessor = ident(&entity.accessor);
    let id_type = ident(&entity.id_type);
    let plural = words(&entity.accessor);
    let noun = words(&entity.name);
    let a_noun = with_article(&noun);
    let mut ops = Vec::new();
    let mut methods = Vec::new();

    if entity.ops.list {
        ops.push("list");
        let list_type = ident(&entity.list_type);
        let paged = entity.list.as_ref().is_some_and(|list| list.paginated);
        let text = if paged {
            format!(
                "Lists {plural}, a page per request; filters are methods of [`{}`].",
                entity.list_type
            )
        } else {
            format!(
                "Lists {plural} in one request (the collection is not paginated); filters are methods of [`{}`].",
                entity.list_type
            )
        };
        let required: Vec<&Param> = entity.filters.iter().filter(|p| p.required).collect();
        let text = if required.is_empty() {
            text
        } else {
            format!(
                "{text} The collection lists only with {}, so {} an argument.",
                join_words(&required.iter().map(|p| p.rust.as_str()).collect::<Vec<_>>()),
                if required.len() == 1 {
                    "it is"
                } else {
                    "they are"
                }
            )
        };
        let docs = doc_raw(&text);
        let (args, values) = required_args(&required, &entity.id_type, imports);
        let wires = required.iter().map(|p| p.wire.as_str());
        methods.push(quote! {
            #docs
            pub fn list(&self #(, #args)*) -> #list_type {
                #list_type::new(self.client) #(.param(#wires, #values))*
            }
        });
    }
    if entity.ops.get {
        ops.push("get");
        uses.runtime.push("ResultFuture");
        let get_type = ident(&entity.get_type);
        let docs = doc_raw(&format!("Gets one {noun} by id."));
        let opt_docs = doc_raw(&format!(
            "Gets one {noun} by id, or `None` when there is none (404). With parameters: `get(id)...send_opt()`."
        ));
        let required: Vec<&Param> = entity.get_params.iter().filter(|p| p.required).collect();
        let (args, values) = required_args(&required, &entity.id_type, imports);
        let names: Vec<_> = required.iter().map(|p| ident(&p.rust)).collect();
        let wires = required.iter().map(|p| p.wire.as_str());
        methods.push(quote! {
            #docs
            pub fn get(&self, id: impl Into<#id_type> #(, #args)*) -> #get_type {
                #get_type::new(self.client, id.into()) #(.param(#wires, #values))*
            }

            #opt_docs
            pub fn get_opt(&self, id: impl Into<#id_type> #(, #args)*) -> ResultFuture<Option<#name>> {
                self.get(id #(, #names)*).send_opt_boxed()
            }
        });
    }
    if entity.ops.create {
        ops.push("create");
        uses.runtime.extend(["CreateRequest", "CreateManyRequest"]);
        let new_type = ident(&entity.new_type);
        let docs = doc_raw(&format!(
            "Creates {a_noun} from [`{}`] and returns it as saved, with its id.",
            entity.new_type
        ));
        let many_docs = doc_raw(&format!(
            "Creates many {plural} in batches and returns them as saved, in order."
        ));
        methods.push(quote! {
            #docs
            pub fn create(&self, new: &#new_type) -> CreateRequest<#name> {
                CreateRequest::new(self.client, new)
            }

            #many_docs
            pub fn create_many<'a>(
                &self,
                new: impl IntoIterator<Item = &'a #new_type>,
            ) -> CreateManyRequest<#name> {
                CreateManyRequest::new(self.client, new)
            }
        });
    }
    if entity.ops.update {
        ops.push("update");
        uses.runtime.push("UpdateRequest");
        let patch_type = ident(&entity.patch_type);
        let docs = doc_raw(&format!(
            "Updates {a_noun}: sends every field the record carries, including fields the spec does not list. To change only some fields, use [`{}::patch`].",
            entity.handle
        ));
        let patch_docs = doc_raw(&format!(
            "Changes only the fields set on the returned [`{}`].",
            entity.patch_type
        ));
        let arg = ident(&entity.module);
        methods.push(quote! {
            #docs
            pub fn update(&self, #arg: &#name) -> UpdateRequest<#name> {
                UpdateRequest::new(self.client, #arg)
            }

            #patch_docs
            pub fn patch(&self, id: impl Into<#id_type>) -> #patch_type {
                #patch_type::new(self.client, id.into())
            }
        });
        for verb in &entity.verbs {
            ops.push(verb.method_name.as_str());
            methods.push(verb_method(entity, verb));
        }
    }
    if entity.ops.delete {
        ops.push("delete");
        let delete_type = ident(&entity.delete_type);
        let docs = doc_raw(&format!("Deletes {a_noun}."));
        let required: Vec<&Param> = entity.delete_params.iter().filter(|p| p.required).collect();
        let (args, values) = required_args(&required, &entity.id_type, imports);
        let wires = required.iter().map(|p| p.wire.as_str());
        methods.push(quote! {
            #docs
            pub fn delete(&self, id: impl Into<#id_type> #(, #args)*) -> #delete_type {
                #delete_type::new(self.client, id.into()) #(.param(#wires, #values))*
            }
        });
    }

    for action in &entity.actions {
        ops.push(action.method_name.as_str());
        methods.push(super::actions::handle_method(entity, action, uses, imports));
    }
    let accessor_doc = doc_raw(&format!("{} ({}).", capitalize(&plural), join_words(&ops)));
    let scopes = match (&entity.scopes.read, &entity.scopes.edit) {
        (Some(read), Some(edit)) => format!(
            " Reading needs the API scope {}, changing {}.",
            code_span(read),
            code_span(edit)
        ),
        (Some(read), None) => format!(" Reading needs the API scope {}.", code_span(read)),
        (None, Some(edit)) => format!(" Changing needs the API scope {}.", code_span(edit)),
        (None, None) => String::new(),
    };
    let handle_doc = doc_raw(&format!(
        "Operations on {plural}; returned by [`HaloClient::{}`].{scopes}",
        entity.accessor
    ));
    quote! {
        impl HaloClient {
            #accessor_doc
            pub fn #accessor(&self) -> #handle<'_> {
                #handle { client: self }
            }
        }

        #handle_doc
        #[derive(Debug, Clone, Copy)]
        pub struct #handle<'a> {
            client: &'a HaloClient,
        }

        impl #handle<'_> {
            #(#methods)*
        }
    }
}

/// A verb: the patch with its switches set, to send as it is or with more
/// setters (`halo.tickets().restore(id)`).
fn verb_method(entity: &Entity, verb: &Verb) -> TokenStream {
    let id_type = ident(&entity.id_type);
    let patch_type = ident(&entity.patch_type);
    let method = ident(&verb.method_name);
    let sent = verb
        .sets
        .iter()
        .map(|(wire, _)| code_span(&format!("{wire}: true")))
        .collect::<Vec<_>>();
    let docs = doc(&verb.doc);
    let note = doc_raw(&format!(
        "\nA [`{}`] that sends {}: await it, or set more fields first.",
        entity.patch_type,
        join_words(&sent.iter().map(String::as_str).collect::<Vec<_>>())
    ));
    let setters = verb.sets.iter().map(|(_, rust)| ident(rust));
    quote! {
        #docs
        #note
        pub fn #method(&self, id: impl Into<#id_type>) -> #patch_type {
            self.patch(id) #(.#setters())*
        }
    }
}

/// One request type per operation with its parameters, the create input, and
/// the field setters the create input and the patch share.
fn requests(
    entity: &Entity,
    imports: &mut Imports,
    tables: &mut Tables,
    uses: &mut Uses,
) -> TokenStream {
    let plural = words(&entity.accessor);
    let noun = words(&entity.name);
    let a_noun = with_article(&noun);
    let own_id = entity.id_type.as_str();
    let mut items = Vec::new();
    let mut out = Out {
        entity,
        tables,
        imports,
        uses,
    };
    if let Some(list) = entity.list.as_ref().filter(|_| entity.ops.list) {
        let (kind, text) = if list.paginated {
            (
                "list",
                format!("Lists {plural}, a page per request: [`send`](Self::send) fetches one page, [`stream`](Self::stream) and [`collect`](Self::collect) every matching record. Returned by [`{}::list`].", entity.handle),
            )
        } else {
            (
                "unpaged_list",
                format!("Lists {plural} in one request (the collection is not paginated). Returned by [`{}::list`].", entity.handle),
            )
        };
        let count = list.count_param.as_ref().map(|(wire, method)| Param {
            wire: wire.clone(),
            rust: method.clone(),
            doc: format!("Returns at most this many {plural}."),
            ty: Type::I32,
            upstream_type: None,
            flag: false,
            required: false,
        });
        let params: Vec<&Param> = entity.filters.iter().chain(count.as_ref()).collect();
        items.extend(out.request(kind, &entity.list_type, text, &params));
    }
    if entity.ops.get {
        let text = format!("Gets one {noun}; returned by [`{}::get`].", entity.handle);
        let params: Vec<&Param> = entity.get_params.iter().collect();
        items.extend(out.request("get", &entity.get_type, text, &params));
    }
    let writable: Vec<&Field> = entity.fields.iter().filter(|f| !f.read_only).collect();
    let mut targets = Vec::new();
    if entity.ops.create {
        out.uses.macros.push("input");
        targets.push(entity.new_type.as_str());
        let mut table = Table::new("input");
        table
            .doc_raw(&format!(
                "A new {noun}: set its fields with the methods below, then pass it to [`{}::create`]. Fields left unset are not sent.",
                entity.handle
            ))
            .line(&format!("{};", entity.new_type));
        items.push(out.tables.add(table.finish()));
    }
    if entity.ops.update {
        targets.push(entity.patch_type.as_str());
        let text = format!(
            "Changes some fields of {a_noun}: sends its id and exactly the fields set here (a setter given [`Clear`](crate::runtime::Clear) sends `null`), and returns the record as saved. Returned by [`{}::patch`].",
            entity.handle
        );
        items.extend(out.request("patch", &entity.patch_type, text, &[]));
    }
    let has_setters = !writable.is_empty() || !entity.request_fields.is_empty();
    if !targets.is_empty() && has_setters {
        out.uses.macros.push("fields");
        let table = fields_table(
            &targets,
            &writable,
            &entity.request_fields,
            own_id,
            out.imports,
        );
        items.push(out.tables.add(table));
    }
    if entity.ops.update {
        items.push(super::merge::merge_setters(entity, out.imports));
    }
    if entity.ops.delete {
        let text = format!(
            "Deletes {a_noun}; returned by [`{}::delete`].",
            entity.handle
        );
        let params: Vec<&Param> = entity.delete_params.iter().collect();
        items.extend(out.request("delete", &entity.delete_type, text, &params));
    }
    for action in &entity.actions {
        items.extend(super::actions::request_type(
            action,
            entity,
            out.tables,
            out.imports,
            out.uses,
        ));
    }
    quote! { #(#items)* }
}

/// The arguments of required parameters (`ticket_id: impl Into<TicketId>`)
/// and the values they send.
pub(super) fn required_args(
    params: &[&Param],
    own_id: &str,
    imports: &mut Imports,
) -> (Vec<TokenStream>, Vec<TokenStream>) {
    params
        .iter()
        .map(|param| {
            let name = ident(&param.rust);
            match &param.ty {
                Type::List(inner) => {
                    let elem = super::fields::rust_type(inner, own_id, imports);
                    (
                        quote!(#name: impl IntoIterator<Item = impl Into<#elem>>),
                        quote!(#name.into_iter().map(Into::into).collect::<Vec<#elem>>()),
                    )
                }
                other => {
                    let ty = super::fields::rust_type(other, own_id, imports);
                    (
                        quote!(#name: impl Into<#ty>),
                        quote!(Into::<#ty>::into(#name)),
                    )
                }
            }
        })
        .unzip()
}

/// Where the request types of one entity go.
struct Out<'a> {
    entity: &'a Entity,
    tables: &'a mut Tables,
    imports: &'a mut Imports,
    uses: &'a mut Uses,
}

impl Out<'_> {
    /// `request! { /// docs \n list TicketList(Ticket); }` and its `params!` table.
    fn request(
        &mut self,
        kind: &str,
        ty: &str,
        docs: String,
        params: &[&Param],
    ) -> Vec<TokenStream> {
        self.uses.macros.push("request");
        let mut table = Table::new("request");
        table
            .doc_raw(&docs)
            .line(&format!("{kind} {ty}({});", self.entity.name));
        let mut out = vec![self.tables.add(table.finish())];
        if params.iter().any(|p| !p.required) {
            self.uses.macros.push("params");
            let table = params_table(ty, params, &self.entity.id_type, self.imports);
            out.push(self.tables.add(table));
        }
        out
    }
}

/// `params! { TicketList { /// doc \n client_id(ClientId) = "client_id", ... } }`
pub(super) fn params_table(
    target: &str,
    params: &[&Param],
    own_id: &str,
    imports: &mut Imports,
) -> String {
    let mut table = Table::new("params");
    table.open(target);
    for param in params.iter().filter(|p| !p.required) {
        table.doc(&param.doc);
        if param.rust != param.wire {
            table.doc_raw(&format!("\nSent as {}.", code_span(&param.wire)));
        }
        let wire = string_literal(&param.wire);
        let entry = match &param.ty {
            _ if param.flag => format!("{}() = {wire},", param.rust),
            Type::List(inner) => format!(
                "{}([{}]) = {wire},",
                param.rust,
                type_text(inner, own_id, imports)
            ),
            other => format!(
                "{}({}) = {wire},",
                param.rust,
                type_text(other, own_id, imports)
            ),
        };
        table.line(&entry);
    }
    table.close();
    table.finish()
}

/// `fields! { NewTicket, TicketPatch { /// doc \n summary(String) = "summary", ... } }`,
/// then the request-only fields: a `bool` one is a switch, `recover() = "_recover"`.
fn fields_table(
    targets: &[&str],
    fields: &[&Field],
    request_fields: &[Field],
    own_id: &str,
    imports: &mut Imports,
) -> String {
    let mut table = Table::new("fields");
    table.open(&targets.join(", "));
    for field in fields {
        table.doc(&field.doc);
        if let Some(note) = super::merge::list_note(field) {
            table.doc_raw(&note);
        }
        if field.rust != field.wire {
            table.doc_raw(&format!("\nSent as {}.", code_span(&field.wire)));
        }
        table.line(&format!(
            "{}({}) = {},",
            field.rust,
            type_text(&field.ty, own_id, imports),
            string_literal(&field.wire)
        ));
    }
    for field in request_fields {
        table.doc(&field.doc);
        let switch = field.ty == Type::Bool;
        let sent = if switch {
            code_span(&format!("{}: true", field.wire))
        } else {
            code_span(&field.wire)
        };
        table.doc_raw(&format!(
            "\nSent as {sent} with this request only: no record carries it."
        ));
        let arg = if switch {
            String::new()
        } else {
            type_text(&field.ty, own_id, imports)
        };
        table.line(&format!(
            "{}({arg}) = {},",
            field.rust,
            string_literal(&field.wire)
        ));
    }
    table.close();
    table.finish()
}

/// Methods that find an element of a `list<T>` field by its key, e.g.
/// `ticket.custom_field("CFDepartment")`.
fn lookups(spec: &Spec, entity: &Entity) -> TokenStream {
    if entity.lookups.is_empty() {
        return TokenStream::new();
    }
    let name = ident(&entity.name);
    let methods = entity.lookups.iter().map(|(method, field, element)| {
        let key = spec
            .types
            .iter()
            .find(|t| t.name == *element)
            .and_then(|t| t.lookup.as_ref())
            .map_or("name", |lookup| lookup.key.as_str());
        let docs = doc_raw(&format!(
            "The element of `{field}` whose `{key}` is `key`, if the record carries it."
        ));
        let (method, field, key, element) =
            (ident(method), ident(field), ident(key), ident(element));
        quote! {
            #docs
            pub fn #method(&self, key: &str) -> Option<&#element> {
                self.#field.as_deref()?.iter().find(|item| item.#key.as_deref() == Some(key))
            }
        }
    });
    quote! { impl #name { #(#methods)* } }
}

/// "a ticket", "an asset".
pub(super) fn with_article(noun: &str) -> String {
    format!("{} {noun}", article(noun))
}

fn article(noun: &str) -> &'static str {
    match noun.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `list, get and delete`
fn join_words(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
