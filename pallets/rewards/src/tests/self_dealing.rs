//! Self-dealing never pays: a submitter that controls `s` of a job's `r` replicas earns
//! less in work credit than the job costs it, for every `s`, `r` and price (see the crate
//! docs). The credit is measured as what the pools of its providers are actually booked.

use crate::mock::*;
use proptest::prelude::*;
use sp_runtime::Perbill;

/// The protocol fee of a job of `r` replicas at `price` (the runtime's 5 %, rounded up, as
/// the jobs pallet charges it).
fn fee(r: u8, price: Balance) -> Balance {
	Perbill::from_percent(5).mul_ceil(Balance::from(r) * price)
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 256, rng_seed: proptest::test_runner::RngSeed::Fixed(20261122), ..ProptestConfig::default() })]

	#[test]
	fn paying_oneself_for_a_job_never_earns_what_it_costs(
		r in 3u8..=7,
		share in 0u8..=7,
		price in 1u64..1_000_000_000,
		rate in 0u32..1_000,
	) {
		let s = share.min(r);
		new_test_ext().execute_with(|| {
			// The most generous rate governance can set, and a budget that never runs out.
			let mut params = RewardDefaults::get();
			params.user_work_rate = Perbill::from_parts(999_000_000 + rate * 1_000);
			params.work_share = Perbill::from_percent(80);
			assert!(Rewards::set_params(RuntimeOrigin::root(), params).is_ok());
			crate::CurrentEra::<Test>::mutate(|era| {
				era.work_budget = Balance::MAX / 4;
				era.minted = era.work_budget;
			});
			let fee = fee(r, price);
			// The submitter's providers are 1..=s (no delegators, so every credit is theirs).
			let before: Balance = (1..=AccountId::from(s)).map(Delegation::pending_rewards).sum();
			for provider in 1..=AccountId::from(s) {
				user_work(provider, r, price, fee);
			}
			let earned: Balance =
				(1..=AccountId::from(s)).map(Delegation::pending_rewards).sum::<Balance>() - before;
			// It paid r × price + fee and got s × price back through its own providers.
			let cost = fee + Balance::from(r - s) * price;
			prop_assert!(earned < cost, "s {s} of r {r} at {price}: earned {earned}, cost {cost}");
			Ok(())
		})?;
	}
}
