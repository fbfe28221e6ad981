// Client side of compute jobs, shared by `scripts/job` and the end-to-end tests: build job
// specs for the built-in kernels and OpenCL C sources, submit them, wait for the verdict,
// and fetch the output (on chain when short, else by content from any node that holds it, or
// from a provider node's `compute_jobResult`), checked against the result hash on chain.

import { hexToU8a, u8aToHex } from '@polkadot/util';
import { contentId, fetchData, readData } from './data.mjs';

/** Requirements every development provider meets: a CPU device, nothing more. */
export const anyCpu = { kind: 'Cpu', minMemoryMib: 0, minReputation: 0, sameDeviceClass: false };

function spec(kernel, input, workSize, outputLen, opts) {
  return {
    kernel,
    // An input given by content (`opts.inputContent`, `{ root, len }` from `uploadData` in
    // data.mjs) is not sent inline: providers fetch it from the peers that hold it.
    input: opts.inputContent ? '0x' : u8aToHex(input),
    inputContent: opts.inputContent ?? null,
    workSize,
    outputLen,
    replicas: opts.replicas ?? 1,
    requirements: opts.requirements ?? anyCpu,
    pricePerReplica: opts.price,
    deadline: opts.deadline ?? 20,
    // Wall time a provider spends on it before attesting that it ran past its budget
    // (paid as time): at most a minute, and 3 s per block of the deadline.
    computeBudgetMs: opts.budgetMs ?? 10_000,
  };
}

// Built-in kernels and their parameters are typed in the chain's metadata: polkadot.js
// encodes them from plain objects.
const builtIn = (kernel, params) => ({ BuiltIn: { [kernel]: params } });

/**
 * An OpenCL C kernel that never ends (entry `spin`): what a job that runs past its compute
 * budget looks like.
 */
export const endlessKernel = `
__kernel void spin(__global const uchar *input, uint input_len, __global uchar *output, uint output_len) {
  volatile uint x = input_len;
  while (x != 0xffffffffu || input_len != 12345u) { x = x * 1664525u + 1013904223u; }
  output[0] = (uchar)x;
}`;

/** SHA-256 of each `blockLen`-byte block of `input`; output: the 32-byte digests. */
export function sha256Job(input, blockLen, opts) {
  if (blockLen <= 0 || input.length % blockLen !== 0) throw new Error('the input must be whole blocks');
  const blocks = input.length / blockLen;
  return spec(builtIn('Sha256Batch', { blockLen }), input, [blocks, 1, 1], 32 * blocks, opts);
}

/** Product of two n x n i32 matrices drawn from the kernel's RNG with `seed`. */
export function matmulJob(n, seed, opts) {
  return spec(builtIn('MatMulI32', { n, seed }), new Uint8Array(), [n, n, 1], 4 * n * n, opts);
}

/** Monte-Carlo π: `items` work-items of `samples` points each; output: u32 hit counts. */
export function monteCarloJob(items, samples, seed, opts) {
  return spec(
    builtIn('MonteCarloPi', { samplesPerItem: samples, seed }),
    new Uint8Array(),
    [items, 1, 1],
    4 * items,
    opts,
  );
}

/**
 * A quantised network (`QuantizedNet`): `input` is the model's `modelLen` bytes then
 * `batch` samples; each sample's result is `resultLen` bytes (1 with argmax last).
 */
export function quantizedNetJob(input, modelLen, batch, resultLen, opts) {
  return spec(builtIn('QuantizedNet', { modelLen, batch }), input, [batch, 1, 1], batch * resultLen, opts);
}

/** Product of two n x n f32 matrices drawn from the kernel's RNG with `seed`, reproducible bit for bit. */
export function matmulF32Job(n, seed, opts) {
  return spec(builtIn('MatMulF32', { n, seed }), new Uint8Array(), [n, n, 1], 4 * n * n, opts);
}

/**
 * A dense f32 layer (`DenseF32`): `input` holds the weights (`outputs × inputs`), the
 * biases, then `batch` samples of `inputs` values, little-endian f32; output: `batch ×
 * outputs` f32.
 */
export function denseF32Job(input, inputs, outputs, batch, relu, opts) {
  const params = { inputs, outputs, batch, relu };
  return spec(builtIn('DenseF32', params), input, [outputs, batch, 1], 4 * outputs * batch, opts);
}

/**
 * The ray tracer (`RayTrace`): `scene` is the encoded scene (`encodeScene` in scene.mjs);
 * output: a `width × height` RGB image.
 */
export function rayTraceJob(scene, { width, height, samples, bounces }, opts) {
  const params = { width, height, samples, bounces };
  return spec(builtIn('RayTrace', params), scene, [width, height, 1], 3 * width * height, opts);
}

/**
 * OpenCL C source; its kernel `entry` takes
 * `(__global const uchar *input, uint input_len, __global uchar *output, uint output_len)`.
 */
export function sourceJob(source, entry, input, workSize, outputLen, opts) {
  const text = new TextEncoder();
  return spec(
    { Source: { source: u8aToHex(text.encode(source)), entry: u8aToHex(text.encode(entry)) } },
    input,
    workSize,
    outputLen,
    opts,
  );
}

