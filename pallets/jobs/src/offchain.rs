//! The off-chain worker of provider nodes: compute assigned jobs and attest the results.
//!
//! On every block a provider node imports, for each operator key in its keystore whose
//! provider is registered, the worker walks that provider's [`Assignments`] (bounded by its
//! concurrent-job cap) and moves each job one step:
//!
//! 1. **Dispatch**: hand the job to the node's executor through the compute host functions
//!    ([`depin_compute_primitives::host`]). Dispatch returns at once; a kernel that runs for
//!    many blocks never stalls the worker. Dispatching a task the executor already has is
//!    a no-op, so this is repeated safely on every block.
//! 2. **Commit**: once the executor reports the result, draw a salt, record the result and
//!    salt in the node's persistent off-chain storage, then submit the signed `commit`.
//!    A kernel that failed with an error every honest provider gets (a build error, invalid
//!    parameters) is attested as that error; a failure local to this node (timeout, memory
//!    limit, no device) is not attested at all.
//! 3. **Reveal**: in the reveal phase, submit the signed `reveal` with the recorded salt and,
//!    for short outputs, the output itself.
//!
//! The record makes every step idempotent across blocks, forks and restarts: a phase's
//! transaction is sent once, and sent again only if the chain still shows the phase
//! unattested [`RESEND_AFTER`] blocks later (a transaction lost with a restarted pool). A
//! storage lock keeps concurrent workers (one per imported block) from racing.

use crate::*;
use codec::{Decode, Encode};
use depin_compute_primitives::{host as compute, ComputeTask, DeviceInfo, DispatchAck, TaskStatus};
use frame_support::{pallet_prelude::*, traits::Get};
use frame_system::{
	offchain::{AppCrypto, SendSignedTransaction, Signer},
	pallet_prelude::BlockNumberFor,
};
use pallet_providers::ProviderRegistry;
use sp_core::H256;
use sp_runtime::{
	offchain::{
		storage::StorageValueRef,
		storage_lock::{StorageLock, Time},
		Duration,
	},
	traits::{IdentifyAccount, Saturating},
	RuntimeAppPublic,
};

const LOG_TARGET: &str = "runtime::jobs::ocw";

/// Blocks after which an attestation the chain has not seen is sent again.
pub const RESEND_AFTER: u32 = 5;

/// Jobs one operator's worker looks at per block.
pub const MAX_JOBS_PER_RUN: usize = 64;

/// How long one worker run may hold the lock.
const LOCK_MILLIS: u64 = 30_000;

/// The operator keys' crypto: sr25519 under the compute key type (`cmpt`).
pub mod crypto {
	use depin_compute_primitives::OPERATOR_KEY_TYPE;
	use sp_runtime::{
		app_crypto::{app_crypto, sr25519},
		MultiSignature, MultiSigner,
	};

	app_crypto!(sr25519, OPERATOR_KEY_TYPE);

	/// Signs the runtime's transactions with an operator key.
	pub struct OperatorCrypto;

	impl frame_system::offchain::AppCrypto<MultiSigner, MultiSignature> for OperatorCrypto {
		type RuntimeAppPublic = Public;
		type GenericSignature = sp_core::sr25519::Signature;
		type GenericPublic = sp_core::sr25519::Public;
	}
}

/// What a provider node remembers about its attestation of one job.
#[derive(Encode, Decode, Clone, Debug, PartialEq, Eq)]
pub struct AttestationRecord<BlockNumber> {
	/// Fingerprint of the task the result belongs to (a job id on another fork names
	/// another task).
	pub task: [u8; 32],
	/// The result hash committed to.
	pub result_hash: H256,
	/// The salt of the commitment.
	pub salt: [u8; 32],
	/// Run metadata for the reveal.
	pub meta: ResultMeta,
	/// When the commit was last sent.
	pub commit_sent: BlockNumber,
	/// When the reveal was last sent.
	pub reveal_sent: Option<BlockNumber>,
}

/// Key of the record of `operator`'s attestation of `job` in persistent off-chain storage.
pub fn record_key<AccountId: Encode>(job: JobId, operator: &AccountId) -> Vec<u8> {
	(b"depin::ocw::attestation", job, operator).encode()
}

impl<T: Config> Pallet<T> {
	/// One run of the off-chain worker (see the module docs).
	pub(crate) fn run_offchain_worker(now: BlockNumberFor<T>) {
		let Some(device) = compute::device() else {
			// Not a provider node (no executor, or no device): nothing to do.
			return;
		};
		let mut lock = StorageLock::<Time>::with_deadline(
			b"depin::ocw::lock",
			Duration::from_millis(LOCK_MILLIS),
		);
		let Ok(_guard) = lock.try_lock() else {
			log::debug!(target: LOG_TARGET, "another worker run holds the lock");
			return;
		};
		for key in
			<T::OperatorCrypto as AppCrypto<T::Public, T::Signature>>::RuntimeAppPublic::all()
		{
			let generic: <T::OperatorCrypto as AppCrypto<T::Public, T::Signature>>::GenericPublic =
				key.into();
			let public: T::Public = generic.into();
			let operator = public.clone().into_account();
			let Some(provider) = T::Providers::provider_of(&operator) else { continue };
			for (job, ()) in Assignments::<T>::iter_prefix(&provider).take(MAX_JOBS_PER_RUN) {
				Self::attend(job, &operator, &public, &device, now);
			}
		}
	}

