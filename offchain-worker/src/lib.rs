//! # The compute bridge
//!
//! Provider nodes compute jobs with OpenCL. The runtime's off-chain worker reaches the
//! node's OpenCL executor only through host functions declared in this crate, and those
//! functions are backed by an externalities extension that the node registers for
//! off-chain workers alone: during block import or validation they answer "unavailable",
//! so consensus never depends on a device.
//!
//! This crate is `no_std` on the runtime side and carries the native executor on the node
//! side. For now it defines the key type that provider operator keys use.

#![cfg_attr(not(feature = "std"), no_std)]

use sp_core::crypto::KeyTypeId;

/// Key type of provider operator keys: the hot keys, kept in a provider node's keystore,
/// that sign commitments and reveals. Insert one with
/// `depin-node key insert --key-type cmpt --scheme sr25519`.
pub const OPERATOR_KEY_TYPE: KeyTypeId = KeyTypeId(*b"cmpt");
