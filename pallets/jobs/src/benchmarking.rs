//! FRAME benchmarks of the jobs pallet, each in its worst case: the longest kernel and
//! input, a nearly full queue, `MaxReplicas` replicas, settlements that slash providers
//! with delegators and stake income due, a job that gives up slashing every replica.

use super::*;
use crate::Pallet as Jobs;
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, EnsureOrigin, Get, Hooks},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use pallet_providers::{DeviceKind, ProviderRegistry, Requirements};
use sp_core::H256;
use sp_runtime::{
	traits::{Bounded, Saturating},
	Perbill,
};

fn bytes(len: u32) -> Vec<u8> {
	(0..len).map(|i| i as u8).collect()
}

/// The most bytes a job can make the chain store: the longest source and entry name, and
/// the longest input.
fn max_stored<T: Config>() -> u32 {
	T::MaxSourceLen::get() + T::MaxEntryLen::get() + T::MaxInputLen::get()
}

/// The built-in kernel of the benchmarks' jobs.
fn builtin_kernel() -> BuiltinKernel {
	BuiltinKernel::Sha256Batch(Sha256BatchParams { block_len: 64 })
}

/// The fewest bytes a job makes the chain store: a built-in kernel's parameters.
fn min_stored() -> u32 {
	builtin_kernel().encoded_size() as u32
}

/// A job that makes the chain store `stored` bytes (the weight's `b`, see
/// [`Kernel::stored_len`]; at least [`min_stored`]). Up to `min_stored + MaxInputLen` bytes
/// it is a built-in kernel with input; beyond, a source kernel with the longest input, an
/// entry name as long as fits, and the rest as source. Its output is inline.
fn spec<T: Config>(stored: u32, replicas: u8) -> JobSpecOf<T> {
	let max_input = T::MaxInputLen::get();
	let (kernel, input) = if stored <= min_stored() + max_input {
		(Kernel::BuiltIn(builtin_kernel()), stored.saturating_sub(min_stored()))
	} else {
		let code = stored - max_input;
		let entry = T::MaxEntryLen::get().min(code - 1);
		let kernel = Kernel::Source {
			source: bytes(code - entry).try_into().unwrap(),
			entry: bytes(entry).try_into().unwrap(),
		};
		(kernel, max_input)
	};
	let params = Params::<T>::get();
	JobSpec {
		kernel,
		input: bytes(input).try_into().unwrap(),
		input_content: None,
		work_size: [64, 64, 1],
		output_len: T::MaxInlineOutput::get().max(1),
		replicas,
		requirements: Requirements {
			kind: DeviceKind::Gpu,
			min_memory_mib: 0,
			min_reputation: 0,
			same_device_class: false,
		},
		price_per_replica: params.min_price.max(1u32.into()),
		// Far enough that the commit deadline's entry never stops the schedule's probing.
		deadline: params.max_deadline,
		compute_budget_ms: 1,
	}
}

/// A submitter with plenty of funds.
fn submitter<T: Config>() -> T::AccountId {
	let who: T::AccountId = whitelisted_caller();
	T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 4u32.into());
	who
}

/// The device class of the benchmarks' providers.
const CLASS: [u8; 32] = [1; 32];

/// `n` registered GPU providers of class [`CLASS`]; returns their operators.
/// Each with a pool of delegators and stake income due, so that a slash of it does the
/// most work.
fn providers<T: Config>(n: u32) -> Vec<T::AccountId> {
	(0..n)
		.map(|i| {
			let (provider, operator) = T::Providers::benchmark_provider(i, DeviceKind::Gpu, CLASS);
			T::Providers::benchmark_stake_at_risk(&provider);
			operator
		})
		.collect()
}

