//! The off-chain worker of provider nodes: compute assigned jobs and attest the results.
//!
//! On every block a provider node imports, for each operator key in its keystore whose
//! provider is registered, the worker walks that provider's [`Assignments`] (bounded by its
//! concurrent-job cap), in the order the chain queued them on its device, and moves each
//! job one step:
//!
//! 1. **Dispatch**: hand the job to the node's executor through the compute host functions
//!    ([`depin_compute_primitives::host`]). Dispatch returns at once; a kernel that runs for
//!    many blocks never stalls the worker. Dispatching a task the executor already has is
//!    a no-op, so this is repeated safely on every block. Once the executor refuses a task
//!    (its queue is full), later tasks wait for the next run rather than jump ahead: the
//!    chain planned each task's compute behind the ones before it.
//! 2. **Commit**: once the executor reports the result, draw a salt, record the result and
//!    salt in the node's persistent off-chain storage, then submit the signed `commit`. A
//!    run waits up to [`Config::ResultWaitMillis`] in all for the results of what it
//!    dispatched (woken by the executor when a task ends), so that a short kernel is
//!    committed in the block after its assignment; a longer one is committed by the first
//!    run that finds it done.
//!    A kernel that failed with an error every honest provider gets (a build error, invalid
//!    parameters) is attested as that error; a failure local to this node (timeout, memory
//!    limit, no device) is not attested at all.
//! 3. **Reveal**: in the reveal phase, submit the signed `reveal` with the recorded salt and,
//!    for short outputs, the output itself. A short output is kept in the record from the
//!    moment of the commit and checked against the committed hash before it is revealed:
//!    the executor's store keeps only recent jobs, and a reveal that does not match would
//!    fail and leave the provider slashed for withholding.
//!
//! The record makes every step idempotent across blocks, forks and restarts: a phase's
//! transaction is sent once, and sent again only if the chain still shows the phase
//! unattested [`RESEND_AFTER`] blocks later (a transaction lost with a restarted pool);
//! every window lasts at least [`crate::params::MIN_WINDOW`] blocks, so a resend still lands
//! in it. Nonces count the operator's own attestations still in the pool
//! ([`PendingNonce`]): the chain's nonce does not, and two attestations sent in consecutive
//! blocks would otherwise carry the same one and replace each other. A storage lock keeps
//! concurrent workers (one per imported block) from racing.

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
		Duration, Timestamp,
	},
	traits::{IdentifyAccount, One, Saturating},
	RuntimeAppPublic,
};

const LOG_TARGET: &str = "runtime::jobs::ocw";

/// Blocks after which an attestation the chain has not seen is sent again.
pub const RESEND_AFTER: u32 = 2;

/// Blocks the chain's nonce of an operator may stand still, while the worker believes
/// transactions of its own are pending, before it concludes they were lost and starts
/// again from the chain's nonce.
pub const NONCE_STALE_AFTER: u32 = 2 * RESEND_AFTER;

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

/// When an attestation was sent, and with which nonce: a resend reuses the nonce, so that
/// it takes the place of a lost transaction instead of queueing behind the gap it left.
#[derive(Encode, Decode, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sent<BlockNumber, Nonce> {
	/// The block whose worker sent it.
	pub at: BlockNumber,
	/// Its nonce.
	pub nonce: Nonce,
}

/// What a provider node remembers about its attestation of one job.
#[derive(Encode, Decode, Clone, Debug, PartialEq, Eq)]
pub struct AttestationRecord<BlockNumber, Nonce> {
	/// Fingerprint of the task the result belongs to (a job id on another fork names
	/// another task).
	pub task: [u8; 32],
	/// The result hash committed to.
	pub result_hash: H256,
	/// The salt of the commitment.
	pub salt: [u8; 32],
	/// Run metadata for the reveal.
	pub meta: ResultMeta,
	/// The output, when it is short enough to be revealed on chain; checked against
	/// `result_hash` when it was recorded.
	pub output: Option<Vec<u8>>,
	/// When the commit was last sent.
	pub commit_sent: Sent<BlockNumber, Nonce>,
	/// When the reveal was last sent.
	pub reveal_sent: Option<Sent<BlockNumber, Nonce>>,
}

/// Key of the record of `provider`'s attestation of `job` in persistent off-chain storage.
pub fn record_key<AccountId: Encode>(job: JobId, provider: &AccountId) -> Vec<u8> {
	(b"depin::ocw::attestation", job, provider).encode()
}

