// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zip, gzip and PNG use: the zip reader checks inflated
// members with it and SAE checkpoints end with it, so a truncated or bit-flipped file fails loudly.

let table: Uint32Array | undefined;

/** CRC-32 of `bytes`; pass the previous value to continue over a stream chunk by chunk. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  const t = table;
  let c = ~previous;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
