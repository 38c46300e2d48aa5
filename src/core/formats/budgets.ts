// The limits every file reader works within, in one place: defaults that keep a hostile file to seconds and well
// under the memory a tab has, each raisable by a user whose real file needs more (CLI --budget, env
// PROBELAB_BUDGETS, the page's ?budget= URL parameter), all parsed by parseBudgets below.

export interface FormatBudgets {
  /** Values one tensor may be read into at once (one Float32Array); larger tensors are read by row blocks. */
  tensorElements: number;
  /** Tensors (or npz members, or safetensors header entries) one file may describe. */
  tensors: number;
  /** Entries in one zip central directory (indexed lazily: a few bytes each). */
  zipEntries: number;
  /** Bytes one archive's deflate members may inflate to, all reads of the file together. */
  inflateBytes: number;
  /** Size of a pickle (torch data.pkl, or the pickles heading a legacy .pt). */
  pickleBytes: number;
  /** Objects a pickle may build, and nodes walked when listing the saved object (shared objects count each time). */
  pickleObjects: number;
  /** Nesting of containers: pickled objects, JSON (safetensors header, JSONL lines, split files). */
  depth: number;
  /** Elements a view may repeat its storage into (stride-0 expansion), all views of one file together. */
  viewElements: number;
  /** A safetensors JSON header or an .npy header. */
  headerBytes: number;
  /** A CSV/TSV/JSONL table or a JSON side file. */
  tableBytes: number;
  /** Cells (rows x columns) of one table. */
  tableCells: number;
  /** Columns of one table. */
  tableColumns: number;
  /** One CSV field or JSONL value, in bytes. */
  fieldBytes: number;
  /** One CSV record or JSONL line, in bytes. */
  rowBytes: number;
  /** An HDF5 file copied into memory where the source cannot be read synchronously (the page's main thread). */
  hdf5CopyBytes: number;
}

export const DEFAULT_BUDGETS: Readonly<FormatBudgets> = Object.freeze({
  tensorElements: 2 ** 30,
  tensors: 200_000,
  zipEntries: 1_000_000,
  inflateBytes: 2 ** 32,
  pickleBytes: 64 * 2 ** 20,
  pickleObjects: 5_000_000,
  depth: 100,
  viewElements: 2 ** 28,
  headerBytes: 100_000_000,
  tableBytes: 256 * 2 ** 20,
  tableCells: 2 ** 25,
  tableColumns: 10_000,
  fieldBytes: 2 ** 20,
  rowBytes: 4 * 2 ** 20,
  hdf5CopyBytes: 2 * 2 ** 30,
});

export type BudgetOverrides = Partial<FormatBudgets>;

/** The defaults with the given overrides applied. */
export function resolveBudgets(overrides: BudgetOverrides = {}): FormatBudgets {
  return { ...DEFAULT_BUDGETS, ...overrides };
}

const SUFFIX: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/**
 * Parses overrides written as `name=value` pairs separated by commas or spaces, e.g. `tensors=1e6,tableBytes=2g`.
 * Values are non-negative numbers with an optional binary suffix (k, m, g, t; `kib`, `mb` and the like also read
 * as powers of 1024). Names are the FormatBudgets keys, also accepted in kebab-case (`table-bytes`).
 * Throws an Error naming the bad pair, so the CLI and the page can show it.
 */
export function parseBudgets(text: string): BudgetOverrides {
  const out: BudgetOverrides = {};
  for (const pair of text.split(/[,\s]+/).filter(Boolean)) {
    const m = /^([A-Za-z-]+)=([0-9.eE+]+)\s*([kmgtKMGT]?)(?:i?[bB])?$/.exec(pair);
    const name = m ? kebabToCamel(m[1]) : '';
    if (!m || !(name in DEFAULT_BUDGETS)) {
      throw new Error(
        `budget '${pair.slice(0, 60)}' is not name=value with a name among: ${Object.keys(DEFAULT_BUDGETS).join(', ')}`,
      );
    }
    const value = Number(m[2]) * SUFFIX[m[3].toLowerCase()];
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`budget '${pair.slice(0, 60)}' needs a non-negative number`);
    out[name as keyof FormatBudgets] = Math.floor(value);
  }
  return out;
}

function kebabToCamel(s: string): string {
  return s.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** The hint every over-budget error ends with, so a user with a real file knows what to raise. */
export function budgetHint(name: keyof FormatBudgets, limit: number): string {
  return `budget ${name}=${limit}; raise with --budget ${name}=N or ?budget=${name}=N`;
}
