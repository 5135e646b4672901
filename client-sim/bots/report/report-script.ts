/**
 * The report page's script, inlined as text: it reads the plot specifications (JSON in the page,
 * from `reportPlots`) and draws each with uPlot into its figure, with axis labels, a legend that
 * shows the values under the cursor with their units, dashed markers (ramp end, stop) and red
 * dashed lines for objectives. It
 * sets `data-plots-drawn` on the body to the number of plots drawn, and shows what failed.
 * Plain ES2017 without modules, so that any current browser runs it from a file.
 */
export const REPORT_SCRIPT = String.raw`
(function () {
  'use strict';
  var specs = JSON.parse(document.getElementById('plots').textContent);
  var HEIGHT = 260;
  var THRESHOLD = '#b42318';

  function fmt(v) {
    if (v == null || !isFinite(v)) return '\u2014';
    var a = Math.abs(v);
    if (a >= 100) return Math.round(v).toLocaleString('en-US');
    if (a >= 10) return v.toFixed(1);
    if (a >= 1 || v === 0) return v.toFixed(a >= 1 ? 2 : 0);
    return v.toPrecision(2);
  }
  /** An axis label: 10, 2.5, 1,000; none where uPlot leaves a tick unlabelled (minor ticks of a log scale). */
  function tick(v) {
    return v == null ? '' : Number(v.toPrecision(6)).toLocaleString('en-US', { maximumFractionDigits: 3 });
  }
  function clock(s) {
    if (s == null) return '';
    var whole = Math.round(s), m = Math.floor(whole / 60), r = whole % 60;
    return m + ':' + (r < 10 ? '0' : '') + r;
  }
  function widthOf(host) { return Math.max(320, host.clientWidth); }

  function drawMarkers(spec) {
    return function (u) {
      var ctx = u.ctx, dpr = window.devicePixelRatio || 1;
      spec.markers.forEach(function (m) {
        var x = Math.round(u.valToPos(m.x, 'x', true));
        ctx.save();
        ctx.strokeStyle = '#6e7781';
        ctx.fillStyle = '#57606a';
        ctx.lineWidth = dpr;
        ctx.setLineDash([4 * dpr, 4 * dpr]);
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        ctx.font = 12 * dpr + 'px system-ui, sans-serif';
        ctx.fillText(m.label, x + 4 * dpr, u.bbox.top + 14 * dpr);
        ctx.restore();
      });
    };
  }

  function drawThresholds(spec) {
    return function (u) {
      var ctx = u.ctx, dpr = window.devicePixelRatio || 1;
      spec.thresholds.forEach(function (t) {
        var y = Math.round(u.valToPos(t.y, 'y', true));
        ctx.save();
        ctx.strokeStyle = THRESHOLD;
        ctx.fillStyle = THRESHOLD;
        ctx.lineWidth = 2 * dpr;
        ctx.setLineDash([8 * dpr, 4 * dpr]);
        ctx.beginPath();
        ctx.moveTo(u.bbox.left, y);
        ctx.lineTo(u.bbox.left + u.bbox.width, y);
        ctx.stroke();
        ctx.font = 12 * dpr + 'px system-ui, sans-serif';
        ctx.textAlign = 'right';
        // A white halo keeps the label readable over the lines it crosses.
        ctx.setLineDash([]);
        ctx.lineWidth = 4 * dpr;
        ctx.strokeStyle = '#ffffff';
        ctx.strokeText(t.label, u.bbox.left + u.bbox.width - 4 * dpr, y - 4 * dpr);
        ctx.fillText(t.label, u.bbox.left + u.bbox.width - 4 * dpr, y - 4 * dpr);
        ctx.restore();
      });
    };
  }

  function options(spec, host) {
    var highest = spec.thresholds.reduce(function (m, t) { return Math.max(m, t.y); }, 0);
    var seconds = spec.x.kind === 'seconds';
    var xSeries = {
      label: seconds ? 'time' : 'latency',
      value: function (u, v) { return v == null ? '' : seconds ? clock(v) : '\u2264 ' + fmt(v) + ' ms'; }
    };
    return {
      width: widthOf(host),
      height: HEIGHT,
      scales: {
        x: { time: false, distr: seconds ? 1 : 3 },
        // From zero, and high enough to show the objectives' lines.
        y: { range: function (u, min, max) { var top = Math.max(max || 0, highest); return [0, top > 0 ? top * 1.1 : 1]; } }
      },
      axes: [
        { label: spec.x.label + (seconds ? ' (m:ss)' : ''), values: function (u, splits) { return splits.map(seconds ? clock : tick); } },
        { label: spec.y.label, size: 64, values: function (u, splits) { return splits.map(tick); } }
      ],
      cursor: { drag: { x: true, y: false } },
      series: [xSeries].concat(spec.series.map(function (s) {
        var bars = s.style === 'bars';
        return {
          label: s.label,
          stroke: s.color,
          width: bars ? 1 : 2,
          dash: s.style === 'dashed' ? [6, 4] : undefined,
          fill: bars ? s.color + '99' : undefined,
          paths: bars ? uPlot.paths.bars({ size: [0.9, 48] }) : undefined,
          points: { show: false },
          spanGaps: false,
          value: function (u, v, si, idx) { return idx == null ? '' : fmt(v) + ' ' + s.unit; }
        };
      })),
      hooks: { draw: [drawMarkers(spec), drawThresholds(spec)] }
    };
  }

  var plots = [], failed = [];
  specs.forEach(function (spec) {
    var host = document.querySelector('#plot-' + spec.id + ' .plot-host');
    try {
      var data = [spec.x.values].concat(spec.series.map(function (s) { return s.values; }));
      plots.push({ host: host, plot: new uPlot(options(spec, host), data, host) });
    } catch (err) {
      failed.push(spec.title + ': ' + err);
    }
  });
  window.addEventListener('resize', function () {
    plots.forEach(function (p) { p.plot.setSize({ width: widthOf(p.host), height: HEIGHT }); });
  });
  document.body.setAttribute('data-plots-drawn', String(plots.length));
  if (failed.length > 0) {
    var note = document.getElementById('plot-error');
    note.textContent = 'Some plots could not be drawn: ' + failed.join('; ');
    note.hidden = false;
  }
})();
`;
