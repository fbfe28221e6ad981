// Test harness: real depin-node processes started through the project's own scripts,
// plain JSON-RPC over HTTP, and the polkadot.js API over WebSocket through the chain
// client the job CLI uses (`scripts/client/chain.mjs`).

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Keyring } from '@polkadot/keyring';
import { u8aToHex, stringToU8a } from '@polkadot/util';
import { blake2AsU8a, cryptoWaitReady } from '@polkadot/util-crypto';

import { UNIT, accounts, connect as connectUrl, submitAndWatch } from '../../client/chain.mjs';

export { UNIT, accounts, submitAndWatch };

/** The polkadot.js API connected to the node whose JSON-RPC listens on loopback `port`. */
export const connect = (port) => connectUrl(`ws://127.0.0.1:${port}`);

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const scriptsDir = join(repoRoot, 'scripts');

/** The node binary under test: `scripts/env.sh` exports it; a release build by default. */
export const nodeBinary =
  process.env.DEPIN_NODE ??
  join(process.env.CARGO_TARGET_DIR ?? join(process.env.HOME, '.cache/depin-target'), 'release/depin-node');

/**
 * The same node built with the `fault-injection` feature (`--compute-fault`), which
 * `scripts/test` builds beside it. Never the node users run.
 */
export const faultyNodeBinary = process.env.DEPIN_FAULTY_NODE ?? join(dirname(nodeBinary), 'depin-node-faulty');

/**
 * The next runtime: this runtime built with `spec_version` + 1 (feature
 * `next-spec-version`), which the runtime's build script builds beside the node's, for the
 * upgrade test.
 */
export const nextRuntimeWasm =
  process.env.DEPIN_NEXT_RUNTIME ??
  join(dirname(nodeBinary), 'wbuild/depin-runtime/depin_runtime_next.compact.compressed.wasm');

/**
 * The fast runtime: this runtime on two-second slots with every period's block count
 * unchanged (feature `fast-runtime`), which the runtime's build script builds beside the
 * node's. The
 * tests whose subject is not the clock run on it, three times sooner; those that measure
 * time (verdict latency, finality after a crash, the runtime upgrade) stay on the real one.
 */
export const fastRuntimeWasm =
  process.env.DEPIN_FAST_RUNTIME ??
  join(dirname(nodeBinary), 'wbuild/depin-runtime/depin_runtime_fast.compact.compressed.wasm');

/**
 * The `--chain` of built-in chain `name` (`dev`, `local`) on `runtime`: `'real'` (the
 * runtime the node embeds) or `'fast'` (see `fastRuntimeWasm`).
 */
