//! `mod.rs`: module list, re-exports and the `API` constant.

use quote::quote;

use super::markdown::code_span;
use super::{doc, ident, module_doc, module_doc_raw, render};
use crate::model::Spec;
use crate::GeneratedFile;

pub(super) fn emit(spec: &Spec) -> GeneratedFile {
    let api = &spec.api;
    let docs = module_doc(&api.doc);
    let source = module_doc_raw(&format!(
        "\nModels and endpoint handles generated from {}.",
        code_span(&crate::text::printable(&spec.file))
    ));
    let types_mod = (!spec.types.is_empty()).then(|| {
        let mut names: Vec<&str> = spec.types.iter().map(|t| t.name.as_str()).collect();
        names.sort_unstable();
        let names = names.into_iter().map(ident);
        quote! {
            pub mod types;
            pub use types::{#(#names),*};
        }
    });
    let modules = spec.entities.iter().map(|e| {
        let module = ident(&e.module);
        let mut names = vec![e.name.clone(), e.handle.clone()];
        if !e.singleton {
            names.push(e.id_type.clone());
        }
        if e.ops.create {
            names.push(e.new_type.clone());
        }
        names.sort();
        let names = names.iter().map(|n| ident(n));
        quote! {
            pub mod #module;
            pub use #module::{#(#names),*};
        }
    });
    let api_doc =
        doc("The API description from the spec; the runtime takes its defaults from here.");
    let (name, base_path) = (&api.name, &api.base_path);
    let (token_path, tenant_param, default_scope, discovery_path) = (
        &api.token_path,
        &api.tenant_param,
        &api.default_scope,
        &api.discovery_path,
    );
    let (enable_param, page_param, size_param, count_field, max_page_size) = (
        &api.enable_param,
        &api.page_param,
        &api.size_param,
        &api.count_field,
        proc_macro2::Literal::u32_unsuffixed(api.max_page_size),
    );
    let (requests, window_seconds) = (
        proc_macro2::Literal::u32_unsuffixed(api.rate_limit_requests),
        proc_macro2::Literal::u32_unsuffixed(api.rate_limit_window_seconds),
    );
    let tokens = quote! {
        #docs
        #source

        use crate::runtime::spec::{ApiSpec, AuthSpec, PaginationSpec, RateLimitSpec};

        #types_mod
        #(#modules)*

        #[cfg(feature = "cli")]
        pub(crate) mod cli;

        #api_doc
        pub const API: ApiSpec = ApiSpec {
            name: #name,
            base_path: #base_path,
            auth: AuthSpec {
                token_path: #token_path,
                tenant_param: #tenant_param,
                default_scope: #default_scope,
                discovery_path: #discovery_path,
            },
            pagination: PaginationSpec {
                enable_param: #enable_param,
                page_param: #page_param,
                size_param: #size_param,
                count_field: #count_field,
                max_page_size: #max_page_size,
            },
            rate_limit: RateLimitSpec {
                requests: #requests,
                window_seconds: #window_seconds,
            },
        };
    };
    let stamp = format!("// Spec sha256: {}", spec.hash);
    render(
        spec,
        "mod.rs".to_owned(),
        Some(&stamp),
        tokens,
        &Default::default(),
    )
}
