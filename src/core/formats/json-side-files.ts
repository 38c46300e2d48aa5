// Small JSON files that travel with activations: a split ({"train_idx": [...], "test_idx": [...]}, e.g. the
// one a scikit-learn reference used) or a list of class names (e.g. ["deu", "eng", ...] or {"classes": [...]}).
// Read with the depth-limited JSON parser, within the table size budget.

import type { ByteSource } from './byte-source';
import { readAll } from './byte-source';
import { budgetHint, DEFAULT_BUDGETS, type FormatBudgets } from './budgets';
import { DataFileError } from './errors';
import { isPlainObject, parseJson, type JsonValue } from './json';

export type JsonSideFile = { kind: 'split'; train: number[]; test: number[] } | { kind: 'classes'; names: string[] };

/** Reads and parses a split or class-name file, refusing one larger than the tableBytes budget before reading it. */
export async function openJsonSideFile(
  source: ByteSource,
  budgets: FormatBudgets = DEFAULT_BUDGETS,
): Promise<JsonSideFile> {
  if (source.size > budgets.tableBytes) {
    throw new DataFileError(
      source.name,
      `JSON file of ${source.size} bytes is over the limit (${budgetHint('tableBytes', budgets.tableBytes)})`,
    );
  }
  return parseJsonSideFile(source.name, await readAll(source), budgets);
}

export function parseJsonSideFile(
  name: string,
  content: string | Uint8Array,
  budgets: FormatBudgets = DEFAULT_BUDGETS,
): JsonSideFile {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  // A byte-order mark is not JSON, but editors write one.
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let value: JsonValue;
  try {
    value = parseJson(bytes.subarray(start), { file: name, baseOffset: start, maxDepth: budgets.depth });
  } catch (e) {
    if (!(e instanceof DataFileError)) throw e;
    throw new DataFileError(name, `not valid JSON: ${e.problem}`, e.where);
  }
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return { kind: 'classes', names: value };
  const classes = isPlainObject(value) ? value.classes : undefined;
  if (Array.isArray(classes) && classes.every((v) => typeof v === 'string')) return { kind: 'classes', names: classes };
  if (isPlainObject(value)) {
    const train = value.train_idx ?? value.train;
    const test = value.test_idx ?? value.test;
    if (Array.isArray(train) && Array.isArray(test)) {
      for (const [key, list] of [
        ['train_idx', train],
        ['test_idx', test],
      ] as const) {
        const bad = list.findIndex((v) => !Number.isSafeInteger(v) || (v as number) < 0);
        if (bad >= 0) {
          const v = list[bad];
          const shown =
            typeof v === 'object' && v !== null
              ? Array.isArray(v)
                ? 'a list'
                : 'an object'
              : typeof v === 'string'
                ? JSON.stringify(v.slice(0, 40))
                : String(v);
          throw new DataFileError(name, `${key}[${bad}] = ${shown} is not a row index`, { key });
        }
      }
      return { kind: 'split', train: train as number[], test: test as number[] };
    }
  }
  throw new DataFileError(
    name,
    'JSON must be a split object with "train_idx" and "test_idx" integer arrays, or an array of class names',
  );
}
