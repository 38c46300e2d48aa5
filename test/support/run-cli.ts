// Runs the CLI's main() in-process and captures what it writes: stdout (the result) and stderr (progress, errors).
import { vi } from 'vitest';
import { main } from '../../src/cli/main';

export async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string, done?: () => void) => {
    out += chunk;
    done?.();
    return true;
  }) as never);
  vi.spyOn(console, 'log').mockImplementation((m: unknown) => {
    out += `${m}\n`;
  });
  vi.spyOn(console, 'error').mockImplementation((m: unknown) => {
    err += `${m}\n`;
  });
  try {
    return { code: await main(argv), out, err };
  } finally {
    vi.restoreAllMocks();
  }
}
