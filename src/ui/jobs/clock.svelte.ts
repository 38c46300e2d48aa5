// A once-a-second clock for elapsed times and ETAs on the page (one timer for every status line).

class Clock {
  now = $state(Date.now());
  private timer: ReturnType<typeof setInterval> | null = null;

  start(): void {
    this.timer ??= setInterval(() => (this.now = Date.now()), 1000);
  }
}

export const clock = new Clock();
