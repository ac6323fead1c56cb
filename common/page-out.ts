/**
 * Hands the resident pages of a mapped file back to the kernel (native/page-out.c): a hint that
 * loses nothing, a page used later is read back from the file.
 */
import { nativeAddon } from './native.js';

interface PageOutAddon {
  pageOut(pathPart: string): number;
}

/** Pages out every mapping whose path contains `pathPart`; the bytes advised, or null without the addon. */
export function pageOutMappedFile(pathPart: string): number | null {
  return nativeAddon<PageOutAddon>('page_out', 'chDB start-up pages stay resident')?.pageOut(pathPart) ?? null;
}
