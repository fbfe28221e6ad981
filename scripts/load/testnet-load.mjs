// Load on the four-validator local testnet: balance transfers from many accounts, then
// compute jobs from the same accounts, each block of both phases reported (see
// `scripts/load-testnet`). Loopback only; bounded in accounts, transactions and time.

import { parseArgs } from 'node:util';

import { Keyring } from '@polkadot/keyring';

import { UNIT, connect, localTestnet, waitFor } from '../e2e/lib/harness.mjs';
import { matmulJob } from '../client/jobs.mjs';

const { values: opts } = parseArgs({
  options: {
    accounts: { type: 'string', default: '32' },
    transfers: { type: 'string', default: '100' }, // per account
    jobs: { type: 'string', default: '8' }, // per account
    replicas: { type: 'string', default: '1' },
    n: { type: 'string', default: '8' }, // matrix size of each job
    offset: { type: 'string', default: '2300' },
    'max-seconds': { type: 'string', default: '600' }, // per phase
  },
});
const count = {
  accounts: Number(opts.accounts),
  transfers: Number(opts.transfers),
  jobs: Number(opts.jobs),
  replicas: Number(opts.replicas),
  n: Number(opts.n),
  maxMs: Number(opts['max-seconds']) * 1000,
};
if (count.accounts < 2 || count.accounts > 256 || count.transfers > 200 || count.jobs * count.accounts > 2048) {
  throw new Error('bounded: 2..=256 accounts, at most 200 transfers each, at most 2048 jobs');
}

const net = localTestnet('load', Number(opts.offset));
process.on('exit', () => net.teardown());
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

/** Per block: what the phase counts, and the weight used. */
async function blockReport(api, hash, maxRefTime) {
  const [block, events] = await Promise.all([api.rpc.chain.getBlock(hash), (await api.at(hash)).query.system.events()]);
  const extrinsics = block.block.extrinsics;
  const row = {
    number: block.block.header.number.toNumber(),
    transfers: 0,
    submitted: 0,
    assigned: 0,
    settled: 0,
    failed: 0,
    jobsRef: 0n,
    allRef: 0n,
    extrinsics: extrinsics.length,
  };
  for (const { phase, event } of events) {
    const name = `${event.section}.${event.method}`;
    if (name === 'balances.Transfer') row.transfers += 1;
    if (name === 'jobs.Submitted') row.submitted += 1;
    if (name === 'jobs.Assigned') row.assigned += 1;
    if (['jobs.Completed', 'jobs.Failed', 'jobs.Unresolved'].includes(name)) row.settled += 1;
    if (name === 'system.ExtrinsicFailed') row.failed += 1;
    if ((name === 'system.ExtrinsicSuccess' || name === 'system.ExtrinsicFailed') && phase.isApplyExtrinsic) {
      const info = name === 'system.ExtrinsicSuccess' ? event.data[0] : event.data[1];
      const ref = info.weight.refTime.toBigInt();
      row.allRef += ref;
      if (extrinsics[phase.asApplyExtrinsic.toNumber()].method.section === 'jobs') row.jobsRef += ref;
    }
  }
  // Hooks (assignment, deadlines) and inherents count in the block's weight too.
  const weight = await (await api.at(hash)).query.system.blockWeight();
  const used = ['normal', 'operational', 'mandatory'].reduce((s, c) => s + weight[c].refTime.toBigInt(), 0n);
  const pct = (w) => Number((w * 10000n) / maxRefTime) / 100;
  row.usedPct = pct(used);
  row.jobsPct = pct(row.jobsRef);
  // Every pallet's hooks and the inherents, the jobs pallet's assignment and deadlines
  // among them.
  row.hooksPct = pct(weight.mandatory.refTime.toBigInt());
  return row;
}

