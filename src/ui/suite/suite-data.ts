// Which loaded tensors the probe suite's multi-tensor methods use: the layers of a sweep and CCS's contrast
// pairs. Pure functions of the file summaries, so they are tested without a worker.
import type { ArrayRef, FileSummary } from '../../protocol';

export interface LayerChoice {
  name: string;
  ref: ArrayRef;
  shape: number[];
}

/**
 * The layers of the activations' file: each layer of an [L, N, D] tensor, or every 2-D tensor of the file with
 * the activations' N rows (e.g. layers.safetensors layer_0..5), in the file's order.
 */
export function layerChoices(files: FileSummary[], activations: ArrayRef | null): LayerChoice[] {
  if (!activations) return [];
  const file = files.find((f) => f.fileId === activations.fileId);
  const tensor = file?.tensors.find((t) => t.key === activations.key);
  if (!file || !tensor) return [];
  if (tensor.shape.length === 3) {
    const [L, N, D] = tensor.shape;
    return Array.from({ length: L }, (_, i) => ({
      name: `${tensor.key || 'layer'}[${i}]`,
      ref: { fileId: file.fileId, key: tensor.key, layer: i },
      shape: [N, D],
    }));
  }
  const rows = tensor.shape[0];
  return file.tensors
    .filter((t) => t.shape.length === 2 && t.shape[0] === rows)
    .map((t) => ({ name: t.key || file.name, ref: { fileId: file.fileId, key: t.key }, shape: t.shape }));
}

/** The first file's tensors named x_plus and x_minus (as contrast_pairs.npz stores them). */
export function defaultContrastPair(files: FileSummary[]): { xPlus: ArrayRef | null; xMinus: ArrayRef | null } {
  for (const f of files) {
    const plus = f.tensors.find((t) => /^x_?plus$/i.test(t.key));
    const minus = f.tensors.find((t) => /^x_?minus$/i.test(t.key));
    if (plus && minus)
      return { xPlus: { fileId: f.fileId, key: plus.key }, xMinus: { fileId: f.fileId, key: minus.key } };
  }
  return { xPlus: null, xMinus: null };
}

/** Every 2-D tensor of every file, for the contrast-pair selects. */
export function matrixChoices(files: FileSummary[]): { ref: ArrayRef; label: string }[] {
  return files.flatMap((f) =>
    f.tensors
      .filter((t) => t.shape.length === 2)
      .map((t) => ({
        ref: { fileId: f.fileId, key: t.key },
        label: `${f.name}${t.key ? ` › ${t.key}` : ''} [${t.shape.join(' × ')}]`,
      })),
  );
}

/** Every 1-D tensor (or [N, 1]) and table column: what can be a labels choice for an evaluation file or a set. */
export function labelChoices(files: FileSummary[]): { ref: ArrayRef; label: string }[] {
  return files.flatMap((f) => [
    ...f.tensors
      .filter((t) => t.shape.length === 1 || (t.shape.length === 2 && t.shape[1] === 1))
      .map((t) => ({
        ref: { fileId: f.fileId, key: t.key },
        label: `${f.name}${t.key ? ` › ${t.key}` : ''} [${t.shape.join(' × ')}]`,
      })),
    ...f.columns.map((c) => ({
      ref: { fileId: f.fileId, key: c.name },
      label: `${f.name} › column ${c.name} [${c.rows}]`,
    })),
  ]);
}
