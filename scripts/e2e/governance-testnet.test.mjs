// Governance on the four-validator local testnet, with real signed extrinsics as people
// send them from polkadot.js apps. Nobody holds a root key: every power is a track's.
// 1. a parameter change (the job fee) with only the token house for it fails; with both
//    houses it passes and takes effect;
// 2. a small treasury spend passes and is paid out; a work-house veto stops another;
// 3. votes unlock: removing a vote releases its freeze at once (the poll ended with no lock
//    to keep); `sudo` is absent, and a direct `set_params` is refused.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Keyring } from '@polkadot/keyring';

import { UNIT, accounts, referendum, submitAndWatch, useComputeTestnet } from './lib/harness.mjs';

const offset = 1600;

describe('governance on the local testnet', () => {
  const net = useComputeTestnet('governance-testnet', offset);
  const { guard } = net;
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  // Token holders who vote: none of them is a provider or a validator.
  const holders = ['//Dave', '//Eve', '//Alice//stash', '//Bob//stash', '//Charlie//stash', '//Dave//stash']
    .map((uri) => keyring.addFromUri(uri));
  const providers = async () => {
    const { alice, bob, charlie } = await accounts();
    return [alice, bob, charlie];
  };
  const free = async (address) => (await net.api.query.system.account(address)).data.free.toBigInt();
  const frozen = async (address) => (await net.api.query.system.account(address)).data.frozen.toBigInt();
  const jobFee = async () => (await net.api.query.jobs.params()).fee.toNumber();
  const setJobFee = async (perBillion) => {
    const params = (await net.api.query.jobs.params()).toJSON();
    return net.api.tx.jobs.setParams({ ...params, fee: perBillion });
  };
  const spend = (amount, beneficiary) => net.api.tx.treasury.spend(null, amount, beneficiary, null);

  test('1. a parameter change needs both houses, then takes effect', guard(async () => {
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
      providers: await providers(),
    });
    assert.equal(both.state, 'approved');
    assert.deepEqual(both.dispatched.result, { ok: null });
    assert.equal(await jobFee(), 70_000_000, 'the new fee is in force');
    console.log(`token house alone: rejected after ${((t1 - t0) / 1000).toFixed(0)} s; both houses: enacted after ${((Date.now() - t1) / 1000).toFixed(0)} s`);
  }));

  test('2. a small spend passes and is paid; a work-house veto stops another', guard(async () => {
    const treasury = net.api.consts.jobs.treasury.toString();
    const { alice } = await accounts();
    // Fund the treasury (fees and slashes reach it too).
    const funded = await submitAndWatch(net.api, net.api.tx.balances.transferKeepAlive(treasury, 5_000n * UNIT), alice);
    assert.equal(funded.error, undefined);
    const paid = keyring.addFromUri('//Governance//Paid').address;
    const vetoed = keyring.addFromUri('//Governance//Vetoed').address;

    const spends = (await net.api.query.treasury.spendCount()).toNumber();
    const passes = await referendum(net.api, spend(700n * UNIT, paid), 'SmallSpender', { tokenVoters: holders });
    assert.equal(passes.state, 'approved');
    assert.deepEqual(passes.dispatched.result, { ok: null });
    const payout = await submitAndWatch(net.api, net.api.tx.treasury.payout(spends), alice);
    assert.equal(payout.error, undefined, `payout failed: ${payout.error}`);
    assert.equal(await free(paid), 700n * UNIT, 'the beneficiary was paid from the treasury');

    const stopped = await referendum(net.api, spend(800n * UNIT, vetoed), 'SmallSpender', {
      tokenVoters: holders,
      providers: await providers(),
      workVote: 'Nay',
    });
    assert.equal(stopped.state, 'rejected', 'the work house vetoed the spend');
    assert.equal((await net.api.query.treasury.spendCount()).toNumber(), spends + 1, 'no spend was created');
    assert.equal(await free(vetoed), 0n);
  }));

  test('3. votes unlock when removed; nobody holds root', guard(async () => {
    // Every holder voted on the referenda above with no lock: removing each vote releases
    // its freeze in the same call.
    const dave = holders[0];
    assert.ok((await frozen(dave.address)) > 0n, 'Dave\'s capital is frozen while his votes stand');
    const standing = (await net.api.query.dao.tokenVotes(dave.address)).votes.map(([poll]) => poll.toNumber());
    assert.ok(standing.length >= 4, `Dave has standing votes: ${standing}`);
    for (const poll of standing) {
      const r = await submitAndWatch(net.api, net.api.tx.dao.removeVote(poll), dave);
      assert.equal(r.error, undefined, `removeVote(${poll}) failed: ${r.error}`);
    }
    assert.equal(await frozen(dave.address), 0n, 'nothing is frozen once his votes are removed');
    assert.equal((await net.api.query.dao.tokenVotes(dave.address)).votes.length, 0);
    const moved = await submitAndWatch(net.api, net.api.tx.balances.transferKeepAlive(holders[1].address, (await free(dave.address)) - UNIT), dave);
    assert.equal(moved.error, undefined, 'his whole balance moves again');

    assert.equal(net.api.tx.sudo, undefined, 'no sudo pallet');
    const direct = await submitAndWatch(net.api, await setJobFee(10_000_000), dave);
    assert.equal(direct.error, 'BadOrigin', 'parameters change only by referendum');
  }));
});
