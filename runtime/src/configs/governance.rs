//! Governance: the DAO's tracks, referenda, the scheduler and preimages that enact what
//! passes, the treasury that spends, and the adapters through which the DAO's two houses
//! read stake and verified work.
//!
//! There is no root key. Each power belongs to one track, whose origin is a
//! [`pallet_dao::Origin`]. Every track needs both houses, each with the track's approval
//! and support (`pallet_dao`'s crate docs say why); a track asks little of the houses by a
//! low support floor, never by leaving one out:
//!
//! | track | origin | support, start → end | what it can do |
//! | --- | --- | --- | --- |
//! | 0 `parameters` | `Parameters` | 50 % → 5 % | every pallet's `set_params` |
//! | 1 `small_spender` | `SmallSpender` | 20 % → 1 % | treasury spends ≤ [`SmallSpendCap`] |
//! | 2 `big_spender` | `BigSpender` | 50 % → 5 % | treasury spends ≤ [`BigSpendCap`] |
//! | 3 `validator_admin` | `ValidatorAdmin` | 50 % → 5 % | the validator set |
//! | 4 `runtime_upgrade` | `RuntimeUpgrade` | 50 % → 10 % | `dao.authorize_upgrade` |
//! | 5 `canceller` | `Canceller` | 20 % → 1 % | cancel or kill referenda, reject spends |
//! | 6 `emergency` | `Emergency` | 50 % → 5 % | as Root, only [`EmergencyCalls`]: `grandpa.note_stalled`, `referenda.nudge_referendum`, `referenda.one_fewer_deciding`; cancel or kill referenda |
//!
//! The two tracks that remove referenda decide up to [`MAX_DECIDING_REMOVALS`] at once
//! (the others [`MAX_DECIDING`]), for two days, and each can remove what fills the other:
//! holding them with junk costs what that constant's docs say, and lasts two days.
//!
//! The periods are real (days) unless the chain's genesis chose the short pace
//! (`--dev` and the local testnet): then every track prepares for one block, decides for
//! two minutes, confirms for two blocks and enacts after one.

use super::*;
use alloc::borrow::Cow;
use frame_support::traits::{
	fungible::{self, Balanced, HoldConsideration},
	tokens::{imbalance::OnUnbalanced, pay::PayFromAccount, UnityAssetBalanceConversion},
	EitherOf, EqualPrivilegeOnly, Get, Imbalance, LinearStoragePrice, OriginTrait,
};
use frame_system::EnsureSigned;
use pallet_dao::{
	origins::{
		EnsureCanceller, EnsureEmergency, EnsureParameters, EnsureRuntimeUpgrade, EnsureSpender,
	},
	Origin as DaoOrigin, TrackPace,
};
use pallet_referenda::{Curve, Track, TrackInfo};
use sp_runtime::{str_array as s, traits::IdentityLookup, Permill};

use crate::{OriginCaller, Preimage, Referenda, Scheduler, MINUTES};

parameter_types! {
	/// Calls the scheduler may run in one block: most of a block's weight.
	pub MaximumSchedulerWeight: Weight =
		Perbill::from_percent(80) * RuntimeBlockWeights::get().max_block;
}

impl pallet_scheduler::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeOrigin = RuntimeOrigin;
	type PalletsOrigin = OriginCaller;
	type RuntimeCall = RuntimeCall;
	type MaximumWeight = MaximumSchedulerWeight;
	/// Only referenda schedules calls: nobody holds root.
	type ScheduleOrigin = EnsureRoot<AccountId>;
	type MaxScheduledPerBlock = ConstU32<50>;
	type WeightInfo = pallet_scheduler::weights::SubstrateWeight<Runtime>;
	type OriginPrivilegeCmp = EqualPrivilegeOnly;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

parameter_types! {
	/// A preimage's deposit: one DCC plus a milli-DCC per byte, held while it is stored.
	pub const PreimageBaseDeposit: Balance = UNIT;
	pub const PreimageByteDeposit: Balance = MILLI_UNIT;
	pub const PreimageHoldReason: RuntimeHoldReason =
		RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
}

impl pallet_preimage::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_preimage::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type ManagerOrigin = EnsureRoot<AccountId>;
	type Consideration = HoldConsideration<
		AccountId,
		Balances,
		PreimageHoldReason,
		LinearStoragePrice<PreimageBaseDeposit, PreimageByteDeposit, Balance>,
	>;
}

