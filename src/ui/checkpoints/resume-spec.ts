// Turns a stored checkpoint record back into a job spec on this page: its data references' file ids are
// remapped, by file name, to the files loaded now (a reloaded page gives the same file a new id).

import type { FileSummary, JobSpec } from '../../protocol';
import type { CheckpointRecord } from './checkpoint-store';

/** File ids referenced anywhere in a spec (every ArrayRef has a `fileId`). */
export function specFileIds(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => specFileIds(v, out));
  else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'fileId' && typeof v === 'string') out.add(v);
      else specFileIds(v, out);
    }
  }
  return out;
}

function remap<T>(value: T, ids: Record<string, string>): T {
  if (Array.isArray(value)) return value.map((v) => remap(v, ids)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === 'fileId' && typeof v === 'string' ? ids[v] : remap(v, ids)]),
    ) as T;
  }
  return value;
}

/** The spec that resumes `record` with the files loaded now, or the names of the files still to load. */
export function resumeSpec(record: CheckpointRecord, files: FileSummary[]): { spec: JobSpec } | { missing: string[] } {
  const ids: Record<string, string> = {};
  const missing: string[] = [];
  for (const [oldId, name] of Object.entries(record.files)) {
    const f = files.find((f) => f.fileId === oldId && f.name === name) ?? files.find((f) => f.name === name);
    if (f) ids[oldId] = f.fileId;
    else missing.push(name);
  }
  if (missing.length) return { missing };
  return { spec: { method: 'sae-train', sae: { ...remap(record.spec, ids), resumeFrom: record.bytes } } };
}
