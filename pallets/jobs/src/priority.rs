//! Where valid attestations stand in the transaction pool. A commit or reveal is due in a
//! window of a few blocks; if ordinary traffic could crowd it out, an honest provider would
//! miss its window and be slashed for it. [`PrioritizeAttestations`], a transaction
//! extension in the runtime's tuple, gives an attestation that would succeed now the
//! priority `AttestationPriority` (above any tip a transfer could sensibly pay) and a
//! longevity that ends with its window, so the pool drops it when it can no longer count.
//! Anything else, failing attestations included, passes through unchanged and is ordered
//! by its fee like any transaction.

use crate::*;
use codec::{Decode, DecodeWithMemTracking, Encode};
use frame_support::{pallet_prelude::*, traits::IsSubType};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use sp_runtime::{
	impl_tx_ext_default,
	traits::{
		AsSystemOriginSigner, DispatchInfoOf, DispatchOriginOf, Implication, SaturatedConversion,
		Saturating, TransactionExtension, ValidateResult,
	},
	transaction_validity::{TransactionSource, ValidTransaction},
};

/// A transaction extension that gives a commit or reveal that would succeed now the pool
/// priority `AttestationPriority` and a longevity ending with its window, so that ordinary
/// traffic cannot crowd it out; every other transaction passes unchanged. Carries no data:
/// clients encode nothing for it.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Eq, PartialEq, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct PrioritizeAttestations<T>(core::marker::PhantomData<T>);

impl<T> PrioritizeAttestations<T> {
	/// The extension (it has no parameters).
	pub fn new() -> Self {
		Self(core::marker::PhantomData)
	}
}

impl<T> Default for PrioritizeAttestations<T> {
	fn default() -> Self {
		Self::new()
	}
}

impl<T> core::fmt::Debug for PrioritizeAttestations<T> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		write!(f, "PrioritizeAttestations")
	}
}

impl<T: Config> Pallet<T> {
	/// The block at which the window of `call`, an attestation by `who`, closes; `None`
	/// when `call` is no attestation or would fail now.
	pub(crate) fn attestation_window_end(
		who: &T::AccountId,
		call: &Call<T>,
	) -> Option<BlockNumberFor<T>> {
		let (record, _) = match call {
			Call::commit { job, .. } => Self::check_commit(who, *job).ok()?,
			Call::reveal { job, result_hash, salt, meta, inline_output } => {
				Self::check_reveal(who, *job, result_hash, salt, meta, inline_output).ok()?
			},
			_ => return None,
		};
		record.status.phase_end()
	}
}

impl<T: Config + Send + Sync> TransactionExtension<<T as frame_system::Config>::RuntimeCall>
	for PrioritizeAttestations<T>
where
	<T as frame_system::Config>::RuntimeCall: IsSubType<Call<T>>,
	DispatchOriginOf<<T as frame_system::Config>::RuntimeCall>:
		AsSystemOriginSigner<T::AccountId> + Clone,
{
	const IDENTIFIER: &'static str = "PrioritizeAttestations";
	type Implicit = ();
	type Val = ();
	type Pre = ();

	fn weight(&self, call: &<T as frame_system::Config>::RuntimeCall) -> Weight {
		match call.is_sub_type() {
			// The attestation's checks run twice before dispatch: here and in the
			// `feeless_if` of the call.
			Some(Call::commit { .. } | Call::reveal { .. }) => {
				T::WeightInfo::check_attestation().saturating_mul(2)
			},
			_ => Weight::zero(),
		}
	}

	fn validate(
		&self,
		origin: DispatchOriginOf<<T as frame_system::Config>::RuntimeCall>,
		call: &<T as frame_system::Config>::RuntimeCall,
		_info: &DispatchInfoOf<<T as frame_system::Config>::RuntimeCall>,
		_len: usize,
		_self_implicit: (),
		_inherited_implication: &impl Implication,
		_source: TransactionSource,
	) -> ValidateResult<(), <T as frame_system::Config>::RuntimeCall> {
		let window_end = match (origin.as_system_origin_signer(), call.is_sub_type()) {
			(Some(who), Some(call)) => Pallet::<T>::attestation_window_end(who, call),
			_ => None,
		};
		let validity = match window_end {
			Some(until) => {
				// Pool validation runs as if in the next block, the first it could be in;
				// from `until` on, `on_initialize` has closed the window.
				let now = frame_system::Pallet::<T>::block_number();
				ValidTransaction {
					priority: T::AttestationPriority::get(),
					longevity: until.saturating_sub(now).saturated_into::<u64>().max(1),
					..Default::default()
				}
			},
			None => ValidTransaction::default(),
		};
		Ok((validity, (), origin))
	}

	impl_tx_ext_default!(<T as frame_system::Config>::RuntimeCall; prepare);
}