/// The tracks' numbers, in the order of the table above.
pub mod track {
	pub const PARAMETERS: u16 = 0;
	pub const SMALL_SPENDER: u16 = 1;
	pub const BIG_SPENDER: u16 = 2;
	pub const VALIDATOR_ADMIN: u16 = 3;
	pub const RUNTIME_UPGRADE: u16 = 4;
	pub const CANCELLER: u16 = 5;
	pub const EMERGENCY: u16 = 6;
}

/// The periods of a track: prepare, decide, confirm, and the least delay to enactment.
type Periods = (BlockNumber, BlockNumber, BlockNumber, BlockNumber);

/// The short pace's periods, the same for every track: a referendum with the votes it
/// needs passes in about half a minute, one without them fails after two minutes.
const SHORT: Periods = (1, 2 * MINUTES, 2, 1);

/// Referenda a track decides at once, but on the tracks that remove referenda.
pub const MAX_DECIDING: u32 = 10;

/// Referenda the canceller and emergency tracks decide at once: junk referenda filling
/// them would stop every cancel and kill. Filling both takes 100 decision deposits on
/// each (110,000 DCC locked for their decision periods, two days) and loses 100
/// submission deposits on each (2,000 DCC: a rejected referendum's submission deposit is
/// never returned); and either track can kill what fills the other, slashing its deposits.
pub const MAX_DECIDING_REMOVALS: u32 = 100;

/// Approval falls from 100 % to 50 % over the decision period; support from `ceil` to
/// `floor` of each house's electorate.
const fn track(
	id: u16,
	name: &str,
	max_deciding: u32,
	decision_deposit: Balance,
	periods: Periods,
	support_ceil: u32,
	support_floor: u32,
) -> Track<u16, Balance, BlockNumber> {
	Track {
		id,
		info: TrackInfo {
			name: s(name),
			max_deciding,
			decision_deposit,
			prepare_period: periods.0,
			decision_period: periods.1,
			confirm_period: periods.2,
			min_enactment_period: periods.3,
			min_approval: Curve::LinearDecreasing {
				length: Perbill::one(),
				floor: Perbill::from_percent(50),
				ceil: Perbill::one(),
			},
			min_support: Curve::LinearDecreasing {
				length: Perbill::one(),
				floor: Perbill::from_percent(support_floor),
				ceil: Perbill::from_percent(support_ceil),
			},
		},
	}
}

/// A track's real periods, or the short ones.
const fn pace(short: bool, real: Periods) -> Periods {
	if short {
		SHORT
	} else {
		real
	}
}

/// Every track, with real periods or short ones.
const fn tracks(short: bool) -> [Track<u16, Balance, BlockNumber>; 7] {
	[
		track(
			track::PARAMETERS,
			"parameters",
			MAX_DECIDING,
			1_000 * UNIT,
			pace(short, (2 * HOURS, 14 * DAYS, DAYS, DAYS)),
			50,
			5,
		),
		track(
			track::SMALL_SPENDER,
			"small_spender",
			MAX_DECIDING,
			100 * UNIT,
			pace(short, (2 * HOURS, 7 * DAYS, 12 * HOURS, DAYS)),
			20,
			1,
		),
		track(
			track::BIG_SPENDER,
			"big_spender",
			MAX_DECIDING,
			1_000 * UNIT,
			pace(short, (4 * HOURS, 14 * DAYS, 2 * DAYS, DAYS)),
			50,
			5,
		),
		track(
			track::VALIDATOR_ADMIN,
			"validator_admin",
			MAX_DECIDING,
			1_000 * UNIT,
			pace(short, (2 * HOURS, 14 * DAYS, DAYS, 10 * MINUTES)),
			50,
			5,
		),
		track(
			track::RUNTIME_UPGRADE,
			"runtime_upgrade",
			MAX_DECIDING,
			5_000 * UNIT,
			pace(short, (DAYS, 14 * DAYS, 2 * DAYS, DAYS)),
			50,
			10,
		),
		track(
			track::CANCELLER,
			"canceller",
			MAX_DECIDING_REMOVALS,
			100 * UNIT,
			pace(short, (10 * MINUTES, 2 * DAYS, HOURS, 1)),
			20,
			1,
		),
		track(
			track::EMERGENCY,
			"emergency",
			MAX_DECIDING_REMOVALS,
			1_000 * UNIT,
			pace(short, (10 * MINUTES, 2 * DAYS, HOURS, 1)),
			50,
			5,
		),
	]
}

static REAL_TRACKS: [Track<u16, Balance, BlockNumber>; 7] = tracks(false);
static SHORT_TRACKS: [Track<u16, Balance, BlockNumber>; 7] = tracks(true);

/// The DAO's tracks for referenda.
pub struct DaoTracks;

