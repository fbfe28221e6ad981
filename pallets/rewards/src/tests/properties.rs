//! The whole economy under random traffic: delegations, unbonding, claims, compounding,
//! commission changes, slashes, verified work and eras, mixed. Each call's outcome is
//! checked (a refused one changed nothing, a claim paid exactly what was due), and after
//! every step each pallet's invariants hold, every unit of issuance sits in some account
//! (free or held), and issuance grew by exactly what the eras minted.

use crate::{mock::*, Event};
use depin_interfaces::{VerifiedWork, WorkCredit};
use frame_support::traits::fungible::Inspect;
use pallet_providers::{ProviderRegistry, SlashReason};
use proptest::prelude::*;
use sp_runtime::Perbill;

#[derive(Clone, Debug)]
enum Action {
	Delegate { member: AccountId, provider: AccountId, amount: u64 },
	DelegateMore { member: AccountId, amount: u64 },
	Unbond { member: AccountId, amount: u64 },
	Withdraw { member: AccountId },
	Claim { member: AccountId },
	Compound { member: AccountId },
	ClaimCommission { provider: AccountId },
	SetCommission { provider: AccountId, percent: u32 },
	Slash { provider: AccountId, wrong: bool },
	Work { provider: AccountId, replicas: u8, price: u64, audit: bool },
	BondExtra { provider: AccountId, amount: u64 },
	Pause { provider: AccountId, pause: bool },
	Blocks { count: u64 },
}

fn action() -> impl Strategy<Value = Action> {
	let member = 10u128..16;
	let provider = 1u128..4;
	prop_oneof![
		(member.clone(), provider.clone(), 1u64..30_000)
			.prop_map(|(member, provider, amount)| Action::Delegate { member, provider, amount }),
		(member.clone(), 1u64..10_000)
			.prop_map(|(member, amount)| Action::DelegateMore { member, amount }),
		(member.clone(), 1u64..20_000)
			.prop_map(|(member, amount)| Action::Unbond { member, amount }),
		member.clone().prop_map(|member| Action::Withdraw { member }),
		member.clone().prop_map(|member| Action::Claim { member }),
		member.prop_map(|member| Action::Compound { member }),
		provider.clone().prop_map(|provider| Action::ClaimCommission { provider }),
		(provider.clone(), 0u32..60)
			.prop_map(|(provider, percent)| Action::SetCommission { provider, percent }),
		(provider.clone(), any::<bool>())
			.prop_map(|(provider, wrong)| Action::Slash { provider, wrong }),
		(provider.clone(), 1u8..8, 1u64..100_000, any::<bool>()).prop_map(
			|(provider, replicas, price, audit)| Action::Work { provider, replicas, price, audit }
		),
		(provider.clone(), 1u64..20_000)
			.prop_map(|(provider, amount)| Action::BondExtra { provider, amount }),
		(provider, any::<bool>()).prop_map(|(provider, pause)| Action::Pause { provider, pause }),
		(1u64..15).prop_map(|count| Action::Blocks { count }),
	]
}

/// A call of the traffic, dispatched as a transaction's call is (a refused one in a
/// storage layer of its own).
fn call(action: &Action) -> Option<(AccountId, RuntimeCall)> {
	use pallet_delegation::Call as D;
	use pallet_providers::Call as P;
	Some(match *action {
		Action::Delegate { member, provider, amount } => {
			(member, D::delegate { provider, amount }.into())
		},
		Action::DelegateMore { member, amount } => (member, D::delegate_more { amount }.into()),
		Action::Unbond { member, amount } => (member, D::unbond { amount }.into()),
		Action::Withdraw { member } => (member, D::withdraw_unbonded {}.into()),
		Action::Claim { member } => (member, D::claim {}.into()),
		Action::Compound { member } => (member, D::compound {}.into()),
		Action::ClaimCommission { provider } => (provider, D::claim_commission {}.into()),
		Action::SetCommission { provider, percent } => {
			(provider, D::set_commission { commission: Perbill::from_percent(percent) }.into())
		},
		Action::BondExtra { provider, amount } => (provider, P::bond_extra { amount }.into()),
		Action::Pause { provider, pause: true } => (provider, P::pause {}.into()),
		Action::Pause { provider, pause: false } => (provider, P::resume {}.into()),
		Action::Slash { .. } | Action::Work { .. } | Action::Blocks { .. } => return None,
	})
}

