// Helper threads for the host's f64 kernels: one instance of the shared-memory kernel module per thread, all over
// the same memory. A large product or symmetric product is cut into parts; the calling thread and the helpers claim
// parts from a counter in the memory's first bytes (Atomics), so a helper that is descheduled or not started yet
// costs nothing: the caller does the unclaimed parts itself. Parts write disjoint outputs, so the result is the
// same bit for bit whoever computes which part and however many helpers there are.
import type { KernelExports } from './heap';

/**
 * Int32 control words at byte 0 of the memory (CONTROL_BYTES of it are reserved). runHostPart and takeParts spell
 * them as literals: their source is what the helpers run, so it may name nothing from outside.
 */
const GEN = 0;
const NEXT = 1;
const DONE = 2;
const OP = 3;
const PARTS = 4;
/** Parts the helpers have run on this memory (a diagnostic: whether they take part at all). */
const HELPER_PARTS = 31;
/** Arguments of the posted job, then (symv) the part boundaries. */
export const ARGS = 5;
export const BOUNDS = 16;
export const CONTROL_BYTES = 128;

export const OP_GEMM = 1;
export const OP_SYMV = 2;
const OP_DETACH = 3;

type PartKernels = Pick<KernelExports, 'memory' | 'dgemmPacked' | 'dsymvUpper'>;

/**
 * Part `idx` of the job in `ctl`. Self-contained (no names from outside its body): the helpers run its source.
 * OP_GEMM: C += Â·B̂ over the full 4×4 tiles, parts taking consecutive ranges of B̂'s panels and every row block
 * (16 panels, 64 rows, so a block of Â stays in L2 across the part's panels).
 * OP_SYMV: rows [bounds[idx], bounds[idx + 1]) of the upper-triangle product; part 0 adds into p, part t > 0 into
 * its own zeroed temporary (addressed as if it started at row bounds[t]), which the caller adds to p afterwards.
 */
export function runHostPart(k: PartKernels, ctl: Int32Array, idx: number): void {
  const parts = ctl[4];
  if (ctl[3] === 1) {
    const pa = ctl[5];
    const pb = ctl[6];
    const c = ctl[7];
    const ldc = ctl[8];
    const mFull = ctl[9];
    const nFull = ctl[10];
    const kc = ctl[11];
    const j0 = Math.floor((idx * nFull) / parts);
    const j1 = Math.floor(((idx + 1) * nFull) / parts);
    const panel = kc * 32;
    for (let i0 = 0; j1 > j0 && i0 < mFull; i0 += 16) {
      const rows = Math.min(16, mFull - i0);
      k.dgemmPacked(pa + i0 * panel, pb + j0 * panel, c + i0 * 4 * ldc + j0 * 32, ldc, rows, j1 - j0, kc);
    }
  } else if (ctl[3] === 2) {
    const a = ctl[5];
    const lda = ctl[6];
    const v = ctl[7];
    const p = ctl[8];
    const n = ctl[9];
    const temps = ctl[10];
    const tempBytes = ctl[11];
    const lo = ctl[16 + idx];
    const hi = ctl[17 + idx];
    if (idx === 0) {
      k.dsymvUpper(a, lda, v, p, lo, hi, n);
    } else {
      const at = temps + (idx - 1) * tempBytes;
      new Float64Array(k.memory.buffer, at, n - lo).fill(0);
      k.dsymvUpper(a, lda, v, at - lo * 8, lo, hi, n);
    }
  }
}

/**
 * Claims and runs parts of job `gen` until none is left. A claim is a compare-exchange on NEXT, which holds the
 * job's tag (its generation, 23 bits) above the next part's index (8 bits): a thread that woke late for an earlier
 * job sees another tag and claims nothing, so it can never run a part on half-written arguments. Helpers (which
 * `notify` the waiting caller) also count their parts in word 31. Self-contained like runHostPart, which it is
 * handed.
 */
export function takeParts(
  k: PartKernels,
  ctl: Int32Array,
  gen: number,
  run: typeof runHostPart,
  notify: boolean,
): void {
  const tag = gen & 0x7fffff;
  for (;;) {
    const cur = Atomics.load(ctl, 1);
    if (cur >>> 8 !== tag || (cur & 255) >= ctl[4]) return;
    if (Atomics.compareExchange(ctl, 1, cur, cur + 1) !== cur) continue;
    run(k, ctl, cur & 255);
    Atomics.add(ctl, 2, 1);
    if (notify) {
      Atomics.add(ctl, 31, 1);
      Atomics.notify(ctl, 2);
    }
  }
}

/** A helper thread as the team sees it: something to post its memory to. */
export interface HostHelper {
  post(message: { module: WebAssembly.Module; memory: WebAssembly.Memory; gen: number }): void;
}