impl pallet_referenda::TracksInfo<Balance, BlockNumber> for DaoTracks {
	type Id = u16;
	type RuntimeOrigin = <RuntimeOrigin as OriginTrait>::PalletsOrigin;

	fn tracks() -> impl Iterator<Item = Cow<'static, Track<u16, Balance, BlockNumber>>> {
		let tracks = match pallet_dao::Pace::<Runtime>::get() {
			TrackPace::Real => &REAL_TRACKS,
			TrackPace::Short => &SHORT_TRACKS,
		};
		tracks.iter().map(Cow::Borrowed)
	}

	fn track_for(origin: &Self::RuntimeOrigin) -> Result<u16, ()> {
		match origin {
			OriginCaller::Dao(o) => Ok(match o {
				DaoOrigin::Parameters => track::PARAMETERS,
				DaoOrigin::SmallSpender => track::SMALL_SPENDER,
				DaoOrigin::BigSpender => track::BIG_SPENDER,
				DaoOrigin::ValidatorAdmin => track::VALIDATOR_ADMIN,
				DaoOrigin::RuntimeUpgrade => track::RUNTIME_UPGRADE,
				DaoOrigin::Canceller => track::CANCELLER,
				DaoOrigin::Emergency => track::EMERGENCY,
			}),
			_ => Err(()),
		}
	}
}

/// The recovery calls the emergency track may dispatch as Root: restarting finality after
/// a stall (GRANDPA's forced authority change), and moving a referendum whose scheduler
/// alarm was lost. Nothing else: no funds, parameters or code.
pub struct EmergencyCalls;

impl frame_support::traits::Contains<RuntimeCall> for EmergencyCalls {
	fn contains(call: &RuntimeCall) -> bool {
		matches!(
			call,
			RuntimeCall::Grandpa(pallet_grandpa::Call::note_stalled { .. })
				| RuntimeCall::Referenda(
					pallet_referenda::Call::nudge_referendum { .. }
						| pallet_referenda::Call::one_fewer_deciding { .. }
				)
		)
	}
}

impl pallet_referenda::Config for Runtime {
	type RuntimeCall = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_referenda::weights::SubstrateWeight<Runtime>;
	type Scheduler = Scheduler;
	type Currency = Balances;
	type SubmitOrigin = EnsureSigned<AccountId>;
	/// The canceller track, or the emergency track: junk filling one cannot stop removals.
	type CancelOrigin = EitherOf<EnsureCanceller, EnsureEmergency>;
	type KillOrigin = EitherOf<EnsureCanceller, EnsureEmergency>;
	/// Slashed deposits (killed referenda) go to the treasury.
	type Slash = crate::Treasury;
	type Votes = Balance;
	type Tally = pallet_dao::TallyOf<Runtime>;
	type SubmissionDeposit = ConstU128<{ 10 * UNIT }>;
	type MaxQueued = ConstU32<100>;
	type UndecidingTimeout = ConstU32<{ 14 * DAYS }>;
	type AlarmInterval = ConstU32<1>;
	type Tracks = DaoTracks;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

/// The token house counts delegated stake as well as balance.
pub struct DelegatedStake;

impl pallet_dao::StakedValue<AccountId, Balance> for DelegatedStake {
	fn staked_value(who: &AccountId) -> Balance {
		crate::Delegation::staked_value(who)
	}
}

/// The work house: registered providers, weighed by the verified work the rewards pallet
/// paid them over its recent eras. While no provider has recent work (a new chain, or one
/// where nobody computed for `RecentWorkEras` eras), a provider weighs its counted stake
/// (its active bond and delegated stake, capped, while it is listed) and the electorate is
/// the counted stake of all: weight then costs the bond behind it, where one vote per
/// registered provider let providers registered at the minimum bond outvote the rest.
/// Weight and electorate are always measured the same way.
pub struct ProvidersWorkHouse;

impl pallet_dao::WorkHouse<AccountId, Balance> for ProvidersWorkHouse {
	fn weight(who: &AccountId) -> Option<Balance> {
		use depin_interfaces::ProviderStake;
		if !pallet_providers::ProviderRecords::<Runtime>::contains_key(who) {
			return None;
		}
		Some(match crate::Rewards::network_recent_work() {
			0 => <crate::Providers as ProviderStake<AccountId>>::counted_stake(who),
			_ => crate::Rewards::recent_work(who),
		})
	}

