//! The `api` section: paths, parameter names and limits.

use super::paths::{self, PathKind};
use super::Checker;
use crate::model::Api;
use crate::raw;
use crate::text::printable;

impl Checker<'_> {
    pub(super) fn api(&mut self, api: &raw::Api) -> Api {
        let doc = self.doc(&api.doc, &["api"], "the `api` section");
        for (key, value) in [
            ("base_path", &api.base_path),
            ("token_path", &api.auth.token_path),
            ("discovery_path", &api.auth.discovery_path),
        ] {
            if let Err(refused) = paths::check(value, PathKind::Absolute) {
                let path: &[&str] = if key == "base_path" {
                    &["api", key]
                } else {
                    &["api", "auth", key]
                };
                self.error(
                    self.map.value(path),
                    format!("`{key}: {}` {}", printable(value), refused.problem),
                    refused.help,
                );
            }
        }
        let names = [
            ("auth", "tenant_param", &api.auth.tenant_param),
            ("auth", "default_scope", &api.auth.default_scope),
            ("pagination", "enable_param", &api.pagination.enable_param),
            ("pagination", "page_param", &api.pagination.page_param),
            ("pagination", "size_param", &api.pagination.size_param),
            ("pagination", "count_field", &api.pagination.count_field),
        ];
        for (section, key, value) in names {
            if value.trim().is_empty() {
                self.error(
                    self.map.value(&["api", section, key]),
                    format!("`{key}` must not be empty"),
                    "give Halo's name for it; spec/README.md shows the `api` section with every key".into(),
                );
            }
        }
        let positive = [
            ("pagination", "max_page_size", api.pagination.max_page_size),
            ("rate_limit", "requests", api.rate_limit.requests),
            (
                "rate_limit",
                "window_seconds",
                api.rate_limit.window_seconds,
            ),
        ];
        for (section, key, value) in positive {
            if value == 0 {
                self.error(
                    self.map.value(&["api", section, key]),
                    format!("`{key}` must be greater than zero"),
                    match key {
                        "max_page_size" => "set the server's page cap (100 for Halo)".to_owned(),
                        _ => "set the documented limit: Halo allows 700 requests per 300 seconds"
                            .to_owned(),
                    },
                );
            }
        }
        Api {
            name: api.name.clone(),
            doc,
            base_path: api.base_path.clone(),
            token_path: api.auth.token_path.clone(),
            tenant_param: api.auth.tenant_param.clone(),
            default_scope: api.auth.default_scope.clone(),
            discovery_path: api.auth.discovery_path.clone(),
            enable_param: api.pagination.enable_param.clone(),
            page_param: api.pagination.page_param.clone(),
            size_param: api.pagination.size_param.clone(),
            count_field: api.pagination.count_field.clone(),
            max_page_size: api.pagination.max_page_size,
            rate_limit_requests: api.rate_limit.requests,
            rate_limit_window_seconds: api.rate_limit.window_seconds,
        }
    }
}
