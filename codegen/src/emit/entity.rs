//! One file per entity: its id, model, create input, handle and typed requests.

use proc_macro2::TokenStream;
use quote::quote;

use super::fields::{extra_field, optional_field, rust_type, Imports};
use super::markdown::code_span;
use super::serde_impl::{self, Kind};
use super::{doc, doc_raw, ident, module_doc, module_doc_raw, render, words};
use crate::model::{Entity, Field, Param, Spec, Type};
use crate::GeneratedFile;

pub(super) fn emit(spec: &Spec, entity: &Entity) -> GeneratedFile {
    let mut imports = Imports::default();
    let mut runtime = vec!["Extra", "HaloClient", "Id", "Resource"];

    let name = ident(&entity.name);
    let id_type = ident(&entity.id_type);
    let module_docs = module_doc(&entity.doc);
    let wire_path = module_doc_raw(&format!(
        "\nWire path: {}.",
        code_span(&format!("{}/{}", spec.api.base_path, entity.path))
    ));
    let id_doc = doc_raw(&format!(
        "Identifies {} [`{}`].",
        article(&entity.name),
        entity.name
    ));
    let model = model(entity, &mut imports);
    let new_model = entity.ops.create.then(|| new_model(entity, &mut imports));
    let path = &entity.path;
    let (handle, handle_runtime) = handle(entity);
    runtime.extend(handle_runtime);
    let (sync, sync_runtime) = super::sync::changed_since(entity);
    runtime.extend(sync_runtime);
    let requests = requests(entity, &mut imports);
    let lookups = lookups(spec, entity);

    runtime.sort_by_key(|name| name.to_lowercase());
    let runtime = runtime.iter().map(|name| ident(name));
    let (external, internal) = imports.tokens(&[entity.id_type.as_str()]);

    let tokens = quote! {
        #module_docs
        #wire_path

        #external

        use crate::runtime::wire::record;
        use crate::runtime::{#(#runtime),*};
        #internal

        #id_doc
        pub type #id_type = Id<#name>;

        #model
        #new_model

        impl Resource for #name {
            const PATH: &'static str = #path;

            fn id(&self) -> #id_type {
                self.id
            }
        }

        #lookups

        #handle
        #sync
        #requests
    };
    render(spec, format!("{}.rs", entity.module), None, tokens)
}

fn model(entity: &Entity, imports: &mut Imports) -> TokenStream {
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
    let serde = serde_impl::impls(
        &entity.name,
        Kind::Entity(&entity.id_type),
        &entity.fields.iter().collect::<Vec<_>>(),
    );
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name {
            #id_doc
            pub id: #id_type,
            #(#fields)*
            #extra
        }

        #serde
    }
}

fn new_model(entity: &Entity, imports: &mut Imports) -> TokenStream {
    let new_type = ident(&entity.new_type);
    let docs = doc_raw(&format!(
        "A new {}: the writable fields of [`{}`]. Pass it to [`{}::create`]; unset fields are not sent.",
        words(&entity.name),
        entity.name,
        entity.handle
    ));
    let fields = entity
        .fields
        .iter()
        .filter(|field| !field.read_only)
        .map(|field| optional_field(field, &entity.id_type, imports))
        .collect::<Vec<_>>();
    let extra = extra_field("Fields the spec does not list, sent as they are.");
    let writable: Vec<&Field> = entity.fields.iter().filter(|f| !f.read_only).collect();
    let serde = serde_impl::impls(&entity.new_type, Kind::Input, &writable);
    quote! {
        #docs
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct #new_type {
            #(#fields)*
            #extra
        }

        #serde
    }
}

