import { describe, expect, it } from 'vitest';
import { fileLinks, linkName } from '../../../collector/archives/index-page.js';

const FOLDER = 'https://data.ris.ripe.net/rrc00/2024.01/';

describe('archive folder pages', () => {
  it("keeps an Apache page's files and leaves out sorting links, the parent and sub-folders", () => {
    const html = `<table><tr><th><a href="?C=N;O=D">Name</a></th><th><a href="?C=M;O=A">Last modified</a></th></tr>
<tr><td><a href="/rrc00/">Parent Directory</a></td></tr>
<tr><td><a href="bview.20240101.0000.gz">bview.20240101.0000.gz</a></td></tr>
<tr><td><a href='updates.20240101.0000.gz'>updates.20240101.0000.gz</a></td></tr>
<tr><td><a HREF=/rrc00/2024.01/updates.20240101.0005.gz>…</a></td></tr>
<tr><td><a href="sub/">sub/</a><a href="sub/updates.20240101.0010.gz">x</a></td></tr>
<tr><td><a href="https://elsewhere.example/rrc00/2024.01/updates.20240101.0015.gz">x</a><a href="../2023.12/updates.20231231.2355.gz">x</a></td></tr>
<tr><td><a href="updates.20240101.0000.gz">again</a><a href="updates.20240101.0020.gz#top">x</a><a href="a%20b.gz">x</a></td></tr></table>`;
    expect(fileLinks(html, FOLDER)).toEqual([
      `${FOLDER}bview.20240101.0000.gz`,
      `${FOLDER}updates.20240101.0000.gz`,
      `${FOLDER}updates.20240101.0005.gz`,
      `${FOLDER}a%20b.gz`,
    ]);
    expect(linkName(`${FOLDER}a%20b.gz`)).toBe('a b.gz');
  });

  it("keeps an nginx page's files", () => {
    const html = '<html><head><title>Index of /bgpdata/2024.01/RIBS/</title></head><body><h1>Index of /bgpdata/2024.01/RIBS/</h1><hr><pre><a href="../">../</a>\r\n<a href="rib.20240101.0000.bz2">rib.20240101.0000.bz2</a>   01-Jan-2024 00:57   91M\r\n</pre><hr></body></html>';
    expect(fileLinks(html, 'https://archive.routeviews.org/bgpdata/2024.01/RIBS/')).toEqual(['https://archive.routeviews.org/bgpdata/2024.01/RIBS/rib.20240101.0000.bz2']);
  });

  it('finds nothing in a page without links', () => {
    expect(fileLinks('<html><body>Forbidden</body></html>', FOLDER)).toEqual([]);
  });
});
