//! Tests of the providers pallet, by topic. Every test runs through
//! `ExtBuilder::build_and_execute`, which checks the invariants afterwards.

mod bonding;
mod registration;
mod selection;
mod slashing;
