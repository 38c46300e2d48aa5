// Runs one job at a time where only the newest request matters: a new job cancels the running one, waits
// for it to stop between steps (so two jobs never share the GPU), and requests superseded while waiting
// never start. This is what keeps slider drags from queueing up stale trainings.

export type JobBody = (isCancelled: () => boolean) => Promise<void>;

export class LatestJobRunner {
  private current: { id: number; cancelled: boolean; done: Promise<void> } | null = null;
  private newestId = -Infinity;

  /** Starts `body` as job `id` once the running job has stopped; resolves when it finishes or is skipped. */
  async submit(id: number, body: JobBody, onSkipped?: () => void): Promise<void> {
    this.newestId = Math.max(this.newestId, id);
    if (this.current) this.current.cancelled = true;
    while (this.current) await this.current.done;
    if (id !== this.newestId) {
      onSkipped?.();
      return;
    }
    const job = { id, cancelled: false, done: Promise.resolve() };
    job.done = body(() => job.cancelled || id !== this.newestId).finally(() => {
      if (this.current === job) this.current = null;
    });
    this.current = job;
    await job.done;
  }

  cancel(id: number): void {
    if (this.current?.id === id) this.current.cancelled = true;
  }
}
