// Governance on the four-validator local testnet, with real signed extrinsics as people
// send them from polkadot.js apps. Nobody holds a root key: every power is a track's.
// 1. a parameter change (the job fee) with only the token house for it fails; with both
//    houses it passes and takes effect;
// 2. a small treasury spend with both houses for it passes and is paid out; one with only
//    the token house for it fails, as on every track;
// 3. votes unlock after their locks: a vote with a one-period lock on the winning side keeps
//    its capital held after the poll, and removing it once the period has run releases
//    it in the same call; `sudo` is absent, and a direct `set_params` is refused;
// 4. the providers alone cannot kill a referendum over the token house's nays (the
//    canceller track needs both houses).
// These run on the fast runtime (two-second slots, the same periods in blocks): their
// subject is who may pass what, not the clock. The runtime upgrade track is tested on the
// real runtime, in `upgrade-testnet.test.mjs`.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Keyring } from '@polkadot/keyring';

import {
  UNIT,
  accounts,
  referendum,
  submitAndWatch,
  tokenHolders,
  useComputeTestnet,
  voteHeld,
  waitFor,
} from './lib/harness.mjs';

const offset = 1600;

describe('governance on the local testnet', () => {
  const net = useComputeTestnet('governance-testnet', offset, { runtime: 'fast' });
  const { guard } = net;
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const holders = tokenHolders();
  const providers = () => [net.who.alice, net.who.bob, net.who.charlie];
  // Read at the block an extrinsic was included in: on four validators a fork can leave the
  // best head briefly on a sibling that lacks it.
  const free = async (address, at) =>
    (await (at ? await net.api.at(at) : net.api).query.system.account(address)).data.free.toBigInt();
  const jobFee = async () => (await net.api.query.jobs.params()).fee.toNumber();
  const setJobFee = async (perBillion) => {
    const params = (await net.api.query.jobs.params()).toJSON();
    return net.api.tx.jobs.setParams({ ...params, fee: perBillion });
  };
  const spend = (amount, beneficiary) => net.api.tx.treasury.spend(null, amount, beneficiary, null);

  test(
    '1. a parameter change needs both houses, then takes effect',
    guard(async () => {
      const before = await jobFee();
      assert.equal(before, 50_000_000, 'the job fee starts at 5 %');
      const t0 = Date.now();
      // Only the token house: rejected when its decision period (two minutes) ends.
      const alone = await referendum(net.api, await setJobFee(70_000_000), 'Parameters', { tokenVoters: holders });
      assert.equal(alone.state, 'rejected', 'the token house alone cannot pass a parameter change');
      assert.equal(await jobFee(), before);
      const t1 = Date.now();
      // Both houses: approved and enacted with the parameters origin.
      const both = await referendum(net.api, await setJobFee(70_000_000), 'Parameters', {
        tokenVoters: holders,
        providers: providers(),
      });
      assert.equal(both.state, 'approved');
      assert.deepEqual(both.dispatched.result, { ok: null });
      assert.equal(await jobFee(), 70_000_000, 'the new fee is in force');
      console.log(
        `token house alone: rejected after ${((t1 - t0) / 1000).toFixed(0)} s; both houses: enacted after ${((Date.now() - t1) / 1000).toFixed(0)} s`,
      );
    }),
  );

  test(
    '2. a small spend with both houses passes and is paid; the token house alone cannot spend',
    guard(async () => {
      const treasury = net.api.consts.jobs.treasury.toString();
      const { alice } = await accounts();
      // Fund the treasury (fees and slashes reach it too).
      const funded = await submitAndWatch(
        net.api,
        net.api.tx.balances.transferKeepAlive(treasury, 5_000n * UNIT),
        alice,
      );
      assert.equal(funded.error, undefined);
      const paid = keyring.addFromUri('//Governance//Paid').address;
      const unpaid = keyring.addFromUri('//Governance//Unpaid').address;

      const spends = (await net.api.query.treasury.spendCount()).toNumber();
      const passes = await referendum(net.api, spend(700n * UNIT, paid), 'SmallSpender', {
        tokenVoters: holders,
        providers: providers(),
      });
      assert.equal(passes.state, 'approved');
      assert.deepEqual(passes.dispatched.result, { ok: null });
      const payout = await submitAndWatch(net.api, net.api.tx.treasury.payout(spends), alice);
      assert.equal(payout.error, undefined, `payout failed: ${payout.error}`);
      assert.equal(await free(paid, payout.blockHash), 700n * UNIT, 'the beneficiary was paid from the treasury');

      // Every holder for, no provider voting: rejected when the decision period ends.
      const alone = await referendum(net.api, spend(800n * UNIT, unpaid), 'SmallSpender', { tokenVoters: holders });
      assert.equal(alone.state, 'rejected', 'the token house alone passed a spend');
      assert.equal((await net.api.query.treasury.spendCount()).toNumber(), spends + 1, 'no spend was created');
      assert.equal(await free(unpaid), 0n);
    }),
  );

  test(
    '3. votes unlock after their locks; nobody holds root',
    guard(async () => {
      const dave = holders[0];
      const earlier = (await net.api.query.dao.tokenVotes(dave.address)).votes.map(([poll]) => poll.toNumber());
      assert.equal(earlier.length, 4, `Dave voted on the four referenda above: ${earlier}`);
      // A spend the holders vote for with a one-period lock: a minute at the short pace.
      const period = net.api.consts.dao.voteLockingPeriod.toNumber();
      const locked = await referendum(
        net.api,
        spend(UNIT, keyring.addFromUri('//Governance//Locked').address),
        'SmallSpender',
        {
          tokenVoters: holders,
          lock: 'OnePeriod',
          providers: providers(),
        },
      );
      assert.equal(locked.state, 'approved');
      // Removing his earlier votes (no lock) leaves the locked one's capital held.
      for (const poll of earlier) {
        const r = await submitAndWatch(net.api, net.api.tx.dao.removeVote(poll), dave);
        assert.equal(r.error, undefined, `removeVote(${poll}) failed: ${r.error}`);
      }
      const capital = await voteHeld(net.api, dave.address);
      assert.ok(capital > 0n, "the locked vote's capital stays held");
      const early = await submitAndWatch(
        net.api,
        net.api.tx.balances.transferKeepAlive(holders[1].address, capital),
        dave,
      );
      assert.notEqual(early.error, undefined, 'held capital cannot move');
      // Once the lock has run (a period after the poll ended), removing the vote unlocks it
      // in the same call.
      await waitFor(
        'the lock to run out',
        async () => (await net.api.rpc.chain.getHeader()).number.toNumber() >= locked.ended + period + 1,
        { timeoutMs: 180_000, intervalMs: 2000 },
      );
      const removed = await submitAndWatch(net.api, net.api.tx.dao.removeVote(locked.index), dave);
      assert.equal(removed.error, undefined, `removeVote failed: ${removed.error}`);
      assert.equal(
        await voteHeld(net.api, dave.address),
        0n,
        'nothing is held once the lock has run and the vote is removed',
      );
      assert.equal((await net.api.query.dao.tokenVotes(dave.address)).votes.length, 0);
      const moved = await submitAndWatch(
        net.api,
        net.api.tx.balances.transferKeepAlive(holders[1].address, (await free(dave.address)) - UNIT),
        dave,
      );
      assert.equal(moved.error, undefined, 'his whole balance moves again');

      assert.equal(net.api.tx.sudo, undefined, 'no sudo pallet');
      const direct = await submitAndWatch(net.api, await setJobFee(10_000_000), dave);
      assert.equal(direct.error, 'BadOrigin', 'parameters change only by referendum');
    }),
  );

  test(
    "4. the work house alone cannot kill a referendum over the token house's nays",
    guard(async () => {
      // A referendum to protect, in its preparing phase.
      const ferdie = keyring.addFromUri('//Ferdie');
      const target = (await net.api.query.referenda.referendumCount()).toNumber();
      const remark = net.api.tx.system.remarkWithEvent('kept').method.toHex();
      const submitted = await submitAndWatch(
        net.api,
        net.api.tx.referenda.submit({ Dao: 'Parameters' }, { Inline: remark }, { After: 1 }),
        ferdie,
      );
      assert.equal(submitted.error, undefined, `referenda.submit failed: ${submitted.error}`);
      // Every provider votes to kill it; the token holders vote against.
      const kill = await referendum(net.api, net.api.tx.referenda.kill(target), 'Canceller', {
        tokenVoters: holders.slice(1),
        tokenAye: false,
        providers: providers(),
      });
      assert.equal(kill.state, 'rejected', 'the work house alone killed a referendum');
      const info = (await net.api.query.referenda.referendumInfoFor(target)).unwrap();
      assert.ok(info.isOngoing, `the referendum was ${info.type}`);
    }),
  );
});
