//! # The contracts between the pallets
//!
//! What one pallet of the DePIN Compute Chain asks of another, declared here so that the
//! pallets see each other without depending on each other (as `sp-staking` does for
//! polkadot-sdk's staking pallets). Each trait names who implements it and who calls it;
//! the runtime's configuration (`runtime/src/configs/mod.rs`) wires every caller's `Config`
//! item to the pallet that implements it. `()` stands in where a chain (or a test) has no
//! such pallet.
//!
//! | trait | implemented by | asked by | what for |
//! | --- | --- | --- | --- |
//! | [`ProviderStake`] | providers | delegation | a provider's own bond, whether it takes delegations, its counted stake |
//! | [`PoolSlash`] | delegation | providers | a slash of a provider reaches its delegators, pro rata |
//! | [`CountedStakeObserver`] | rewards | providers, delegation | stake income accrued before a change of counted stake is booked at the old stake |
//! | [`PoolIncome`] | delegation | rewards | income is booked into a provider's pool |
//! | [`EraClock`] | rewards | delegation | which era it is |
//! | [`WorkCredit`] | rewards | jobs | verified work, reported at settlement |
//! | [`AuditJobs`] | jobs | rewards | the chain's own audit jobs, issued each era |
//! | [`VoteLocks`] | dao | providers, delegation | stake that governance votes stand on stays where it is |
//!
//! The provider registry the jobs pallet selects and punishes providers through
//! (`pallet_providers::ProviderRegistry`) is the providers pallet's own interface, over
//! its own types: the jobs pallet depends on that pallet directly.

#![cfg_attr(not(feature = "std"), no_std)]

use depin_compute_primitives::JobId;
use sp_runtime::{traits::Zero, DispatchError, Perbill};

/// An era's number: the rewards pallet counts them from genesis.
pub type EraIndex = u32;

/// What the delegation pallet asks of the provider registry.
pub trait ProviderStake<AccountId> {
	/// Balance type of bonds and stake.
	type Balance;

	/// `provider`'s active bond, if it is registered.
	fn own_bond(provider: &AccountId) -> Option<Self::Balance>;

	/// Whether `provider` takes new delegations: registered, and offering itself for jobs.
	fn accepts_delegations(provider: &AccountId) -> bool;

	/// Records what `provider`'s delegators have active behind it (counted for selection
	/// and stake income). Does nothing for an unregistered provider.
	fn set_delegated(provider: &AccountId, delegated: Self::Balance);

	/// `provider`'s counted stake (zero for an unknown account).
	fn counted_stake(provider: &AccountId) -> Self::Balance;

	/// Benchmarks only: registers a funded provider number `index` whose own bond lets
	/// `delegated` be delegated to it.
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_provider(index: u32, delegated: Self::Balance) -> AccountId;
}

/// A slash of a provider reaching the stake delegated to it.
pub trait PoolSlash<AccountId, Balance> {
	/// Slashes `fraction` of everything `provider`'s delegators hold behind it (active and
	/// unbonding) to the treasury. Returns what was slashed and the delegated stake left
	/// active. Must not call back into the providers pallet.
	fn slash_pool(provider: &AccountId, fraction: Perbill) -> (Balance, Balance);

	/// Benchmarks only: gives listed `provider` a pool in its costliest state for a slash
	/// or a booking: a member with active and unbonding stake, income owed, and an
	/// announced commission increase in force from the current era. Panics if `provider`
	/// takes no delegations.
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_pool(_provider: &AccountId) {}
}

impl<AccountId, Balance: Zero> PoolSlash<AccountId, Balance> for () {
	fn slash_pool(_: &AccountId, _: Perbill) -> (Balance, Balance) {
		(Zero::zero(), Zero::zero())
	}
}

/// Hears every change of a provider's counted stake, and books the stake income it
/// earned (the rewards pallet).
pub trait CountedStakeObserver<AccountId, Balance> {
	/// `provider`'s counted stake is now `counted` (zero when it leaves). Income accrued
	/// at the stake it had before is booked first.
	fn counted_stake_changed(provider: &AccountId, counted: Balance);

	/// Books the stake income `provider` accrued so far into its pool, before its pool's
	/// points or its provider's record change (the pool splits income by them).
	fn settle_income(provider: &AccountId);

	/// Benchmarks only: makes listed `provider`'s next booking the costliest: stake income
	/// due since its cursor (split at an era's start, for a pool with a commission
	/// increase in force) and a stream with blocks to release. Panics if `provider` has no
	/// counted stake.
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_income_due(_provider: &AccountId) {}
}

impl<AccountId, Balance> CountedStakeObserver<AccountId, Balance> for () {
	fn counted_stake_changed(_: &AccountId, _: Balance) {}
	fn settle_income(_: &AccountId) {}
}

