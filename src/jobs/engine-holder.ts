// Keeps the worker's engine alive across GPU device loss: when the device is lost (driver reset, destroy(),
// a backgrounded tab on some systems) a new device and engine are created, and jobs see a new generation so
// they can restart on it instead of hanging on a dead device.

import { createEngine, type StartedEngine } from '../engine/create-engine';
import type { Engine } from '../core/engine/engine';
import type { EnginePreference } from '../core/engine/engine';

export class EngineHolder {
  /** Increments on every device loss; a job started under an older generation must restart. */
  generation = 0;
  private destroyedGeneration = -1;
  private started: Promise<StartedEngine>;
  private lostWaiters: { gen: number; resolve: (reason: string) => void }[] = [];

  constructor(
    private preference: EnginePreference,
    private onReady: (engine: Engine) => void,
    private onLost: (message: string) => void,
  ) {
    this.started = this.start();
  }

  private start(afterLoss?: string): Promise<StartedEngine> {
    const gen = this.generation;
    const started = createEngine(this.preference, { onDeviceLost: (message) => this.lost(gen, message), afterLoss });
    started.then(
      (s) => this.onReady(s.engine),
      () => {},
    );
    return started;
  }

  private lost(gen: number, message: string): void {
    if (gen !== this.generation) return;
    this.generation++;
    this.onLost(message);
    const waiting = this.lostWaiters.filter((w) => w.gen === gen);
    this.lostWaiters = this.lostWaiters.filter((w) => w.gen !== gen);
    waiting.forEach((w) => w.resolve(message));
    this.started = this.start(message);
  }

  /**
   * Restarts on another engine (the page's engine setting): a new generation, so a job running on the old one
   * restarts on the new one as after a device loss.
   */
  switchTo(preference: EnginePreference): Promise<Engine> {
    this.preference = preference;
    const gen = this.generation++;
    const waiting = this.lostWaiters.filter((w) => w.gen === gen);
    this.lostWaiters = this.lostWaiters.filter((w) => w.gen !== gen);
    waiting.forEach((w) => w.resolve(`engine switched to ${preference}`));
    this.started = this.start();
    return this.engine();
  }

  async engine(): Promise<Engine> {
    return (await this.started).engine;
  }

  /** Resolves when the device of generation `gen` is lost; never resolves while it lives. */
  lostSince(gen: number): Promise<string> {
    if (gen !== this.generation) return Promise.resolve('device lost');
    return new Promise((resolve) => this.lostWaiters.push({ gen, resolve }));
  }

  /** Fault injection for tests and diagnostics: destroys the current GPU device as a driver reset would. */
  async destroyDevice(): Promise<boolean> {
    const gen = this.generation;
    const s = await this.started;
    if (!s.gpu) return false;
    this.destroyedGeneration = gen;
    s.gpu.device.destroy();
    return true;
  }

  /**
   * Whether an error of a job started under generation `gen` comes from losing its device: known at once when the
   * device was destroyed here, else when the loss is reported within `graceMs` (an op on a dead device can fail
   * before the browser reports the loss, later still on a loaded machine).
   */
  lostDuring(gen: number, graceMs: number): Promise<boolean> {
    if (gen !== this.generation || this.destroyedGeneration === gen) return Promise.resolve(true);
    return Promise.race([
      this.lostSince(gen).then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), graceMs)),
    ]);
  }
}
