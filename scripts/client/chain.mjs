// The chain client shared by `scripts/job`, the end-to-end tests and the load tool:
// connecting to a node, the token's unit, development accounts, and signing a transaction
// and following it into a block with its decoded events and dispatch error.

import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';

/** One DCC in plancks (12 decimals). */
export const UNIT = 10n ** 12n;

/** The chain's SS58 address format: the generic Substrate prefix. */
export const SS58_FORMAT = 42;

/** The polkadot.js API connected to the node at `url` (`ws://host:port`). */
export async function connect(url) {
  await cryptoWaitReady();
  return ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true, throwOnConnect: true });
}

/** An sr25519 key pair from a secret URI (`//Alice`, a mnemonic, `<mnemonic>//path`). */
export async function signerFrom(suri) {
  await cryptoWaitReady();
  return new Keyring({ type: 'sr25519', ss58Format: SS58_FORMAT }).addFromUri(suri);
}

/** Well-known development accounts (Alice, Bob, ...) and fresh random ones. */
export async function accounts() {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: SS58_FORMAT });
  return {
    alice: keyring.addFromUri('//Alice'),
    bob: keyring.addFromUri('//Bob'),
    charlie: keyring.addFromUri('//Charlie'),
    fresh: () => keyring.addFromUri(mnemonicGenerate()),
  };
}

/** A decoded event as clients read it: `section.method`, its data, its named fields. */
function describeEvent(event) {
  return {
    name: `${event.section}.${event.method}`,
    data: event.data.toJSON(),
    named: Object.fromEntries(event.data.names ? event.data.names.map((n, i) => [n, event.data[i].toString()]) : []),
  };
}

/**
 * A failed extrinsic's dispatch error: `section.Name` (with the error's documentation in
 * `docs`), or its text outside a pallet (`BadOrigin`, ...).
 */
export function describeDispatchError(api, dispatchError) {
  if (!dispatchError.isModule) return { name: dispatchError.toString(), docs: '' };
  const meta = api.registry.findMetaError(dispatchError.asModule);
  return { name: `${meta.section}.${meta.name}`, docs: meta.docs.join(' ') };
}

/**
 * The events of extrinsic `txHash` in block `blockHash`, decoded with the metadata of the
 * runtime that executed the block: the one in its parent's state. polkadot.js decodes a
 * block's events with the runtime in the block's own state, and for the block that
 * replaces the code that can fail (the submission's result then carries `internalError`
 * and no events).
 */
async function extrinsicEvents(api, blockHash, txHash) {
  const [block, raw] = await Promise.all([
    api.rpc.chain.getBlock(blockHash),
    api.rpc.state.getStorage(api.query.system.events.key(), blockHash),
  ]);
  const index = block.block.extrinsics.findIndex((x) => x.hash.toHex() === txHash);
  if (index < 0) throw new Error(`extrinsic ${txHash} is not in block ${blockHash}`);
  const executedBy = await api.at(block.block.header.parentHash);
  return executedBy.registry
    .createType('Vec<FrameSystemEventRecord>', raw.unwrap())
    .filter(({ phase }) => phase.isApplyExtrinsic && phase.asApplyExtrinsic.toNumber() === index)
    .map(({ event }) => event);
}

/**
 * Signs and submits `tx` with `signer`, and resolves once it is in a block (or, with
 * `finalized`, in a finalized block) with the block hash, the dispatch error
 * (`section.Name`, its documentation in `errorDocs`) if the call failed, and the
 * extrinsic's decoded events. Rejects if the pool drops it or its events cannot be read:
 * an extrinsic always has events, so none read is never taken for success.
 */
export function submitAndWatch(api, tx, signer, { finalized = false, nonce } = {}) {
  return new Promise((resolvePromise, reject) => {
    let unsubscribe;
    tx.signAndSend(signer, nonce === undefined ? {} : { nonce }, (result) => {
      const { status, events, internalError, txHash } = result;
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        unsubscribe?.();
        reject(new Error(`transaction ${status.type}`));
        return;
      }
      if ((finalized && status.isFinalized) || (!finalized && status.isInBlock)) {
        unsubscribe?.();
        const blockHash = (finalized ? status.asFinalized : status.asInBlock).toHex();
        const decoded =
          internalError || events.length === 0
            ? extrinsicEvents(api, blockHash, txHash.toHex())
            : Promise.resolve(events.map(({ event }) => event));
        decoded.then((records) => {
          const failed = records.find((event) => api.events.system.ExtrinsicFailed.is(event));
          const error = failed ? describeDispatchError(api, failed.data[0]) : undefined;
          resolvePromise({
            blockHash,
            error: error?.name,
            errorDocs: error?.docs,
            events: records.map(describeEvent),
          });
        }, reject);
      }
    })
      .then((u) => {
        unsubscribe = u;
      })
      .catch(reject);
  });
}
