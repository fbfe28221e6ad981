//! Tests by topic: eras and emission, stake income, verified work, self-dealing, a
//! property test of the whole economy's conservation, and the concentration simulation.

mod eras;
mod properties;
mod self_dealing;
mod simulation;
mod stake;
mod work;
