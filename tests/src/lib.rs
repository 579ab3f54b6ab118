//! End-to-end tests of the generated client live in `tests/`.
