/** The dashboard's style sheet, inlined into its page after uPlot's. */
export const DASHBOARD_CSS = `
:root { font-family: system-ui, sans-serif; color: #1b1f24; background: #f6f7f9; }
body { margin: 0 auto; max-width: 1200px; padding: 0 16px 32px; }
header { display: flex; align-items: center; gap: 16px; border-bottom: 1px solid #d0d7de; }
header h1 { font-size: 1.4rem; margin: 12px 0; flex: 1; }
section { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 16px 16px; margin-top: 16px; }
h2 { font-size: 1.1rem; }
label { display: block; font-weight: 600; margin-top: 8px; }
input, select, textarea { font: inherit; padding: 4px 6px; min-width: 16rem; }
button { font: inherit; padding: 4px 12px; margin-top: 8px; cursor: pointer; }
button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 3px solid #0969da; outline-offset: 1px; }
form.inline { margin-top: 8px; display: flex; flex-wrap: wrap; align-items: end; gap: 8px; }
form.inline label { margin-top: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eaeef2; font-variant-numeric: tabular-nums; }
#status { min-height: 1.5em; margin: 8px 0 0; }
#status.error { color: #b42318; font-weight: 600; }
#charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 16px; }
figure.chart { margin: 0; }
figure.chart figcaption { font-weight: 600; }
p.latest { font-size: 0.85rem; color: #57606a; margin: 4px 0 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; }
dt { font-weight: 600; }
dd { margin: 0; }
`;
