// Printing: grids that scroll on screen (virtual rows) are switched to AG Grid's print layout, so every row
// reaches the paper, and switched back afterwards. The header's 打印 button calls monitorPrint(); Ctrl+P
// goes through beforeprint/afterprint.
(function () {
  const saved = {};
  const PRINT_WIDTH = '1000px';  // A4 landscape (app.css @page) less its margins, in CSS pixels
  function grids() {
    return Array.from(document.querySelectorAll('.ag-theme-alpine[id]'))
      .map(function (el) { return [el.id, window.dash_ag_grid && window.dash_ag_grid.getApi(el.id)]; })
      .filter(function (pair) { return pair[1]; });
  }
  window.monitorPreparePrint = function () {
    grids().forEach(function ([id, api]) {
      if (!(id in saved)) { saved[id] = {layout: api.getGridOption('domLayout') || 'normal', columns: api.getColumnState()}; }
      // columns are laid out for the paper's width, not the screen's: nothing is cut at the right edge
      const el = document.getElementById(id);
      el.style.maxWidth = PRINT_WIDTH;
      api.setGridOption('domLayout', 'print');
      api.sizeColumnsToFit(Math.min(el.clientWidth, parseInt(PRINT_WIDTH, 10)) - 2);
    });
  };
  window.monitorRestorePrint = function () {
    grids().forEach(function ([id, api]) {
      document.getElementById(id).style.maxWidth = '';
      if (id in saved) {
        api.setGridOption('domLayout', saved[id].layout);
        api.applyColumnState({state: saved[id].columns, applyOrder: true});
        delete saved[id];
      }
    });
  };
  window.monitorPrint = function () {
    window.monitorPreparePrint();
    setTimeout(function () { window.print(); }, 400);  // let the grids draw every row first
  };
  window.addEventListener('beforeprint', window.monitorPreparePrint);
  window.addEventListener('afterprint', window.monitorRestorePrint);
})();
