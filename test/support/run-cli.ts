// Runs the CLI's main() in-process and captures what it writes: stdout (the result) and stderr (progress, errors).
import { vi } from 'vitest';
import { main } from '../../src/cli/main';

export async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  type Done = (err?: Error | null) => void;
  vi.spyOn(process.stdout, 'write').mockImplementation(
    (chunk: string | Uint8Array, encodingOrDone?: BufferEncoding | Done, done?: Done) => {
      out += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
      (typeof encodingOrDone === 'function' ? encodingOrDone : done)?.();
      return true;
    },
  );
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
