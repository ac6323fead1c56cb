/** The report's stylesheet, inlined in its <head>: system fonts only, readable on screen and on paper. */
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #1d1d1f; --muted: #5a5d63; --rule: #d5d8dc; --band: #f4f5f7; }
* { box-sizing: border-box; }
html { font-size: 15px; }
body { margin: 0 auto; max-width: 66rem; padding: 2.2rem 2rem 3rem; color: var(--ink); background: #fff;
  font-family: "Source Serif Pro", "Charter", "Bitstream Charter", "Georgia", "DejaVu Serif", serif; line-height: 1.5; }
h1, h2, h3, h4, .chart, table, .meta, figcaption, .lead li strong { font-family: "Segoe UI", "Helvetica Neue", "Liberation Sans", "DejaVu Sans", Arial, sans-serif; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 .3rem; letter-spacing: -.01em; }
h2 { font-size: 1.3rem; margin: 2.4rem 0 .6rem; padding-bottom: .25rem; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.05rem; margin: 1.6rem 0 .4rem; }
h4 { font-size: .95rem; margin: 1rem 0 .3rem; }
p, li { max-width: 46rem; }
.meta { color: var(--muted); font-size: .88rem; margin: 0 0 1.2rem; }
.meta span + span::before { content: " · "; }
.lead { padding: 0; list-style: none; }
.lead li { margin: .45rem 0; padding-left: .8rem; border-left: 4px solid var(--c, var(--rule)); }
.num, td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
figure { margin: 1rem 0 1.6rem; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-size: .85rem; color: var(--muted); margin-top: .3rem; }
.chart { width: 100%; height: auto; max-width: 900px; display: block; font-size: 12px; }
.chart text { fill: var(--ink); }
.chart .axis text { fill: var(--muted); font-size: 11px; }
.chart .grid { stroke: #e6e8eb; stroke-width: 1; }
.chart .baseline, .chart .tick { stroke: #8a8f96; stroke-width: 1; }
.chart .direct-labels text { font-weight: 600; font-size: 11.5px; }
.chart .empty { fill: var(--muted); font-style: italic; }
table { border-collapse: collapse; width: 100%; font-size: .8rem; margin: .4rem 0 1rem; break-inside: auto; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { padding: .28rem .4rem; border-bottom: 1px solid var(--rule); vertical-align: top; text-align: left; }
thead th { border-bottom: 1.5px solid var(--ink); font-weight: 600; vertical-align: bottom; }
thead tr.group th { border-bottom: 1px solid var(--rule); text-align: center; color: var(--muted); font-weight: 500; }
tbody tr:nth-child(even) > * { background: var(--band); }
table.figures { font-size: .78rem; }
table.figures th:first-child { white-space: nowrap; }
tr.unregistered > * { color: var(--muted); }
td small, .num small { display: block; color: var(--muted); font-size: .72rem; }
.swatch { display: inline-block; width: .7rem; height: .7rem; border-radius: 2px; margin-right: .35rem; vertical-align: -1px; }
.contrib { display: grid; grid-template-columns: repeat(3, 1fr); gap: 0 1rem; break-inside: avoid; page-break-inside: avoid; }
.contrib table { font-size: .75rem; }
.contrib h4 { grid-column: 1 / -1; }
.none { color: var(--muted); font-style: italic; font-size: .9rem; }
.policy td:nth-child(4) { min-width: 16rem; }
blockquote { margin: .2rem 0; padding-left: .6rem; border-left: 3px solid var(--rule); font-style: italic; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; font-size: .88rem; }
dl.facts dt { font-weight: 600; font-family: "Segoe UI", "Helvetica Neue", "Liberation Sans", "DejaVu Sans", Arial, sans-serif; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
code { font-family: "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; font-size: .85em; }
.warn { border-left: 4px solid #c25e00; padding: .3rem .8rem; background: #fff7ef; }
footer { margin-top: 2.5rem; padding-top: .6rem; border-top: 1px solid var(--rule); font-size: .82rem; color: var(--muted); }
a { color: inherit; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  html { font-size: 10.5pt; }
  body { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3, h4 { break-after: avoid; page-break-after: avoid; }
  tbody tr:nth-child(even) > * { background: none; }
  table.figures { font-size: 8pt; }
}
`;
