// `probelab scale-out SAE_DIR --to saelens|sparsify --out DIR`: the run in SAE_DIR (cfg.json +
// probelab_summary.json, as `probelab sae --out` or the page writes them) as a config, a Python launcher and a
// README for a cluster trainer. Nothing is trained here.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scaleOut, scaleOutSourceOf, type ScaleOutTarget } from '../core/sae/scale-out';
import { stringFlag, type CliArgs } from './args';

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${path}: cannot be read (scale-out needs a folder written by \`probelab sae --out\`)`, {
      cause: e,
    });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not JSON (${(e as Error).message})`, { cause: e });
  }
}

export async function scaleOutCommand(args: CliArgs): Promise<Record<string, unknown>> {
  const [dir] = args.positional;
  if (!dir) throw new Error('scale-out needs SAE_DIR (see --help)');
  const to = stringFlag(args, 'to');
  if (to !== 'saelens' && to !== 'sparsify')
    throw new Error(`--to must be saelens or sparsify, got ${to ?? 'nothing'}`);
  const out = stringFlag(args, 'out');
  if (!out) throw new Error('scale-out needs --out DIR');
  const source = scaleOutSourceOf(readJson(join(dir, 'cfg.json')), readJson(join(dir, 'probelab_summary.json')));
  const files = scaleOut(source, to as ScaleOutTarget);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, files.configName), `${JSON.stringify(files.config, null, 1)}\n`);
  writeFileSync(join(out, files.scriptName), files.script);
  writeFileSync(join(out, 'README.md'), files.readme);
  const missing = Object.entries(files.placeholders)
    .filter(([, v]) => v === null)
    .map(([k]) => k);
  return {
    to,
    dir: out,
    files: [files.configName, files.scriptName, 'README.md'],
    placeholders: files.placeholders,
    missingPlaceholders: missing,
    gaps: files.gaps.map((g) => g.setting),
  };
}

export function scaleOutTable(r: Record<string, unknown>): string {
  const missing = r.missingPlaceholders as string[];
  return [
    `${r.to} hand-off written to ${r.dir}: ${(r.files as string[]).join(', ')}`,
    missing.length
      ? `  set these placeholders at the top of the script: ${missing.join(', ')}`
      : '  all placeholders filled from metadata',
    `  no exact equivalent (see README.md): ${(r.gaps as string[]).join('; ')}`,
  ].join('\n');
}
