// A firmware image into rp2040js's flash, as a board is flashed: a UF2
// file (512-byte blocks, each with its address) or a raw .bin written
// from the start of flash.
const FLASH = 0x10000000;
const UF2_MAGIC0 = 0x0a324655;
const UF2_MAGIC1 = 0x9e5d5157;

export function loadImage(flash, image) {
  const first = new DataView(image.buffer, image.byteOffset, Math.min(8, image.length));
  if (image.length < 8 || first.getUint32(0, true) !== UF2_MAGIC0) {
    if (image.length > flash.length) {
      throw new Error(`image of ${image.length} bytes is larger than the flash`);
    }
    flash.set(image, 0);
    return { format: 'bin', bytes: image.length };
  }
  let bytes = 0;
  for (let off = 0; off + 512 <= image.length; off += 512) {
    const view = new DataView(image.buffer, image.byteOffset + off, 512);
    if (view.getUint32(0, true) !== UF2_MAGIC0 || view.getUint32(4, true) !== UF2_MAGIC1) {
      throw new Error(`not a UF2 block at offset ${off}`);
    }
    const addr = view.getUint32(12, true);
    const size = view.getUint32(16, true);
    flash.set(image.subarray(off + 32, off + 32 + size), addr - FLASH);
    bytes += size;
  }
  return { format: 'uf2', bytes };
}
