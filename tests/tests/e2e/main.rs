//! End-to-end tests: the generated client against the fake HaloPSA server,
//! over real HTTP on 127.0.0.1. One test binary (modules below) so the suite
//! links once.

mod common;

mod auth;
mod collections_a;
mod collections_b;
mod fake_server;
mod faults;
mod files_reports;
mod listing;
mod operations;
mod operations_more;
mod rate_limit;
mod records;
mod streaming;
mod sync;
mod webhooks;