export function chainId(name, runtime) {
  if (runtime === 'real') return name;
  if (runtime === 'fast') {
    if (!existsSync(fastRuntimeWasm)) {
      throw new Error(
        `no fast runtime at ${fastRuntimeWasm}: the runtime's build script builds it with the node (scripts/test)`,
      );
    }
    return `${name}:${fastRuntimeWasm}`;
  }
  throw new Error(`unknown runtime '${runtime}' (real or fast)`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor(what, check, { timeoutMs = 60_000, intervalMs = 500 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}` + (lastError ? `: ${lastError}` : ''));
    }
    await sleep(intervalMs);
  }
}

/** A JSON-RPC call over HTTP to a node on loopback. */
export async function rpc(port, method, params = []) {
  const res = await fetch(`http://127.0.0.1:${port}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: 1, jsonrpc: '2.0', method, params }),
    signal: AbortSignal.timeout(5_000),
  });
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

/** Best and finalized block numbers of the node at `port`. */
export async function heads(port) {
  const best = await rpc(port, 'chain_getHeader');
  const finalizedHash = await rpc(port, 'chain_getFinalizedHead');
  const finalized = await rpc(port, 'chain_getHeader', [finalizedHash]);
  return { best: Number(best.number), finalized: Number(finalized.number), finalizedHash };
}

/** The hash of block `number` in the node's canonical chain. */
export const blockHash = (port, number) => rpc(port, 'chain_getBlockHash', [number]);

/** Environment for the project's scripts: use the built node, never rebuild in a test. */
export function scriptEnv(extra = {}) {
  return { ...process.env, DEPIN_SKIP_BUILD: '1', DEPIN_NODE: nodeBinary, ...extra };
}

/** Runs a project script (or any command) to completion; returns status and output. */
export function run(command, args, { env = scriptEnv(), timeoutMs = 120_000 } = {}) {
  // A chain spec carries the runtime's wasm: well over spawnSync's default 1 MiB of output.
  const r = spawnSync(command, args, { env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** A scratch directory removed by `cleanup()`. */
export function scratchDir(prefix) {
  const path = mkdtempSync(join(tmpdir(), `depin-${prefix}-`));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** The validators of the local testnet's genesis, in port order. */
export const testnetNames = ['alice', 'bob', 'charlie', 'dave'];
/** Every node `scripts/local-testnet` can run: Eve's (port index 4) joins on request. */
const allNodeNames = [...testnetNames, 'eve'];

/**
 * A local testnet run by `scripts/local-testnet` in a scratch directory, on ports shifted
 * by `offset`, on `runtime` (`'real'` or `'fast'`, see `chainId`). `testnet(args,
 * extraEnv)` runs the script and asserts it succeeded;
 * `guard(fn)` wraps a test so that a failure is remembered; `teardown()` prints every
 * node's log tail after a failure, stops the nodes and removes the directory.
 */
export function localTestnet(prefix, offset, { runtime = 'real' } = {}) {
  const state = scratchDir(prefix);
  const chain = chainId('local', runtime);
  const env = (extra = {}) =>
    scriptEnv({ DEPIN_TESTNET_DIR: state.path, DEPIN_PORT_OFFSET: String(offset), DEPIN_CHAIN: chain, ...extra });
  const script = join(scriptsDir, 'local-testnet');
  let failed = false;
  return {
    rpcPort: (name) => 9944 + offset + allNodeNames.indexOf(name),
    /** The process id of a running node. */
    pid: (name) => Number(readFileSync(join(state.path, name, 'pid'), 'utf8')),
    /** Waits until each of the four genesis nodes sees the three others. */
    allConnected: () =>
      waitFor(
        'every node to see three peers',
        async () => {
          const ports = testnetNames.map((n) => 9944 + offset + allNodeNames.indexOf(n));
          const health = await Promise.all(ports.map((port) => rpc(port, 'system_health')));
          return health.every((h) => h.peers === 3);
        },
        { timeoutMs: 90_000 },
      ),
    testnet(args, extra) {
      const r = run(script, args, { env: env(extra), timeoutMs: 180_000 });
      assert.equal(r.status, 0, `local-testnet ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
      return r.stdout;
    },
    guard: (fn) => async () => {
      try {
        await fn();
      } catch (e) {
        failed = true;
        throw e;
      }
    },
    teardown() {
      if (failed) {
        for (const name of allNodeNames) {
          try {
            const log = readFileSync(join(state.path, 'logs', `${name}.log`), 'utf8');
            console.error(`--- ${name}.log (tail) ---\n${log.split('\n').slice(-40).join('\n')}`);
          } catch {}
        }
      }
      run(script, ['stop'], { env: env() });
      state.cleanup();
    },
  };
}

/**
 * Starts the development chain through `scripts/run-dev` on the given ports, on `runtime`
 * (`'real'` or `'fast'`, see `chainId`), and waits until it answers JSON-RPC. The returned
 * `stop()` ends it with SIGTERM (then SIGKILL).
 */
export async function startDevChain({ rpcPort, p2pPort, prometheusPort }, { runtime = 'real' } = {}) {
  const output = [];
  const args = runtime === 'real' ? [] : ['--chain', chainId('dev', runtime)];
  const proc = spawn(join(scriptsDir, 'run-dev'), args, {
    env: scriptEnv({
      DEPIN_RPC_PORT: String(rpcPort),
      DEPIN_P2P_PORT: String(p2pPort),
      DEPIN_PROMETHEUS_PORT: String(prometheusPort),
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk) => {
    output.push(chunk.toString());
    if (output.length > 400) output.splice(0, output.length - 400);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  const exited = new Promise((r) => proc.once('exit', (code, signal) => r({ code, signal })));

  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitFor('the dev node to answer JSON-RPC', async () => {
      if (proc.exitCode !== null) throw new Error(`run-dev exited with ${proc.exitCode}`);
      return rpc(rpcPort, 'system_health');
    });
  } catch (e) {
    await stop();
    throw new Error(`${e.message}\n--- node output ---\n${output.join('').slice(-4000)}`, { cause: e });
  }
  return { proc, rpcPort, stop, log: () => output.join('') };
}

/**
 * The dev chain of a test file: started through `scripts/run-dev` on `ports` (on `runtime`,
 * see `chainId`) before the file's tests, stopped after them. `chain.api` is the
 * polkadot.js API connected to it, `chain.node` the running node (see `startDevChain`).
 */
export function useDevChain(ports, { runtime = 'real' } = {}) {
  const chain = { ports, node: undefined, api: undefined };
  before(async () => {
    chain.node = await startDevChain(ports, { runtime });
    chain.api = await connect(ports.rpcPort);
  });
  after(async () => {
    await chain.api?.disconnect();
    await chain.node?.stop();
  });
  return chain;
}

/**
 * The local testnet of `localTestnet(prefix, offset, { runtime })`, started before the
 * suite's tests with every node seeing the three others, and stopped after them. `net.api` talks to
 * Dave's node (he validates and computes nothing); `net.who` holds Alice, Bob and Charlie
 * (the providers, their addresses in `net.who.providers`).
 */
export function useComputeTestnet(prefix, offset, { runtime = 'real' } = {}) {
  const net = { ...localTestnet(prefix, offset, { runtime }), api: undefined, who: undefined };
  before(async () => {
    net.testnet(['start']);
    net.api = await connect(net.rpcPort('dave'));
    const { alice, bob, charlie } = await accounts();
    net.who = { alice, bob, charlie, providers: [alice.address, bob.address, charlie.address] };
    await net.allConnected();
  });
  after(async () => {
    await net.api?.disconnect();
    net.teardown();
  });
  return net;
}

/**
 * The token holders who vote in the tests' referenda: endowed development accounts, none of
 * them a provider (Dave validates on the testnet).
 */
export function tokenHolders() {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  return ['//Dave', '//Eve', '//Alice//stash', '//Bob//stash', '//Charlie//stash', '//Dave//stash'].map((uri) =>
    keyring.addFromUri(uri),
  );
}

/**
 * Asserts that the extrinsic whose result `r` (from `submitAndWatch`) is given charged
 * `signer` a fee, and that its free balance fell by exactly that fee in the block: a call
 * that must not be free. Returns the fee.
 */
export async function assertFeeCharged(api, r, signer) {
  const paid = r.events.find((e) => e.name === 'transactionPayment.TransactionFeePaid');
  assert.ok(paid, 'the fee was charged');
  const fee = BigInt(paid.named.actualFee);
  assert.ok(fee > 0n);
  const { parentHash } = await api.rpc.chain.getHeader(r.blockHash);
  const free = async (hash) => (await (await api.at(hash)).query.system.account(signer.address)).data.free.toBigInt();
  assert.equal(await free(r.blockHash), (await free(parentHash)) - fee, 'the signer paid exactly the fee');
  return fee;
}

/** What `address`'s token-house votes hold (`balances.holds`, reason `Dao: Vote`). */
export async function voteHeld(api, address) {
  const holds = await api.query.balances.holds(address);
  return holds
    .filter((h) => JSON.stringify(h.id.toJSON()) === JSON.stringify({ dao: 'Vote' }))
    .reduce((sum, h) => sum + h.amount.toBigInt(), 0n);
}

/** `value × parts / 1e9`, rounded to the nearest, halves down: how `Perbill × value` rounds. */
export function perbill(parts, value) {
  const num = value * parts;
  const q = num / 1_000_000_000n;
  return (num % 1_000_000_000n) * 2n > 1_000_000_000n ? q + 1n : q;
}

/**
 * What the treasury received in block `hash` from other than the jobs pallet: the reward
 * pot's transfers (an era's treasury share and what the last era did not pay out, in an
 * era's first block) and the DAO's share of every transaction fee paid in the block.
 * Tests that count what the jobs pallet sent the treasury take it off.
 */
export async function treasuryIncomeBesidesJobs(api, hash) {
  const pot = api.consts.delegation.rewardPot.toString();
  const treasury = api.consts.jobs.treasury.toString();
  const at = await api.at(hash);
  const events = await at.query.system.events();
  const share = (await at.query.dao.params()).treasuryFeeShare.toBigInt();
  const emission = events
    .filter(({ event }) => event.section === 'balances' && event.method === 'Transfer')
    .filter(({ event }) => event.data[0].toString() === pot && event.data[1].toString() === treasury)
    .reduce((sum, { event }) => sum + event.data[2].toBigInt(), 0n);
  const fees = events
    .filter(({ event }) => event.section === 'transactionPayment' && event.method === 'TransactionFeePaid')
    .reduce((sum, { event }) => sum + perbill(share, event.data[1].toBigInt()), 0n);
  return emission + fees;
}

/**
 * Passes `call` by referendum on the track of DAO origin `origin` (`Parameters`,
 * `SmallSpender`, ...), as people would from polkadot.js apps: Ferdie submits it and
 * places the decision deposit, the token holders in `tokenVoters` vote aye (nay if `tokenAye` is false) with all their
 * free balance and what their earlier votes hold but one DCC (left for fees) and `lock` (`None`, `OnePeriod`, ...), and the providers in `providers` vote `workVote` in the work house. Resolves
 * with the referendum's index, its final state (`approved` or `rejected`, ...) and the block
 * it ended in once it is decided, and, if approved, once the scheduler has dispatched its call (with the
 * dispatch's result).
 */
export async function referendum(
  api,
  call,
  origin,
  { tokenVoters = [], tokenAye = true, lock = 'None', providers = [], workVote = 'Aye', timeoutMs = 240_000 } = {},
) {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const ferdie = keyring.addFromUri('//Ferdie');
  const index = (await api.query.referenda.referendumCount()).toNumber();
  const submitted = await submitAndWatch(
    api,
    api.tx.referenda.submit({ Dao: origin }, { Inline: call.method.toHex() }, { After: 1 }),
    ferdie,
  );
  if (submitted.error) throw new Error(`referenda.submit failed: ${submitted.error}`);
  const deposit = await submitAndWatch(api, api.tx.referenda.placeDecisionDeposit(index), ferdie);
  if (deposit.error) throw new Error(`placeDecisionDeposit failed: ${deposit.error}`);
  const votes = [
    ...tokenVoters.map(async (signer) => {
      // What its earlier votes hold can vote again; one DCC stays free for fees.
      const free = (await api.query.system.account(signer.address)).data.free.toBigInt();
      const capital = free + (await voteHeld(api, signer.address)) - UNIT;
      const vote = { Standard: { aye: tokenAye, lock, capital } };
      return submitAndWatch(api, api.tx.dao.vote(index, vote), signer);
    }),
    ...providers.map((signer) => submitAndWatch(api, api.tx.dao.voteAsProvider(index, workVote), signer)),
  ];
  for (const r of await Promise.all(votes)) {
    if (r.error) throw new Error(`a vote failed: ${r.error}`);
  }
  const info = await waitFor(
    `referendum ${index} to be decided`,
    async () => {
      const info = (await api.query.referenda.referendumInfoFor(index)).unwrap();
      return !info.isOngoing && info;
    },
    { timeoutMs, intervalMs: 1000 },
  );
  const state = info.type.toLowerCase();
  const ended = info[`as${info.type}`][0].toNumber();
  let dispatched;
  if (state === 'approved') {
    // Referenda schedules the enactment under blake2_256(("assembly", "enactment", index)).
    const task = u8aToHex(
      blake2AsU8a(api.createType('([u8; 8], Text, u32)', [stringToU8a('assembly'), 'enactment', index]).toU8a()),
    );
    const from = (await api.rpc.chain.getHeader()).number.toNumber() - 3;
    dispatched = await waitFor(
      `referendum ${index}'s call to be dispatched`,
      async () => {
        const head = (await api.rpc.chain.getHeader()).number.toNumber();
        for (let n = from; n <= head; n++) {
          const hash = await api.rpc.chain.getBlockHash(n);
          const found = (await (await api.at(hash)).query.system.events()).find(
            ({ event }) =>
              event.section === 'scheduler' && event.method === 'Dispatched' && event.data[1].toHex() === task,
          );
          if (found) return { result: found.event.data[2].toJSON(), blockHash: hash.toHex() };
        }
        return false;
      },
      { timeoutMs: 60_000, intervalMs: 2000 },
    );
  }
  return { index, state, ended, dispatched };
}
