//! # Compute data
//!
//! Job data too large for a transaction, on the nodes. The chain refers to such data by a
//! [`ContentId`](depin_compute_primitives::content::ContentId): a Merkle root over 1 MiB
//! chunks and the length. A submitter hands the bytes to their own node (an upload through
//! the node's unsafe JSON-RPC); provider nodes fetch them from any peer that holds them
//! over the chain's own peer-to-peer network, checking each chunk against the root as it
//! arrives; a node that holds content serves it, so every provider that fetched it becomes
//! a source for the others.
//!
//! A job's output travels the same way: its result hash is its root as content, so a node
//! fetches `{ root: result hash, len: output length }` from the providers that computed it,
//! which serve it only once the chain has agreed on it.
//!
//! - [`store`]: the verified chunk store on disk, bounded in total: content tied to a job on
//!   chain is kept until the job is cleared, the rest dropped least recently used first;
//! - [`protocol`]: the request-response protocol (`/<genesis>/depin/data/1`) and the
//!   handler that answers peers from the store;
//! - [`fetch`]: fetching the missing chunks of a content from peers, several at once;
//! - [`source`]: the executor's job data: a job's input content from the store, filled from
//!   peers when the job is dispatched, and its output kept in the store.

pub mod fetch;
pub mod protocol;
pub mod source;
pub mod store;
