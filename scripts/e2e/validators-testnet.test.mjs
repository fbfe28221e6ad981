// The validator set, governed, on the four-validator local testnet with real signed
// extrinsics: Eve runs a fifth node, has it generate session keys and registers them with
// `session.setKeys` (as from polkadot.js apps); a referendum on the validator-admin track
// adds her. From the session after next she authors blocks, and she votes in GRANDPA:
// with Charlie's node down, four of five validators (her among them) keep finalizing.
// Another referendum removes her; once that is in force her node stops too, and the
// three genesis validators left running (of four) still finalize.
// On the fast runtime (two-second slots, every period's block count unchanged): the
// subject here is not the clock.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';

import { referendum, rpc, submitAndWatch, tokenHolders, useComputeTestnet, waitFor } from './lib/harness.mjs';

const offset = 1700;

describe('the validator set on the local testnet', () => {
  const net = useComputeTestnet('validators-testnet', offset, { runtime: 'fast' });
  const { guard } = net;
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const eve = keyring.addFromUri('//Eve');
  const holders = tokenHolders();
  const providers = () => [net.who.alice, net.who.bob, net.who.charlie];

  const finalizedNumber = async () =>
    (await net.api.rpc.chain.getHeader(await net.api.rpc.chain.getFinalizedHead())).number.toNumber();
  const bestNumber = async () => (await net.api.rpc.chain.getHeader()).number.toNumber();
  /** The session validators and GRANDPA set id in the latest finalized block's state. */
  const finalizedSet = async () => {
    const at = await net.api.at(await net.api.rpc.chain.getFinalizedHead());
    return {
      validators: (await at.query.session.validators()).map((v) => v.toString()),
      setId: (await at.query.grandpa.currentSetId()).toNumber(),
    };
  };
  /** Waits until blocks produced after this call are finalized: GRANDPA votes now. */
  const finalityGoesOn = async (what) => {
    const from = await bestNumber();
    await waitFor(what, async () => (await finalizedNumber()) >= from + 2, { timeoutMs: 90_000, intervalMs: 1000 });
  };

  test(
    'Eve joins by referendum, authors, and finalizes; another removes her',
    guard(async () => {
      const t0 = Date.now();
      net.testnet(['start-node', 'eve']);
      await waitFor(
        'Eve to see the four validators',
        async () => (await rpc(net.rpcPort('eve'), 'system_health')).peers >= 4,
        { timeoutMs: 90_000 },
      );

      // Eve's node makes her keys; she registers them with an ownership proof.
      const generated = await rpc(net.rpcPort('eve'), 'author_rotateKeysWithOwner', [u8aToHex(eve.publicKey)]);
      assert.ok(generated.proof, 'the node proves it holds the keys');
      const registered = await submitAndWatch(
        net.api,
        net.api.tx.session.setKeys(generated.keys, generated.proof),
        eve,
      );
      assert.equal(registered.error, undefined, `setKeys failed: ${registered.error}`);
      assert.ok((await net.api.query.session.nextKeys(eve.address)).isSome);

      // She bonds the minimum: what an offence of hers would be slashed from.
      const minimum = (await net.api.query.validators.minimumBond()).toBigInt();
      const bonded = await submitAndWatch(net.api, net.api.tx.validators.bond(minimum), eve);
      assert.equal(bonded.error, undefined, `bond failed: ${bonded.error}`);

      // A direct call is refused: only the validator-admin track changes the set.
      const direct = await submitAndWatch(net.api, net.api.tx.validators.addValidator(eve.address), eve);
      assert.match(String(direct.error), /BadOrigin/);

      const before = await finalizedSet();
      assert.equal(before.validators.length, 4);
      const added = await referendum(net.api, net.api.tx.validators.addValidator(eve.address), 'ValidatorAdmin', {
        tokenVoters: holders,
        providers: providers(),
      });
      assert.equal(added.state, 'approved');
      assert.deepEqual(added.dispatched.result, { ok: null });
      const t1 = Date.now();

      // In force from the session after next, and final: GRANDPA's new set includes her.
      await waitFor(
        'Eve in the finalized validator set',
        async () => {
          const now = await finalizedSet();
          return now.validators.includes(eve.address) && now.setId > before.setId;
        },
        { timeoutMs: 240_000, intervalMs: 2000 },
      );
      const t2 = Date.now();

      // She authors: a block whose BABE pre-digest names her.
      const authored = await waitFor(
        'a block authored by Eve',
        async () => {
          const header = await net.api.derive.chain.getHeader(await net.api.rpc.chain.getBlockHash());
          return header.author?.toString() === eve.address && header.number.toNumber();
        },
        { timeoutMs: 180_000, intervalMs: 1000 },
      );

      // She finalizes: with Charlie down, the other four of five are more than two thirds
      // only with her vote.
      net.testnet(['kill', 'charlie']);
      await finalityGoesOn('finality with Charlie down and Eve voting');
      console.log(
        `Eve: added by referendum ${((t1 - t0) / 1000).toFixed(0)} s after her node started, ` +
          `in the finalized set ${((t2 - t1) / 1000).toFixed(0)} s later; authored block #${authored}`,
      );

      // Another referendum removes her (Charlie still down; the work house votes by key).
      const mid = await finalizedSet();
      const removed = await referendum(net.api, net.api.tx.validators.removeValidator(eve.address), 'ValidatorAdmin', {
        tokenVoters: holders,
        providers: providers(),
      });
      assert.equal(removed.state, 'approved');
      assert.deepEqual(removed.dispatched.result, { ok: null });
      await waitFor(
        'Eve out of the finalized validator set',
        async () => {
          const now = await finalizedSet();
          return !now.validators.includes(eve.address) && now.setId > mid.setId;
        },
        { timeoutMs: 240_000, intervalMs: 2000 },
      );

      // Her node stops: Alice, Bob and Dave are three of four, and finality goes on. (Were
      // she still in the set, three of five would stall it.)
      net.testnet(['kill', 'eve']);
      await finalityGoesOn('finality without Eve and Charlie');
      assert.equal((await net.api.query.validators.validators()).length, 4);
    }),
  );
});
