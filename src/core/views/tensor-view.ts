// How a stored tensor becomes an [rows, cols] activation matrix: [N, D] as is, [N] as one column, [L, N, D] by
// choosing a layer, [N, T, D] by choosing a token position, the mean or last token, or flattening to N*T rows.
// Pure shape logic, shared by the worker's store (to read) and the UI (to offer choices and show sizes).

export type TokenChoice = number | 'mean' | 'last' | 'flatten';

export interface ViewChoice {
  /** For [L, N, D]: which layer (axis 0). */
  layer?: number;
  /** For [N, T, D]: which token position (axis 1), their mean, the last one, or all of them as N*T rows. */
  token?: TokenChoice;
}

export interface ResolvedView {
  rows: number;
  cols: number;
  /** Rows of the tensor's first axis the view reads: [sourceStart, sourceEnd). */
  sourceStart: number;
  sourceEnd: number;
  /** Set for [N, T, D] views: how each source row's T x D block becomes matrix rows. */
  token?: { choice: TokenChoice; tokens: number };
  /** Rows the paired labels must have (N): the matrix rows before any per-token repetition. */
  labelRows: number;
  /** How many times each label repeats: T when the tokens are flattened into rows (labels repeat per token), else 1. */
  labelRepeat: number;
}

export type ViewResult = ({ ok: true } & ResolvedView) | { ok: false; problem: string };

export function resolveView(shape: readonly number[], choice: ViewChoice = {}): ViewResult {
  const fail = (problem: string): ViewResult => ({ ok: false, problem });
  const { layer, token } = choice;
  const rank = shape.length;
  if (rank === 0) return fail('a scalar is not an activation matrix');
  if (rank <= 2) {
    if (layer !== undefined || token !== undefined) {
      return fail(`a layer or token choice applies to 3-D tensors; this one is [${shape}]`);
    }
    const rows = shape[0];
    return {
      ok: true,
      rows,
      cols: rank === 2 ? shape[1] : 1,
      sourceStart: 0,
      sourceEnd: rows,
      labelRows: rows,
      labelRepeat: 1,
    };
  }
  if (rank > 3) return fail(`activations must be [N, D], [L, N, D] or [N, T, D]; this tensor is [${shape}]`);
  const [a, b, d] = shape;
  if (layer !== undefined && token !== undefined)
    return fail('choose a layer ([L, N, D]) or a token ([N, T, D]), not both');
  if (layer !== undefined) {
    if (!Number.isInteger(layer) || layer < 0 || layer >= a)
      return fail(`invalid layer: ${layer} (the tensor [${shape}] has layers 0..${a - 1})`);
    return { ok: true, rows: b, cols: d, sourceStart: layer, sourceEnd: layer + 1, labelRows: b, labelRepeat: 1 };
  }
  if (token !== undefined) {
    if (typeof token === 'number' && (!Number.isInteger(token) || token < 0 || token >= b)) {
      return fail(`invalid token position: ${token} (the tensor [${shape}] has positions 0..${b - 1})`);
    }
    if (typeof token !== 'number' && !['mean', 'last', 'flatten'].includes(token))
      return fail(`invalid token choice: ${String(token)}`);
    const flat = token === 'flatten';
    return {
      ok: true,
      rows: flat ? a * b : a,
      cols: d,
      sourceStart: 0,
      sourceEnd: a,
      token: { choice: token, tokens: b },
      labelRows: a,
      labelRepeat: flat ? b : 1,
    };
  }
  return fail(
    `[${shape}] is 3-D: choose a layer (if it is [L, N, D]) or a token position, mean, last or flatten (if it is [N, T, D])`,
  );
}

/**
 * Applies a token choice to `n` source rows of an [N, T, D] tensor (n x T x D values, row-major) and returns the
 * matrix rows they become: n x D (a position, 'last', 'mean') or n*T x D ('flatten', the values unchanged).
 */
export function applyTokenView(
  values: Float32Array,
  n: number,
  tokens: number,
  cols: number,
  choice: TokenChoice,
): Float32Array {
  if (choice === 'flatten') return values;
  const out = new Float32Array(n * cols);
  if (choice === 'mean') {
    // Accumulate in f64: long sequences of f32 activations lose digits when summed in f32.
    const acc = new Float64Array(cols);
    for (let i = 0; i < n; i++) {
      acc.fill(0);
      for (let t = 0; t < tokens; t++) {
        const base = (i * tokens + t) * cols;
        for (let j = 0; j < cols; j++) acc[j] += values[base + j];
      }
      for (let j = 0; j < cols; j++) out[i * cols + j] = acc[j] / tokens;
    }
    return out;
  }
  const t = choice === 'last' ? tokens - 1 : choice;
  for (let i = 0; i < n; i++) out.set(values.subarray((i * tokens + t) * cols, (i * tokens + t + 1) * cols), i * cols);
  return out;
}

/** A guess at what a 3-D tensor's first axis is, from the label lengths available and the key's name. */
export function guess3d(shape: readonly number[], key: string, labelRows: ReadonlySet<number>): ViewChoice {
  const [a, b] = shape;
  const named = /layer|block|resid|hidden|hook/i.test(key);
  const layersFit = labelRows.has(b) && !labelRows.has(a);
  const tokensFit = labelRows.has(a) && !labelRows.has(b);
  if (layersFit || (named && !tokensFit)) return { layer: a - 1 };
  return { token: 'last' };
}
