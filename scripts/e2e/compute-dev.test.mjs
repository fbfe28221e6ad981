// The product's main path on `--dev`, with nothing set up by hand: a job submitted over
// JSON-RPC is computed with OpenCL (PoCL on this machine) by Alice's node, committed,
// revealed, verified and paid, and its output fetched over RPC matches an independent
// reference. Also a broken kernel, agreed on as an error with the submitter refunded.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { u8aToHex } from '@polkadot/util';

import { UNIT, accounts, heads, submitAndWatch, useDevChain, waitFor } from './lib/harness.mjs';
import {
  fetchOutput,
  matmulJob,
  sha256Job,
  sourceJob,
  verdictBlock,
  verdictLatency,
  waitForVerdict,
} from '../client/jobs.mjs';
import { matmulGenerated, sha256Batch } from './lib/reference.mjs';

const ports = { rpcPort: 19950, p2pPort: 31340, prometheusPort: 19620 };

describe('compute on the dev chain', () => {
  const chain = useDevChain(ports);

  const free = async (who, at) =>
    (await (at ? await chain.api.at(at) : chain.api).query.system.account(who)).data.free.toBigInt();

  /** Submits `spec` as `signer`; resolves with the job id and the submission result. */
  async function submit(spec, signer) {
    const r = await submitAndWatch(chain.api, chain.api.tx.jobs.submit(spec), signer);
    assert.equal(r.error, undefined, `submit failed: ${r.error}`);
    return { job: Number(r.events.find((e) => e.name === 'jobs.Submitted').named.job), r };
  }

  test('a job is computed by the dev provider, verified, paid, and served over RPC', async () => {
    const { alice, bob } = await accounts();
    const price = UNIT;
    // 64 blocks of 100 bytes: a 2 KiB output, too long for the chain, served by the node.
    const input = new Uint8Array(6400).map((_, i) => (i * 7 + 3) & 0xff);
    const spec = sha256Job(input, 100, { price, deadline: 20 });
    const aliceBefore = await free(alice.address);
    const { job } = await submit(spec, bob);
    const included = Date.now();

    const record = await waitForVerdict(chain.api, job, { timeoutMs: 180_000 });
    assert.equal(record.status.type, 'Completed');
    assert.equal(record.assigned.length, 1);
    assert.equal(record.assigned[0].provider.toString(), alice.address);
    const revealed = record.assigned[0].state.asRevealed;
    assert.equal(revealed.meta.errorCode.isNone, true);
    assert.equal(revealed.meta.outputLen.toNumber(), 2048);
    assert.equal(record.output.isNone, true, 'a 2 KiB output stays off chain');

    // Latency: from the submission's block to the verdict, then to its finality.
    const verdict = await verdictBlock(chain.api, job);
    const latency = await verdictLatency(chain.api, job, verdict);
    await waitFor('the verdict to be finalized', async () => (await heads(ports.rpcPort)).finalized >= verdict.number, {
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    console.log(
      `latency r=1 on --dev: verdict ${latency.blocks} blocks (${latency.seconds} s) after the submission's block; finalized ${((Date.now() - included) / 1000).toFixed(1)} s after the submission's inclusion`,
    );

    // The node's Prometheus endpoint shows the task and the device it ran on.
    const metrics = await (await fetch(`http://127.0.0.1:${ports.prometheusPort}/metrics`)).text();
    // Each line is `name{labels} value`; the node adds a `chain` label to every metric.
    const value = (name) => Number(metrics.match(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm'))?.[1]);
    assert.ok(value('depin_compute_tasks_done_total') >= 1, metrics);
    assert.ok(value('depin_compute_kernel_seconds_count') >= 1);
    assert.equal(value('depin_compute_tasks_running'), 0);
    assert.match(metrics, /^depin_compute_device_info\{.*kind="Cpu".*\} 1$/m);

    // Alice's provider account was paid the price (she signs nothing herself: her operator key does).
    assert.equal(await free(alice.address, verdict.hash), aliceBefore + price);

    // The output, from the node's compute_jobResult, matches node:crypto's SHA-256...
    const url = `http://127.0.0.1:${ports.rpcPort}`;
    const { output, source } = await fetchOutput(chain.api, job, { rpcUrls: [url] });
    assert.equal(source, url);
    assert.equal(u8aToHex(output), u8aToHex(sha256Batch(input, 100)));
    // ...and so does the same output by content (its root is the result hash) from the data store.
    const byContent = await fetchOutput(chain.api, job, { via: url });
    assert.equal(byContent.source, `${url} (by content)`);
    assert.equal(u8aToHex(byContent.output), u8aToHex(output));
  });

  test('a short output is stored on chain and equals the reference', async () => {
    const { bob } = await accounts();
    const n = 12; // 576 bytes: inline
    const { job } = await submit(matmulJob(n, 99n, { price: UNIT / 10n }), bob);
    const record = await waitForVerdict(chain.api, job, { timeoutMs: 180_000 });
    assert.equal(record.status.type, 'Completed');
    const { output, source } = await fetchOutput(chain.api, job);
    assert.equal(source, 'chain');
    assert.equal(u8aToHex(output), u8aToHex(matmulGenerated(n, 99n)));
  });

  test('a kernel that does not build is agreed on as an error and the submitter refunded', async () => {
    const { bob } = await accounts();
    const price = UNIT;
    const spec = sourceJob('__kernel void k(__global uchar *o) { not C }', 'k', new Uint8Array(), [1, 1, 1], 4, {
      price,
    });
    const { job } = await submit(spec, bob);
    const record = await waitForVerdict(chain.api, job, { timeoutMs: 180_000 });
    assert.equal(record.status.type, 'Failed');
    assert.equal(record.status.asFailed.code.toNumber(), 2, 'BuildFailed');
    const s = record.settlement.unwrap();
    const errorFee = (await chain.api.query.jobs.params()).errorFee.toBigInt();
    assert.equal(s.paid.toBigInt(), errorFee, 'the provider gets the error fee');
    assert.equal(s.fee.toBigInt(), 0n);
    assert.equal(s.paid.toBigInt() + s.refunded.toBigInt(), record.escrow.toBigInt(), 'nothing lost');
  });
});