	/// The task of `job` as the executor takes it.
	pub fn compute_task(job: JobId, output_len: u32) -> Option<ComputeTask> {
		let JobPayload { kernel, input, work_size } = JobPayloads::<T>::get(job)?;
		Some(ComputeTask {
			job,
			kernel: kernel.unbounded(),
			input: input.into_inner(),
			work_size,
			output_len,
		})
	}

	fn attend(
		job: JobId,
		operator: &T::AccountId,
		public: &T::Public,
		device: &DeviceInfo,
		now: BlockNumberFor<T>,
	) {
		let Some(record) = JobRecords::<T>::get(job) else { return };
		let Some(i) = Self::replica_of(&record, operator) else { return };
		// Nothing due (waiting for the other replicas, or done) costs no payload read.
		let Some(phase) = Phase::due(&record.status, &record.assigned[i].state) else { return };
		let Some(task) = Self::compute_task(job, record.output_len) else { return };
		let fingerprint = task.fingerprint();
		let key = record_key(job, operator);
		let store = StorageValueRef::persistent(&key);
		let local = store
			.get::<AttestationRecord<BlockNumberFor<T>>>()
			.ok()
			.flatten()
			.filter(|r| r.task == fingerprint);
		let resend_due = |sent: BlockNumberFor<T>| now >= sent.saturating_add(RESEND_AFTER.into());

		match phase {
			Phase::Commit => {
				if let Some(mut attested) = local {
					// Committed before; the chain has not seen it yet.
					if resend_due(attested.commit_sent) {
						let commitment =
							commitment(&attested.result_hash, operator, job, &attested.salt);
						attested.commit_sent = now;
						store.set(&attested);
						Self::send(public, Call::commit { job, commitment }, job, "commit again");
					}
					return;
				}
				if compute::dispatch(task) == DispatchAck::Unavailable {
					return;
				}
				let (result_hash, meta) = match compute::poll(job) {
					TaskStatus::Done { result_hash, output_len, exec_ms } => (
						H256(result_hash),
						ResultMeta {
							exec_ms,
							output_len,
							device_class: device.device_class,
							error_code: None,
						},
					),
					TaskStatus::Failed { code, exec_ms } if code.is_result() => (
						error_result_hash(code.code()),
						ResultMeta {
							exec_ms,
							output_len: 0,
							device_class: device.device_class,
							error_code: Some(code.code()),
						},
					),
					TaskStatus::Failed { code, .. } => {
						log::warn!(target: LOG_TARGET, "job {job}: not attested, this node failed with {code:?}");
						return;
					},
					_ => return, // queued or running
				};
				let salt = sp_io::offchain::random_seed();
				// Recorded before sending: a restart after the send must not lose the salt.
				store.set(&AttestationRecord {
					task: fingerprint,
					result_hash,
					salt,
					meta,
					commit_sent: now,
					reveal_sent: None,
				});
				let commitment = commitment(&result_hash, operator, job, &salt);
				Self::send(public, Call::commit { job, commitment }, job, "commit");
			},
			Phase::Reveal => {
				let ReplicaState::Committed { commitment: on_chain } = record.assigned[i].state
				else {
					return;
				};
				let Some(mut attested) = local else {
					log::warn!(target: LOG_TARGET, "job {job}: committed, but this node has no record of it");
					return;
				};
				if attested.reveal_sent.is_some_and(|sent| !resend_due(sent)) {
					return;
				}
				if commitment(&attested.result_hash, operator, job, &attested.salt) != on_chain {
					log::warn!(target: LOG_TARGET, "job {job}: the commitment on chain is not this node's");
					return;
				}
				let inline_output = if attested.meta.error_code.is_none()
					&& attested.meta.output_len <= T::MaxInlineOutput::get()
				{
					let Some(output) = compute::output(job, T::MaxInlineOutput::get())
						.and_then(|o| BoundedVec::try_from(o).ok())
					else {
						log::warn!(target: LOG_TARGET, "job {job}: the output is gone from this node");
						return;
					};
					Some(output)
				} else {
					None
				};
				attested.reveal_sent = Some(now);
				store.set(&attested);
				let call = Call::reveal {
					job,
					result_hash: attested.result_hash,
					salt: attested.salt,
					meta: attested.meta,
					inline_output,
				};
				Self::send(public, call, job, "reveal");
			},
		}
	}

	fn send(public: &T::Public, call: Call<T>, job: JobId, what: &str) {
		let sent = Signer::<T, T::OperatorCrypto>::all_accounts()
			.with_filter(alloc::vec![public.clone()])
			.send_signed_transaction(|_| call.clone());
		match sent.first() {
			Some((_, Ok(()))) => log::info!(target: LOG_TARGET, "job {job}: {what} sent"),
			_ => log::warn!(target: LOG_TARGET, "job {job}: {what} could not be sent"),
		}
	}
}
