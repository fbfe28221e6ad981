//! Tests by topic: delegating and its limits, unbonding, income, commission, slashing.

mod commission;
mod delegate;
mod income;
mod slashing;
mod unbonding;