/// The accessor on `HaloClient`, the handle type and its operation methods.
fn handle(entity: &Entity) -> (TokenStream, Vec<&'static str>) {
    let name = ident(&entity.name);
    let handle = ident(&entity.handle);
    let accessor = ident(&entity.accessor);
    let id_type = ident(&entity.id_type);
    let plural = words(&entity.accessor);
    let noun = words(&entity.name);
    let a_noun = with_article(&noun);
    let mut runtime = Vec::new();
    let mut ops = Vec::new();
    let mut methods = Vec::new();

    if let Some(list) = entity.list.as_ref().filter(|_| entity.ops.list) {
        ops.push("list");
        let shape = match &list.key {
            Some(key) => quote!(ListShape::Wrapped(#key)),
            None => quote!(ListShape::Bare),
        };
        runtime.push("ListShape");
        let (request, text) = if list.paginated {
            runtime.push("ListRequest");
            (
                quote!(ListRequest),
                format!("Lists {plural}, one page per request. Filters are methods of the returned request."),
            )
        } else {
            runtime.push("UnpagedListRequest");
            (
                quote!(UnpagedListRequest),
                format!("Lists {plural} in one request (this collection is not paginated)."),
            )
        };
        let docs = doc_raw(&text);
        methods.push(quote! {
            #docs
            pub fn list(&self) -> #request<#name> {
                #request::new(self.client, #shape)
            }
        });
    }
    if entity.ops.get {
        ops.push("get");
        runtime.push("GetRequest");
        let docs = doc_raw(&format!("Gets one {noun} by id."));
        methods.push(quote! {
            #docs
            pub fn get(&self, id: #id_type) -> GetRequest<#name> {
                GetRequest::new(self.client, id)
            }
        });
    }
    if entity.ops.create {
        ops.push("create");
        runtime.push("CreateRequest");
        let new_type = ident(&entity.new_type);
        let docs = doc_raw(&format!(
            "Creates a {noun} and returns it as saved, with its id."
        ));
        methods.push(quote! {
            #docs
            pub fn create(&self, new: &#new_type) -> CreateRequest<#name> {
                CreateRequest::new(self.client, new)
            }
        });
        runtime.push("CreateManyRequest");
        let docs = doc_raw(&format!(
            "Creates many {plural} in batches and returns them as saved, in order."
        ));
        methods.push(quote! {
            #docs
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
        runtime.push("UpdateRequest");
        let docs = doc_raw(&format!(
            "Updates {a_noun}: sends every field the record carries, including fields the spec does not list. To change only some fields, use [`{handle}::patch`].", handle = entity.handle
        ));
        let arg = ident(&entity.module);
        methods.push(quote! {
            #docs
            pub fn update(&self, #arg: &#name) -> UpdateRequest<#name> {
                UpdateRequest::new(self.client, #arg)
            }
        });
        runtime.push("PatchRequest");
        let docs = doc_raw(
            "Changes only the fields set on the returned request (`clear_*` methods send `null`).",
        );
        methods.push(quote! {
            #docs
            pub fn patch(&self, id: #id_type) -> PatchRequest<#name> {
                PatchRequest::new(self.client, id)
            }
        });
    }
    if entity.ops.delete {
        ops.push("delete");
        runtime.push("DeleteRequest");
        let docs = doc_raw(&format!("Deletes {a_noun}."));
        methods.push(quote! {
            #docs
            pub fn delete(&self, id: #id_type) -> DeleteRequest<#name> {
                DeleteRequest::new(self.client, id)
            }
        });
    }

    let accessor_doc = doc_raw(&format!("{} ({}).", capitalize(&plural), join_words(&ops)));
    let handle_doc = doc_raw(&format!(
        "Operations on {plural}; returned by [`HaloClient::{}`].",
        entity.accessor
    ));
    let tokens = quote! {
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
    };
    (tokens, runtime)
}

/// Typed parameter setters on the runtime's request types.
fn requests(entity: &Entity, imports: &mut Imports) -> TokenStream {
    let name = ident(&entity.name);
    let mut blocks = Vec::new();
    if let Some(list) = entity.list.as_ref().filter(|_| entity.ops.list) {
        let request = if list.paginated {
            quote!(ListRequest)
        } else {
            quote!(UnpagedListRequest)
        };
        let mut setters: Vec<TokenStream> = entity
            .filters
            .iter()
            .map(|param| setter(param, &entity.id_type, imports))
            .collect();
        if let Some((wire, method)) = &list.count_param {
            let method = ident(method);
            let docs = doc_raw(&format!(
                "Returns at most this many {} ({}).",
                words(&entity.accessor),
                code_span(wire)
            ));
            setters.push(quote! {
                #docs
                pub fn #method(self, value: u32) -> Self {
                    self.param(#wire, value)
                }
            });
        }
        if !setters.is_empty() {
            blocks.push(quote! { impl #request<#name> { #(#setters)* } });
        }
    }
    for (params, request) in [
        (&entity.get_params, quote!(GetRequest)),
        (&entity.delete_params, quote!(DeleteRequest)),
    ] {
        if !params.is_empty() {
            let setters = params
                .iter()
                .map(|param| setter(param, &entity.id_type, imports));
            blocks.push(quote! { impl #request<#name> { #(#setters)* } });
        }
    }
    if entity.ops.update {
        let setters: Vec<TokenStream> = entity
            .fields
            .iter()
            .filter(|field| !field.read_only)
            .map(|field| patch_setters(field, &entity.id_type, imports))
            .collect();
        if !setters.is_empty() {
            blocks.push(quote! { impl PatchRequest<#name> { #(#setters)* } });
        }
    }
    quote! { #(#blocks)* }
}

/// `summary(value)` and `clear_summary()` on the entity's patch request.
fn patch_setters(field: &Field, own_id: &str, imports: &mut Imports) -> TokenStream {
    let docs = doc(&field.doc);
    let method = ident(&field.rust);
    let clear = ident(&format!("clear_{}", field.rust));
    let clear_docs = doc_raw(&format!(
        "Clears {}: sends it as `null`.",
        code_span(&field.wire)
    ));
    let wire = &field.wire;
    let (arg, value) = argument(&field.ty, own_id, imports);
    let (list_note, merge) = super::merge::list_setter(field, own_id, imports);
    quote! {
        #docs
        #list_note
        pub fn #method(self, value: #arg) -> Self {
            self.field(#wire, #value)
        }

        #merge

        #clear_docs
        pub fn #clear(self) -> Self {
            self.clear(#wire)
        }
    }
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

/// `pub fn client_id(self, value: ClientId) -> Self { self.param("client_id", value) }`
fn setter(param: &Param, own_id: &str, imports: &mut Imports) -> TokenStream {
    let docs = doc(&param.doc);
    let method = ident(&param.rust);
    let wire = &param.wire;
    let (arg, value) = argument(&param.ty, own_id, imports);
    quote! {
        #docs
        pub fn #method(self, value: #arg) -> Self {
            self.param(#wire, #value)
        }
    }
}

/// A setter's argument type and how it becomes the value sent: strings take
/// `impl Into<String>`, lists any iterator.
fn argument(ty: &Type, own_id: &str, imports: &mut Imports) -> (TokenStream, TokenStream) {
    match ty {
        Type::String => (quote!(impl Into<String>), quote!(value.into())),
        Type::List(inner) if **inner == Type::String => (
            quote!(impl IntoIterator<Item = impl Into<String>>),
            quote!(value.into_iter().map(Into::into).collect::<Vec<String>>()),
        ),
        Type::List(inner) => {
            let inner = rust_type(inner, own_id, imports);
            (
                quote!(impl IntoIterator<Item = #inner>),
                quote!(value.into_iter().collect::<Vec<_>>()),
            )
        }
        other => (rust_type(other, own_id, imports), quote!(value)),
    }
}

/// "a ticket", "an asset".
fn with_article(noun: &str) -> String {
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
