//! Test runtime: System, Balances (real holds), the real providers pallet, and jobs.

use crate::{self as pallet_jobs, *};
use frame_support::{
	assert_ok, derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, Hooks},
};
use pallet_providers::{Capabilities, DeviceKind, OpenClVersion, Requirements};
use sp_core::H256;
use sp_runtime::{
	testing::{TestSignature, TestXt, UintAuthorityId},
	BuildStorage, Perbill,
};

pub type AccountId = u64;
pub type Balance = u64;
type Block = frame_system::mocking::MockBlock<Test>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(2)]
	pub type Providers = pallet_providers;

	#[runtime::pallet_index(3)]
	pub type Jobs = pallet_jobs;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
	/// One freeze (id `()`), for the tests that freeze a submitter's account as another
	/// pallet (the DAO's votes, vesting) could.
	type MaxFreezes = ConstU32<1>;
	type ExistentialDeposit = ConstU64<{ ED }>;
}

pub const ED: Balance = 1;
pub const MIN_BOND: Balance = 1_000;
pub const TREASURY: AccountId = 999;
pub const START_BALANCE: Balance = 100_000;
/// Price per replica in the default spec.
pub const PRICE: Balance = 100;
/// Commit window of the default spec.
pub const DEADLINE: u64 = 10;
pub const REVEAL_WINDOW: u64 = 5;
/// Compute budget of the default spec, in milliseconds.
pub const BUDGET_MS: u32 = 2_000;
/// Blocks a bond stays slashable after `unbond`: longer than the longest job.
pub const UNBONDING: u64 = 1_000;

parameter_types! {
	pub const Treasury: AccountId = TREASURY;
	pub ProviderDefaults: pallet_providers::ProviderParams<Balance, u64> =
		pallet_providers::ProviderParams {
			min_bond: MIN_BOND,
			unbonding_period: UNBONDING,
			slash_wrong_result: Perbill::from_percent(10),
			slash_no_show: Perbill::from_percent(2),
			reputation_gain: 10,
			reputation_loss_wrong: 100,
			reputation_loss_no_show: 50,
			max_exposure_percent: 100,
			min_class_providers: 3,
			min_class_bond: 3 * MIN_BOND,
			max_counted_stake: Balance::MAX,
		};
	pub JobDefaults: JobParams<Balance, u64> = JobParams {
		fee: Perbill::from_percent(10),
		min_price: 10,
		min_deadline: params::MIN_WINDOW as u64,
		max_deadline: 100,
		reveal_window: REVEAL_WINDOW,
		error_fee: 5,
		max_compute_budget_ms: 10_000,
		compute_ms_per_block: 1_000,
		deposit_base: 20,
		deposit_per_byte: 1,
		max_queue_blocks: 3,
		queue_fee_per_round: 4,
	};
}

impl pallet_providers::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type Treasury = Treasury;
	// The `submit` benchmark registers up to 10,000 providers.
	type MaxProviders = ConstU32<10_000>;
	type SelectionSample = ConstU32<8>;
	type RecountPerBlock = ConstU32<2>;
	type MaxUnbondingChunks = ConstU32<8>;
	type LongestJob = LongestJob;
	type DefaultParams = ProviderDefaults;
	type Delegation = ();
	type StakeObserver = ();
	type VoteLocks = ();
	type WeightInfo = ();
}

parameter_types! {
	/// The VRF output of the parent block's author, as BABE would give it: set by
	/// `run_to_block` for each block, and independent of the block's hash.
	pub static ParentVrf: [u8; 32] = [0; 32];
	/// The verified work the pallet reported, as the rewards pallet would credit it.
	pub static Credited: Vec<(AccountId, depin_interfaces::VerifiedWork<Balance>)> = Vec::new();
	/// The providers whose recent work the pallet reported forfeited.
	pub static Forfeited: Vec<AccountId> = Vec::new();
}

/// Records what the pallet reports as verified work ([`Credited`]) and forfeited
/// ([`Forfeited`]); account 30 is the auditor.
pub struct RecordWork;

impl depin_interfaces::WorkCredit<AccountId, Balance> for RecordWork {
	fn credit_work(provider: &AccountId, work: depin_interfaces::VerifiedWork<Balance>) {
		Credited::mutate(|c| c.push((*provider, work)));
	}

	fn forfeit_work(provider: &AccountId) {
		Forfeited::mutate(|f| f.push(*provider));
	}

	fn is_auditor(who: &AccountId) -> bool {
		*who == 30
	}
}

/// The jobs pallet's longest job under its parameters in force, for the providers pallet.
pub struct LongestJob;

impl frame_support::traits::Get<u64> for LongestJob {
	fn get() -> u64 {
		Jobs::longest_job(&Params::<Test>::get())
	}
}

/// What BABE's `ParentBlockRandomness` is to the pallet: the subject hashed with
/// [`ParentVrf`].
pub struct TestRandomness;

