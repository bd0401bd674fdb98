/** One entry of a ZIP file's central directory. */
export interface ZipEntry {
  name: string;
  compressedBytes: number;
  /** As the archive declares it; a hostile file may lie, so callers still bound the real work. */
  uncompressedBytes: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const EOCD_MIN_BYTES = 22;
const MAX_COMMENT_BYTES = 0xffff;

/**
 * Reads the central directory of a ZIP archive (an .xlsx is one) without
 * decompressing anything, so the declared sizes of its parts can be checked before
 * any parser inflates them. Returns null for a file that is not a readable ZIP
 * archive, or that uses ZIP64 sizes (no workbook this product accepts needs them).
 */
export function readZipDirectory(bytes: Uint8Array): ZipEntry[] | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lowest = Math.max(0, bytes.byteLength - EOCD_MIN_BYTES - MAX_COMMENT_BYTES);
  let eocd = -1;
  for (let i = bytes.byteLength - EOCD_MIN_BYTES; i >= lowest; i--) {
    if (view.getUint32(i, true) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = view.getUint16(eocd + 10, true);
  const size = view.getUint32(eocd + 12, true);
  let offset = view.getUint32(eocd + 16, true);
  if (offset === 0xffffffff || count === 0xffff || offset + size > bytes.byteLength) return null;
  const decoder = new TextDecoder();
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (offset + 46 > bytes.byteLength || view.getUint32(offset, true) !== CENTRAL_SIGNATURE) return null;
    const compressedBytes = view.getUint32(offset + 20, true);
    const uncompressedBytes = view.getUint32(offset + 24, true);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    if (compressedBytes === 0xffffffff || uncompressedBytes === 0xffffffff) return null;
    const nameStart = offset + 46;
    if (nameStart + nameLength > bytes.byteLength) return null;
    entries.push({ name: decoder.decode(bytes.subarray(nameStart, nameStart + nameLength)), compressedBytes, uncompressedBytes });
    offset = nameStart + nameLength + extraLength + commentLength;
  }
  return entries;
}
