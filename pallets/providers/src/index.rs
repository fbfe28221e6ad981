//! The candidate index: who can receive new jobs, found without scanning every provider.
//!
//! Every provider that offers itself for new jobs (not paused, some active bond) is
//! *listed* in two dense arrays of slots: one per device kind ([`KindSlots`]) and one per
//! device class ([`ClassSlots`]). Its record remembers its slots ([`Listing`]), so that
//! leaving is a swap with the last slot. Listing depends on the provider's own state only;
//! whether its bond meets the `min_bond` in force (which governance may change) is checked
//! when it is drawn.
//!
//! Complexity, with `S` = [`Config::SelectionSample`] and `r` = providers wanted:
//! - listing or delisting a provider: O(1), at most 4 reads and 6 writes;
//! - selecting `r` providers: O(S + r²) work and at most `2S + 2` storage reads, whatever
//!   the number of registered providers.
//!
//! Selection draws up to `S` distinct random slots of the bucket, keeps the providers that
//! meet the job's requirements, and picks `r` of them without replacement with
//! probability proportional to `bond × reputation`. Over many jobs every listed provider
//! is drawn with the same chance into the sample, and within the sample the stake and the
//! reputation decide: "power of S choices", exact for buckets of at most `S` providers.

use crate::{
	types::{DeviceClass, Listing, ProviderInfo, Requirements},
	BalanceOf, ClassCounts, ClassSlots, Config, KindCounts, KindSlots, Params, ProviderRecords,
};
use alloc::vec::Vec;
use codec::Encode;
use frame_support::traits::Get;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{UniqueSaturatedInto, Zero};

type Info<T> =
	ProviderInfo<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

/// Whether a provider offers itself for new jobs: not paused, with some active bond.
pub fn should_be_listed<T: Config>(info: &Info<T>) -> bool {
	!info.paused && !info.bond.is_zero()
}

/// Adds `who` to the buckets of its kind and class. `info` must not be listed yet; the
/// caller writes `info` back.
fn list<T: Config>(who: &T::AccountId, info: &mut Info<T>) {
	let kind = info.capabilities.kind;
	let class = info.capabilities.device_class;
	let kind_slot = KindCounts::<T>::get(kind);
	let class_slot = ClassCounts::<T>::get(class);
	KindSlots::<T>::insert(kind, kind_slot, who);
	ClassSlots::<T>::insert(class, class_slot, who);
	KindCounts::<T>::insert(kind, kind_slot.saturating_add(1));
	ClassCounts::<T>::insert(class, class_slot.saturating_add(1));
	info.listing = Some(Listing { kind_slot, class_slot });
}

/// Removes a provider from its buckets (before its capabilities change, or when it may no
/// longer receive jobs), moving each bucket's last provider into the freed slot. The caller
/// writes `info` back.
pub fn delist<T: Config>(info: &mut Info<T>) {
	let Some(listing) = info.listing.take() else { return };
	let kind = info.capabilities.kind;
	let class = info.capabilities.device_class;

	let last = KindCounts::<T>::get(kind).saturating_sub(1);
	if listing.kind_slot != last {
		if let Some(moved) = KindSlots::<T>::get(kind, last) {
			KindSlots::<T>::insert(kind, listing.kind_slot, &moved);
			ProviderRecords::<T>::mutate(&moved, |p| {
				if let Some(Listing { kind_slot, .. }) = p.as_mut().and_then(|p| p.listing.as_mut())
				{
					*kind_slot = listing.kind_slot;
				}
			});
		}
	}
	KindSlots::<T>::remove(kind, last);
	if last == 0 {
		KindCounts::<T>::remove(kind);
	} else {
		KindCounts::<T>::insert(kind, last);
	}

	let last = ClassCounts::<T>::get(class).saturating_sub(1);
	if listing.class_slot != last {
		if let Some(moved) = ClassSlots::<T>::get(class, last) {
			ClassSlots::<T>::insert(class, listing.class_slot, &moved);
			ProviderRecords::<T>::mutate(&moved, |p| {
				if let Some(Listing { class_slot, .. }) =
					p.as_mut().and_then(|p| p.listing.as_mut())
				{
					*class_slot = listing.class_slot;
				}
			});
		}
	}
	ClassSlots::<T>::remove(class, last);
	if last == 0 {
		ClassCounts::<T>::remove(class);
	} else {
		ClassCounts::<T>::insert(class, last);
	}
}

/// Brings `who`'s listing in line with its record: listed exactly when it may receive new
/// jobs. The caller writes `info` back.
pub fn refresh<T: Config>(who: &T::AccountId, info: &mut Info<T>) {
	match (info.listing.is_some(), should_be_listed::<T>(info)) {
		(false, true) => list::<T>(who, info),
		(true, false) => delist::<T>(info),
		_ => {},
	}
}

/// A pseudo-random number from `seed`, separated by `domain` and `index`.
fn random(seed: &[u8; 32], domain: u8, index: u32) -> u128 {
	let hash = sp_io::hashing::blake2_256(&(seed, domain, index).encode());
	let mut bytes = [0u8; 16];
	bytes.copy_from_slice(&hash[..16]);
	u128::from_le_bytes(bytes)
}

/// Which bucket to draw from.
#[derive(Clone, Copy)]
enum Bucket {
	Kind,
	Class(DeviceClass),
}

