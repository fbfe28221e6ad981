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
//! - keeping the bucket totals ([`KindStats`], [`ClassBonds`]) when a provider's listing,
//!   bond or reputation changes: at most 2 reads and 2 writes of each;
//! - selecting `r` providers: O(S + r²) work and at most `4S + 4` storage reads (`2S + 2`
//!   without `same_device_class`), whatever the number of registered providers.
//!
//! ## Who is skipped
//!
//! Besides the job's requirements, a provider is skipped when the job would take what its
//! unfinished jobs pay it past `max_exposure_percent` of its active bond (a small bond
//! cannot back any amount of work), and when its device could not compute the job before
//! the job's commit window ends, behind the tasks already queued on it
//! ([`crate::DeviceQueue`]: its executor runs one task at a time, and an honest provider
//! must never be a no-show because the chain gave it more than it could do in time). A class-pinned job (`same_device_class`) only goes to a
//! device class with at least `min_class_providers` listed providers and `min_class_bond`
//! of active bond between them: a class is self-declared, and one invented by a single
//! party would otherwise take every replica of each pinned job whose first pick lands in
//! it.
//!
//! Selection draws up to `S` distinct random slots of the bucket, keeps the providers that
//! meet the job's requirements, and picks `r` of them without replacement with
//! probability proportional to `counted stake × reputation`. Over many jobs every listed provider
//! is drawn with the same chance into the sample, and within the sample the stake and the
//! reputation decide: "power of S choices", exact for buckets of at most `S` providers.

use crate::{
	types::{
		memory_tier, reputation_tier, DeviceClass, DeviceKind, Listing, Requirements, Workload,
	},
	BalanceOf, ClassBonds, ClassCounts, ClassSlots, Config, KindCounts, KindSlots, KindStats,
	Params, ProviderInfoOf, ProviderParamsOf, ProviderRecords,
};
use alloc::vec::Vec;
use codec::Encode;
use frame_support::traits::Get;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{Saturating, UniqueSaturatedInto, Zero};

/// Whether a provider offers itself for new jobs: not paused, with some active bond.
pub fn should_be_listed<T: Config>(info: &ProviderInfoOf<T>) -> bool {
	!info.paused && !info.bond.is_zero()
}

