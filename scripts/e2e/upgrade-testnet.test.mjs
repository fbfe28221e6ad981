// A runtime upgrade on the four-validator local testnet, on the real runtime (an upgrade
// replaces the code that sets the slot duration, so it is rehearsed on the code people
// run): the upgrade track authorizes the hash of the next runtime (the same code built
// with `spec_version` + 1) by a referendum of both houses, anyone applies the code, and
// every node goes on producing and finalizing blocks with the new version.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { stringToU8a, u8aToHex } from '@polkadot/util';
import { blake2AsHex } from '@polkadot/util-crypto';

import {
  nextRuntimeWasm,
  referendum,
  rpc,
  submitAndWatch,
  testnetNames,
  tokenHolders,
  useComputeTestnet,
  waitFor,
} from './lib/harness.mjs';

const offset = 1800;

describe('runtime upgrade on the local testnet', () => {
  const net = useComputeTestnet('upgrade-testnet', offset);
  const { guard } = net;
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const holders = tokenHolders();
  const providers = () => [net.who.alice, net.who.bob, net.who.charlie];

  test(
    'a runtime upgrade is authorized by referendum, applied, and the chain goes on',
    guard(async () => {
      assert.ok(
        existsSync(nextRuntimeWasm),
        `no next runtime at ${nextRuntimeWasm}: the runtime's build script builds it with the node (scripts/test)`,
      );
      const code = readFileSync(nextRuntimeWasm);
      const hash = blake2AsHex(code, 256);
      const before = (await net.api.rpc.state.getRuntimeVersion()).specVersion.toNumber();
      const authorized = await referendum(net.api, net.api.tx.dao.authorizeUpgrade(hash), 'RuntimeUpgrade', {
        tokenVoters: holders,
        providers: providers(),
      });
      assert.equal(authorized.state, 'approved');
      assert.deepEqual(authorized.dispatched.result, { ok: null });
      assert.equal((await net.api.query.system.authorizedUpgrade()).unwrap().codeHash.toHex(), hash);

      // Anyone applies it: the code is checked against the hash and must have a higher
      // spec_version. It pays no fee.
      const ferdie = keyring.addFromUri('//Ferdie');
      const applied = await submitAndWatch(net.api, net.api.tx.system.applyAuthorizedUpgrade(u8aToHex(code)), ferdie);
      assert.equal(applied.error, undefined, `applyAuthorizedUpgrade failed: ${applied.error}`);
      assert.ok(
        applied.events.some((e) => e.name === 'system.CodeUpdated'),
        'the code was replaced',
      );
      const stored = await net.api.rpc.state.getStorage(u8aToHex(stringToU8a(':code')), applied.blockHash);
      assert.equal(blake2AsHex(stored.unwrap(), 256), hash, "the block's state holds the new code");
      const upgradedAt = (await net.api.rpc.chain.getHeader(applied.blockHash)).number.toNumber();

      // Every node runs the new version, and blocks after the upgrade are produced and
      // finalized.
      for (const name of testnetNames) {
        const port = net.rpcPort(name);
        await waitFor(
          `${name} on the new runtime`,
          async () => (await rpc(port, 'state_getRuntimeVersion')).specVersion === before + 1,
          { timeoutMs: 60_000, intervalMs: 1000 },
        );
      }
      await waitFor(
        'blocks after the upgrade to be finalized',
        async () => {
          const finalized = await net.api.rpc.chain.getHeader(await net.api.rpc.chain.getFinalizedHead());
          return finalized.number.toNumber() >= upgradedAt + 3;
        },
        { timeoutMs: 90_000, intervalMs: 1000 },
      );
      const last = (await net.api.query.system.lastRuntimeUpgrade()).unwrap();
      assert.equal(last.specVersion.toNumber(), before + 1);
      console.log(
        `runtime upgrade: spec ${before} -> ${before + 1} applied in block #${upgradedAt} (${code.length} bytes of code)`,
      );
    }),
  );
});
