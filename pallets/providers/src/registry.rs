//! What the jobs pallet asks of the registry ([`ProviderRegistry`]): selection,
//! operators, the concurrent-job count, reputation and punishment.

use crate::*;
use sp_runtime::traits::Zero;

impl<T: Config> ProviderRegistry<T::AccountId> for Pallet<T> {
	type Balance = BalanceOf<T>;

	fn select(
		req: &Requirements,
		count: u32,
		exclude: &[T::AccountId],
		pinned_class: Option<DeviceClass>,
		seed: [u8; 32],
	) -> Vec<(T::AccountId, DeviceClass)> {
		index::select::<T>(req, count, exclude, pinned_class, seed)
	}

	fn has_candidates(kind: DeviceKind) -> bool {
		KindCounts::<T>::get(kind) > 0
	}

	fn is_registered(who: &T::AccountId) -> bool {
		ProviderRecords::<T>::contains_key(who)
	}

	fn active_jobs(who: &T::AccountId) -> u32 {
		ProviderRecords::<T>::get(who).map_or(0, |p| u32::from(p.active_jobs))
	}

	fn provider_of(operator: &T::AccountId) -> Option<T::AccountId> {
		Operators::<T>::get(operator)
	}

	// A provider that is not registered has nothing to count or reward: these hooks
	// then change nothing (`update` refuses it).
	fn job_assigned(provider: &T::AccountId) {
		let _ = Self::update(provider, |p| {
			p.active_jobs = p.active_jobs.saturating_add(1);
			Ok(None)
		});
	}

	fn job_released(provider: &T::AccountId) {
		let _ = Self::update(provider, |p| {
			p.active_jobs = p.active_jobs.saturating_sub(1);
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
	fn benchmark_provider(index: u32, kind: DeviceKind) -> (T::AccountId, T::AccountId) {
		use frame_support::traits::fungible::{Inspect, Mutate};
		use sp_runtime::Saturating;
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
			device_class: [1; 32],
		};
		Self::do_register(&who, operator.clone(), capabilities, bond)
			.expect("benchmark provider registers");
		(who, operator)
	}

	fn punish(provider: &T::AccountId, reason: SlashReason) -> BalanceOf<T> {
		let params = Params::<T>::get();
		let (fraction, loss) = match reason {
			SlashReason::WrongResult | SlashReason::Withheld => {
				(params.slash_wrong_result, params.reputation_loss_wrong)
			},
			SlashReason::NoShow => (params.slash_no_show, params.reputation_loss_no_show),
		};
		let mut slashed = Zero::zero();
		// A slash may take the whole active bond: `update` then takes the provider out of
		// the candidate index. An unregistered provider has nothing to slash.
		let _ = Self::update(provider, |info| {
			info.reputation = info.reputation.saturating_sub(loss);
			slashed = Self::slash(provider, info, fraction, reason);
			Ok(None)
		});
		slashed
	}
}
