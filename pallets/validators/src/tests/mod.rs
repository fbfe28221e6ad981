//! The validator set's tests, by topic.

mod bonds;
mod invariants;
mod keys;
mod membership;
mod offences;
mod session;
