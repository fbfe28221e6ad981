//! The pallet's invariants, checked by `try_state` and after every test.

use crate::*;
use frame_support::{ensure, traits::Get};
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// One family of candidate buckets (by kind or by class) matches the listed
	/// providers: the same count per bucket, and exactly that many slots.
	pub(crate) fn check_buckets<K: Ord>(
		listed: &alloc::collections::BTreeMap<K, u32>,
		counts: impl Iterator<Item = (K, u32)>,
		slots: usize,
	) -> Result<(), sp_runtime::TryRuntimeError> {
		let counts: alloc::collections::BTreeMap<K, u32> = counts.collect();
		ensure!(
			&counts == listed,
			sp_runtime::TryRuntimeError::Other("bucket counts differ from the listed providers")
		);
		ensure!(
			slots as u32 == listed.values().sum::<u32>(),
			sp_runtime::TryRuntimeError::Other("bucket slots are not dense")
		);
		Ok(())
	}

	/// Checks the pallet's invariants (see the crate docs). Run by `try_state` and
	/// after every test, including other pallets' tests.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use sp_runtime::TryRuntimeError;
		let mut count = 0u32;
		let mut kind_listed: alloc::collections::BTreeMap<DeviceKind, u32> = Default::default();
		let mut class_listed: alloc::collections::BTreeMap<DeviceClass, u32> = Default::default();
		let mut kind_stats: alloc::collections::BTreeMap<DeviceKind, KindStat> = Default::default();
		let mut class_bonds: alloc::collections::BTreeMap<DeviceClass, BalanceOf<T>> =
			Default::default();
		for (who, info) in ProviderRecords::<T>::iter() {
			count += 1;
			ensure!(
				asset::held::<T>(&who) == info.total_held(),
				TryRuntimeError::Other("held bond differs from the provider's record")
			);
			ensure!(
				Operators::<T>::get(&info.operator).as_ref() == Some(&who),
				TryRuntimeError::Other("operator does not map back to its provider")
			);
			ensure!(
				info.reputation <= MAX_REPUTATION,
				TryRuntimeError::Other("reputation above the maximum")
			);
			ensure!(
				info.listing.is_some() == index::should_be_listed::<T>(&info),
				TryRuntimeError::Other("listing does not match eligibility for new jobs")
			);
			if let Some(listing) = info.listing {
				let kind = info.capabilities.kind;
				let class = info.capabilities.device_class;
				ensure!(
					KindSlots::<T>::get(kind, listing.kind_slot).as_ref() == Some(&who),
					TryRuntimeError::Other("kind slot does not point back at its provider")
				);
				ensure!(
					ClassSlots::<T>::get(class, listing.class_slot).as_ref() == Some(&who),
					TryRuntimeError::Other("class slot does not point back at its provider")
				);
				*kind_listed.entry(kind).or_default() += 1;
				*class_listed.entry(class).or_default() += 1;
				kind_stats.entry(kind).or_default().count(
					memory_tier(info.capabilities.memory_mib),
					reputation_tier(info.reputation),
					true,
				);
				let bond = class_bonds.entry(class).or_default();
				*bond = bond.saturating_add(info.bond);
			}
		}
		ensure!(count == ProviderCount::<T>::get(), TryRuntimeError::Other("ProviderCount is off"));
		ensure!(count <= T::MaxProviders::get(), TryRuntimeError::Other("more than MaxProviders"));
		ensure!(
			Operators::<T>::iter().count() as u32 == count,
			TryRuntimeError::Other("operators without a provider")
		);
		Self::check_buckets(&kind_listed, KindCounts::<T>::iter(), KindSlots::<T>::iter().count())?;
		// The bucket totals are the sums over the listed providers, with no empty entry.
		ensure!(
			KindStats::<T>::iter().collect::<alloc::collections::BTreeMap<_, _>>() == kind_stats,
			TryRuntimeError::Other("kind tiers differ from the listed providers")
		);
		class_bonds.retain(|_, bond| !bond.is_zero());
		ensure!(
			ClassBonds::<T>::iter().collect::<alloc::collections::BTreeMap<_, _>>() == class_bonds,
			TryRuntimeError::Other("class bonds differ from the listed providers")
		);
		Self::check_buckets(
			&class_listed,
			ClassCounts::<T>::iter(),
			ClassSlots::<T>::iter().count(),
		)?;
		Ok(())
	}
}
