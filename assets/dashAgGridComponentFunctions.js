// Cell renderers for dash-ag-grid (served from /assets: no CDN).
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

// 5–95 % rank interval as a bar on a 1..n scale, nominal rank as a tick.
dagcomponentfuncs.RankInterval = function (props) {
  var d = props.data || {};
  var n = props.colDef.cellRendererParams.n || 1;
  if (d.rank_p05 == null || d.rank_p95 == null) { return React.createElement('span', null, '—'); }
  var left = ((d.rank_p05 - 1) / n) * 100, width = ((d.rank_p95 - d.rank_p05 + 1) / n) * 100;
  var tick = ((d.rank - 0.5) / n) * 100;
  return React.createElement('div', {className: 'rank-interval', title: d.rank_p05 + '–' + d.rank_p95},
    React.createElement('div', {className: 'rank-interval-bar', style: {left: left + '%', width: width + '%'}}),
    React.createElement('div', {className: 'rank-interval-tick', style: {left: tick + '%'}}),
    React.createElement('span', {className: 'rank-interval-label'}, d.rank_p05 + '–' + d.rank_p95));
};

// Small line of the last quarters' ranks (lower is better, drawn upwards).
dagcomponentfuncs.Sparkline = function (props) {
  var v = (props.value || []).filter(function (x) { return x != null; });
  if (v.length < 2) { return React.createElement('span', null, '—'); }
  var n = props.colDef.cellRendererParams.n || Math.max.apply(null, v);
  var w = 80, h = 22, pts = v.map(function (x, i) {
    return (i * w / (v.length - 1)).toFixed(1) + ',' + ((x - 1) / Math.max(n - 1, 1) * (h - 4) + 2).toFixed(1);
  }).join(' ');
  return React.createElement('svg', {width: w, height: h, className: 'sparkline'},
    React.createElement('polyline', {points: pts, fill: 'none', stroke: '#4263eb', strokeWidth: 1.5}));
};
