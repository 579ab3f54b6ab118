//! The static API description the generated code hands to the runtime.
//!
//! The generator emits one [`ApiSpec`] constant (`crate::API`); the runtime
//! reads every wire-level default (paths, parameter names, page cap) from it
//! instead of hard-coding them, so a spec change needs no runtime change.

/// Everything the runtime needs to know about the API as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiSpec {
    /// Human-readable API name, used in messages.
    pub name: &'static str,
    /// Path prefix of every resource endpoint, e.g. `/api`.
    pub base_path: &'static str,
    /// How to obtain access tokens.
    pub auth: AuthSpec,
    /// How list endpoints page their results.
    pub pagination: PaginationSpec,
    /// The server's documented request budget.
    pub rate_limit: RateLimitSpec,
}

/// OAuth 2.0 client-credentials settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthSpec {
    /// Token endpoint path relative to the base URL, e.g. `/auth/token`.
    pub token_path: &'static str,
    /// Query parameter that names the tenant on cloud instances.
    pub tenant_param: &'static str,
    /// Scope requested when the caller sets none.
    pub default_scope: &'static str,
    /// Unauthenticated endpoint that reports the instance's auth URL.
    pub discovery_path: &'static str,
}

/// Parameter and field names used for paging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaginationSpec {
    /// Boolean parameter that turns paging on (Halo spells it `pageinate`).
    pub enable_param: &'static str,
    /// 1-based page number parameter.
    pub page_param: &'static str,
    /// Page size parameter.
    pub size_param: &'static str,
    /// Response field holding the total number of matching records.
    pub count_field: &'static str,
    /// Largest page size the server honours.
    pub max_page_size: u32,
}

/// The server's rate limit: `requests` per rolling `window_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitSpec {
    /// Requests allowed per window.
    pub requests: u32,
    /// Window length in seconds.
    pub window_seconds: u64,
}
