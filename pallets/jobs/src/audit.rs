//! Audit jobs: the chain's own jobs, which the rewards pallet issues at each era's start
//! and pays from its pot ([`depin_interfaces::AuditJobs`]). An audit is a job like any
//! other (drawn providers, commit-reveal, the same verdict and slashing), so that only a
//! provider that runs a working OpenCL device and agrees with the others earns its credit:
//! - the kernel is the built-in integer matrix product on matrices generated from a
//!   chain-drawn seed (nobody can precompute the result), of a chain-drawn size;
//! - the device kind is drawn among the kinds enough listed providers declare, so that
//!   every kind is spot-checked in turn;
//! - it pays the minimum price; its replicas earn the rewards pallet's `audit_reward`;
//! - **the chain computes the answer itself** when it issues the audit (a product of at
//!   most 64 × 64: at most 262,144 multiply-adds, [`AuditAnswers`]), and the verdict is
//!   that answer, not the replicas' vote (`verdict.rs`): a replica that reveals it wins,
//!   an output that differs is a wrong result, however many replicas agree on it. A kind
//!   only a few providers declare (all of one party, say) cannot earn audit rewards,
//!   reputation or work-house weight by agreeing on a hash without computing it, and an
//!   honest minority of the kind is never slashed for being outvoted.
//!
//! What an audit does not check: memory beyond what the product needs (a few MiB), or that
//! a device is as fast as declared.

use crate::*;
use codec::Encode;
use depin_compute_primitives::kernels::{matmul_i32, matmul_inputs};
use depin_interfaces::AuditJobs;
use frame_support::traits::Randomness;
use pallet_providers::{DeviceKind, ProviderRegistry, Requirements};
use sp_runtime::{
	traits::{SaturatedConversion, Saturating, UniqueSaturatedInto},
	DispatchError,
};

/// Matrix sizes an audit draws from: small enough for the chain to compute the answer in
/// the block that issues the audit.
const AUDIT_SIZES: [u32; 3] = [32, 48, 64];

/// Device kinds an audit draws from.
const AUDIT_KINDS: [DeviceKind; 3] = [DeviceKind::Cpu, DeviceKind::Gpu, DeviceKind::Accelerator];

impl<T: Config> AuditJobs<T::AccountId> for Pallet<T> {
	fn issue(auditor: &T::AccountId, replicas: u8, index: u32) -> Result<JobId, DispatchError> {
		let params = Params::<T>::get();
		let subject = (b"depin/audit", frame_system::Pallet::<T>::block_number(), index).encode();
		let seed = match T::Randomness::random(&subject).0 {
			Some(random) => sp_io::hashing::blake2_256(random.as_ref()),
			None => sp_io::hashing::blake2_256(
				&(subject, frame_system::Pallet::<T>::parent_hash()).encode(),
			),
		};
		let draw = u64::from_le_bytes([
			seed[0], seed[1], seed[2], seed[3], seed[4], seed[5], seed[6], seed[7],
		]);
		let n = AUDIT_SIZES[(draw % AUDIT_SIZES.len() as u64) as usize];
		// The first kind, from a drawn start, that enough listed providers declare.
		let start = (draw >> 8) as usize;
		let requirements = (0..AUDIT_KINDS.len())
			.map(|i| Requirements {
				kind: AUDIT_KINDS[(start + i) % AUDIT_KINDS.len()],
				min_memory_mib: 0,
				min_reputation: 0,
				same_device_class: false,
			})
			.find(|req| T::Providers::can_meet(req, u32::from(replicas)))
			.ok_or(Error::<T>::NoProviders)?;
		let deadline = params.min_deadline.saturating_mul(2u32.into()).min(params.max_deadline);
		let per_block: u64 = u64::from(params.compute_ms_per_block);
		let deadline_ms = per_block.saturating_mul(deadline.unique_saturated_into());
		let budget = deadline_ms.min(u64::from(params.max_compute_budget_ms)).min(10_000);
		let matrices = u64::from_le_bytes([
			seed[8], seed[9], seed[10], seed[11], seed[12], seed[13], seed[14], seed[15],
		]);
		let product = matmul_i32(n as usize, &matmul_inputs(n, matrices));
		let answer = output_hash(&product);
		let spec = JobSpec {
			kernel: Kernel::BuiltIn(BuiltinKernel::MatMulI32(MatMulParams { n, seed: matrices })),
			input: Default::default(),
			input_content: None,
			work_size: [n, n, 1],
			output_len: 4 * n * n,
			replicas,
			requirements,
			price_per_replica: params.min_price,
			deadline,
			compute_budget_ms: budget.saturated_into(),
		};
		let job = Self::do_submit(auditor.clone(), spec, Room::Reserved)?;
		AuditAnswers::<T>::insert(job, answer);
		Ok(job)
	}

	fn clear_if_finished(auditor: &T::AccountId, job: JobId) -> bool {
		match JobRecords::<T>::get(job) {
			None => true,
			Some(record) if record.status.is_finished() => {
				Self::do_clear(auditor.clone(), job).is_ok()
			},
			Some(_) => false,
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_prepare(replicas: u8) {
		for i in 0..u32::from(replicas) {
			T::Providers::benchmark_provider(50_000 + i, DeviceKind::Cpu, [7; 32]);
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_finish(auditor: &T::AccountId, job: JobId) {
		let _ = Self::do_cancel(auditor.clone(), job);
	}
}
