/**
 * The files an archive folder's index page links to. Both archives serve their folders as
 * web-server index pages (Apache's and nginx's autoindex); any page whose links are `href`
 * attributes will do. Sorting links (`?C=M;O=D`), the parent folder and sub-folders are left out.
 */

const HREF = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))/gi;

/** Absolute URLs of the files directly in `folderUrl` (which ends with `/`) that `html` links to, each once, in page order. */
export function fileLinks(html: string, folderUrl: string): string[] {
  const folder = new URL(folderUrl).href;
  const links = new Set<string>();
  for (const m of html.matchAll(HREF)) {
    const href = decodeEntities(m[1] ?? m[2] ?? m[3]);
    let url: URL;
    try {
      url = new URL(href, folder);
    } catch {
      continue;
    }
    if (url.search || url.hash) continue;
    const text = url.href;
    // Directly in the folder: a name with no further slash.
    if (!text.startsWith(folder) || text.length === folder.length || text.slice(folder.length).includes('/')) continue;
    links.add(text);
  }
  return [...links];
}

/** The file name of a link (its last path segment, decoded). */
export const linkName = (url: string): string => decodeURIComponent(url.slice(url.lastIndexOf('/') + 1));

const decodeEntities = (text: string): string => text.replace(/&amp;/g, '&').replace(/&#x2F;/gi, '/').replace(/&#47;/g, '/');
