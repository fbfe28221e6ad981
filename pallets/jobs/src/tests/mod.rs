//! Tests of the jobs pallet, by topic. Every test runs through
//! `ExtBuilder::build_and_execute`, which checks both pallets' invariants afterwards.

mod assignment;
mod attestation;
mod audit;
mod budget;
mod cancel_clear;
mod lifecycle;
mod offchain;
mod properties;
mod queue;
mod queueing;
mod slashing;
mod submission;
mod timeouts;