	fn electorate() -> Balance {
		match crate::Rewards::network_recent_work() {
			0 => pallet_rewards::TotalCounted::<Runtime>::get(),
			network => network,
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn make_provider(seed: u32) -> AccountId {
		use depin_interfaces::ProviderStake;
		<crate::Providers as ProviderStake<AccountId>>::benchmark_provider(seed, 0)
	}
}

parameter_types! {
	/// What the small-spender track may spend at once.
	pub const SmallSpendCap: Balance = 1_000 * UNIT;
	/// What the big-spender track may spend at once.
	pub const BigSpendCap: Balance = 100_000 * UNIT;
	/// Default DAO parameters: a fifth of every fee goes to the treasury.
	pub const DaoDefaults: pallet_dao::DaoParams =
		pallet_dao::DaoParams { treasury_fee_share: Perbill::from_percent(20) };
}

/// A vote lock's period: a week, so that the longest lock (3×) lasts eight weeks; a minute
/// at the short pace, so that people trying governance see locks run out.
pub struct VoteLockingPeriod;

impl Get<BlockNumber> for VoteLockingPeriod {
	fn get() -> BlockNumber {
		match pallet_dao::Pace::<Runtime>::get() {
			TrackPace::Real => 7 * DAYS,
			TrackPace::Short => MINUTES,
		}
	}
}

impl pallet_dao::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Polls = Referenda;
	type Stake = DelegatedStake;
	type WorkHouse = ProvidersWorkHouse;
	type PollTimeouts = pallet_dao::ReferendaTimeouts<Runtime>;
	type UpgradeOrigin = EnsureRuntimeUpgrade;
	type GovernanceOrigin = EnsureParameters;
	type RuntimeCall = RuntimeCall;
	type EmergencyOrigin = EnsureEmergency;
	type EmergencyCalls = EmergencyCalls;
	type DefaultParams = DaoDefaults;
	/// An account votes on at most 32 referenda at once, in each house.
	type MaxVotes = ConstU32<32>;
	type VoteLockingPeriod = VoteLockingPeriod;
	type WeightInfo = crate::weights::pallet_dao::WeightInfo<Runtime>;
}

parameter_types! {
	pub const SpendPeriod: BlockNumber = DAYS;
	pub const PayoutPeriod: BlockNumber = 30 * DAYS;
	pub const NoBurn: Permill = Permill::zero();
}

impl pallet_treasury::Config for Runtime {
	type Currency = Balances;
	type RejectOrigin = EnsureCanceller;
	type RuntimeEvent = RuntimeEvent;
	type SpendPeriod = SpendPeriod;
	/// The treasury keeps what it does not spend.
	type Burn = NoBurn;
	/// The account fees and slashes already reach: [`TreasuryAccount`].
	type PalletId = TreasuryPalletId;
	type BurnDestination = ();
	type WeightInfo = pallet_treasury::weights::SubstrateWeight<Runtime>;
	type SpendFunds = ();
	type MaxApprovals = ConstU32<100>;
	type SpendOrigin = EnsureSpender<Balance, SmallSpendCap, BigSpendCap>;
	/// Spends are in the native token only.
	type AssetKind = ();
	type Beneficiary = AccountId;
	type BeneficiaryLookup = IdentityLookup<AccountId>;
	type Paymaster = PayFromAccount<Balances, TreasuryAccount>;
	type BalanceConverter = UnityAssetBalanceConversion;
	type PayoutPeriod = PayoutPeriod;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
	type BlockNumberProvider = System;
}

/// Sends what it is given to the treasury account.
pub struct ToTreasury;

impl OnUnbalanced<fungible::Credit<AccountId, Balances>> for ToTreasury {
	fn on_nonzero_unbalanced(amount: fungible::Credit<AccountId, Balances>) {
		// The treasury exists from genesis; should it not, the amount is burned.
		let _ = Balances::resolve(&TreasuryAccount::get(), amount);
	}
}

/// Transaction fees (and tips): the DAO's `treasury_fee_share` of them goes to the
/// treasury, the rest is burned.
pub struct DealWithFees;

impl OnUnbalanced<fungible::Credit<AccountId, Balances>> for DealWithFees {
	fn on_unbalanceds(
		mut fees_then_tips: impl Iterator<Item = fungible::Credit<AccountId, Balances>>,
	) {
		if let Some(mut fees) = fees_then_tips.next() {
			for tip in fees_then_tips {
				fees.subsume(tip);
			}
			let share = pallet_dao::Params::<Runtime>::get().treasury_fee_share;
			let to_treasury = share * fees.peek();
			let (treasury, burned) = fees.split(to_treasury);
			ToTreasury::on_unbalanced(treasury);
			drop(burned);
		}
	}
}