/** How a runtime starts helpers: the JavaScript source each runs, with `onMessage(handler)` to be defined first. */
export interface HostThreads {
  /** Helpers to start (the calling thread works too: threads in all = helpers + 1). */
  helpers: number;
  /**
   * Start the helpers when the kernels are installed, not at the first shared product: where a thread's helpers
   * only start once it yields to its event loop (a browser), they would otherwise miss the first solve.
   */
  startEarly?: boolean;
  spawn(source: string): HostHelper;
}

/** Most threads a job is cut for (a part index has 8 bits; past a few threads the memory-bound parts gain nothing). */
export const MAX_TEAM = 8;

/**
 * A helper's program: instantiate the module over each memory it is sent, then take parts until told to detach.
 * The runtime's prelude defines onMessage (worker_threads' parentPort in Node, self.onmessage in a browser).
 */
export const HELPER_SOURCE = `
const runHostPart = ${runHostPart.toString()};
const takeParts = ${takeParts.toString()};
onMessage((msg) => {
  const k = new WebAssembly.Instance(msg.module, { env: { memory: msg.memory } }).exports;
  const ctl = new Int32Array(msg.memory.buffer, 0, ${CONTROL_BYTES / 4});
  let gen = msg.gen;
  for (;;) {
    Atomics.wait(ctl, ${GEN}, gen);
    gen = Atomics.load(ctl, ${GEN});
    if (ctl[${OP}] === ${OP_DETACH}) return;
    takeParts(k, ctl, gen, runHostPart, true);
  }
});
`;

export class HostTeam {
  /** Threads that work on a job, the caller included. */
  readonly size: number;
  private helpers: HostHelper[] = [];
  private k?: PartKernels;
  private ctl?: Int32Array;
  /** Helper parts counted on memories already left. */
  private earlierHelperParts = 0;

  constructor(private readonly threads?: HostThreads) {
    this.size = Math.min(MAX_TEAM, 1 + Math.max(0, threads?.helpers ?? 0));
  }

  /** Starts the helpers now rather than at the first shared product (see HostThreads.startEarly). */
  start(): void {
    if (this.helpers.length > 0) return;
    for (let i = 1; i < this.size; i++) this.helpers.push(this.threads!.spawn(HELPER_SOURCE));
  }

  /** Moves the team onto a (new) instance; helpers follow when its memory is shared. */
  attach(k: PartKernels, module: WebAssembly.Module): void {
    this.detach();
    this.k = k;
    this.ctl = new Int32Array(k.memory.buffer, 0, CONTROL_BYTES / 4);
    if (this.size === 1 || !(k.memory.buffer instanceof SharedArrayBuffer)) return;
    this.start();
    const gen = Atomics.load(this.ctl, GEN);
    for (const h of this.helpers) h.post({ module, memory: k.memory, gen });
  }

  /** Parts of shared jobs the helpers have run so far (0 where they never started or never won a claim). */
  get helperParts(): number {
    return this.earlierHelperParts + (this.ctl ? Atomics.load(this.ctl, HELPER_PARTS) : 0);
  }

  /** Sends the helpers back to wait for a new memory, so an instance being dropped is not kept alive by them. */
  detach(): void {
    const ctl = this.ctl;
    this.earlierHelperParts = this.helperParts;
    if (ctl && ctl.buffer instanceof SharedArrayBuffer && this.helpers.length > 0) {
      ctl[OP] = OP_DETACH;
      Atomics.store(ctl, PARTS, 0);
      Atomics.add(ctl, GEN, 1);
      Atomics.notify(ctl, GEN);
    }
    this.k = undefined;
    this.ctl = undefined;
  }

  /** Job arguments go here (from ARGS, and BOUNDS for symv) before run. */
  get control(): Int32Array {
    return this.ctl!;
  }

  /** Runs parts [0, parts) of the job set in `control` (parts ≤ 255) and returns when all are done. */
  run(op: number, parts: number): void {
    const ctl = this.ctl!;
    ctl[OP] = op;
    ctl[PARTS] = parts;
    if (parts === 1) {
      runHostPart(this.k!, ctl, 0);
      return;
    }
    Atomics.store(ctl, DONE, 0);
    const gen = (Atomics.load(ctl, GEN) + 1) | 0;
    Atomics.store(ctl, NEXT, (gen & 0x7fffff) << 8);
    Atomics.store(ctl, GEN, gen);
    if (this.helpers.length > 0) Atomics.notify(ctl, GEN);
    takeParts(this.k!, ctl, gen, runHostPart, false);
    for (let done = Atomics.load(ctl, DONE); done < parts; done = Atomics.load(ctl, DONE))
      Atomics.wait(ctl, DONE, done);
  }
}