/// Whether a listed provider meets `req`, has the minimum bond and room for one more job.
fn eligible<T: Config>(info: &Info<T>, req: &Requirements, min_bond: BalanceOf<T>) -> bool {
	info.listing.is_some()
		&& !info.paused
		&& info.bond >= min_bond
		&& info.capabilities.kind == req.kind
		&& info.capabilities.memory_mib >= req.min_memory_mib
		&& info.reputation >= req.min_reputation
		&& info.active_jobs < info.capabilities.max_concurrent_jobs
}

/// Selection weight: active bond times reputation (plus one, so that a provider at zero
/// reputation that the requirements allow still has a chance).
fn weight<T: Config>(info: &Info<T>) -> u128 {
	let bond: u128 = info.bond.unique_saturated_into();
	bond.saturating_mul(u128::from(info.reputation).saturating_add(1))
}

/// Up to `S` distinct providers drawn from `bucket` that meet `req` and are not in
/// `exclude`, with their weights and classes.
fn sample<T: Config>(
	bucket: Bucket,
	req: &Requirements,
	exclude: &[T::AccountId],
	seed: &[u8; 32],
) -> Vec<(T::AccountId, u128, DeviceClass)> {
	let size = match bucket {
		Bucket::Kind => KindCounts::<T>::get(req.kind),
		Bucket::Class(class) => ClassCounts::<T>::get(class),
	};
	let min_bond = Params::<T>::get().min_bond;
	let wanted = T::SelectionSample::get().min(size);
	let mut slots: Vec<u32> = Vec::with_capacity(wanted as usize);
	if wanted == size {
		slots.extend(0..size);
	} else {
		// Distinct random slots; duplicates are skipped within a bounded number of draws.
		let mut draw = 0u32;
		while (slots.len() as u32) < wanted && draw < wanted.saturating_mul(2) {
			let slot = (random(seed, 0, draw) % u128::from(size)) as u32;
			if !slots.contains(&slot) {
				slots.push(slot);
			}
			draw = draw.saturating_add(1);
		}
	}
	slots
		.into_iter()
		.filter_map(|slot| match bucket {
			Bucket::Kind => KindSlots::<T>::get(req.kind, slot),
			Bucket::Class(class) => ClassSlots::<T>::get(class, slot),
		})
		.filter(|who| !exclude.contains(who))
		.filter_map(|who| {
			let info = ProviderRecords::<T>::get(&who)?;
			eligible::<T>(&info, req, min_bond).then(|| {
				let w = weight::<T>(&info);
				(who, w, info.capabilities.device_class)
			})
		})
		.collect()
}

/// Picks up to `count` entries of `pool` without replacement, each with probability
/// proportional to its weight among those left.
fn pick_weighted<A: Clone>(
	mut pool: Vec<(A, u128, DeviceClass)>,
	count: u32,
	seed: &[u8; 32],
) -> Vec<(A, DeviceClass)> {
	let mut picked = Vec::with_capacity(count as usize);
	for i in 0..count {
		if pool.is_empty() {
			break;
		}
		let total = pool.iter().fold(0u128, |acc, (_, w, _)| acc.saturating_add(*w));
		let index = if total == 0 {
			(random(seed, 1, i) % pool.len() as u128) as usize
		} else {
			let mut target = random(seed, 1, i) % total;
			pool.iter()
				.position(|(_, w, _)| {
					if target < *w {
						true
					} else {
						target -= *w;
						false
					}
				})
				.unwrap_or(pool.len() - 1)
		};
		let (who, _, class) = pool.swap_remove(index);
		picked.push((who, class));
	}
	picked
}

/// Selects up to `count` providers for a job with requirements `req`, none of them in
/// `exclude`. With `req.same_device_class`, all come from one class: `pinned_class` if
/// given (replicas already assigned), else the class of the first one picked.
pub fn select<T: Config>(
	req: &Requirements,
	count: u32,
	exclude: &[T::AccountId],
	pinned_class: Option<DeviceClass>,
	seed: [u8; 32],
) -> Vec<(T::AccountId, DeviceClass)> {
	if count == 0 {
		return Vec::new();
	}
	if !req.same_device_class {
		return pick_weighted(sample::<T>(Bucket::Kind, req, exclude, &seed), count, &seed);
	}
	let (class, mut picked, mut exclude) = match pinned_class {
		Some(class) => (class, Vec::new(), exclude.to_vec()),
		None => {
			let first = pick_weighted(sample::<T>(Bucket::Kind, req, exclude, &seed), 1, &seed);
			let Some((who, class)) = first.into_iter().next() else { return Vec::new() };
			let mut exclude = exclude.to_vec();
			exclude.push(who.clone());
			(class, alloc::vec![(who, class)], exclude)
		},
	};
	let remaining = count.saturating_sub(picked.len() as u32);
	if remaining > 0 {
		// A second, independent draw from the class bucket.
		let class_seed = sp_io::hashing::blake2_256(&(seed, class).encode());
		let pool = sample::<T>(Bucket::Class(class), req, &exclude, &class_seed);
		let more = pick_weighted(pool, remaining, &class_seed);
		exclude.extend(more.iter().map(|(who, _)| who.clone()));
		picked.extend(more);
	}
	picked
}