/// A job with `replicas` replicas, assigned to providers with operators `operators`.
fn assigned_job<T: Config>(replicas: u8) -> (JobId, T::AccountId, Vec<T::AccountId>) {
	let operators = providers::<T>(T::MaxReplicas::get());
	let who = submitter::<T>();
	let job = Jobs::<T>::do_submit(who.clone(), spec::<T>(max_stored::<T>(), replicas), Room::Open)
		.expect("submits");
	let now = frame_system::Pallet::<T>::block_number();
	Jobs::<T>::assign_queued(now);
	let record = JobRecords::<T>::get(job).unwrap();
	assert_eq!(record.assigned.len(), replicas as usize);
	// The operators of the assigned providers, in replica order.
	let assigned = record
		.assigned
		.iter()
		.map(|r| {
			operators
				.iter()
				.find(|op| T::Providers::provider_of(op).as_ref() == Some(&r.provider))
				.cloned()
				.expect("operator of an assigned provider")
		})
		.collect();
	(job, who, assigned)
}

/// Fills `blocks` blocks of the deadline schedule from `from` on, as a busy chain would, so
/// that scheduling a job probes past every one of them ([`SCHEDULE_PROBE`]).
fn fill_schedule<T: Config>(from: BlockNumberFor<T>, blocks: u32) {
	let mut block = from;
	for _ in 0..blocks {
		Deadlines::<T>::mutate(block, |jobs| {
			let mut other = JobId::MAX;
			while jobs.try_push(other).is_ok() {
				other = other.saturating_sub(1);
			}
		});
		block = block.saturating_add(1u32.into());
	}
}

fn output<T: Config>(tag: u8) -> BoundedVec<u8, T::MaxInlineOutput> {
	let len = T::MaxInlineOutput::get().max(1);
	(0..len)
		.map(|i| (i as u8).wrapping_add(tag))
		.collect::<Vec<_>>()
		.try_into()
		.unwrap()
}

fn hash(bytes: &[u8]) -> H256 {
	output_hash(bytes)
}

/// The commitment of the provider whose operator is `operator`.
fn commitment_of<T: Config>(operator: &T::AccountId, job: JobId, out: &[u8]) -> H256 {
	let provider = T::Providers::provider_of(operator).expect("an operator of a provider");
	commitment(&hash(out), &provider, job, &[7; 32])
}

fn commit_as<T: Config>(operator: &T::AccountId, job: JobId, out: &[u8]) {
	let c = commitment_of::<T>(operator, job, out);
	Jobs::<T>::do_commit(operator.clone(), job, c).expect("commits");
}

