//! The two-house tally that referenda measures against a track's curves.
//!
//! Each house keeps its own ayes, nays and support; on every track both must pass: referenda
//! sees the lower approval and the lower support of the two, so no house passes anything
//! alone. Support is measured against each house's electorate when referenda asks, so it
//! follows the chain's issuance and recent work.

use crate::types::{HouseTally, Houses, Tally};
use frame_support::traits::VoteTally;
use sp_runtime::{traits::Zero, Perbill};

impl<Votes, Class, H> VoteTally<Votes, Class> for Tally<Votes, H>
where
	Votes: sp_runtime::traits::AtLeast32BitUnsigned + Copy + Into<u128> + Default,
	H: Houses<Votes>,
{
	fn new(_: Class) -> Self {
		Self::from_houses(HouseTally::default(), HouseTally::default())
	}

	/// The token house's ayes: referenda orders a full track's queue by them.
	fn ayes(&self, _: Class) -> Votes {
		self.token.ayes
	}

	fn support(&self, _: Class) -> Perbill {
		self.combined(H::token_electorate(), H::work_electorate()).1
	}

	fn approval(&self, _: Class) -> Perbill {
		self.combined(H::token_electorate(), H::work_electorate()).0
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn unanimity(_: Class) -> Self {
		let all = |electorate: Votes| HouseTally {
			ayes: electorate,
			nays: Zero::zero(),
			support: electorate,
		};
		Self::from_houses(all(H::token_electorate()), all(H::work_electorate()))
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn rejection(_: Class) -> Self {
		let none = |electorate: Votes| HouseTally {
			ayes: Zero::zero(),
			nays: electorate,
			support: Zero::zero(),
		};
		Self::from_houses(none(H::token_electorate()), none(H::work_electorate()))
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn from_requirements(support: Perbill, approval: Perbill, _: Class) -> Self {
		let house = |electorate: Votes| {
			let support = support.mul_ceil(electorate);
			let ayes = approval.mul_ceil(support);
			HouseTally { ayes, nays: support.saturating_sub(ayes), support }
		};
		Self::from_houses(house(H::token_electorate()), house(H::work_electorate()))
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn setup(_: Class, _: Perbill) {}
}

/// Whether a poll whose tally is `tally` passes at these thresholds; used by the tests and
/// the capture simulation to read a tally the way referenda does.
pub fn passes<Votes: Copy + Zero + Into<u128>, H>(
	tally: &Tally<Votes, H>,
	electorates: (Votes, Votes),
	min_approval: Perbill,
	min_support: Perbill,
) -> bool {
	let (approval, support) = tally.combined(electorates.0, electorates.1);
	approval >= min_approval && support >= min_support
}
