// Turns anything thrown into the protocol's error report, keeping the file name of data errors.
import { DataFileError } from '../core/formats/errors';
import type { ErrorReport } from '../protocol';

export function toErrorReport(e: unknown, file?: string): ErrorReport {
  if (e instanceof DataFileError) return { file: e.file, message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return { file, message: file && !message.startsWith(file) ? `${file}: ${message}` : message };
}
