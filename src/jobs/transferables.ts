// The buffers of every typed array inside a job result, each once, so results are transferred to the page
// rather than copied. Only results built fresh by a job may be passed: a transferred buffer is detached here.
export function typedArrayBuffers(value: unknown): Transferable[] {
  const out = new Set<ArrayBuffer>();
  const visit = (v: unknown) => {
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer) out.add(v.buffer);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(value);
  return [...out];
}
