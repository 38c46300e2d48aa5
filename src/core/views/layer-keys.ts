// Recognises per-layer keys in a dict of tensors (layer_0 ... layer_11, blocks.3.hook_resid_post,
// model.layers.7.mlp, h.5 ...) and groups them into one entry per pattern with its layers in order.

export interface LayerGroup {
  /** The key with the layer number replaced by {L}, e.g. 'blocks.{L}.hook_resid_post'. */
  pattern: string;
  /** The group's keys, ascending by layer. */
  layers: { layer: number; key: string }[];
}

/** Each way a key can be read as "a pattern with a layer number in it": one per run of digits. */
function candidates(key: string): { pattern: string; layer: number }[] {
  const out: { pattern: string; layer: number }[] = [];
  for (const m of key.matchAll(/\d+/g)) {
    const at = m.index ?? 0;
    out.push({ pattern: `${key.slice(0, at)}{L}${key.slice(at + m[0].length)}`, layer: Number(m[0]) });
  }
  return out;
}

/**
 * Groups keys that differ only in one number (at least two distinct numbers per group). A key with several
 * numbers joins the pattern shared by the most keys, so 'blocks.3.attn.hook_z' groups over the block number.
 */
export function groupLayerKeys(keys: readonly string[]): { groups: LayerGroup[]; rest: string[] } {
  const members = new Map<string, Map<number, string>>();
  for (const key of keys) {
    for (const c of candidates(key)) {
      let m = members.get(c.pattern);
      if (!m) members.set(c.pattern, (m = new Map()));
      if (!m.has(c.layer)) m.set(c.layer, key);
    }
  }
  const chosen = new Map<string, LayerGroup>();
  const rest: string[] = [];
  for (const key of keys) {
    let best: { pattern: string; layer: number; size: number } | undefined;
    for (const c of candidates(key)) {
      const size = members.get(c.pattern)?.size ?? 0;
      if (size >= 2 && members.get(c.pattern)!.get(c.layer) === key && (!best || size > best.size))
        best = { ...c, size };
    }
    if (!best) {
      rest.push(key);
      continue;
    }
    let g = chosen.get(best.pattern);
    if (!g) chosen.set(best.pattern, (g = { pattern: best.pattern, layers: [] }));
    g.layers.push({ layer: best.layer, key });
  }
  const groups: LayerGroup[] = [];
  for (const g of chosen.values()) {
    // A pattern that, after each key chose its best, kept a single key is not a layer group after all.
    if (g.layers.length < 2) {
      rest.push(...g.layers.map((l) => l.key));
      continue;
    }
    g.layers.sort((x, y) => x.layer - y.layer);
    groups.push(g);
  }
  return { groups, rest };
}
