// Printing, the same whichever way it starts: the header's 打印 button, Ctrl+P and Chrome's own print
// (Page.printToPDF) all fire `beforeprint` (the button just calls window.print), and Chrome lays the page out for paper right after the handlers return,
// without waiting for anything asynchronous. So everything here is synchronous:
//   1. <html class="printing"> gives the page the paper's width (A4 landscape less the margins of app.css @page),
//      so layout is measured at that width now, on screen, before the print layout exists;
//   2. every plotly chart is relaid at its container's new width (Plotly.relayout draws synchronously);
//   3. every AG Grid is fitted to its new width (sizeColumnsToFit, which redraws at once; its minWidths keep
//      ranks and headers whole). Rows are not redrawn (AG Grid's print layout draws asynchronously, too late for
//      Chrome): a grid that must print every row renders them all (suppressRowVirtualisation) and app.css
//      @media print lets it grow to its full height.
// afterprint puts every chart and grid back as it was.
(function () {
  const PAPER_WIDTH = 1047;  // 297 mm − 2 × 10 mm (app.css @page) at 96 CSS px per inch
  const PAGE_HEIGHT = 718;  // 210 mm − 2 × 10 mm
  const savedGrids = {};
  const savedPlots = new Map();
  function grids() {
    return Array.from(document.querySelectorAll('.ag-theme-alpine[id]'))
      .map(function (el) { return [el.id, window.dash_ag_grid && window.dash_ag_grid.getApi(el.id)]; })
      .filter(function (pair) { return pair[1]; });
  }
  function plots() { return Array.from(document.querySelectorAll('.js-plotly-plot')); }
  let prepared = false;
  window.monitorPreparePrint = function () {
    if (prepared) { return; }
    prepared = true;
    document.documentElement.classList.add('printing');
    document.documentElement.style.setProperty('--paper-width', PAPER_WIDTH + 'px');
    if (window.Plotly) {
      plots().forEach(function (gd) {
        const width = gd.parentElement ? gd.parentElement.clientWidth : gd.clientWidth;
        if (!width || !gd.layout) { return; }
        savedPlots.set(gd, {width: gd.layout.width, height: gd.layout.height, autosize: gd.layout.autosize});
        const change = {width: width, autosize: false};
        // a chart of square tiles (class print-keep-aspect) narrowed for paper is shortened in proportion, or
        // its tiles shrink and leave blank space above and below
        const shown = gd._fullLayout && gd._fullLayout.width, tall = gd._fullLayout && gd._fullLayout.height;
        if (gd.closest('.print-keep-aspect') && shown && tall && width < shown) {
          change.height = Math.round(tall * width / shown);
        }
        window.Plotly.relayout(gd, change);
        // a chart taller than a page is cut across pages anyway: it need not start on a new one (app.css)
        gd.classList.toggle('print-taller-than-page', (change.height || tall || 0) > PAGE_HEIGHT);
      });
    }
    grids().forEach(function ([id, api]) {
      savedGrids[id] = {columns: api.getColumnState()};
      // columns declared screen-only (colDef.context.noPrint) give their width to the others; put back below
      api.setColumnsVisible(api.getColumns().filter(function (c) {
        return (c.getColDef().context || {}).noPrint; }), false);
      api.sizeColumnsToFit(document.getElementById(id).clientWidth - 2);
    });
  };
  window.monitorRestorePrint = function () {
    if (!prepared) { return; }
    prepared = false;
    document.documentElement.classList.remove('printing');
    savedPlots.forEach(function (was, gd) {
      if (!document.body.contains(gd)) { return; }
      window.Plotly.relayout(gd, {width: was.width === undefined ? null : was.width,
                                  height: was.height === undefined ? null : was.height,
                                  autosize: was.autosize === undefined ? true : was.autosize});
      if (window.Plotly.Plots) { window.Plotly.Plots.resize(gd); }
    });
    savedPlots.clear();
    grids().forEach(function ([id, api]) {
      if (id in savedGrids) {
        api.applyColumnState({state: savedGrids[id].columns, applyOrder: true});
        delete savedGrids[id];
      }
    });
  };
  window.monitorPrint = function () { window.print(); };  // exactly Ctrl+P: the page is prepared on beforeprint
  window.addEventListener('beforeprint', window.monitorPreparePrint);
  window.addEventListener('afterprint', window.monitorRestorePrint);
})();
