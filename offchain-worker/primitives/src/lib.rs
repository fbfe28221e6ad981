//! # Compute primitives
//!
//! What the runtime, its off-chain worker, clients and the node's executor share about
//! compute jobs. Provider nodes compute jobs with OpenCL. The runtime's off-chain worker
//! reaches the node's executor (crate `depin-compute-executor`) only through the host
//! functions in [`host`], and those functions are
//! backed by an externalities extension ([`host::ComputeExt`]) that the node registers for
//! off-chain workers alone: during block import or validation they answer "unavailable",
//! so consensus never depends on a device.
//!
//! - [`types`]: the task, its status and the device, shared by runtime and node.
//! - [`host`]: the runtime interface and its runtime-side wrappers (`dispatch`, `poll`,
//!   `output`, `device`): dispatch returns at once, later blocks poll, so a kernel that
//!   runs for many blocks never stalls an off-chain worker.
//! - [`kernels`]: the [`Kernel`] a job runs and the built-in kernels' typed parameters.
//! - [`content`]: content addressing of data too large for a transaction (a Merkle root
//!   over 1 MiB chunks, each checked on arrival).
//!
//! This crate is `no_std`: the runtime links it. The node side (OpenCL, the worker process,
//! the output store) lives in `depin-compute-executor`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod content;
pub mod host;
pub mod kernels;
pub mod types;

pub use kernels::{BuiltinKernel, Kernel, Unbounded};
pub use types::*;

use sp_core::crypto::KeyTypeId;

/// Key type of provider operator keys: the hot keys, kept in a provider node's keystore,
/// that sign commitments and reveals. Insert one with
/// `depin-node key insert --key-type cmpt --scheme sr25519`.
pub const OPERATOR_KEY_TYPE: KeyTypeId = KeyTypeId(*b"cmpt");