fn reveal_as<T: Config>(
	operator: &T::AccountId,
	job: JobId,
	out: BoundedVec<u8, T::MaxInlineOutput>,
) {
	let meta = ResultMeta {
		exec_ms: 1,
		output_len: out.len() as u32,
		device_class: [1; 32],
		error_code: None,
	};
	Jobs::<T>::do_reveal(operator.clone(), job, hash(&out), [7; 32], meta, Some(out))
		.expect("reveals");
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// `b`: bytes stored (kernel and input); `p`: registered providers (expected not to
	/// matter).
	#[benchmark]
	fn submit(b: Linear<{ min_stored() }, { max_stored::<T>() }>, p: Linear<10, 10_000>) {
		providers::<T>(p);
		// The queue's open places one short of full, filled by someone else: the
		// submitter's hold is its first, which also takes a consumer reference.
		let other: T::AccountId = account("other", 0, 0);
		T::Currency::set_balance(&other, BalanceOf::<T>::max_value() / 4u32.into());
		for _ in 1..Jobs::<T>::open_queue_len() {
			Jobs::<T>::do_submit(other.clone(), spec::<T>(min_stored(), 1), Room::Open)
				.expect("fills the queue");
		}
		let who = submitter::<T>();
		let spec = spec::<T>(b, T::MaxReplicas::get() as u8);
		assert_eq!(spec.input.len() as u32 + spec.kernel.stored_len(), b);

		#[extrinsic_call]
		_(RawOrigin::Signed(who), spec);

		assert_eq!(Submissions::<T>::get().queue.len() as u32, Jobs::<T>::open_queue_len());
	}

	#[benchmark]
	fn commit() {
		// Every other replica committed: this commit opens the reveal window, in the last
		// block the schedule probes (the blocks before are full).
		let (job, _, operators) = assigned_job::<T>(T::MaxReplicas::get() as u8);
		let out = output::<T>(0);
		for op in &operators[1..] {
			commit_as::<T>(op, job, &out);
		}
		let c = commitment_of::<T>(&operators[0], job, &out);
		let now = frame_system::Pallet::<T>::block_number();
		let reveal_from = now.saturating_add(Params::<T>::get().reveal_window);
		fill_schedule::<T>(reveal_from, SCHEDULE_PROBE - 1);

		#[extrinsic_call]
		_(RawOrigin::Signed(operators[0].clone()), job, c);

		let probed = reveal_from.saturating_add((SCHEDULE_PROBE - 1).into());
		assert_eq!(
			JobRecords::<T>::get(job).unwrap().status,
			JobStatus::Revealing { until: probed }
		);
	}

	/// With the largest inline output. Not the last reveal: the last one decides the job,
	/// and is charged `on_deadline_settle` on top (the call's weight adds them).
	#[benchmark]
	fn reveal() {
		let (job, _, operators) = assigned_job::<T>(T::MaxReplicas::get() as u8);
		let out = output::<T>(0);
		for op in &operators {
			commit_as::<T>(op, job, &out);
		}
		// Every other replica but one revealed.
		for op in &operators[2..] {
			reveal_as::<T>(op, job, out.clone());
		}
		let meta = ResultMeta {
			exec_ms: 1,
			output_len: out.len() as u32,
			device_class: [1; 32],
			error_code: None,
		};

		#[extrinsic_call]
		_(
			RawOrigin::Signed(operators[0].clone()),
			job,
			hash(&out),
			[7; 32],
			meta,
			Some(out.clone()),
		);

		let record = JobRecords::<T>::get(job).unwrap();
		assert!(matches!(record.status, JobStatus::Revealing { .. }));
		assert!(matches!(record.assigned[1].state, ReplicaState::Committed { .. }));
	}

	/// The checks of a reveal, without its effects: what `feeless_if` and
	/// [`PrioritizeAttestations`] run before dispatch. The largest inline output to hash;
	/// a commit's checks are a subset.
	#[benchmark]
	fn check_attestation() {
		let (job, _, operators) = assigned_job::<T>(T::MaxReplicas::get() as u8);
		let out = output::<T>(0);
		for op in &operators {
			commit_as::<T>(op, job, &out);
		}
		let meta = ResultMeta {
			exec_ms: 1,
			output_len: out.len() as u32,
			device_class: [1; 32],
			error_code: None,
		};
		let inline = Some(out.clone());
		let checked;

		#[block]
		{
			checked =
				Jobs::<T>::check_reveal(&operators[0], job, &hash(&out), &[7; 32], &meta, &inline);
		}

		assert!(checked.is_ok());
	}

	#[benchmark]
	fn cancel() {
		let (job, who, _) = assigned_job::<T>(T::MaxReplicas::get() as u8);

		#[extrinsic_call]
		_(RawOrigin::Signed(who), job);

		assert_eq!(JobRecords::<T>::get(job).unwrap().status, JobStatus::Cancelled);
	}

	#[benchmark]
	fn clear() {
		let (job, who, _) = assigned_job::<T>(T::MaxReplicas::get() as u8);
		Jobs::<T>::cancel(RawOrigin::Signed(who.clone()).into(), job).expect("cancels");

		#[extrinsic_call]
		_(RawOrigin::Signed(who), job);

		assert!(JobRecords::<T>::get(job).is_none());
	}

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let params = JobParams { fee: Perbill::from_percent(3), ..Params::<T>::get() };

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params.clone());

		assert_eq!(Params::<T>::get(), params);
		Ok(())
	}

	#[benchmark]
	fn on_initialize_base() {
		let now = frame_system::Pallet::<T>::block_number();

		#[block]
		{
			Jobs::<T>::on_initialize(now);
		}
	}

	#[benchmark]
	fn on_deadline_skip() {
		// A cancelled job whose commit deadline entry is still scheduled.
		let (job, who, _) = assigned_job::<T>(1);
		Jobs::<T>::cancel(RawOrigin::Signed(who).into(), job).expect("cancels");
		let at = frame_system::Pallet::<T>::block_number()
			.saturating_add(Params::<T>::get().min_deadline);

		#[block]
		{
			Jobs::<T>::on_deadline(job, at);
		}
	}

	/// `r`: replicas. A quorum agrees, every other replica revealed something else and is
	/// slashed.
	#[benchmark]
	fn on_deadline_settle(r: Linear<1, { T::MaxReplicas::get() }>) {
		let (job, _, operators) = assigned_job::<T>(r as u8);
		let quorum = (r / 2 + 1) as usize;
		for (i, op) in operators.iter().enumerate() {
			let out = output::<T>(if i < quorum { 0 } else { i as u8 });
			commit_as::<T>(op, job, &out);
		}
		let last = operators.len() - 1;
		for (i, op) in operators.iter().enumerate().take(last) {
			reveal_as::<T>(op, job, output::<T>(if i < quorum { 0 } else { i as u8 }));
		}
		// The last reveal, recorded as `do_reveal` records it but without its verdict: the
		// verdict is what is measured (the last reveal's call adds this weight to its own).
		let out = output::<T>(if last < quorum { 0 } else { last as u8 });
		let mut record = JobRecords::<T>::get(job).unwrap();
		let meta = ResultMeta {
			exec_ms: 1,
			output_len: out.len() as u32,
			device_class: [1; 32],
			error_code: None,
		};
		record.assigned[last].state = ReplicaState::Revealed { result_hash: hash(&out), meta };
		if !RevealedOutputs::<T>::contains_key(job, hash(&out)) {
			RevealedOutputs::<T>::insert(job, hash(&out), out);
		}
		JobRecords::<T>::insert(job, &record);
		let JobStatus::Revealing { until } = record.status else { panic!("revealing") };

		#[block]
		{
			Jobs::<T>::on_deadline(job, until);
		}

		assert_eq!(JobRecords::<T>::get(job).unwrap().status, JobStatus::Completed);
	}

	/// A job of `MaxReplicas` replicas, all committed and none revealed: no verdict and no
	/// replica left to add, so it gives up and slashes every replica for withholding
	/// (each provider's bond, its pool, its recent work), and refunds the escrow.
	#[benchmark]
	fn on_deadline_give_up() {
		let (job, _, operators) = assigned_job::<T>(T::MaxReplicas::get() as u8);
		for (i, op) in operators.iter().enumerate() {
			commit_as::<T>(op, job, &output::<T>(i as u8));
		}
		let JobStatus::Revealing { until } = JobRecords::<T>::get(job).unwrap().status else {
			panic!("revealing")
		};

		#[block]
		{
			Jobs::<T>::on_deadline(job, until);
		}

		assert_eq!(JobRecords::<T>::get(job).unwrap().status, JobStatus::Unresolved);
	}

	/// `r`: replicas to assign. The worst case of selection: a class-pinned job, so that
	/// both the device kind's and the class's buckets are sampled in full (`S` slots each),
	/// and the kind's sample holds up to `S` distinct classes whose backing is looked up.
	#[benchmark]
	fn assign(r: Linear<1, { T::MaxReplicas::get() }>) {
		let sample = T::Providers::selection_sample();
		// Enough providers of the job's class to fill its bucket's sample and every replica
		// (and to stand behind the class), and as many of classes of their own.
		let backed = sample.max(T::MaxReplicas::get()).saturating_mul(2);
		providers::<T>(backed);
		for i in 0..sample {
			let mut class = [2; 32];
			class[..4].copy_from_slice(&i.to_le_bytes());
			T::Providers::benchmark_provider(backed + i, DeviceKind::Gpu, class);
		}
		let who = submitter::<T>();
		let mut spec = spec::<T>(min_stored(), r as u8);
		spec.requirements.same_device_class = true;
		let job = Jobs::<T>::do_submit(who, spec, Room::Open).expect("submits");
		let now: BlockNumberFor<T> = frame_system::Pallet::<T>::block_number();

		#[block]
		{
			Jobs::<T>::assign_queued(now);
		}

		assert_eq!(JobRecords::<T>::get(job).unwrap().assigned.len() as u32, r);
	}

	impl_benchmark_test_suite!(
		Jobs,
		crate::mock::ExtBuilder::default().providers(0).build(),
		crate::mock::Test
	);
}
