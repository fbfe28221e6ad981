//! Concentration: does capital earn more of the emission than the work it does?
//!
//! A thousand providers with Pareto-distributed own bonds (shape 1.16, the "80/20" law,
//! from the minimum bond up), all honest CPU providers. For a number of eras, jobs of three
//! replicas are assigned by the providers pallet's real selection (a sample of the bucket,
//! weighted by counted stake × reputation), each agreeing replica is rewarded and credited
//! as the jobs pallet does at settlement, and the rewards pallet mints and splits each
//! era's emission. At the end the simulation compares the ten largest providers' share of
//! stake, of verified work (replicas computed) and of emission (stake income plus work
//! credits, as booked into their pools).
//!
//! `scripts/simulate-rewards` runs it at full size and prints the figures; the test run
//! uses fewer eras. Either way it fails if the top ten's share of emission exceeds their
//! share of verified work by more than two points.

use crate::{mock::*, Params};
use depin_interfaces::{VerifiedWork, WorkCredit};
use frame_support::traits::fungible::Mutate;
use pallet_providers::{DeviceKind, ProviderRegistry, Requirements};

/// A deterministic generator (xorshift64*), so that every run draws the same chain.
struct Rng(u64);
impl Rng {
	fn next(&mut self) -> u64 {
		self.0 ^= self.0 >> 12;
		self.0 ^= self.0 << 25;
		self.0 ^= self.0 >> 27;
		self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
	}
	/// Uniform in (0, 1].
	fn unit(&mut self) -> f64 {
		((self.next() >> 11) as f64 + 1.0) / (1u64 << 53) as f64
	}
}

const PROVIDERS: u64 = 1_000;
/// The runtime's `max_counted_stake` over its `min_bond`.
const CAP_MULTIPLE: u64 = 10;
const FIRST: AccountId = 10_000;

fn share(part: u128, total: u128) -> f64 {
	100.0 * part as f64 / total.max(1) as f64
}

#[test]
fn the_largest_providers_earn_no_more_emission_than_their_work() {
	let eras: u32 = std::env::var("DEPIN_SIMULATION_ERAS")
		.ok()
		.and_then(|e| e.parse().ok())
		.unwrap_or(3);
	let jobs_per_era: u32 = std::env::var("DEPIN_SIMULATION_JOBS")
		.ok()
		.and_then(|e| e.parse().ok())
		.unwrap_or(300);
	new_test_ext().execute_with(|| {
		let mut rng = Rng(20261122);
		let mut bonds = Vec::new();
		let cap_multiple: u64 = std::env::var("DEPIN_SIMULATION_CAP").ok().and_then(|c| c.parse().ok()).unwrap_or(CAP_MULTIPLE);
		let provider_params = pallet_providers::ProviderParams {
			max_counted_stake: cap_multiple * MIN_BOND,
			..pallet_providers::Params::<Test>::get()
		};
		assert!(Providers::set_params(RuntimeOrigin::root(), provider_params).is_ok());
		for i in 0..PROVIDERS {
			let who = FIRST + u128::from(i);
			// Pareto: x_m / U^(1/α).
			let bond = (MIN_BOND as f64 / rng.unit().powf(1.0 / 1.16)).min(1e15) as Balance;
			Balances::set_balance(&who, bond + 1_000);
			assert!(Providers::register(RuntimeOrigin::signed(who), cpu(), who + 1_000_000, bond).is_ok());
			bonds.push((who, bond));
		}
		let requirements = Requirements {
			kind: DeviceKind::Cpu,
			min_memory_mib: 0,
			min_reputation: 0,
			same_device_class: false,
		};
		let price: Balance = 1_000;
		let fee = sp_runtime::Perbill::from_percent(5).mul_ceil(3 * price);
		// The runtime's split (work 50 %, stake 30 %) and its counted-stake cap relative to
		// the minimum bond; an inflation high enough that the work budget covers every
		// credit, so that the split decides and not the budget.
		let mut params = Params::<Test>::get();
		params.inflation = sp_runtime::Perbill::from_percent(90);
		params.work_share = sp_runtime::Perbill::from_percent(50);
		params.stake_share = sp_runtime::Perbill::from_percent(30);
		assert!(Rewards::set_params(RuntimeOrigin::root(), params).is_ok());
		let mut work: std::collections::BTreeMap<AccountId, u64> = Default::default();
		for era in 1..=eras {
			run_to_era(era);
			for job in 0..jobs_per_era {
				let mut seed = [0u8; 32];
				seed[..8].copy_from_slice(&rng.next().to_le_bytes());
				let picked = <Providers as ProviderRegistry<AccountId>>::select(
					&requirements,
					3,
					&[],
					None,
					&pallet_providers::Workload { price, compute_blocks: 1, due: u64::MAX },
					seed,
				);
				assert_eq!(picked.len(), 3, "era {era}, job {job}: three providers drawn");
				for (who, _) in picked {
					<Providers as ProviderRegistry<AccountId>>::reward(&who);
					Rewards::credit_work(
						&who,
						VerifiedWork { replicas: 3, price_per_replica: price, fee, audit: false },
					);
					*work.entry(who).or_default() += 1;
				}
			}
		}
		run_to_era(eras + 1);
		check_invariants();

		bonds.sort_by_key(|(_, bond)| core::cmp::Reverse(*bond));
		let top: Vec<AccountId> = bonds.iter().take(10).map(|(who, _)| *who).collect();
		let total_stake: u128 = bonds.iter().map(|(_, b)| u128::from(*b)).sum();
		let top_stake: u128 = bonds.iter().take(10).map(|(_, b)| u128::from(*b)).sum();
		let total_work: u128 = work.values().map(|w| u128::from(*w)).sum();
		let top_work: u128 = top.iter().map(|who| u128::from(work.get(who).copied().unwrap_or(0))).sum();
		let earned = |who: &AccountId| u128::from(Delegation::pending_rewards(*who));
		let total_emission: u128 = bonds.iter().map(|(who, _)| earned(who)).sum();
		let top_emission: u128 = top.iter().map(earned).sum();
		let (stake, work, emission) = (
			share(top_stake, total_stake),
			share(top_work, total_work),
			share(top_emission, total_emission),
		);
		println!(
			"simulation: {PROVIDERS} providers (Pareto 1.16 bonds, counted up to {cap_multiple}× the minimum), {eras} eras × {jobs_per_era} jobs of 3 replicas; \
			 top 10: {stake:.1} % of stake, {work:.1} % of verified work, {emission:.1} % of emission \
			 (emission paid to providers: {total_emission} units)"
		);
		assert!(
			emission <= work + 2.0,
			"the top 10 earn {emission:.1} % of emission for {work:.1} % of the work"
		);
	});
}