/// Applies `action`, and checks what it did: a refused call changes nothing; a claim pays
/// the member exactly the income it was shown as due, and is refused only when nothing is
/// due; compounding leaves nothing due.
fn apply(action: &Action) -> Result<(), TestCaseError> {
	use frame_support::traits::UnfilteredDispatchable;
	if let Some((who, call)) = call(action) {
		let due = match *action {
			Action::Claim { member } | Action::Compound { member } => {
				Some((member, Delegation::pending_rewards(member)))
			},
			_ => None,
		};
		let free_before = due.map(|(member, _)| Balances::balance(&member));
		let root = sp_io::storage::root(sp_runtime::StateVersion::V1);
		let result = call.dispatch_bypass_filter(RuntimeOrigin::signed(who));
		match (result, action, due) {
			(Err(e), Action::Claim { .. }, Some((_, due))) if due > 0 => {
				prop_assert!(false, "a claim of {} due was refused: {:?}", due, e)
			},
			(Err(_), _, _) => prop_assert_eq!(
				sp_io::storage::root(sp_runtime::StateVersion::V1),
				root,
				"a refused call changed state: {:?}",
				action
			),
			(Ok(_), Action::Claim { .. }, Some((member, due))) => {
				prop_assert!(due > 0, "a claim of nothing went through");
				prop_assert_eq!(Balances::balance(&member), free_before.unwrap_or_default() + due);
				prop_assert_eq!(Delegation::pending_rewards(member), 0);
			},
			(Ok(_), Action::Compound { .. }, Some((member, _))) => {
				prop_assert_eq!(Delegation::pending_rewards(member), 0);
			},
			_ => {},
		}
		return Ok(());
	}
	match *action {
		Action::Slash { provider, wrong } => {
			let reason = if wrong { SlashReason::WrongResult } else { SlashReason::NoShow };
			let _slashed =
				<Providers as ProviderRegistry<AccountId>>::punish(&provider, reason, 1_000);
		},
		Action::Work { provider, replicas, price, audit } => {
			let fee = Perbill::from_percent(5).mul_ceil(u64::from(replicas) * price);
			Rewards::credit_work(
				&provider,
				VerifiedWork { replicas, price_per_replica: price, fee, audit },
			);
		},
		Action::Blocks { count } => run_to_block(System::block_number() + count),
		_ => {},
	}
	Ok(())
}

/// Every account that can hold funds in this runtime.
fn accounts() -> Vec<AccountId> {
	let mut all: Vec<AccountId> = (1..=40).chain([TREASURY, Rewards::pot()]).collect();
	all.extend((1..=3).map(|p| pallet_delegation::Pallet::<Test>::pool_account(&p)));
	all
}

fn minted_so_far() -> Balance {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Rewards(Event::EraStarted { minted, .. }) => Some(minted),
			_ => None,
		})
		.sum()
}

proptest! {
	#![proptest_config(ProptestConfig {
		cases: std::env::var("DEPIN_PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64),
		rng_seed: proptest::test_runner::RngSeed::Fixed(20261122),
		..ProptestConfig::default()
	})]

	#[test]
	fn issuance_is_conserved_to_the_unit_under_any_traffic(
		actions in proptest::collection::vec(action(), 1..120),
	) {
		new_test_ext().execute_with(|| {
			let initial = issuance();
			for action in &actions {
				apply(action)?;
				check_invariants();
				let held: Balance = accounts()
					.iter()
					.map(Balances::total_balance)
					.sum();
				prop_assert_eq!(held, issuance(), "issuance outside the known accounts");
				prop_assert_eq!(issuance(), initial + minted_so_far(), "issuance changed by more than the mint");
			}
			Ok(())
		})?;
	}
}
