// The SAE tab's sweep mode: a grid typed one axis per line (`k=8,16`), run as one sweep job in its own lane with
// the tab's settings as every member's base; members stopped or added while it runs; the finished members'
// summaries kept so a frontier point opens in the feature browser or exports as SAELens. A finished sweep is kept
// in the Runs list (its grid and members' final metrics, no weights), and one opened from there is shown again.
import type { SaeConfig } from '../../core/sae/config';
import { parseSweepAxes, parseSweepAxis, type GridPoint, type SweepAxis } from '../../core/sweep/grid';
import { saeGridMembers } from '../../core/sweep/sae-grid';
import type { SaeBrowserSpec, SaeResultSummary, SaeSweepResult } from '../../protocol';
import { JobSlot } from '../jobs/job-slot.svelte';
import type { DataContext, JobPort } from '../methods/method';
import { emptyProgress } from '../progress-columns';
import { gridLines, type RunSetup } from '../runs/run-setup';
import { keepSweep, type KeptSaeSweep } from './kept-sweep';

export interface SweepMemberInfo {
  id: number;
  label: string;
  config: SaeConfig;
}

export class SaeSweep {
  readonly slot = new JobSlot('sae-sweep');
  /** One axis per line, as the CLI's --sweep values. */
  gridText = $state('k=4,8\nd-sae=32,64');
  error = $state('');
  members = $state.raw<SweepMemberInfo[]>([]);
  result = $state.raw<SaeSweepResult | null>(null);
  /** A sweep opened from the Runs list (shown while no sweep runs; cleared when one starts). */
  opened = $state.raw<{ name: string; sweep: KeptSaeSweep } | null>(null);
  private axes: SweepAxis[] = [];

  /** The grid typed, checked (a bad line is named); null with `error` set when it does not parse. */
  grid(base: SaeConfig): { axes: SweepAxis[]; members: SweepMemberInfo[] } | null {
    try {
      const lines = this.gridText
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      const axes = parseSweepAxes(lines);
      const members = saeGridMembers(base, axes).map((m, id) => ({ id, label: m.label, config: m.config }));
      this.error = '';
      return { axes, members };
    } catch (e) {
      this.error = (e as Error).message;
      return null;
    }
  }

  run(port: JobPort, data: DataContext, base: SaeConfig, browser: SaeBrowserSpec | undefined): void {
    if (!port.ready || !data.activations) return;
    const g = this.grid(base);
    if (!g) return;
    this.axes = g.axes;
    this.members = g.members;
    this.result = null;
    this.opened = null;
    const grid = gridLines(g.axes);
    const setup = $state.snapshot({
      version: 1 as const,
      method: 'sae-sweep' as const,
      config: base,
      grid,
      split: data.setupSplit,
      data: data.setupData,
    }) as RunSetup;
    const name = `sae sweep ${grid.join(' × ')} · ${data.setupData.activations?.fileName ?? 'data'}`;
    port.send(
      this.slot,
      {
        method: 'sae-sweep',
        sweep: { activations: data.activations, transform: 'none', split: data.split, base, axes: g.axes, browser },
      },
      {
        done: (r) => {
          if (r.method !== 'sae-sweep') return;
          this.result = r.result;
          // The frontier is redrawn from the members' final metrics: the step-by-step curves are not kept.
          port.keep({
            name,
            setup,
            result: { method: 'sae-sweep', result: keepSweep(r.result, grid) },
            progress: emptyProgress(),
          });
        },
        failed: (message) => (this.error = message),
      },
    );
  }

  stopMember(port: JobPort, id: number): void {
    if (this.slot.busy && this.slot.jobId !== null)
      port.post({ type: 'sweep-control', jobId: this.slot.jobId, stop: id });
  }

  /** Adds a point typed as `k=12 d-sae=48` (any subset of the grid's axes; the rest from the base settings). */
  addPoint(port: JobPort, text: string, base: SaeConfig): void {
    if (!this.slot.busy || this.slot.jobId === null) return;
    try {
      const point: Record<string, number | string> = {};
      for (const part of text.trim().split(/\s+/).filter(Boolean)) {
        const a = parseSweepAxis(part);
        if (a.values.length !== 1) throw new Error(`add one value per setting, got ${part}`);
        point[a.name] = a.values[0];
      }
      const [m] = saeGridMembers(
        base,
        Object.entries(point).map(([name, v]) => ({ name, values: [v] })),
      );
      // The job numbers added points in the order they arrive, after the grid's.
      this.members = [...this.members, { id: this.members.length, label: m.label, config: m.config }];
      this.error = '';
      port.post({ type: 'sweep-control', jobId: this.slot.jobId, add: point as GridPoint });
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  /** A finished member's summary (its weights, metrics and feature browser), once the sweep has ended. */
  summary(id: number): SaeResultSummary | null {
    return this.result?.members.find((m) => m.member.id === id)?.summary ?? null;
  }

  get gridAxes(): readonly SweepAxis[] {
    return this.axes;
  }
}
