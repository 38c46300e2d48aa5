// Splits a batch into row chunks small enough that every [rows, m] activation binding fits the device limit.

/**
 * Pure: [firstRow, rows] chunks covering `batch`. When more than one chunk is needed, chunk starts are
 * multiples of 64 rows, so a row offset times any row width is a multiple of 64 floats (256-byte aligned).
 */
export function batchChunks(
  batch: number,
  widestRowFloats: number,
  maxBindingBytes: number,
  maxRows = Infinity,
): Array<[number, number]> {
  const fit = Math.min(maxRows, Math.floor(maxBindingBytes / (widestRowFloats * 4)));
  if (fit >= batch) return [[0, batch]];
  const per = Math.floor(fit / 64) * 64;
  if (per < 64)
    throw new Error(
      `invalid SAE width: ${widestRowFloats} floats per row leaves < 64 rows per ${maxBindingBytes}-byte binding`,
    );
  const out: Array<[number, number]> = [];
  for (let r = 0; r < batch; r += per) out.push([r, Math.min(per, batch - r)]);
  return out;
}