/** π from a Monte-Carlo output. */
export function piFrom(output, samples) {
  const view = new DataView(output.buffer, output.byteOffset, output.byteLength);
  let hits = 0n;
  for (let i = 0; i < output.length; i += 4) hits += BigInt(view.getUint32(i, true));
  return (4 * Number(hits)) / ((output.length / 4) * samples);
}

/** The job's kernel, input and work size on chain, or null once cleared. */
export async function jobPayload(api, job) {
  const payload = await api.query.jobs.jobPayloads(job);
  return payload.isSome ? payload.unwrap() : null;
}

/** The job's record on chain, or null once cleared. */
export async function jobRecord(api, job) {
  const record = await api.query.jobs.jobRecords(job);
  return record.isSome ? record.unwrap() : null;
}

/** Waits until `job` is finished (completed, failed, unresolved or cancelled). */
export async function waitForVerdict(api, job, { timeoutMs = 300_000, onStatus } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    const record = await jobRecord(api, job);
    if (!record) throw new Error(`job ${job} does not exist (or was cleared)`);
    const status = record.status.type;
    if (status !== last) onStatus?.(status, record);
    last = status;
    if (['Completed', 'Failed', 'Unresolved', 'Cancelled'].includes(status)) return record;
    if (Date.now() > deadline) throw new Error(`job ${job} is still ${status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * The block whose events settle `job` (`Completed`, `Failed` or `Unresolved`): its number,
 * hash, parent hash and the event. Searched on the finalized chain, waiting up to
 * `timeoutMs` for the verdict to be finalized: a block of the best chain may still lose to
 * a fork (two authors in one slot), and its state is discarded once the other is final.
 */
export async function verdictBlock(api, job, { timeoutMs = 120_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let searched = 0; // finalized blocks up to this number hold no verdict for `job`
  for (;;) {
    const finalized = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
    for (let n = finalized; n > searched; n--) {
      const hash = await api.rpc.chain.getBlockHash(n);
      const events = await (await api.at(hash)).query.system.events();
      const found = events.find(
        ({ event }) =>
          event.section === 'jobs' &&
          ['Completed', 'Failed', 'Unresolved'].includes(event.method) &&
          event.data[0].toNumber() === job,
      );
      if (found) {
        const { parentHash } = await api.rpc.chain.getHeader(hash);
        return { number: n, hash, parentHash, event: found.event };
      }
    }
    searched = finalized;
    if (Date.now() > deadline) throw new Error(`no finalized verdict event for job ${job} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * How long `job` took from the block that included its submission to its verdict (from
 * `verdictBlock`): in blocks, and in seconds by the two blocks' timestamps. The submission's
 * block is the finalized chain's at the job's `submitted_at`, not the block a client saw it
 * in first: that one may have lost to a fork, its state discarded.
 */
export async function verdictLatency(api, job, verdict) {
  const record = (await (await api.at(verdict.hash)).query.jobs.jobRecords(job)).unwrap();
  const submittedIn = await api.rpc.chain.getBlockHash(record.submittedAt.toNumber());
  const at = async (hash) => ({
    number: (await api.rpc.chain.getHeader(hash)).number.toNumber(),
    ms: (await (await api.at(hash)).query.timestamp.now()).toNumber(),
  });
  const [from, to] = [await at(submittedIn), await at(verdict.hash)];
  return { blocks: to.number - from.number, seconds: (to.ms - from.ms) / 1000 };
}

/**
 * The output of a completed job, checked against the result hash on chain (the output's
 * content root): from the chain when it was short enough to be stored there; else by
 * content through the node at `via` (an HTTP URL of a node whose unsafe RPC answers: it
 * fetches the output from any peer that holds it, chunk by chunk checked); else from
 * `compute_jobResult` of the provider nodes at `rpcUrls`.
 */
export async function fetchOutput(api, job, { via, rpcUrls = [] } = {}) {
  const record = await jobRecord(api, job);
  if (!record || !record.status.isCompleted) throw new Error(`job ${job} has no agreed output`);
  const expected = record.resultHash.unwrap().toHex();
  const matches = (output) => contentId(output).root === expected;
  if (record.output.isSome) {
    const output = record.output.unwrap().toU8a(true);
    if (!matches(output)) throw new Error('the output on chain does not match its hash');
    return { output, source: 'chain' };
  }
  const errors = [];
  if (via) {
    const content = { root: expected, len: record.outputLen.toNumber() };
    // The providers serve the output from the first block they import that shows the
    // verdict: a client that saw it first tries again a few times.
    for (let attempt = 1; ; attempt++) {
      try {
        await fetchData(via, content);
        return { output: await readData(via, content), source: `${via} (by content)` };
      } catch (e) {
        if (attempt < 4 && /no peer supplied/.test(e.message)) {
          await new Promise((resolve) => setTimeout(resolve, 2000));
          continue;
        }
        errors.push(`${via}: ${e.message}`);
        break;
      }
    }
  }
  for (const url of rpcUrls) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ id: 1, jsonrpc: '2.0', method: 'compute_jobResult', params: [job] }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = await res.json();
      if (body.error) throw new Error(body.error.message);
      const output = hexToU8a(body.result);
      if (!matches(output)) throw new Error('its output does not match the hash on chain');
      return { output, source: url };
    } catch (e) {
      errors.push(`${url}: ${e.message}`);
    }
  }
  throw new Error(`no node served job ${job}'s output: ${errors.join('; ')}`);
}
