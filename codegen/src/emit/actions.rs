//! Actions: an entity's operations other than the five (`Invoice/PDF/{id}`,
//! `Agent/me`), and a singleton's `get` and `update`.
//!
//! Each action is a method of the entity's handle that takes the path's
//! values, the required parameters and the body, and returns the action's
//! own request type (`InvoicePdf`), whose optional parameters are setters.

use proc_macro2::TokenStream;
use quote::quote;

use super::entity::{params_table, required_args, Uses};
use super::fields::{rust_type, type_text, Imports};
use super::markdown::code_span;
use super::tables::{Table, Tables};
use super::{doc, doc_raw, ident};
use crate::model::{Action, Body, Entity, HttpMethod, Param, PathPart, Response, Type};

/// `pub fn pdf(&self, id: impl Into<InvoiceId>) -> InvoicePdf { .. }` on the handle.
pub(super) fn handle_method(
    entity: &Entity,
    action: &Action,
    uses: &mut Uses,
    imports: &mut Imports,
) -> TokenStream {
    if action.response == Response::Report {
        return report_method(entity, action, uses);
    }
    uses.runtime.push("ActionRequest");
    let method = ident(&action.method_name);
    let request = ident(&action.type_name);
    let id_type = ident(&entity.id_type);
    let constructor = ident(match action.method {
        HttpMethod::Get => "get",
        HttpMethod::Post => "post",
        HttpMethod::Delete => "delete",
    });
    let path = &entity.path;

    let mut args = Vec::new();
    let mut chain = Vec::new();
    for part in &action.path {
        match part {
            PathPart::Literal(text) => chain.push(quote!(.literal(#text))),
            PathPart::Id => {
                args.push(quote!(id: impl Into<#id_type>));
                chain.push(quote!(.value(Into::<#id_type>::into(id))));
            }
            PathPart::Param(wire) => {
                let Some(param) = action.path_params.iter().find(|p| &p.wire == wire) else {
                    continue;
                };
                let name = ident(&param.rust);
                let ty = rust_type(&param.ty, &entity.id_type, imports);
                args.push(quote!(#name: impl Into<#ty>));
                chain.push(quote!(.value(Into::<#ty>::into(#name))));
            }
        }
    }
    let required: Vec<&Param> = action.params.iter().filter(|p| p.required).collect();
    let (required_args, values) = required_args(&required, &entity.id_type, imports);
    args.extend(required_args);
    let wires = required.iter().map(|p| p.wire.as_str());
    chain.push(quote!(#(.param(#wires, #values))*));

    let name = ident(&entity.name);
    let mut lifetime = None;
    match &action.body {
        Body::None => {}
        Body::Record => {
            args.push(quote!(body: &#name));
            chain.push(quote!(.body(&[body])));
        }
        Body::Records => {
            lifetime = Some(quote!(<'a>));
            args.push(quote!(body: impl IntoIterator<Item = &'a #name>));
            chain.push(quote!(.body(&body.into_iter().collect::<Vec<_>>())));
        }
        Body::Ids => {
            args.push(quote!(body: impl IntoIterator<Item = impl Into<#id_type>>));
            chain.push(quote!(.body(&body.into_iter().map(Into::into).collect::<Vec<#id_type>>())));
        }
        Body::Object => {
            args.push(quote!(body: &#name));
            chain.push(quote!(.body(body)));
        }
        Body::Form => {
            uses.runtime.push("Multipart");
            args.push(quote!(form: &Multipart));
            chain.push(quote!(.multipart(form)));
        }
        Body::Value(Type::List(inner)) => {
            let inner = rust_type(inner, &entity.id_type, imports);
            args.push(quote!(body: &[#inner]));
            chain.push(quote!(.body(&body)));
        }
        Body::Value(ty) => {
            let ty = rust_type(ty, &entity.id_type, imports);
            args.push(quote!(body: &#ty));
            chain.push(quote!(.body(body)));
        }
    }
    if action.retry && action.method == HttpMethod::Post {
        chain.push(quote!(.repeatable()));
    }
    if let Some(scope) = &action.scope {
        chain.push(quote!(.scope(#scope)));
    }
    let docs = doc(&action.doc);
    let sends = doc_raw(&format!("\n{}", sends(entity, action)));
    quote! {
        #docs
        #sends
        pub fn #method #lifetime(&self #(, #args)*) -> #request {
            #request(ActionRequest::#constructor(self.client, #path) #(#chain)*)
        }
    }
}

/// `pub fn query(&self, sql: impl Into<String>) -> ReportQuery { .. }`: an
/// SQL report posted where the action's path says, with its scope.
fn report_method(entity: &Entity, action: &Action, uses: &mut Uses) -> TokenStream {
    uses.runtime.push("ReportQuery");
    let method = ident(&action.method_name);
    let path = &entity.path;
    let literals = action.path.iter().filter_map(|part| match part {
        PathPart::Literal(text) => Some(text.as_str()),
        PathPart::Id | PathPart::Param(_) => None,
    });
    let repeatable = (action.retry).then(|| quote!(.repeatable()));
    let scope = action.scope.as_ref().map(|scope| quote!(.scope(#scope)));
    let docs = doc(&action.doc);
    let sends = doc_raw(&format!(
        "\n{} The SQL goes as `[{{\"sql\": ..., \"_loadreportonly\": true}}]`; \
         [`ReportQuery`](crate::runtime::ReportQuery) reads the rows as maps \
         or, with `rows::<T>()`, as your own struct.",
        sends(entity, action)
    ));
    quote! {
        #docs
        #sends
        pub fn #method(&self, sql: impl Into<String>) -> ReportQuery {
            ReportQuery::at(self.client, #path, sql) #(.literal(#literals))* #repeatable #scope
        }
    }
}

/// "Sends `POST /Invoice/PDF/{id}`; needs the scope `...`; ..." for the docs.
fn sends(entity: &Entity, action: &Action) -> String {
    let method = match action.method {
        HttpMethod::Get => "GET",
        HttpMethod::Post => "POST",
        HttpMethod::Delete => "DELETE",
    };
    let path = if action.template.is_empty() {
        entity.path.clone()
    } else {
        format!("{}/{}", entity.path, action.template)
    };
    let mut text = format!("Sends {}", code_span(&format!("{method} {path}")));
    if let Some(scope) = &action.scope {
        text.push_str(&format!("; needs the API scope {}", code_span(scope)));
    }
    if action.method == HttpMethod::Post {
        text.push_str(if action.retry {
            "; safe to send again, so it is retried like a read"
        } else {
            "; never sent twice when the server might have acted"
        });
    }
    text.push('.');
    text
}

/// `request! { /// doc \n action InvoicePdf => Json<Invoice>; }` and its
/// optional parameters.
pub(super) fn request_type(
    action: &Action,
    entity: &Entity,
    tables: &mut Tables,
    imports: &mut Imports,
    uses: &mut Uses,
) -> Vec<TokenStream> {
    if action.response == Response::Report {
        return Vec::new(); // the runtime's `ReportQuery`
    }
    uses.macros.push("request");
    let name = &entity.name;
    let response = match &action.response {
        Response::None => {
            uses.runtime.push("Nothing");
            "Nothing".to_owned()
        }
        Response::Record => {
            uses.runtime.push("Json");
            format!("Json<{name}>")
        }
        Response::Records => {
            uses.runtime.push("Json");
            format!("Json<Vec<{name}>>")
        }
        Response::List => {
            uses.runtime.push("Listed");
            format!("Listed<{name}>")
        }
        Response::Value(ty) => {
            uses.runtime.push("Json");
            format!("Json<{}>", type_text(ty, &entity.id_type, imports))
        }
        // A file has its own kind of request: `send` and `download`.
        Response::Bytes | Response::Report => String::new(),
    };
    let line = if action.response == Response::Bytes {
        format!("file {};", action.type_name)
    } else {
        format!("action {} => {response};", action.type_name)
    };
    let mut table = Table::new("request");
    table
        .doc_raw(&format!(
            "The request of [`{}::{}`]: {}",
            entity.handle,
            action.method_name,
            sends(entity, action)
        ))
        .line(&line);
    let mut out = vec![tables.add(table.finish())];
    let optional: Vec<&Param> = action.params.iter().filter(|p| !p.required).collect();
    if !optional.is_empty() {
        uses.macros.push("params");
        out.push(tables.add(params_table(
            &action.type_name,
            &optional,
            &entity.id_type,
            imports,
        )));
    }
    out
}