impl frame_support::traits::Randomness<Option<H256>, u64> for TestRandomness {
	fn random(subject: &[u8]) -> (Option<H256>, u64) {
		let random = sp_io::hashing::blake2_256(&[subject, &ParentVrf::get()[..]].concat());
		(Some(H256(random)), System::block_number().saturating_sub(1))
	}
}

impl pallet_jobs::Config for Test {
	type Currency = Balances;
	type Randomness = TestRandomness;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Providers = Providers;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type WorkCredit = RecordWork;
	type Treasury = Treasury;
	type DelegationUnbonding = ConstU64<{ u64::MAX }>;
	type DefaultParams = JobDefaults;
	type MaxReplicas = ConstU32<5>;
	type MaxInputLen = ConstU32<1_024>;
	type MaxSourceLen = ConstU32<1_024>;
	type MaxEntryLen = ConstU32<64>;
	type MaxOutputLen = ConstU32<4_096>;
	type MaxInlineOutput = ConstU32<64>;
	type MaxQueueLen = ConstU32<8>;
	type MaxAssignmentsPerBlock = ConstU32<4>;
	type MaxDeadlinesPerBlock = ConstU32<8>;
	type AttestationPriority = ConstU64<{ u64::MAX / 2 }>;
	type ResultWaitMillis = ConstU64<2_000>;
	type OperatorCrypto = TestOperatorCrypto;
	type WeightInfo = ();
}

/// Operator keys in the tests: `UintAuthorityId(n)` is account `n`, signatures are checked
/// by value. The keys a test node holds are set with `UintAuthorityId::set_all_keys`.
pub struct TestOperatorCrypto;

impl frame_system::offchain::AppCrypto<UintAuthorityId, TestSignature> for TestOperatorCrypto {
	type RuntimeAppPublic = UintAuthorityId;
	type GenericPublic = UintAuthorityId;
	type GenericSignature = TestSignature;
}

/// Transactions the off-chain worker submits in the tests.
pub type Extrinsic = TestXt<RuntimeCall, ()>;

impl frame_system::offchain::SigningTypes for Test {
	type Public = UintAuthorityId;
	type Signature = TestSignature;
}

impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = Extrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<LocalCall> frame_system::offchain::CreateSignedTransaction<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	fn create_signed_transaction<
		C: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>,
	>(
		call: RuntimeCall,
		_public: UintAuthorityId,
		account: AccountId,
		nonce: u32,
	) -> Option<Extrinsic> {
		SIGNED_NONCES.with(|n| n.borrow_mut().push((account, nonce)));
		Some(Extrinsic::new_signed(call, account, (), ()))
	}
}

std::thread_local! {
	/// The signer and nonce of every transaction the off-chain worker signed, in order
	/// (test transactions carry no nonce of their own).
	pub static SIGNED_NONCES: core::cell::RefCell<Vec<(AccountId, u32)>> = Default::default();
}

/// The operator key of provider `who`.
pub fn operator(who: AccountId) -> AccountId {
	who + 100
}

/// A CPU provider's declaration.
pub fn cpu() -> Capabilities {
	Capabilities {
		kind: DeviceKind::Cpu,
		vendor: b"Portable Computing Language".to_vec().try_into().unwrap(),
		device: b"cpu-haswell".to_vec().try_into().unwrap(),
		opencl_version: OpenClVersion { major: 3, minor: 0 },
		memory_mib: 4_096,
		compute_units: 2,
		max_concurrent_jobs: 8,
		device_class: [1; 32],
	}
}

/// Test externalities: accounts 1..=50 hold `START_BALANCE`; providers `1..=providers` are
/// registered (CPU, operator `who + 100`, bond `MIN_BOND`).
pub struct ExtBuilder {
	providers: u64,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self { providers: 3 }
	}
}

impl ExtBuilder {
	pub fn providers(mut self, n: u64) -> Self {
		self.providers = n;
		self
	}

	pub fn build(self) -> sp_io::TestExternalities {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		let mut balances: Vec<_> = (1..=50).map(|who| (who, START_BALANCE)).collect();
		balances.push((TREASURY, ED));
		pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
			.assimilate_storage(&mut storage)
			.unwrap();
		pallet_providers::GenesisConfig::<Test> {
			params: None,
			providers: (1..=self.providers)
				.map(|who| (who, operator(who), cpu(), MIN_BOND))
				.collect(),
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Runs `test`, then checks both pallets' invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			check_invariants();
		})
	}
}

/// Both pallets' invariants, and the conservation of money.
pub fn check_invariants() {
	pallet_providers::Pallet::<Test>::do_try_state().expect("provider invariants hold");
	Jobs::do_try_state().expect("job invariants hold");
}

