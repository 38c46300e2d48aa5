// Jobs grouped in lanes, one per owner on the page (a method's tab, or a side job such as a decoder SVD): within a
// lane only the newest request matters, so a slider drag never queues stale fits; across lanes nothing is
// cancelled, so a probe fit started in one tab leaves another tab's SAE run alone.
import { LatestJobRunner, type JobBody } from './latest-job-runner';

export class JobLanes {
  private readonly lanes = new Map<string, LatestJobRunner>();
  private readonly laneOf = new Map<number, string>();

  /** Starts `body` as job `id` in `lane` once that lane's running job has stopped; other lanes are untouched. */
  submit(lane: string, id: number, body: JobBody, onSkipped?: () => void): Promise<void> {
    let runner = this.lanes.get(lane);
    if (!runner) this.lanes.set(lane, (runner = new LatestJobRunner()));
    this.laneOf.set(id, lane);
    return runner.submit(id, body, onSkipped).finally(() => this.laneOf.delete(id));
  }

  cancel(id: number): void {
    const lane = this.laneOf.get(id);
    if (lane !== undefined) this.lanes.get(lane)?.cancel(id);
  }
}
