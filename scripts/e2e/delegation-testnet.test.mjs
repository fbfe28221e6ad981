// Delegation and rewards on the four-validator local testnet (Alice, Bob and Charlie are
// providers whose nodes compute on this machine's OpenCL device), with real signed
// extrinsics, as a token holder would from polkadot.js apps:
// 1. Eve delegates to Bob; a referendum of both houses turns audits on; the chain issues an audit job that
//    the three providers compute; an era passes; Eve's claim equals, to the unit, what the
//    pool's reward-per-point counter owes her for every booking into Bob's pool, and each
//    booking split Bob's income by his own bond against the delegated stake;
// 2. Bob (restarted with corrupted outputs) loses a vote and is slashed: his pool loses the
//    same share, and Eve's stake falls with it;
// 3. Bob's commission increase, announced at the start, applies only from its era on;
// 4. Eve unbonds, cannot withdraw before the period, and withdraws exactly her stake after.
// On the fast runtime (two-second slots, every period's block count unchanged): the
// subject here is not the clock.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Keyring } from '@polkadot/keyring';

import {
  UNIT,
  accounts,
  faultyNodeBinary,
  perbill,
  referendum,
  submitAndWatch,
  useComputeTestnet,
  waitFor,
} from './lib/harness.mjs';
import { matmulJob, verdictBlock, waitForVerdict } from '../client/jobs.mjs';

const offset = 1500;
const ONE = 10n ** 18n; // FixedU128's unit: the reward counter's precision
const dcc = (plancks) => `${(Number(plancks) / 1e12).toFixed(6)} DCC`;

