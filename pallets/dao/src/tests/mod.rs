//! The DAO's tests, by topic.

mod capture;
mod invariants;
mod locks;
mod origins;
mod tally;
mod token_house;
mod work_house;