/// The nonce an operator's next transaction takes, counting those of its own still in the
/// pool (kept in persistent off-chain storage).
#[derive(Encode, Decode, Clone, Copy, Debug, PartialEq, Eq)]
pub struct PendingNonce<Nonce, BlockNumber> {
	/// The nonce of the next transaction.
	pub next: Nonce,
	/// The chain's nonce when last seen.
	pub chain: Nonce,
	/// Since when the chain's nonce has been `chain`.
	pub since: BlockNumber,
}

impl<Nonce: Copy + PartialOrd, BlockNumber: Copy + Saturating + PartialOrd + From<u32>>
	PendingNonce<Nonce, BlockNumber>
{
	/// The nonce to use now, given the chain's: ours while the chain moves or our pending
	/// transactions are recent, the chain's once they look lost.
	pub fn choose(known: Option<Self>, chain: Nonce, now: BlockNumber) -> (Nonce, BlockNumber) {
		match known {
			Some(k) if k.chain == chain => {
				let fresh = now < k.since.saturating_add(NONCE_STALE_AFTER.into());
				(if fresh && k.next > chain { k.next } else { chain }, k.since)
			},
			Some(k) if k.next > chain => (k.next, now),
			_ => (chain, now),
		}
	}
}

/// Key of an operator's [`PendingNonce`] in persistent off-chain storage.
pub fn nonce_key<AccountId: Encode>(operator: &AccountId) -> Vec<u8> {
	(b"depin::ocw::nonce", operator).encode()
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
		let wait_until =
			sp_io::offchain::timestamp().add(Duration::from_millis(T::ResultWaitMillis::get()));
		for key in
			<T::OperatorCrypto as AppCrypto<T::Public, T::Signature>>::RuntimeAppPublic::all()
		{
			let generic: <T::OperatorCrypto as AppCrypto<T::Public, T::Signature>>::GenericPublic =
				key.into();
			let public: T::Public = generic.into();
			let operator = public.clone().into_account();
			let Some(provider) = T::Providers::provider_of(&operator) else { continue };
			// In the order the chain queued them on this device: it planned each job's
			// compute behind the ones before it (`pallet_providers::DeviceQueue`).
			let mut jobs: Vec<(u64, JobId)> = Assignments::<T>::iter_prefix(&provider)
				.map(|(job, place)| (place, job))
				.collect();
			jobs.sort_unstable();
			let mut may_dispatch = true;
			for (_, job) in jobs.into_iter().take(MAX_JOBS_PER_RUN) {
				Self::attend(job, &operator, &public, &device, now, wait_until, &mut may_dispatch);
			}
		}
	}

	/// The task of `job` as the executor takes it.
	pub fn compute_task(job: JobId, record: &JobOf<T>) -> Option<ComputeTask> {
		let JobPayload { kernel, input, input_content, work_size } = JobPayloads::<T>::get(job)?;
		Some(ComputeTask {
			job,
			kernel: kernel.unbounded(),
			input: input.into_inner(),
			input_content,
			work_size,
			output_len: record.output_len,
			budget_ms: record.compute_budget_ms,
		})
	}

	fn attend(
		job: JobId,
		operator: &T::AccountId,
		public: &T::Public,
		device: &DeviceInfo,
		now: BlockNumberFor<T>,
		wait_until: Timestamp,
		may_dispatch: &mut bool,
	) {
		let Some(record) = JobRecords::<T>::get(job) else { return };
		let Some(i) = Self::replica_of(&record, operator) else { return };
		// Nothing due (waiting for the other replicas, or done) costs no payload read.
		let Some(phase) = Phase::due(&record.status, &record.assigned[i].state) else { return };
		let Some(task) = Self::compute_task(job, &record) else { return };
		let fingerprint = task.fingerprint();
		// Kept by provider, not by operator key: after a key rotation on this node the new
		// key finds the salt the old one committed with.
		let provider = record.assigned[i].provider.clone();
		let key = record_key(job, &provider);
		let store = StorageValueRef::persistent(&key);
		let local = store
			.get::<AttestationRecord<BlockNumberFor<T>, T::Nonce>>()
			.ok()
			.flatten()
			.filter(|r| r.task == fingerprint);
		let resend_due = |sent: BlockNumberFor<T>| now >= sent.saturating_add(RESEND_AFTER.into());

		match phase {
			Phase::Commit => {
				if let Some(mut attested) = local {
					// Committed before; the chain has not seen it yet.
					if resend_due(attested.commit_sent.at) {
						let commitment =
							commitment(&attested.result_hash, &provider, job, &attested.salt);
						let nonce =
							Self::reserve_nonce(operator, now, Some(attested.commit_sent.nonce));
						attested.commit_sent = Sent { at: now, nonce };
						store.set(&attested);
						let call = Call::commit { job, commitment };
						Self::send(public, call, nonce, job, "commit again");
					}
					return;
				}
				// Once the executor refuses a task, the tasks after it wait for the next run:
				// dispatching them now would run them ahead of it.
				if !*may_dispatch {
					return;
				}
				if !matches!(
					compute::dispatch(task),
					DispatchAck::Accepted | DispatchAck::AlreadyKnown
				) {
					*may_dispatch = false;
					return;
				}
				// What is left of this run's wait (`diff` saturates at zero).
				let left = wait_until.diff(&sp_io::offchain::timestamp()).millis();
				let status = compute::wait(job, u32::try_from(left).unwrap_or(u32::MAX));
				let (result_hash, meta) = match status {
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
				// A short output goes on chain with the reveal: keep it now, checked, rather
				// than hope the executor still has it then.
				let output = if meta.error_code.is_none()
					&& meta.output_len <= T::MaxInlineOutput::get()
				{
					match compute::output(job, T::MaxInlineOutput::get()) {
						Some(o) if output_hash(&o) == result_hash => Some(o),
						_ => {
							log::warn!(target: LOG_TARGET, "job {job}: the executor's output does not match its result hash; not attested");
							return;
						},
					}
				} else {
					None
				};
				let salt = sp_io::offchain::random_seed();
				let nonce = Self::reserve_nonce(operator, now, None);
				// Recorded before sending: a restart after the send must not lose the salt.
				store.set(&AttestationRecord {
					task: fingerprint,
					result_hash,
					salt,
					meta,
					output,
					commit_sent: Sent { at: now, nonce },
					reveal_sent: None,
				});
				let commitment = commitment(&result_hash, &provider, job, &salt);
				Self::send(public, Call::commit { job, commitment }, nonce, job, "commit");
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
				if attested.reveal_sent.is_some_and(|sent| !resend_due(sent.at)) {
					return;
				}
				if commitment(&attested.result_hash, &provider, job, &attested.salt) != on_chain {
					log::warn!(target: LOG_TARGET, "job {job}: the commitment on chain is not this node's");
					return;
				}
				let inline_output = if attested.meta.error_code.is_none()
					&& attested.meta.output_len <= T::MaxInlineOutput::get()
				{
					let Some(output) = attested
						.output
						.clone()
						.filter(|o| output_hash(o) == attested.result_hash)
						.and_then(|o| BoundedVec::try_from(o).ok())
					else {
						log::error!(target: LOG_TARGET, "job {job}: the recorded output does not match the commitment");
						return;
					};
					Some(output)
				} else {
					None
				};
				let nonce =
					Self::reserve_nonce(operator, now, attested.reveal_sent.map(|s| s.nonce));
				attested.reveal_sent = Some(Sent { at: now, nonce });
				store.set(&attested);
				let call = Call::reveal {
					job,
					result_hash: attested.result_hash,
					salt: attested.salt,
					meta: attested.meta,
					inline_output,
				};
				Self::send(public, call, nonce, job, "reveal");
			},
		}
	}

	/// The nonce for `operator`'s next attestation: `reuse` (the nonce of a transaction
	/// being sent again) while the chain has not passed it, else the next one after the
	/// operator's own transactions still in the pool ([`PendingNonce`]), which it reserves.
	fn reserve_nonce(
		operator: &T::AccountId,
		now: BlockNumberFor<T>,
		reuse: Option<T::Nonce>,
	) -> T::Nonce {
		let chain = frame_system::Pallet::<T>::account_nonce(operator);
		if let Some(nonce) = reuse.filter(|n| *n >= chain) {
			return nonce;
		}
		let key = nonce_key(operator);
		let store = StorageValueRef::persistent(&key);
		let known = store.get::<PendingNonce<T::Nonce, BlockNumberFor<T>>>().ok().flatten();
		let (nonce, since) = PendingNonce::choose(known, chain, now);
		store.set(&PendingNonce { next: nonce.saturating_add(One::one()), chain, since });
		nonce
	}

	/// Signs `call` with the key `public` and submits it with `nonce`.
	fn send(public: &T::Public, call: Call<T>, nonce: T::Nonce, job: JobId, what: &str) {
		// The signer takes its nonce from the account in this worker's state, which is
		// never persisted: set it there.
		let operator = public.clone().into_account();
		frame_system::Account::<T>::mutate(&operator, |account| account.nonce = nonce);
		let sent = Signer::<T, T::OperatorCrypto>::all_accounts()
			.with_filter(alloc::vec![public.clone()])
			.send_signed_transaction(|_| call.clone());
		match sent.first() {
			Some((_, Ok(()))) => {
				log::info!(target: LOG_TARGET, "job {job}: {what} sent with nonce {nonce:?}")
			},
			_ => log::warn!(target: LOG_TARGET, "job {job}: {what} could not be sent"),
		}
	}
}
