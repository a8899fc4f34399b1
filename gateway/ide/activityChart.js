/*
 * The analysts' activity chart (served as /ide/assets/activityChart.js): draws whatever
 * studyActivity answer the analyst just ran beside the JSON result, with Chart.js from
 * the gateway's own files. By month: a line per series; otherwise bars. A suppressed
 * count (small numbers withheld by the gateway) is never drawn as zero: it is a gap,
 * marked "suppressed" on the chart and listed below it. The answer can be saved as CSV.
 */
'use strict';

(function activityChart() {
  var DIMENSIONS = ['month', 'modality', 'region', 'organisation'];
  var COLOURS = ['#005eb8', '#009639', '#ed8b00', '#7c2855', '#00a9ce', '#330072', '#ffb81c', '#da291c', '#768692', '#006747'];
  var chart = null;
  var lastBuckets = [];

  function valueOf(bucket, dimension) {
    var value = bucket[dimension];
    if (value === null || value === undefined) return null;
    if (typeof value === 'object') return value.code || value.odsCode || value.name || null;
    return String(value);
  }

  function unique(values) {
    return values.filter(function (v, i) {
      return values.indexOf(v) === i;
    }).sort();
  }

  /** Labels, series and values of a report: the first dimension present is the x axis, the rest name the series. */
  function shape(buckets) {
    var dims = DIMENSIONS.filter(function (d) {
      return buckets.some(function (b) {
        return valueOf(b, d) !== null;
      });
    });
    var x = dims[0] || null;
    var rest = dims.slice(1);
    var labelOf = function (b) {
      return x ? valueOf(b, x) || '(none)' : 'All studies';
    };
    var seriesOf = function (b) {
      return rest.map(function (d) {
        return valueOf(b, d) || '(none)';
      }).join(' · ') || 'Studies';
    };
    var labels = unique(buckets.map(labelOf));
    var series = unique(buckets.map(seriesOf));
    var values = series.map(function () {
      return labels.map(function () {
        return null;
      });
    });
    var suppressed = [];
    buckets.forEach(function (b) {
      var s = series.indexOf(seriesOf(b));
      var l = labels.indexOf(labelOf(b));
      if (b.suppressed) suppressed.push({ series: s, label: l, text: labels[l] + (rest.length ? ' · ' + series[s] : '') });
      else values[s][l] = b.studyCount;
    });
    return { x: x, rest: rest, labels: labels, series: series, values: values, suppressed: suppressed };
  }

  /** Writes "suppressed" at the foot of every withheld cell, so a gap is never read as zero. */
  function suppressedMarker(cells) {
    return {
      id: 'suppressedMarker',
      afterDatasetsDraw: function (c) {
        var ctx = c.ctx;
        var xScale = c.scales.x;
        var base = c.scales.y.getPixelForValue(0);
        ctx.save();
        ctx.fillStyle = '#8a1538';
        ctx.font = '11px sans-serif';
        cells.forEach(function (cell) {
          var element = c.getDatasetMeta(cell.series).data[cell.label];
          var px = element && isFinite(element.x) ? element.x : xScale.getPixelForValue(cell.label);
          ctx.save();
          ctx.translate(px, base - 4);
          ctx.rotate(-Math.PI / 2);
          ctx.fillText('suppressed', 0, 4);
          ctx.restore();
        });
        ctx.restore();
      },
    };
  }

  function csvField(value) {
    var text = value === null || value === undefined ? '' : String(value);
    return /[",\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function toCsv(buckets) {
    var rows = [['region', 'modality', 'month', 'organisation', 'studyCount', 'suppressed']];
    buckets.forEach(function (b) {
      rows.push([valueOf(b, 'region'), valueOf(b, 'modality'), valueOf(b, 'month'), valueOf(b, 'organisation'), b.suppressed ? null : b.studyCount, b.suppressed ? 'true' : 'false']);
    });
    return rows.map(function (r) {
      return r.map(csvField).join(',');
    }).join('\n') + '\n';
  }

  function show(result) {
    var report = result && result.data && result.data.studyActivity;
    if (!report || !Array.isArray(report.buckets)) return;
    var panel = document.getElementById('ide-chart');
    var buckets = report.buckets;
    lastBuckets = buckets;
    var s = shape(buckets);
    var line = s.x === 'month';
    document.getElementById('ide-chart-title').textContent =
      'Studies' + (s.x ? ' by ' + s.x : '') + (s.rest.length ? ' and ' + s.rest.join(', ') : '') + (report.complete === false ? ' (incomplete: a region did not answer)' : '');
    var list = document.getElementById('ide-chart-suppressed');
    list.textContent = '';
    s.suppressed.forEach(function (cell) {
      var item = document.createElement('li');
      item.textContent = cell.text + ': suppressed (a small count, withheld; not zero)';
      list.appendChild(item);
    });
    panel.hidden = false;
    if (chart) chart.destroy();
    chart = new Chart(document.getElementById('ide-chart-canvas'), {
      type: line ? 'line' : 'bar',
      data: {
        labels: s.labels,
        datasets: s.series.map(function (name, i) {
          return { label: name, data: s.values[i], borderColor: COLOURS[i % COLOURS.length], backgroundColor: COLOURS[i % COLOURS.length], spanGaps: false };
        }),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, title: { display: true, text: 'studies' } } },
      },
      plugins: [suppressedMarker(s.suppressed)],
    });
  }

  document.getElementById('ide-chart-close').addEventListener('click', function () {
    document.getElementById('ide-chart').hidden = true;
  });
  document.getElementById('ide-chart-csv').addEventListener('click', function () {
    var link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([toCsv(lastBuckets)], { type: 'text/csv' }));
    link.download = 'study-activity.csv';
    document.body.appendChild(link);
    link.click();
    link.remove();
  });

  window.ImagingIdeChart = { show: show };
})();