/// Where income for a provider and its delegators is booked (the delegation pallet).
pub trait PoolIncome<AccountId, Balance> {
	/// Books `amount`, already in the reward pot, as income of `provider`'s pool earned in
	/// the current era: the provider's commission, its own bond's share, and its
	/// delegators' share.
	fn credit(provider: &AccountId, amount: Balance);

	/// Books `amount` earned before era `before` began: at the commission in force then.
	fn credit_earned_before(provider: &AccountId, amount: Balance, before: EraIndex);

	/// The era from which an announced commission increase of `provider`'s pool applies,
	/// if that era has begun and income booked so far was all earned before it: income
	/// earned before that era must be booked at the old rate
	/// ([`PoolIncome::credit_earned_before`]).
	fn increase_from(provider: &AccountId) -> Option<EraIndex>;

	/// Everything booked and not yet claimed: what the reward pot must cover.
	fn total_owed() -> Balance;
}

impl<AccountId, Balance: Zero> PoolIncome<AccountId, Balance> for () {
	fn credit(_: &AccountId, _: Balance) {}
	fn credit_earned_before(_: &AccountId, _: Balance, _: EraIndex) {}
	fn increase_from(_: &AccountId) -> Option<EraIndex> {
		None
	}
	fn total_owed() -> Balance {
		Zero::zero()
	}
}

/// Which era it is (the rewards pallet).
pub trait EraClock {
	/// The current era.
	fn current_era() -> EraIndex;

	/// Benchmarks only: moves the clock to `era`.
	#[cfg(feature = "runtime-benchmarks")]
	fn set_era(era: EraIndex);
}

/// What a settled job that a replica agreed on was worth, reported to the rewards pallet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifiedWork<Balance> {
	/// Replicas the job asked for.
	pub replicas: u8,
	/// What each agreeing replica was paid.
	pub price_per_replica: Balance,
	/// The protocol fee the submitter paid for the whole job.
	pub fee: Balance,
	/// Whether the chain itself issued the job (an audit).
	pub audit: bool,
}

/// Verified work, reported by the jobs pallet when a job settles.
pub trait WorkCredit<AccountId, Balance> {
	/// `provider` computed the agreed result of a job worth `work`.
	fn credit_work(provider: &AccountId, work: VerifiedWork<Balance>);

	/// `provider` was slashed for a wrong or withheld result: the verified work it was
	/// credited over the recent eras no longer weighs for it (the DAO's work house).
	fn forfeit_work(provider: &AccountId);

	/// Whether `who` is the account the chain issues audit jobs from.
	fn is_auditor(who: &AccountId) -> bool;
}

impl<AccountId, Balance> WorkCredit<AccountId, Balance> for () {
	fn credit_work(_: &AccountId, _: VerifiedWork<Balance>) {}
	fn forfeit_work(_: &AccountId) {}
	fn is_auditor(_: &AccountId) -> bool {
		false
	}
}

/// Stake that standing governance votes lock (the DAO pallet implements it): the
/// delegation pallet keeps a member's stake from being withdrawn below it, and the
/// registry keeps a voting provider's bond at the minimum or above.
pub trait VoteLocks<AccountId, Balance> {
	/// Delegated stake `who` votes with in the token house.
	fn locked_stake(who: &AccountId) -> Balance;
	/// Whether `who` has a work-house vote standing.
	fn has_provider_vote(who: &AccountId) -> bool;
}

impl<AccountId, Balance: Zero> VoteLocks<AccountId, Balance> for () {
	fn locked_stake(_: &AccountId) -> Balance {
		Zero::zero()
	}
	fn has_provider_vote(_: &AccountId) -> bool {
		false
	}
}

/// The chain's own jobs: the rewards pallet issues audits each era through the jobs
/// pallet, which picks the kernel, its input and the requirements from its randomness.
pub trait AuditJobs<AccountId> {
	/// Issues audit number `index` of this era with `replicas` replicas, paid from
	/// `auditor`'s free balance. Fails, changing nothing, when no listed providers could
	/// take it or the auditor cannot pay.
	fn issue(auditor: &AccountId, replicas: u8, index: u32) -> Result<JobId, DispatchError>;

	/// Whether `job` is finished (or gone); a finished one is cleared and its storage
	/// deposit returns to `auditor`.
	fn clear_if_finished(auditor: &AccountId, job: JobId) -> bool;

	/// Benchmarks only: registers providers enough for audits of `replicas` replicas.
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_prepare(replicas: u8);

	/// Benchmarks only: ends audit `job` (its escrow returns), ready to be cleared.
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_finish(auditor: &AccountId, job: JobId);
}

impl<AccountId> AuditJobs<AccountId> for () {
	fn issue(_: &AccountId, _: u8, _: u32) -> Result<JobId, DispatchError> {
		Err(DispatchError::Other("no jobs pallet"))
	}
	fn clear_if_finished(_: &AccountId, _: JobId) -> bool {
		true
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_prepare(_: u8) {}
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_finish(_: &AccountId, _: JobId) {}
}
