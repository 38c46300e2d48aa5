// Jobs of different lanes take turns on the one GPU device, in arrival order. A long job hands its turn over
// between its steps while others wait (an SAE run lets a probe fit through, then carries on), so jobs interleave
// only at those hand-overs, never inside a step, and no job is cancelled to make room for another.
import type { Engine } from '../core/engine/engine';
import type { SaeTrainer } from '../core/engine/sae-trainer';

export class DeviceLease {
  private busy = false;
  private readonly waiting: (() => void)[] = [];

  acquire(): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy = false;
  }

  /** Whether some job is waiting for the device. */
  get contended(): boolean {
    return this.waiting.length > 0;
  }
}

/** One job's hold on the lease: taken once, handed over between steps, given back when the job ends. */
export class DeviceTurn {
  private held = false;
  private taking: Promise<void> | null = null;
  private ended = false;

  constructor(private readonly lease: DeviceLease) {}

  /** Waits for the device (no-op while held). Concurrent callers share one wait. */
  async take(): Promise<void> {
    if (this.held) return;
    this.taking ??= this.lease.acquire().then(() => {
      this.taking = null;
      // A job that ended while waiting passes its turn straight on.
      if (this.ended) this.lease.release();
      else this.held = true;
    });
    await this.taking;
  }

  /** Lets every job waiting now run first, then takes the device back. */
  async handOver(): Promise<void> {
    if (!this.held || !this.lease.contended) return;
    this.held = false;
    this.lease.release();
    await this.take();
  }

  end(): void {
    this.ended = true;
    if (this.held) {
      this.held = false;
      this.lease.release();
    }
  }
}

/** The engine as a job sees it when its SAE training steps should hand the device over between steps. */
export function handingOverEngine(engine: Engine, turn: DeviceTurn): Engine {
  return new Proxy(engine, {
    get(target, prop) {
      if (prop === 'saeTrainer') {
        return (...args: Parameters<Engine['saeTrainer']>) => handingOverTrainer(target.saeTrainer(...args), turn);
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

function handingOverTrainer(trainer: SaeTrainer, turn: DeviceTurn): SaeTrainer {
  return new Proxy(trainer, {
    get(target, prop) {
      if (prop === 'step') {
        return async (...args: Parameters<SaeTrainer['step']>) => {
          await turn.handOver();
          return target.step(...args);
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
