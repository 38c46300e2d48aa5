// `probelab sae ACTS --sweep k=16,32 --sweep d-sae=1024,4096 --out DIR`: every grid point trained in one sweep job
// on shared batch streams, written as one SAELens folder per member, sweep.json (the grid, each member's seed,
// train and held-out metrics) and frontier.csv (every member by held-out L0, marked when on the Pareto frontier).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { frontierCsv, paretoFrontier, type FrontierRow } from '../core/sweep/frontier';
import { parseSweepAxes } from '../core/sweep/grid';
import { saeGridMembers } from '../core/sweep/sae-grid';
import { runSaeSweepJob } from '../jobs/sae-sweep-job';
import { DEFAULT_SWEEP_MEMORY_BUDGET, SAE_PROGRESS_FIELDS } from '../protocol';
import { listFlag, numberFlag, stringFlag, type CliArgs } from './args';
import { openInto, pickKey, startEngine, storeFor } from './inputs';
import { saeConfigFrom, writeSaeLensFolder } from './sae-command';

const TEST_FVU = SAE_PROGRESS_FIELDS.indexOf('testFvu');
const TEST_L0 = SAE_PROGRESS_FIELDS.indexOf('testL0');
const STEP = SAE_PROGRESS_FIELDS.indexOf('step');

export async function saeSweep(args: CliArgs): Promise<Record<string, unknown>> {
  const [actsPath] = args.positional;
  if (!actsPath) throw new Error('sae needs ACTS (see --help)');
  const axes = parseSweepAxes(listFlag(args, 'sweep'));
  const base = saeConfigFrom(args);
  // The grid is checked before any file is read or device created.
  saeGridMembers(base, axes);
  const budgetGiB = numberFlag(args, 'memory-budget', DEFAULT_SWEEP_MEMORY_BUDGET / 2 ** 30);
  const store = storeFor(args);
  const acts = await openInto(store, 'acts', actsPath);
  const activations = { fileId: acts.fileId, key: pickKey(acts, stringFlag(args, 'key'), 2) };
  const quiet = args.flags.has('quiet');
  const { engine } = await startEngine(args);
  const labels = new Map<number, string>();
  const r = await runSaeSweepJob(
    { engine },
    store,
    { activations, transform: 'none', base, axes, memoryBudgetBytes: budgetGiB * 2 ** 30 },
    {
      onStart: (i) => {
        for (const m of i.members) labels.set(m.id, m.label);
        if (!quiet)
          console.error(
            `sweeping ${i.members.length} SAEs on ${i.trainRows} rows (${i.testRows} held out), ${i.implementation}, ${(i.memoryBytes / 2 ** 20).toFixed(1)} MiB of members`,
          );
      },
      onProgress: (id, p) => {
        if (quiet || Number.isNaN(p[TEST_FVU])) return;
        console.error(
          `[${labels.get(id)}] step ${p[STEP] + 1}/${base.steps}  fvu held-out ${p[TEST_FVU].toFixed(4)}  L0 held-out ${p[TEST_L0].toFixed(1)}`,
        );
      },
      onMemberEnd: () => {},
      isCancelled: () => false,
    },
  );
  if (!r) throw new Error('the sweep was cancelled');
  const done = r.members.filter((m) => m.summary);
  const frontier = new Set(
    paretoFrontier(
      done.map((m) => ({ id: m.member.id, l0: m.summary!.test.l0 ?? NaN, fvu: m.summary!.test.fvu ?? NaN })),
    ),
  );
  const out = stringFlag(args, 'out');
  const members = r.members.map(({ member, stop, summary: s }) => ({
    id: member.id,
    label: member.label,
    point: member.point,
    seed: member.config.seed,
    config: member.config,
    stop,
    steps: s?.steps ?? null,
    train: s?.train ?? null,
    test: s?.test ?? null,
    deadFraction: s?.deadFraction ?? null,
    liveLatents: s?.liveLatents ?? null,
    onFrontier: frontier.has(member.id),
    folder: out && s ? member.slug : null,
  }));
  const summary = {
    sweep: { axes, members: r.members.length },
    engine: engine.info,
    implementation: r.implementation,
    activations: `${acts.name}${activations.key ? `:${activations.key}` : ''}`,
    base,
    elapsedMs: Math.round(r.elapsedMs),
    batches: r.batches,
    // Every member takes every batch of its stream: each trains at this rate, all of them at once.
    samplesPerSecPerMember: Math.round((base.steps * base.batchSize * 1000) / r.elapsedMs),
    members,
    saved: out ? { dir: out, files: ['sweep.json', 'frontier.csv', ...members.flatMap((m) => m.folder ?? [])] } : null,
  };
  if (out) {
    mkdirSync(out, { recursive: true });
    for (const m of r.members)
      if (m.summary)
        writeSaeLensFolder(join(out, m.member.slug), m.summary, {
          ...members[m.member.id],
          engine: engine.info,
          activations: summary.activations,
        });
    writeFileSync(join(out, 'sweep.json'), JSON.stringify(summary, null, 1));
    writeFileSync(join(out, 'frontier.csv'), frontierCsv(members));
  }
  return summary;
}

export function saeSweepTable(result: Record<string, unknown>): string {
  const members = result.members as Array<FrontierRow & { stop: { reason: string } }>;
  const fmt = (v: number | null | undefined, digits: number) =>
    v === null || v === undefined ? '—' : v.toFixed(digits);
  const lines = [
    `${members.length}-member SAE sweep on ${result.activations} (${result.implementation}), ${result.samplesPerSecPerMember} samples/s per member`,
    `  ${'member'.padEnd(32)} ${'held-out L0'.padStart(11)} ${'held-out FVU'.padStart(12)} ${'dead'.padStart(6)}  frontier`,
  ];
  for (const m of members)
    lines.push(
      `  ${m.label.padEnd(32)} ${fmt(m.test?.l0, 1).padStart(11)} ${fmt(m.test?.fvu, 4).padStart(12)} ${fmt(m.deadFraction === null ? null : 100 * m.deadFraction, 1).padStart(5)}%  ${m.onFrontier ? '*' : ''}${m.stop.reason === 'done' ? '' : ` (${m.stop.reason})`}`,
    );
  const saved = result.saved as { dir: string } | null;
  if (saved) lines.push(`  SAELens folders, sweep.json and frontier.csv in ${saved.dir}`);
  return lines.join('\n');
}
