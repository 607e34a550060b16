/** Horizontal and vertical resolution of one TIFF page, dots per inch. */
export interface Resolution {
  x: number;
  y: number;
}

const X_RESOLUTION = 282;
const Y_RESOLUTION = 283;
const RESOLUTION_UNIT = 296;
const RATIONAL = 5;
/** Fax files are a few pages; the cap only guards against IFD loops in broken files. */
const MAX_IFDS = 10_000;

/**
 * Reads XResolution/YResolution of page `page` (0-based) from the TIFF's IFD chain. sharp reports
 * only the x resolution, and a "normal" fax (204x98 dpi) needs both to correct its aspect ratio.
 * Returns null when the tags are absent or the file is not a readable TIFF.
 */
export function tiffResolution(bytes: Buffer, page: number): Resolution | null {
  if (bytes.length < 8) return null;
  const order = bytes.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return null;
  const le = order === 'II';
  const u16 = (o: number) => (le ? bytes.readUInt16LE(o) : bytes.readUInt16BE(o));
  const u32 = (o: number) => (le ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o));
  const inside = (o: number, n: number) => o >= 0 && o + n <= bytes.length;

  let ifd = u32(4);
  for (let i = 0; i < page && i < MAX_IFDS; i++) {
    if (!inside(ifd, 2)) return null;
    const next = ifd + 2 + u16(ifd) * 12;
    if (!inside(next, 4)) return null;
    ifd = u32(next);
  }
  if (ifd === 0 || !inside(ifd, 2)) return null;

  const count = u16(ifd);
  let x: number | null = null;
  let y: number | null = null;
  let unit = 2;
  for (let e = 0; e < count; e++) {
    const entry = ifd + 2 + e * 12;
    if (!inside(entry, 12)) return null;
    const tag = u16(entry);
    const type = u16(entry + 2);
    const rational = () => {
      const at = u32(entry + 8);
      if (type !== RATIONAL || !inside(at, 8)) return null;
      const den = u32(at + 4);
      return den === 0 ? null : u32(at) / den;
    };
    if (tag === X_RESOLUTION) x = rational();
    else if (tag === Y_RESOLUTION) y = rational();
    else if (tag === RESOLUTION_UNIT) unit = u16(entry + 8);
  }
  if (!x || !y) return null;
  // Unit 3 is centimetres; unit 1 (none) still gives the aspect ratio, which is what matters.
  const k = unit === 3 ? 2.54 : 1;
  return { x: x * k, y: y * k };
}
