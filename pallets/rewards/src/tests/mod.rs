//! Tests by topic: eras and emission, stake income, verified work, self-dealing, and a
//! property test of the whole economy's conservation.

mod eras;
mod properties;
mod self_dealing;
mod stake;
mod work;
