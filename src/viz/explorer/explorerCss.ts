/** The explorer's style sheet: system fonts only, the report's colours (Blues), readable contrast. */
export const EXPLORER_CSS = `
*{box-sizing:border-box}
[hidden]{display:none !important}
body{font-family:"DejaVu Sans",Verdana,Arial,Helvetica,sans-serif;margin:0;color:#222;background:#f6f7f9}
header{background:#08306b;color:#fff;padding:12px 24px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;font-size:13px;opacity:.9}
form{background:#fff;margin:16px 24px;padding:12px 18px;border:1px solid #dde;border-radius:6px;display:flex;flex-wrap:wrap;gap:10px 18px;align-items:flex-end}
form .sentence{flex:1 1 420px;display:flex;flex-direction:column;font-size:14px;gap:4px}
#source{font-size:16px;padding:6px 8px;border:1px solid #8a96a8;border-radius:4px}
fieldset{border:1px solid #ccd;border-radius:4px;padding:4px 10px;font-size:14px}legend{font-size:12px;color:#444}
input[type=number]{width:4.2em}
button[type=submit]{font-size:15px;padding:7px 18px;background:#08519c;color:#fff;border:0;border-radius:4px;cursor:pointer}
button[type=submit]:hover{background:#08306b}
:focus-visible{outline:3px solid #fd8d3c;outline-offset:2px}
#model-picker{display:flex;flex-wrap:wrap;gap:10px;font-size:14px}
#global-status{margin:0 24px;font-size:13px;color:#444}
#panels{display:grid;align-items:start;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:16px;margin:12px 24px 24px}
.panel{background:#fff;padding:10px 16px;border:1px solid #dde;border-radius:6px;min-width:0}
.panel h2{font-size:17px;margin:4px 0 2px}.panel h3{font-size:14px;margin:12px 0 6px}
.family{font-size:12px;color:#555;margin:0 0 6px}
.status{font-size:13px;color:#444}.status.error{color:#a50f15;font-weight:bold}
.nbest{margin:4px 0 8px;padding-left:1.6em}.translation{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:15px}.score{font-size:12px;color:#666}.translation.empty{font-style:italic;color:#555;font-family:inherit}
.view-controls{display:flex;flex-wrap:wrap;gap:8px 14px;font-size:13px}
select{font-size:13px;padding:2px}
.heatmap-box{overflow:auto}
.map-stats{font-size:12px;color:#444}
table.grid{border-collapse:collapse;font-size:12px}table.grid th{font-weight:normal;color:#555;padding:2px 4px}table.grid td{padding:2px}
button.thumb{padding:2px;border:2px solid transparent;background:#fff;cursor:pointer;line-height:0}button.thumb.selected{border-color:#fd8d3c}button.thumb:hover{border-color:#6baed6}
table.values{border-collapse:collapse;font-size:12px;margin-bottom:6px}table.values td,table.values th{border:1px solid #ccd;padding:2px 5px}table.values td.num{text-align:right;font-variant-numeric:tabular-nums}
.values-box{overflow:auto}
#tooltip{position:absolute;background:#222;color:#fff;font-size:13px;padding:3px 7px;border-radius:3px;pointer-events:none;white-space:nowrap;z-index:10}
footer{margin:0 24px 24px;font-size:12px;color:#555}
`;
