// A run's setup without its data: method, hyperparameters, split and seed, and which arrays were used (by
// file name and key, since a colleague's files have their own ids). It round-trips through the URL so a setup
// can be shared and reproduced on someone else's files.

import { DEFAULT_LOGISTIC, type LogisticConfig } from '../probes/logistic';

export interface RunSetup {
  version: 1;
  method: 'logistic';
  config: LogisticConfig;
  split: { kind: 'random'; testFraction: number; seed: number; stratify: boolean } | { kind: 'file'; fileName: string };
  data: { activations?: { fileName: string; key: string }; labels?: { fileName: string; key: string }; classNames?: string };
}

const PARAM = 'setup';

export function encodeSetup(setup: RunSetup): string {
  const json = JSON.stringify(setup);
  const bytes = new TextEncoder().encode(json);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes and validates a shared setup; anything malformed is refused with the reason, never half-applied. */
export function decodeSetup(encoded: string): RunSetup {
  let parsed: unknown;
  try {
    const bin = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
    parsed = JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
  } catch (e) {
    throw new Error(`the shared setup in the URL is not readable: ${(e as Error).message}`);
  }
  const s = parsed as Partial<RunSetup>;
  if (!s || s.version !== 1) throw new Error(`the shared setup has version ${JSON.stringify(s?.version)}; this Probelab reads version 1`);
  if (s.method !== 'logistic') throw new Error(`the shared setup names an unknown method ${JSON.stringify(s.method)}`);
  const config = { ...DEFAULT_LOGISTIC, ...(s.config ?? {}) };
  for (const [k, v] of Object.entries(config)) {
    const expected = typeof DEFAULT_LOGISTIC[k as keyof LogisticConfig];
    if (typeof v !== expected) throw new Error(`the shared setup's ${k} is ${JSON.stringify(v)}, expected a ${expected}`);
  }
  const split = s.split;
  if (!split || (split.kind !== 'random' && split.kind !== 'file')) throw new Error('the shared setup has no valid split');
  if (split.kind === 'random' && !(split.testFraction > 0 && split.testFraction < 1 && Number.isInteger(split.seed))) {
    throw new Error(`the shared setup's split is invalid: ${JSON.stringify(split)}`);
  }
  return { version: 1, method: 'logistic', config, split, data: s.data ?? {} };
}

export function setupFromUrl(url: URL): RunSetup | null {
  const hash = new URLSearchParams(url.hash.replace(/^#/, ''));
  const encoded = hash.get(PARAM);
  return encoded ? decodeSetup(encoded) : null;
}

export function urlWithSetup(url: URL, setup: RunSetup): string {
  const next = new URL(url.href);
  next.hash = `${PARAM}=${encodeSetup(setup)}`;
  return next.href;
}