/** Reports every block from `from` on until `done(rows)` or the time bound; prints each. */
async function follow(api, what, from, done, maxRefTime) {
  const rows = [];
  const started = Date.now();
  let next = from;
  while (Date.now() - started < count.maxMs) {
    const best = (await api.rpc.chain.getHeader()).number.toNumber();
    for (; next <= best; next++) {
      const row = await blockReport(api, await api.rpc.chain.getBlockHash(next), maxRefTime);
      rows.push(row);
      console.log(
        `${what} #${row.number}: ${row.extrinsics} extrinsics, ${row.transfers} transfers, jobs ${row.submitted} submitted / ${row.assigned} assigned / ${row.settled} settled, ${row.failed} failed extrinsics, weight ${row.usedPct} % (jobs' calls ${row.jobsPct} %, hooks and inherents ${row.hooksPct} %)`,
      );
    }
    if (done(rows)) return rows;
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log(`${what}: stopped at the time bound (${count.maxMs / 1000} s)`);
  return rows;
}

/** Submits pre-signed transactions without waiting for their inclusion. */
async function sendAll(api, signed) {
  const results = await Promise.allSettled(signed.map((tx) => api.rpc.author.submitExtrinsic(tx)));
  const refused = results.filter((r) => r.status === 'rejected');
  if (refused.length) console.log(`the pool refused ${refused.length}: ${refused[0].reason?.message}`);
  return signed.length - refused.length;
}

function summary(what, rows, key) {
  const busy = rows.filter((r) => r[key] > 0);
  const total = rows.reduce((s, r) => s + r[key], 0);
  const peak = Math.max(0, ...rows.map((r) => r[key]));
  const mean = busy.length ? (total / busy.length).toFixed(1) : '0';
  return `${what}: ${total} in ${busy.length} blocks, ${mean} per block where any, at most ${peak}`;
}

async function main() {
  console.log(`starting the local testnet (ports offset ${opts.offset})`);
  net.testnet(['start']);
  const api = await connect(net.rpcPort('dave'));
  await net.allConnected();
  const maxRefTime = api.consts.system.blockWeights.maxBlock.refTime.toBigInt();

  // Accounts, funded by Dave (no provider: his balance pays nothing else).
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const dave = keyring.addFromUri('//Dave');
  const loaders = Array.from({ length: count.accounts }, (_, i) => keyring.addFromUri(`//Load//${i}`));
  let daveNonce = (await api.rpc.system.accountNextIndex(dave.address)).toNumber();
  const funding = [];
  for (const who of loaders)
    funding.push(
      await api.tx.balances.transferKeepAlive(who.address, 1000n * UNIT).signAsync(dave, { nonce: daveNonce++ }),
    );
  await sendAll(api, funding);
  await waitFor(
    'the accounts to be funded',
    async () => (await api.query.system.account(loaders.at(-1).address)).data.free.toBigInt() > 0n,
    { timeoutMs: 120_000 },
  );

  // Phase 1: transfers, each account to the next.
  const transfers = [];
  for (const [i, who] of loaders.entries()) {
    const to = loaders[(i + 1) % loaders.length].address;
    let nonce = (await api.rpc.system.accountNextIndex(who.address)).toNumber();
    for (let k = 0; k < count.transfers; k++)
      transfers.push(await api.tx.balances.transferKeepAlive(to, UNIT / 1000n).signAsync(who, { nonce: nonce++ }));
  }
  const bestNow = async () => (await api.rpc.chain.getHeader()).number.toNumber();
  let from = (await bestNow()) + 1;
  const sentTransfers = await sendAll(api, transfers);
  console.log(`sent ${sentTransfers} transfers from ${count.accounts} accounts`);
  const transferRows = await follow(
    api,
    'transfers',
    from,
    (rows) => rows.reduce((s, r) => s + r.transfers, 0) >= sentTransfers,
    maxRefTime,
  );

  // Phase 2: jobs, each account submitting its share at once.
  const jobs = [];
  for (const [i, who] of loaders.entries()) {
    let nonce = (await api.rpc.system.accountNextIndex(who.address)).toNumber();
    for (let k = 0; k < count.jobs; k++) {
      const spec = matmulJob(count.n, BigInt(i * 1000 + k + 1), {
        replicas: count.replicas,
        price: UNIT / 100n,
        deadline: 10,
      });
      jobs.push(await api.tx.jobs.submit(spec).signAsync(who, { nonce: nonce++ }));
    }
  }
  from = (await bestNow()) + 1;
  const sentJobs = await sendAll(api, jobs);
  console.log(`sent ${sentJobs} jobs (r = ${count.replicas}, ${count.n}² matmul) from ${count.accounts} accounts`);
  const jobRows = await follow(
    api,
    'jobs',
    from,
    (rows) => {
      const submitted = rows.reduce((s, r) => s + r.submitted, 0);
      const settled = rows.reduce((s, r) => s + r.settled, 0);
      return submitted >= sentJobs && settled >= submitted;
    },
    maxRefTime,
  );

  // A session change (every `SessionLength` blocks) is charged the whole block by
  // pallet-session: such blocks carry no transactions, and are counted apart.
  const sessionChange = (r) => r.hooksPct >= 100;
  const most = (rows, key) => Math.max(0, ...rows.filter((r) => !sessionChange(r)).map((r) => r[key]));
  console.log('\n== summary ==');
  console.log(summary('balance transfers', transferRows, 'transfers'));
  console.log(`transfer blocks: weight at most ${most(transferRows, 'usedPct')} % of a block`);
  console.log(summary('jobs submitted', jobRows, 'submitted'));
  console.log(summary('jobs assigned', jobRows, 'assigned'));
  console.log(summary('jobs settled', jobRows, 'settled'));
  const first = jobRows.findIndex((r) => r.submitted > 0);
  const last = jobRows.findLastIndex((r) => r.settled > 0);
  if (first >= 0 && last >= first) {
    const span = jobRows.slice(first, last + 1);
    const settled = span.reduce((s, r) => s + r.settled, 0);
    console.log(
      `jobs: ${settled} settled over ${span.length} blocks from the first submission: ${(settled / span.length).toFixed(2)} per block`,
    );
    console.log(
      `job blocks: weight at most ${most(span, 'usedPct')} % of a block; jobs' calls at most ${most(span, 'jobsPct')} %, hooks and inherents at most ${most(span, 'hooksPct')} %; ${span.filter(sessionChange).length} session-change blocks without transactions`,
    );
  }
  await api.disconnect();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
