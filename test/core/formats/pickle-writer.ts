// Emits pickle opcodes for tests (protocol 2, as torch.save writes), independently of the reader under test.

export class PickleWriter {
  private out: number[] = [];
  private emit(...bytes: number[]): this {
    for (const b of bytes) this.out.push(b);
    return this;
  }
  private text(s: string): this {
    for (const b of new TextEncoder().encode(s)) this.out.push(b);
    return this;
  }
  private u32(n: number): this {
    return this.emit(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
  }

  proto(v = 2) {
    return this.emit(0x80, v);
  }
  stop() {
    return this.emit(0x2e);
  }
  mark() {
    return this.emit(0x28);
  }
  tuple() {
    return this.emit(0x74);
  }
  tuple1() {
    return this.emit(0x85);
  }
  emptyTuple() {
    return this.emit(0x29);
  }
  emptyDict() {
    return this.emit(0x7d);
  }
  emptyList() {
    return this.emit(0x5d);
  }
  setitems() {
    return this.emit(0x75);
  }
  appends() {
    return this.emit(0x65);
  }
  append() {
    return this.emit(0x61);
  }
  reduce() {
    return this.emit(0x52);
  }
  build() {
    return this.emit(0x62);
  }
  binpersid() {
    return this.emit(0x51);
  }
  none() {
    return this.emit(0x4e);
  }
  bool(v: boolean) {
    return this.emit(v ? 0x88 : 0x89);
  }
  binput(i: number) {
    return this.emit(0x71, i);
  }
  longBinput(i: number) {
    return this.emit(0x72).u32(i);
  }
  binget(i: number) {
    return this.emit(0x68, i);
  }
  global(module: string, name: string) {
    return this.emit(0x63).text(`${module}\n${name}\n`);
  }
  inst(module: string, name: string) {
    return this.emit(0x69).text(`${module}\n${name}\n`);
  }
  stackGlobal() {
    return this.emit(0x93);
  }
  ext1(code: number) {
    return this.emit(0x82, code);
  }
  raw(...bytes: number[]) {
    return this.emit(...bytes);
  }
  long1(bytes: number[]) {
    return this.emit(0x8a, bytes.length, ...bytes);
  }
  str(s: string) {
    const b = new TextEncoder().encode(s);
    return this.emit(0x58)
      .u32(b.length)
      .emit(...b);
  }
  int(n: number) {
    if (n >= 0 && n < 256) return this.emit(0x4b, n);
    if (n >= 0 && n < 65536) return this.emit(0x4d, n & 0xff, n >> 8);
    if (n >= -(2 ** 31) && n < 2 ** 31) return this.emit(0x4a).u32(n >>> 0);
    // LONG1 of 8 bytes, little-endian two's complement, as pickle writes larger ints.
    let v = BigInt.asUintN(64, BigInt(n));
    const bytes: number[] = [];
    for (let i = 0; i < 8; i++, v >>= 8n) bytes.push(Number(v & 0xffn));
    return this.long1(bytes);
  }
  ints(values: number[]) {
    this.mark();
    for (const v of values) this.int(v);
    return this.tuple();
  }

  /** torch._utils._rebuild_tensor_v2((('storage', torch.<type>, key, 'cpu', numel)), offset, size, stride, False, OrderedDict()) */
  tensor(t: {
    type: string;
    key: string;
    numel: number;
    offset: number;
    size: number[];
    stride: number[];
    legacy?: boolean;
  }) {
    this.global('torch._utils', '_rebuild_tensor_v2').mark();
    // The legacy format's persistent id has a sixth field, the view metadata (None for a whole storage).
    this.mark().str('storage').global('torch', t.type).str(t.key).str('cpu').int(t.numel);
    if (t.legacy) this.none();
    this.tuple().binpersid();
    this.int(t.offset).ints(t.size).ints(t.stride).bool(false);
    this.global('collections', 'OrderedDict').emptyTuple().reduce();
    return this.tuple().reduce();
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

/**
 * A legacy (pre-1.6) torch.save file, laid out as torch.serialization's _legacy_save writes it: pickles of the
 * magic number, the protocol version and sys_info, the object, the storage keys; then each storage as an int64
 * element count followed by its raw little-endian elements.
 */
export function legacyTorchFile(
  object: (w: PickleWriter) => void,
  storages: { key: string; data: Uint8Array; numel: number }[],
): Uint8Array {
  const parts: Uint8Array[] = [];
  parts.push(
    new PickleWriter().proto().long1([0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]).stop().bytes(),
  );
  parts.push(new PickleWriter().proto().int(1001).stop().bytes());
  parts.push(
    new PickleWriter()
      .proto()
      .emptyDict()
      .mark()
      .str('protocol_version')
      .int(1001)
      .str('little_endian')
      .bool(true)
      .str('type_sizes')
      .emptyDict()
      .mark()
      .str('short')
      .int(2)
      .str('int')
      .int(4)
      .str('long')
      .int(4)
      .setitems()
      .setitems()
      .stop()
      .bytes(),
  );
  const obj = new PickleWriter().proto();
  object(obj);
  parts.push(obj.stop().bytes());
  const keys = new PickleWriter().proto().emptyList().mark();
  for (const s of storages) keys.str(s.key);
  parts.push(keys.appends().stop().bytes());
  for (const s of storages) {
    const count = new Uint8Array(8);
    new DataView(count.buffer).setBigInt64(0, BigInt(s.numel), true);
    parts.push(count, s.data);
  }
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
