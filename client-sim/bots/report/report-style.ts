/** The report's style sheet: readable on screen and in print, coloured verdicts, plots in a grid. */
export const REPORT_CSS = `
:root { --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #b42318; --fail-bg: #fee4e2; --warn-bg: #fff4d6; --line: #d0d7de; --muted: #57606a; }
* { box-sizing: border-box; }
body { margin: 0 auto; padding: 24px 32px 48px; max-width: 1440px; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 20px 0 8px; }
.description { margin: 0 0 4px; font-size: 15px; }
.meta, .note, .empty, figcaption .sub { color: var(--muted); }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
nav { margin: 12px 0; display: flex; flex-wrap: wrap; gap: 4px 16px; }
nav a { color: #0969da; text-decoration: none; }
.verdict { margin: 16px 0; padding: 12px 16px; border-radius: 8px; border: 2px solid; font-size: 16px; }
.verdict p { margin: 0; }
.verdict .word { font-size: 20px; margin-right: 8px; letter-spacing: 0.04em; }
.verdict.passed { color: var(--pass); background: var(--pass-bg); }
.verdict.failed { color: var(--fail); background: var(--fail-bg); }
.verdict.interrupted { color: #7a4b00; background: var(--warn-bg); }
.failures { margin: 8px 0 0; padding-left: 20px; font-size: 14px; }
table.data { border-collapse: collapse; margin: 8px 0; }
table.data th, table.data td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
table.data th { background: #f6f8fa; font-weight: 600; }
table.data .num { text-align: right; font-variant-numeric: tabular-nums; }
tr.pass .badge { color: var(--pass); font-weight: 600; }
tr.fail { background: var(--fail-bg); }
tr.fail .badge, tr.fail td { color: var(--fail); font-weight: 600; }
tr.warn { background: var(--warn-bg); }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 12px; }
.tile { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.tile .name { color: var(--muted); text-transform: uppercase; font-size: 12px; letter-spacing: 0.05em; }
.tile .value { font-size: 24px; font-weight: 600; font-variant-numeric: tabular-nums; }
.plots { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 16px 24px; }
.plots + .plots { margin-top: 20px; }
figure.plot { margin: 0; min-width: 0; }
figure.plot figcaption { font-weight: 600; margin-bottom: 4px; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 24px; }
.samples { padding-left: 28px; }
.samples li { margin: 2px 0; word-break: break-word; }
#plot-error { color: var(--fail); font-weight: 600; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print { body { padding: 0; } .plots { grid-template-columns: 1fr; } figure.plot { break-inside: avoid; } }
`;
