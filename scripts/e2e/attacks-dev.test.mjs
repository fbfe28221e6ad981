// Attacks on the marketplace, tried on a real `--dev` node with real signed extrinsics; each
// must fail, with exact balances:
// - a failing attestation from a registered operator key is not free: it pays its fee;
// - a node does not serve a job's output before the chain has agreed on it (the submitter
//   could read the result and walk away, a co-replica copy it), and serves the agreed one
//   after;
// - a kernel that never ends costs its submitter, not the provider: Alice's node stops it
//   at the job's compute budget and attests that, and she is paid for her time, her bond
//   and reputation untouched;
// - a vote cannot take its voter's job escrow: a submitter voting with (almost) its whole
//   balance neither counts the escrow as vote capital nor escrows the vote's capital for a
//   second job, and its job is paid in full;
// - work stacked on one provider does not make it a no-show: four jobs that each use most
//   of their commit window's compute, submitted at once, are given to Alice one after the
//   other as her device frees up, and she is never slashed;
// - the queue is not free to hold: a job asking more memory than Alice has, within her
//   memory's power of two, is refused; a job she meets but cannot take (it pays more than
//   her bond backs) pays for every round it waits, out of its deposit.
// On the fast runtime (two-second slots, every period's block count unchanged): the
// subject here is not the clock.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';

import { UNIT, accounts, assertFeeCharged, submitAndWatch, useDevChain, voteHeld, waitFor } from './lib/harness.mjs';
import { endlessKernel, sha256Job, sourceJob, verdictBlock, waitForVerdict } from '../client/jobs.mjs';
import { sha256Batch } from './lib/reference.mjs';

const ports = { rpcPort: 19960, p2pPort: 31350, prometheusPort: 19630 };