/// Runs the hooks of every block up to and including `n`.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		System::set_parent_hash(H256::from_low_u64_be(next * 7919));
		ParentVrf::set(sp_io::hashing::blake2_256(&codec::Encode::encode(&(b"vrf", next))));
		Jobs::on_initialize(next);
	}
}

/// Goes to the next block.
pub fn next_block() {
	run_to_block(System::block_number() + 1);
}

/// A built-in job with `replicas` replicas and an output of `output_len` bytes.
pub fn spec(replicas: u8, output_len: u32) -> JobSpecOf<Test> {
	JobSpec {
		kernel: Kernel::BuiltIn(BuiltinKernel::Sha256Batch(Sha256BatchParams { block_len: 64 })),
		input: vec![7u8; 128].try_into().unwrap(),
		input_content: None,
		work_size: [2, 1, 1],
		output_len,
		replicas,
		requirements: Requirements {
			kind: DeviceKind::Cpu,
			min_memory_mib: 0,
			min_reputation: 0,
			same_device_class: false,
		},
		price_per_replica: PRICE,
		deadline: DEADLINE,
		compute_budget_ms: BUDGET_MS,
	}
}

/// Submits `spec` as `who`; returns the job id.
pub fn submit(who: AccountId, spec: JobSpecOf<Test>) -> JobId {
	let id = Submissions::<Test>::get().next_id;
	assert_ok!(Jobs::submit(RuntimeOrigin::signed(who), spec));
	id
}

/// A job of `replicas` replicas and a 32-byte output, submitted by account 20 and assigned
/// in the next block; returns it and its providers.
pub fn assigned_job(replicas: u8) -> (JobId, Vec<AccountId>) {
	let job = submit(20, spec(replicas, 32));
	next_block();
	(job, assigned(job))
}

/// The providers assigned to `job`, in order.
pub fn assigned(job: JobId) -> Vec<AccountId> {
	JobRecords::<Test>::get(job)
		.unwrap()
		.assigned
		.iter()
		.map(|r| r.provider)
		.collect()
}

/// An output of `len` bytes that depends on `tag` (a correct output uses tag 0).
pub fn output(len: u32, tag: u8) -> Vec<u8> {
	(0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(tag)).collect()
}

pub fn hash_of(bytes: &[u8]) -> H256 {
	output_hash(bytes)
}

/// The salt provider `who` uses.
pub fn salt(who: AccountId) -> [u8; 32] {
	[who as u8; 32]
}

/// Provider `who` commits to `result` for `job`.
pub fn commit(who: AccountId, job: JobId, result: H256) {
	let c = commitment(&result, &who, job, &salt(who));
	assert_ok!(Jobs::commit(RuntimeOrigin::signed(operator(who)), job, c));
}

/// Provider `who` reveals `out` for `job` (inline when the job's output is small).
pub fn reveal(who: AccountId, job: JobId, out: &[u8]) {
	let record = JobRecords::<Test>::get(job).unwrap();
	let inline = (record.output_len <= 64).then(|| out.to_vec().try_into().unwrap());
	assert_ok!(Jobs::reveal(
		RuntimeOrigin::signed(operator(who)),
		job,
		hash_of(out),
		salt(who),
		meta(out.len() as u32),
		inline
	));
}

/// Whether `who` was slashed at all.
pub fn was_slashed(who: AccountId) -> bool {
	System::events().iter().any(|r| {
		matches!(&r.event, RuntimeEvent::Providers(pallet_providers::Event::Slashed { provider, .. }) if *provider == who)
	})
}

/// Provider `who` commits to the error `code` for `job`.
pub fn commit_error(who: AccountId, job: JobId, code: u32) {
	commit(who, job, error_result_hash(code));
}

/// Provider `who` reveals the error `code` for `job`.
pub fn reveal_error(who: AccountId, job: JobId, code: u32) {
	assert_ok!(Jobs::reveal(
		RuntimeOrigin::signed(operator(who)),
		job,
		error_result_hash(code),
		salt(who),
		ResultMeta { error_code: Some(code), ..meta(0) },
		None
	));
}

/// Run metadata of a successful run.
pub fn meta(output_len: u32) -> ResultMeta {
	ResultMeta { exec_ms: 12, output_len, device_class: [1; 32], error_code: None }
}

/// The events of the jobs pallet so far.
pub fn job_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Jobs(e) => Some(e),
			_ => None,
		})
		.collect()
}

/// Free balance of `who`.
pub fn free(who: AccountId) -> Balance {
	Balances::free_balance(who)
}

/// The bond provider `who` has on hold.
pub fn bond_held(who: AccountId) -> Balance {
	use frame_support::traits::fungible::InspectHold;
	Balances::balance_on_hold(&pallet_providers::HoldReason::ProviderBond.into(), &who)
}

/// Provider `who`'s reputation.
pub fn reputation(who: AccountId) -> u32 {
	pallet_providers::ProviderRecords::<Test>::get(who).unwrap().reputation
}
