//! The validator set's tests, by topic.

mod invariants;
mod keys;
mod membership;
mod session;