/** `compute_jobResult` of the node: `{ result }` or `{ error: { code, message } }`. */
async function jobResult(port, job) {
  const res = await fetch(`http://127.0.0.1:${port}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: 1, jsonrpc: '2.0', method: 'compute_jobResult', params: [job] }),
    signal: AbortSignal.timeout(5_000),
  });
  return res.json();
}

describe('attacks on the dev chain', () => {
  const chain = useDevChain(ports, { runtime: 'fast' });
  const free = async (who, at) => (await (await chain.api.at(at)).query.system.account(who)).data.free.toBigInt();

  test('a failing attestation pays its fee', async () => {
    // Alice's operator key: registered, funded, and in the node's keystore.
    const operator = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice//operator');
    const nextJob = (await chain.api.query.jobs.submissions()).nextId.toNumber();
    // A commit to a job that does not exist fails at dispatch: not free.
    const r = await submitAndWatch(
      chain.api,
      chain.api.tx.jobs.commit(nextJob + 1000, '0x' + '11'.repeat(32)),
      operator,
    );
    assert.equal(r.error, 'jobs.JobNotFound');
    assert.ok(!r.events.some((e) => e.name === 'skipFeelessPayment.FeeSkipped'), 'not feeless');
    const fee = await assertFeeCharged(chain.api, r, operator);
    console.log(`failing attestation: fee ${fee} planck paid by the operator`);
  });

  test('no output is served before the chain agreed on it, and the agreed one after', async () => {
    const { bob } = await accounts();
    // 40 blocks of 100 bytes: a 1.25 KiB output, off chain, served by the node.
    const input = new Uint8Array(4000).map((_, i) => (i * 13 + 5) & 0xff);
    const r = await submitAndWatch(
      chain.api,
      chain.api.tx.jobs.submit(sha256Job(input, 100, { price: UNIT, deadline: 20 })),
      bob,
    );
    assert.equal(r.error, undefined);
    const job = Number(r.events.find((e) => e.name === 'jobs.Submitted').named.job);

    // Ask the node for the output all along, as a submitter eager to walk away would.
    const refusals = new Set();
    let servedEarly = null;
    let asking = true;
    const asker = (async () => {
      while (asking) {
        const body = await jobResult(ports.rpcPort, job);
        const record = (await chain.api.query.jobs.jobRecords(job)).unwrap();
        if (body.result && !record.status.isCompleted) servedEarly = record.status.type;
        if (body.error) refusals.add(body.error.code);
        await new Promise((done) => setTimeout(done, 200));
      }
    })();
    const record = await waitForVerdict(chain.api, job, { timeoutMs: 180_000 });
    asking = false;
    await asker;
    assert.equal(record.status.type, 'Completed');
    assert.equal(servedEarly, null, `served while the job was ${servedEarly}`);
    assert.ok(refusals.has(4042), `refused as not agreed yet (codes seen: ${[...refusals]})`);

    // Once agreed, the node serves exactly the agreed output.
    const { hash } = await verdictBlock(chain.api, job);
    assert.ok(hash);
    const body = await jobResult(ports.rpcPort, job);
    assert.equal(body.result, u8aToHex(sha256Batch(input, 100)));
  });

  test('an endless kernel costs its submitter, not the provider', async () => {
    const { alice, bob } = await accounts();
    const provider = async (at) =>
      (await (await chain.api.at(at)).query.providers.providerRecords(alice.address)).unwrap();
    const spec = sourceJob(endlessKernel, 'spin', new Uint8Array([1]), [64, 1, 1], 1, {
      price: UNIT,
      deadline: 10,
      budgetMs: 3_000,
    });
    const r = await submitAndWatch(chain.api, chain.api.tx.jobs.submit(spec), bob);
    assert.equal(r.error, undefined, `submit failed: ${r.error}`);
    const job = Number(r.events.find((e) => e.name === 'jobs.Submitted').named.job);
    const before = await provider(r.blockHash);

    const record = await waitForVerdict(chain.api, job, { timeoutMs: 180_000 });
    assert.equal(record.status.type, 'Failed');
    assert.equal(record.status.asFailed.code.toNumber(), 5, 'BudgetExceeded');
    const { hash, parentHash } = await verdictBlock(chain.api, job);
    const errorFee = (await chain.api.query.jobs.params()).errorFee.toBigInt();
    // Alice is paid exactly the error fee for her time, from the escrow; Bob gets the rest.
    assert.equal(record.settlement.unwrap().paid.toBigInt(), errorFee);
    assert.equal(record.settlement.unwrap().refunded.toBigInt(), record.escrow.toBigInt() - errorFee);
    assert.equal(await free(alice.address, hash), (await free(alice.address, parentHash)) + errorFee);
    // Her bond and reputation are untouched, and nobody was slashed.
    const after = await provider(hash);
    assert.equal(after.bond.toBigInt(), before.bond.toBigInt());
    assert.equal(after.reputation.toNumber(), before.reputation.toNumber());
    const events = await (await chain.api.at(hash)).query.system.events();
    assert.ok(!events.some(({ event }) => event.section === 'providers' && event.method === 'Slashed'));
    console.log(`endless kernel: stopped at its 3 s budget, Alice paid ${errorFee} planck, bond intact`);
  });

  test("a vote cannot take its voter's job escrow: the job is paid in full", async () => {
    const { alice, bob, fresh } = await accounts();
    const api = chain.api;
    const voter = fresh();
    const funded = await submitAndWatch(api, api.tx.balances.transferKeepAlive(voter.address, 20n * UNIT), bob);
    assert.equal(funded.error, undefined, `funding failed: ${funded.error}`);
    // A poll to vote on: Bob proposes a remark on the small-spend track and places the
    // decision deposit.
    const poll = (await api.query.referenda.referendumCount()).toNumber();
    const proposal = api.tx.system.remarkWithEvent('escrow attack').method.toHex();
    const proposed = await submitAndWatch(
      api,
      api.tx.referenda.submit({ Dao: 'SmallSpender' }, { Inline: proposal }, { After: 1 }),
      bob,
    );
    assert.equal(proposed.error, undefined, `referenda.submit failed: ${proposed.error}`);
    const deposit = await submitAndWatch(api, api.tx.referenda.placeDecisionDeposit(poll), bob);
    assert.equal(deposit.error, undefined, `placeDecisionDeposit failed: ${deposit.error}`);

    // The voter submits a job: its escrow and storage deposit go on hold.
    const input = new Uint8Array(1000).map((_, i) => (i * 7 + 3) & 0xff);
    const submitted = await submitAndWatch(
      api,
      api.tx.jobs.submit(sha256Job(input, 100, { price: UNIT, deadline: 20 })),
      voter,
    );
    assert.equal(submitted.error, undefined, `submit failed: ${submitted.error}`);
    const job = Number(submitted.events.find((e) => e.name === 'jobs.Submitted').named.job);
    const account = async () => (await api.query.system.account(voter.address)).data;
    const before = await account();
    assert.ok(before.reserved.toBigInt() > UNIT, 'the escrow is on hold');

    // The escrow as vote capital: refused, and the failed call pays its fee.
    const vote = (capital) => api.tx.dao.vote(poll, { Standard: { aye: true, lock: 'None', capital } });
    const greedy = await submitAndWatch(api, vote(before.free.toBigInt() + before.reserved.toBigInt() - UNIT), voter);
    assert.equal(greedy.error, 'dao.InsufficientCapital');
    await assertFeeCharged(api, greedy, voter);

    // All it can vote with (one DCC stays free for fees) goes on hold for the vote.
    const capital = (await account()).free.toBigInt() - UNIT;
    const voted = await submitAndWatch(api, vote(capital), voter);
    assert.equal(voted.error, undefined, `vote failed: ${voted.error}`);
    assert.equal(await voteHeld(api, voter.address), capital);

    // The vote's capital cannot be a second job's escrow.
    const second = await submitAndWatch(
      api,
      api.tx.jobs.submit(sha256Job(input, 100, { price: 2n * UNIT, deadline: 20 })),
      voter,
    );
    assert.notEqual(second.error, undefined, "a second job took the vote's capital");
    assert.ok(!second.events.some((e) => e.name === 'jobs.Submitted'));

    // The first job is paid in full: Alice the price, the treasury the fee, exactly.
    const record = await waitForVerdict(api, job, { timeoutMs: 180_000 });
    assert.equal(record.status.type, 'Completed');
    const settlement = record.settlement.unwrap();
    assert.equal(settlement.paid.toBigInt(), UNIT);
    assert.equal(settlement.fee.toBigInt(), record.fee.toBigInt());
    assert.equal(settlement.refunded.toBigInt(), 0n);
    const { hash, parentHash } = await verdictBlock(api, job);
    assert.equal(await free(alice.address, hash), (await free(alice.address, parentHash)) + UNIT);
    assert.equal(await voteHeld(api, voter.address), capital, 'the vote keeps its capital');
    console.log(`escrow attack: the vote took ${capital} planck of free balance, the job paid ${UNIT} + fee`);
  });

  test('work stacked on one provider is queued, not missed: nobody is slashed', async () => {
    const { alice, bob } = await accounts();
    const api = chain.api;
    const provider = async (at) => (await (await api.at(at)).query.providers.providerRecords(alice.address)).unwrap();
    const params = await api.query.jobs.params();
    // Kernels that run until their budget stops them: each takes exactly its budget, 6 of
    // the 8 blocks of compute its commit window allows. Run one after the other, the third
    // and fourth would end after their windows.
    const deadline = 8;
    const budgetMs = 6 * params.computeMsPerBlock.toNumber();
    const spec = sourceJob(endlessKernel, 'spin', new Uint8Array([2]), [16, 1, 1], 1, {
      price: UNIT,
      deadline,
      budgetMs,
    });
    // Sent at once, with consecutive nonces: they land in the same block or the next.
    const nonce = (await api.rpc.system.accountNextIndex(bob.address)).toNumber();
    const sent = await Promise.all(
      [0, 1, 2, 3].map((i) => submitAndWatch(api, api.tx.jobs.submit(spec), bob, { nonce: nonce + i })),
    );
    const jobs = sent.map((r) => {
      assert.equal(r.error, undefined, `submit failed: ${r.error}`);
      return Number(r.events.find((e) => e.name === 'jobs.Submitted').named.job);
    });
    const before = await provider(sent[0].blockHash);

    const errorFee = params.errorFee.toBigInt();
    let last;
    for (const job of jobs) {
      const record = await waitForVerdict(api, job, { timeoutMs: 300_000 });
      // Each stopped at its budget and attested as such: Alice paid for her time.
      assert.equal(record.status.type, 'Failed', `job ${job}: ${record.status.type}`);
      assert.equal(record.status.asFailed.code.toNumber(), 5, 'BudgetExceeded');
      assert.equal(record.settlement.unwrap().paid.toBigInt(), errorFee);
      assert.ok(
        record.assigned.every((r) => r.state.isRevealed),
        `job ${job}: a replica did not reveal`,
      );
      last = await verdictBlock(api, job);
    }
    // Alice's bond and reputation are what they were: no no-show, no slash.
    const after = await provider(last.hash);
    assert.equal(after.bond.toBigInt(), before.bond.toBigInt(), 'Alice was slashed');
    assert.equal(after.reputation.toNumber(), before.reputation.toNumber());
    console.log(
      `stacked jobs: 4 jobs of ${budgetMs} ms in windows of ${deadline} blocks, all attested in time, Alice's bond intact`,
    );
  });

  test('the queue is not free to hold: unmeetable jobs are refused, waiting ones pay per round', async () => {
    const { alice, bob } = await accounts();
    const api = chain.api;
    const info = (await api.query.providers.providerRecords(alice.address)).unwrap();
    const memory = info.capabilities.memoryMib.toNumber();
    const input = new Uint8Array(100).map((_, i) => i);

    // More memory than Alice has, in her memory's power of two: nobody could take it.
    const tierTop = 2 ** Math.floor(Math.log2(memory)) * 2 - 1;
    const needs = Math.min(memory + 1, tierTop);
    let refusedMib = 'none (her memory is at the top of its power of two)';
    if (needs > memory) {
      const requirements = { kind: 'Cpu', minMemoryMib: needs, minReputation: 0, sameDeviceClass: false };
      const refused = await submitAndWatch(
        api,
        api.tx.jobs.submit(sha256Job(input, 100, { price: UNIT, requirements })),
        bob,
      );
      assert.equal(refused.error, 'jobs.NoProviders');
      await assertFeeCharged(api, refused, bob);
      refusedMib = `${needs} MiB (Alice declares ${memory})`;
    }

    // A job Alice meets but whose price her bond does not back: it waits in the queue.
    const params = await api.query.jobs.params();
    const price = info.bond.toBigInt() + 1n;
    const submitted = await submitAndWatch(api, api.tx.jobs.submit(sha256Job(input, 100, { price })), bob);
    assert.equal(submitted.error, undefined, `submit failed: ${submitted.error}`);
    const job = Number(submitted.events.find((e) => e.name === 'jobs.Submitted').named.job);
    const deposit = (await api.query.jobs.jobRecords.at(submitted.blockHash, job)).unwrap().deposit.toBigInt();
    await waitFor(
      'five rounds in the queue',
      async () => (await api.query.jobs.jobRecords(job)).unwrap().queuedFor.toNumber() >= 5,
    );

    // Bob cancels: the escrow returns whole; each round waited cost the round's fee.
    const cancelled = await submitAndWatch(api, api.tx.jobs.cancel(job), bob);
    assert.equal(cancelled.error, undefined, `cancel failed: ${cancelled.error}`);
    const record = (await api.query.jobs.jobRecords.at(cancelled.blockHash, job)).unwrap();
    const rounds = BigInt(record.queuedFor.toNumber());
    const perRound = params.queueFeePerRound.toBigInt();
    assert.equal(record.queuePaid.toBigInt(), rounds * perRound);
    assert.equal(record.deposit.toBigInt(), deposit - rounds * perRound);
    assert.equal(record.settlement.unwrap().refunded.toBigInt(), record.escrow.toBigInt());
    const cleared = await submitAndWatch(api, api.tx.jobs.clear(job), bob);
    assert.equal(cleared.error, undefined, `clear failed: ${cleared.error}`);
    const event = cleared.events.find((e) => e.name === 'jobs.Cleared');
    assert.equal(BigInt(event.named.deposit), deposit - rounds * perRound);
    console.log(
      `queue: refused ${refusedMib}; ${rounds} rounds waited cost ${rounds * perRound} planck of a ${deposit} planck deposit`,
    );
  });
});