/// Adds `who` to the buckets of its kind and class. `info` must not be listed yet; the
/// caller writes `info` back.
fn list<T: Config>(who: &T::AccountId, info: &mut ProviderInfoOf<T>) {
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
pub fn delist<T: Config>(info: &mut ProviderInfoOf<T>) {
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
pub fn refresh<T: Config>(who: &T::AccountId, info: &mut ProviderInfoOf<T>) {
	match (info.listing.is_some(), should_be_listed::<T>(info)) {
		(false, true) => list::<T>(who, info),
		(true, false) => delist::<T>(info),
		_ => {},
	}
}

/// What a listed provider adds to its buckets' totals: its tiers to [`KindStats`], its
/// bond to [`ClassBonds`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Standing<Balance> {
	kind: DeviceKind,
	class: DeviceClass,
	memory_tier: usize,
	reputation_tier: usize,
	bond: Balance,
}

/// What `info` adds to its buckets' totals: nothing unless listed.
pub fn standing<T: Config>(info: &ProviderInfoOf<T>) -> Option<Standing<BalanceOf<T>>> {
	info.listing.map(|_| Standing {
		kind: info.capabilities.kind,
		class: info.capabilities.device_class,
		memory_tier: memory_tier(info.capabilities.memory_mib),
		reputation_tier: reputation_tier(info.reputation),
		bond: info.bond,
	})
}

/// Moves a provider's share of the bucket totals from `before` to `after` (its
/// [`standing`] before and after a change), writing only the totals that differ.
pub fn restate<T: Config>(
	before: Option<Standing<BalanceOf<T>>>,
	after: Option<Standing<BalanceOf<T>>>,
) {
	let tiers = |s: Standing<BalanceOf<T>>| (s.kind, s.memory_tier, s.reputation_tier);
	if before.map(tiers) != after.map(tiers) {
		for (s, add) in [(before, false), (after, true)] {
			let Some(s) = s else { continue };
			KindStats::<T>::mutate_exists(s.kind, |stat| {
				let mut updated = stat.take().unwrap_or_default();
				updated.count(s.memory_tier, s.reputation_tier, add);
				*stat = (!updated.is_empty()).then_some(updated);
			});
		}
	}
	let backing = |s: Standing<BalanceOf<T>>| (s.class, s.bond);
	if before.map(backing) != after.map(backing) {
		for (s, add) in [(before, false), (after, true)] {
			let Some(s) = s else { continue };
			ClassBonds::<T>::mutate_exists(s.class, |bond| {
				let total = bond.take().unwrap_or_default();
				let total =
					if add { total.saturating_add(s.bond) } else { total.saturating_sub(s.bond) };
				*bond = (!total.is_zero()).then_some(total);
			});
		}
	}
}

/// Whether `replicas` listed providers may meet `req` (see [`crate::KindStat::may_meet`]).
pub fn can_meet<T: Config>(req: &Requirements, replicas: u32) -> bool {
	KindStats::<T>::get(req.kind).may_meet(req, replicas)
}

/// Whether enough listed providers and bond stand behind `class` for class-pinned jobs.
fn class_is_backed<T: Config>(class: &DeviceClass, params: &ProviderParamsOf<T>) -> bool {
	ClassCounts::<T>::get(class) >= params.min_class_providers
		&& ClassBonds::<T>::get(class) >= params.min_class_bond
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

/// What a draw asks of every provider besides the job's requirements.
struct Terms<'a, T: Config> {
	req: &'a Requirements,
	params: &'a ProviderParamsOf<T>,
	/// What the job pays the provider, how long it may compute, and by when.
	work: &'a Workload<BalanceOf<T>, BlockNumberFor<T>>,
	now: BlockNumberFor<T>,
}

/// Whether a listed provider meets the job's requirements, has the minimum bond, room for
/// one more job, a bond that backs the job on top of its unfinished ones, and time on its
/// device to compute the job, after everything queued on it, before the job is due.
fn eligible<T: Config>(info: &ProviderInfoOf<T>, terms: &Terms<T>) -> bool {
	let req = terms.req;
	info.listing.is_some()
		&& !info.paused
		&& info.bond >= terms.params.min_bond
		&& info.capabilities.kind == req.kind
		&& info.capabilities.memory_mib >= req.min_memory_mib
		&& info.reputation >= req.min_reputation
		&& info.active_jobs < info.capabilities.max_concurrent_jobs
		&& backs::<T>(info, terms.work.price, terms.params.max_exposure_percent)
		&& info.queue.done_by(terms.now, terms.work.compute_blocks) <= terms.work.due
}

/// Whether `info`'s active bond backs its unfinished jobs plus one paying `price`: they
/// pay at most `percent` of the bond together.
fn backs<T: Config>(info: &ProviderInfoOf<T>, price: BalanceOf<T>, percent: u32) -> bool {
	let bond: u128 = info.bond.unique_saturated_into();
	let exposure: u128 = info.exposure.saturating_add(price).unique_saturated_into();
	exposure.saturating_mul(100u128) <= bond.saturating_mul(u128::from(percent))
}

/// Selection weight: counted stake (own bond plus delegated, capped: [`crate::stake`])
/// times reputation (plus one, so that a provider at zero reputation that the
/// requirements allow still has a chance).
fn weight<T: Config>(info: &ProviderInfoOf<T>, params: &ProviderParamsOf<T>) -> u128 {
	let stake: u128 = crate::Pallet::<T>::counted(info, params).unique_saturated_into();
	stake.saturating_mul(u128::from(info.reputation).saturating_add(1))
}

/// Up to `S` distinct providers drawn from `bucket` that are eligible for the job
/// ([`Terms`]) and not in `exclude`, with their weights and classes.
fn sample<T: Config>(
	bucket: Bucket,
	terms: &Terms<T>,
	exclude: &[T::AccountId],
	seed: &[u8; 32],
) -> Vec<(T::AccountId, u128, DeviceClass)> {
	let req = terms.req;
	let size = match bucket {
		Bucket::Kind => KindCounts::<T>::get(req.kind),
		Bucket::Class(class) => ClassCounts::<T>::get(class),
	};
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
			eligible::<T>(&info, terms).then(|| {
				let w = weight::<T>(&info, terms.params);
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

/// Selects up to `count` providers for a job with requirements `req` that asks `work` of
/// each, none of them in `exclude`. With `req.same_device_class`, all come from one
/// class that enough providers and bond stand behind: `pinned_class` if given (replicas
/// already assigned), else the class of the first one picked.
pub fn select<T: Config>(
	req: &Requirements,
	count: u32,
	exclude: &[T::AccountId],
	pinned_class: Option<DeviceClass>,
	work: &Workload<BalanceOf<T>, BlockNumberFor<T>>,
	seed: [u8; 32],
) -> Vec<(T::AccountId, DeviceClass)> {
	if count == 0 {
		return Vec::new();
	}
	let params = Params::<T>::get();
	let now = frame_system::Pallet::<T>::block_number();
	let terms = Terms::<T> { req, params: &params, work, now };
	if !req.same_device_class {
		return pick_weighted(sample::<T>(Bucket::Kind, &terms, exclude, &seed), count, &seed);
	}
	let (class, mut picked, mut exclude) = match pinned_class {
		Some(class) if class_is_backed::<T>(&class, &params) => {
			(class, Vec::new(), exclude.to_vec())
		},
		Some(_) => return Vec::new(),
		None => {
			// The first pick decides the class: draw it among providers of backed classes
			// only (each distinct class in the sample is looked up once).
			let mut backed: Vec<(DeviceClass, bool)> = Vec::new();
			let mut pool = sample::<T>(Bucket::Kind, &terms, exclude, &seed);
			pool.retain(|(_, _, class)| match backed.iter().find(|(c, _)| c == class) {
				Some((_, ok)) => *ok,
				None => {
					let ok = class_is_backed::<T>(class, &params);
					backed.push((*class, ok));
					ok
				},
			});
			let first = pick_weighted(pool, 1, &seed);
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
		let pool = sample::<T>(Bucket::Class(class), &terms, &exclude, &class_seed);
		let more = pick_weighted(pool, remaining, &class_seed);
		exclude.extend(more.iter().map(|(who, _)| who.clone()));
		picked.extend(more);
	}
	picked
}
