//! What the jobs pallet asks of the registry ([`ProviderRegistry`]): selection,
//! operators, the concurrent-job count, reputation and punishment.

use crate::*;
use sp_runtime::{
	traits::{One, Saturating, Zero},
	Perbill,
};

impl<T: Config> ProviderRegistry<T::AccountId> for Pallet<T> {
	type Balance = BalanceOf<T>;
	type BlockNumber = frame_system::pallet_prelude::BlockNumberFor<T>;

	fn unbonding_period() -> Self::BlockNumber {
		Params::<T>::get().unbonding_period
	}

	fn select(
		req: &Requirements,
		count: u32,
		exclude: &[T::AccountId],
		pinned_class: Option<DeviceClass>,
		work: &Workload<BalanceOf<T>, Self::BlockNumber>,
		seed: [u8; 32],
	) -> Vec<(T::AccountId, DeviceClass)> {
		index::select::<T>(req, count, exclude, pinned_class, work, seed)
	}

	fn can_meet(req: &Requirements, replicas: u32) -> bool {
		index::can_meet::<T>(req, replicas)
	}

	fn is_registered(who: &T::AccountId) -> bool {
		ProviderRecords::<T>::contains_key(who)
	}

	fn load(who: &T::AccountId) -> (u32, BalanceOf<T>) {
		ProviderRecords::<T>::get(who)
			.map_or((0, Zero::zero()), |p| (u32::from(p.active_jobs), p.exposure))
	}

	fn provider_of(operator: &T::AccountId) -> Option<T::AccountId> {
		Operators::<T>::get(operator)
	}

	// A provider that is not registered has nothing to count or reward: these hooks
	// then change nothing (`update` refuses it).
	fn job_assigned(
		provider: &T::AccountId,
		work: &Workload<BalanceOf<T>, Self::BlockNumber>,
	) -> u64 {
		let now = frame_system::Pallet::<T>::block_number();
		let mut place = 0;
		let _ = Self::update(provider, |p| {
			p.active_jobs = p.active_jobs.saturating_add(1);
			p.exposure = p.exposure.saturating_add(work.price);
			place = p.queue.assign(now, work.compute_blocks);
			Ok(None)
		});
		place
	}

	fn job_computed(provider: &T::AccountId, place: u64) {
		let now = frame_system::Pallet::<T>::block_number();
		ProviderRecords::<T>::mutate(provider, |p| {
			if let Some(p) = p {
				p.queue.computed(now, place);
			}
		});
	}

	fn job_released(provider: &T::AccountId, price: BalanceOf<T>) {
		let _ = Self::update(provider, |p| {
			p.active_jobs = p.active_jobs.saturating_sub(1);
			p.exposure = p.exposure.saturating_sub(price);
			Ok(None)
		});
	}

	fn reward(provider: &T::AccountId) {
		let gain = Params::<T>::get().reputation_gain;
		let _ = Self::update(provider, |p| {
			p.reputation = p.reputation.saturating_add(gain).min(MAX_REPUTATION);
			Ok(None)
		});
	}

	fn demote(provider: &T::AccountId) {
		let loss = Params::<T>::get().reputation_loss_no_show;
		let _ = Self::update(provider, |p| {
			p.reputation = p.reputation.saturating_sub(loss);
			Ok(None)
		});
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_provider(
		index: u32,
		kind: DeviceKind,
		device_class: DeviceClass,
	) -> (T::AccountId, T::AccountId) {
		use frame_support::traits::fungible::{Inspect, Mutate};
		let who: T::AccountId = frame_benchmarking::account("provider", index, 0);
		let operator: T::AccountId = frame_benchmarking::account("operator", index, 0);
		let bond = Params::<T>::get().min_bond;
		let funds = bond
			.saturating_mul(1_000u32.into())
			.saturating_add(T::Currency::minimum_balance());
		T::Currency::set_balance(&who, funds);
		T::Currency::set_balance(&operator, T::Currency::minimum_balance());
		let capabilities = Capabilities {
			kind,
			vendor: Name::truncate_from(b"benchmark vendor".to_vec()),
			device: Name::truncate_from(b"benchmark device".to_vec()),
			opencl_version: OpenClVersion { major: 3, minor: 0 },
			memory_mib: 16_384,
			compute_units: 64,
			max_concurrent_jobs: u16::MAX,
			device_class,
		};
		Self::do_register(&who, operator.clone(), capabilities, bond)
			.expect("benchmark provider registers");
		(who, operator)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn selection_sample() -> u32 {
		<T::SelectionSample as frame_support::traits::Get<u32>>::get()
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_stake_at_risk(provider: &T::AccountId) {
		use depin_interfaces::{CountedStakeObserver, PoolSlash};
		T::Delegation::benchmark_pool(provider);
		T::StakeObserver::benchmark_income_due(provider);
	}

	fn punish(provider: &T::AccountId, reason: SlashReason, price: BalanceOf<T>) -> BalanceOf<T> {
		let params = Params::<T>::get();
		let mut slashed = Zero::zero();
		// A slash may take the whole active bond: `update` then takes the provider out of
		// the candidate index. An unregistered provider has nothing to slash.
		let _ = Self::update(provider, |info| {
			let (fraction, loss) = match reason {
				SlashReason::WrongResult | SlashReason::Withheld => {
					(params.slash_wrong_result, params.reputation_loss_wrong)
				},
				// Missing a job costs what the job is worth, not a share of the whole bond:
				// a large bond is not a larger fine for the same missed job.
				SlashReason::NoShow => (
					params.slash_no_show.min(Perbill::from_rational(
						price,
						info.total_held().saturating_add(info.delegated).max(One::one()),
					)),
					params.reputation_loss_no_show,
				),
			};
			info.reputation = info.reputation.saturating_sub(loss);
			slashed = Self::slash(provider, info, fraction, reason);
			Ok(None)
		});
		slashed
	}
}