describe('delegation and rewards on the local testnet', () => {
  const net = useComputeTestnet('delegation-testnet', offset, { runtime: 'fast' });
  const { testnet, guard } = net;
  const eve = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Eve');
  const stake = 100n * UNIT;
  const commission = 100_000_000n; // 10 % in parts per billion
  const state = { joinedAt: 0, appliesFrom: 0, commissionSetAt: 0 };

  const at = async (hash) => (hash ? net.api.at(hash) : net.api);
  const free = async (address, hash) => (await (await at(hash)).query.system.account(address)).data.free.toBigInt();
  const era = async () => (await net.api.query.rewards.currentEra()).index.toNumber();
  const pool = async (hash) => (await (await at(hash)).query.delegation.pools(net.who.bob.address)).unwrap();
  const bobBond = async (hash) =>
    (await (await at(hash)).query.providers.providerRecords(net.who.bob.address)).unwrap().bond.toBigInt();
  const header = (hash) => net.api.rpc.chain.getHeader(hash);

  /** Submits `tx` and waits for its block to be finalized: the blocks read later stay canonical. */
  async function send(tx, signer) {
    const r = await submitAndWatch(net.api, tx, signer, { finalized: true });
    assert.equal(r.error, undefined, `${tx.method.section}.${tx.method.method} failed: ${r.error}`);
    return r;
  }

  /** Turns audits on by referendum: both houses vote for it (the providers and token holders). */
  async function setAudits(count) {
    const params = (await net.api.query.rewards.params()).toJSON();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    const { alice, bob, charlie } = await accounts();
    // Not Ferdie: he submits the referendum and pays its deposits from his free balance.
    const holders = [
      '//Dave',
      '//Ferdie//stash',
      '//Alice//stash',
      '//Bob//stash',
      '//Charlie//stash',
      '//Dave//stash',
    ].map((uri) => keyring.addFromUri(uri));
    const r = await referendum(
      net.api,
      net.api.tx.rewards.setParams({ ...params, auditsPerEra: count }),
      'Parameters',
      {
        tokenVoters: holders,
        providers: [alice, bob, charlie],
      },
    );
    assert.equal(r.state, 'approved', `the referendum passed: ${JSON.stringify(r)}`);
    assert.deepEqual(r.dispatched.result, { ok: null }, 'its call was dispatched with the parameters origin');
  }

  async function waitForEra(target) {
    await waitFor(`era ${target}`, async () => (await era()) >= target, { timeoutMs: 400_000, intervalMs: 1000 });
  }

  /** Every `delegation.IncomeBooked` for Bob in blocks `from..=to`, with its block's parent. */
  async function bookings(from, to) {
    const found = [];
    for (let n = from; n <= to; n++) {
      const hash = await net.api.rpc.chain.getBlockHash(n);
      const events = await (await at(hash)).query.system.events();
      for (const { event } of events) {
        if (
          event.section === 'delegation' &&
          event.method === 'IncomeBooked' &&
          event.data[0].toString() === net.who.bob.address
        ) {
          const [, amount, commissionTaken, delegators] = event.data.map((d) => (d.toBigInt ? d.toBigInt() : d));
          found.push({
            n,
            hash,
            parent: (await header(hash)).parentHash,
            amount,
            commission: commissionTaken,
            delegators,
          });
        }
      }
    }
    return found;
  }

  test(
    "1. Eve delegates to Bob; an audit and an era pay the pool; her claim is the counter's amount to the unit",
    guard(async () => {
      const { bob } = await accounts();
      // Bob announces a higher commission now; test 3 checks when it applies.
      const c = await send(net.api.tx.delegation.setCommission(commission), bob);
      const announced = c.events.find((e) => e.name === 'delegation.CommissionAnnounced');
      state.appliesFrom = Number(announced.named.appliesFrom);
      state.commissionSetAt = (await header(c.blockHash)).number.toNumber();
      await setAudits(1);

      const d = await send(net.api.tx.delegation.delegate(bob.address, stake), eve);
      const delegated = d.events.find((e) => e.name === 'delegation.Delegated');
      assert.equal(BigInt(delegated.named.amount), stake);
      assert.equal(BigInt(delegated.named.points), stake, 'a new pool mints one point per planck');
      state.joinedAt = (await header(d.blockHash)).number.toNumber();
      const startEra = await era();

      // The next era issues an audit; the three providers compute it and are credited.
      await waitForEra(startEra + 1);
      const audit = await waitFor(
        'an audit job',
        async () => {
          const open = await net.api.query.rewards.openAudits();
          return open.length > 0 && open[open.length - 1].toNumber();
        },
        { timeoutMs: 120_000 },
      );
      const record = await waitForVerdict(net.api, audit, { timeoutMs: 240_000 });
      assert.equal(record.status.type, 'Completed', 'the providers agree on the audit');
      assert.equal(
        record.submitter.toString(),
        (await net.api.consts.delegation.rewardPot).toString(),
        'the chain issued it',
      );
      const { hash: verdict } = await verdictBlock(net.api, audit);
      const credited = (await (await at(verdict)).query.system.events())
        .filter(({ event }) => event.section === 'rewards' && event.method === 'WorkCredited')
        .map(({ event }) => event.data);
      assert.equal(credited.length, 3, 'each agreeing replica is credited');
      for (const c of credited) {
        assert.equal(c[3].isTrue, true, 'as an audit');
        assert.equal(c[2].toBigInt(), c[1].toBigInt(), "paid in full from the era's work budget");
      }
      assert.ok(
        credited.some((c) => c[0].toString() === bob.address),
        'Bob computed it',
      );
      await setAudits(0);

      const claim = await send(net.api.tx.delegation.claim(), eve);
      const claimed = BigInt(claim.events.find((e) => e.name === 'delegation.Claimed').named.amount);
      const claimAt = (await header(claim.blockHash)).number.toNumber();

      // Every booking into Bob's pool since Eve joined (the claim books what was still due).
      const booked = await bookings(state.joinedAt + 1, claimAt);
      assert.ok(booked.length >= 2, 'stake income and the audit credit were booked');
      let counter = 0n;
      for (const b of booked) {
        const p = await pool(b.parent);
        const own = await bobBond(b.parent);
        // The split: commission, then the own bond against the pool's active stake.
        const rest = b.amount - b.commission;
        assert.equal(
          b.delegators,
          (rest * p.active.toBigInt()) / (own + p.active.toBigInt()),
          `block ${b.n}: pro rata split`,
        );
        counter += (b.delegators * ONE) / p.points.toBigInt();
      }
      const points = stake; // Eve is the pool's only member
      const expected = (counter * points) / ONE;
      assert.equal(claimed, expected, 'the claim is what the counter owes, to the unit');
      const fee = BigInt(claim.events.find((e) => e.name === 'transactionPayment.TransactionFeePaid').named.actualFee);
      const { parentHash } = await header(claim.blockHash);
      assert.equal(await free(eve.address, claim.blockHash), (await free(eve.address, parentHash)) + claimed - fee);
      console.log(
        `Eve delegated ${dcc(stake)} to Bob; ${booked.length} bookings into his pool; she claimed ${dcc(claimed)} (expected ${dcc(expected)})`,
      );
    }),
  );

  test(
    "2. Bob is slashed and Eve's stake falls pro rata",
    guard(async () => {
      testnet(['kill', 'bob']);
      testnet(['restart', 'bob'], {
        DEPIN_NODE_BOB: faultyNodeBinary,
        DEPIN_ARGS_BOB: '--compute-fault corrupt-output',
      });
      const { charlie } = await accounts();
      const r = await send(
        net.api.tx.jobs.submit(matmulJob(9, 17n, { replicas: 3, price: UNIT, deadline: 10 })),
        charlie,
      );
      const job = Number(r.events.find((e) => e.name === 'jobs.Submitted').named.job);
      const record = await waitForVerdict(net.api, job, { timeoutMs: 240_000 });
      assert.equal(record.status.type, 'Completed');
      const { hash, parentHash } = await verdictBlock(net.api, job);
      const before = await pool(parentHash);
      const after = await pool(hash);
      const events = (await (await at(hash)).query.system.events()).map(({ event }) => event);
      const poolSlash = events.find((e) => e.section === 'delegation' && e.method === 'PoolSlashed');
      assert.ok(poolSlash, "Bob's pool was slashed with him");
      const perBillion = (await net.api.query.providers.params()).slashWrongResult.toBigInt();
      const expected = perbill(perBillion, before.active.toBigInt());
      assert.equal(poolSlash.data[1].toBigInt(), expected, 'the same share of the pool');
      assert.equal(after.active.toBigInt(), before.active.toBigInt() - expected);
      assert.equal(after.points.toBigInt(), before.points.toBigInt(), 'points do not change');
      const slashed = events.find((e) => e.section === 'providers' && e.method === 'Slashed');
      assert.equal(slashed.data[2].toBigInt(), expected, 'the slash event names what delegators lost');
      const eveState = await net.api.call.delegationApi.memberState(eve.address);
      assert.equal(
        eveState.unwrap().active.toBigInt(),
        after.active.toBigInt(),
        'Eve holds all the points: all the loss is hers',
      );
      console.log(
        `Bob slashed: his pool ${dcc(before.active)} -> ${dcc(after.active)} (${dcc(expected)}, ${Number(perBillion) / 1e7} %)`,
      );
      testnet(['kill', 'bob']);
      testnet(['restart', 'bob']);
    }),
  );

  test(
    '3. a commission increase applies only from its announced era',
    guard(async () => {
      const { bob } = await accounts();
      const now = await era();
      assert.ok(
        state.appliesFrom >
          (
            await (await at(await net.api.rpc.chain.getBlockHash(state.commissionSetAt))).query.rewards.currentEra()
          ).index.toNumber() +
            2,
        'it waits for every delegator to be able to leave',
      );
      // Before its era, every booking took no commission.
      for (const b of await bookings(state.commissionSetAt, (await header()).number.toNumber())) {
        const bookingEra = (await (await at(b.hash)).query.rewards.currentEra()).index.toNumber();
        if (bookingEra < state.appliesFrom)
          assert.equal(b.commission, 0n, `block ${b.n}, era ${bookingEra}: no commission yet`);
      }
      await waitForEra(Math.max(now, state.appliesFrom) + 1);
      // Bob claims, which books the stake income earned since the last booking (any change
      // of his provider record books it too: the income is booked at the record that
      // earned it). Income earned before the increase's era is booked apart, at the old
      // rate; what was earned since, booked last, takes the new commission, 10 %.
      const r = await send(net.api.tx.delegation.claimCommission(), bob);
      const claimedIn = (await header(r.blockHash)).number.toNumber();
      const booking = (await bookings(claimedIn, claimedIn)).at(-1);
      assert.ok(booking, 'stake income was booked');
      const { amount } = booking;
      assert.equal(booking.commission, perbill(commission, amount), 'the new commission applies');
      const view = await net.api.call.delegationApi.poolState(bob.address);
      assert.equal(view.unwrap().commission.toNumber(), Number(commission));
      console.log(
        `commission announced in era ${state.appliesFrom - 3}, applied from era ${state.appliesFrom}: ${dcc(booking.commission)} of ${dcc(amount)}`,
      );
    }),
  );

  test(
    '4. Eve unbonds and withdraws her stake after the unbonding eras',
    guard(async () => {
      const value = (await net.api.call.delegationApi.memberState(eve.address)).unwrap().active.toBigInt();
      const u = await send(net.api.tx.delegation.unbond(value), eve);
      const unbonded = u.events.find((e) => e.name === 'delegation.Unbonded');
      assert.equal(BigInt(unbonded.named.amount), value);
      const from = Number(unbonded.named.withdrawableFrom);
      const early = await submitAndWatch(net.api, net.api.tx.delegation.withdrawUnbonded(), eve, { finalized: true });
      assert.equal(early.error, 'delegation.NothingToWithdraw', 'not before the period');
      await waitForEra(from);
      const w = await send(net.api.tx.delegation.withdrawUnbonded(), eve);
      assert.equal(BigInt(w.events.find((e) => e.name === 'delegation.Withdrawn').named.amount), value);
      const fee = BigInt(w.events.find((e) => e.name === 'transactionPayment.TransactionFeePaid').named.actualFee);
      const { parentHash } = await header(w.blockHash);
      assert.equal(await free(eve.address, w.blockHash), (await free(eve.address, parentHash)) + value - fee);
      console.log(`Eve unbonded ${dcc(value)} in era ${from - 2}, withdrew it in era ${await era()}`);
    }),
  );
});
