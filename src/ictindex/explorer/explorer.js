/* ictindex explorer: re-evaluates the index tree in the browser with the arithmetic of
   ictindex.model.IndexModel.evaluate (ictindex.aggregate.aggregate_tree), and draws the ranking, the
   chart, the map and the profile of a unit. Every text from the data is set with textContent or as an
   attribute value: it never becomes markup. No request leaves the page. */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("ictindex-data").textContent);
  var SVG = "http://www.w3.org/2000/svg"; // the SVG namespace name (not fetched)

  // -- the compiled model ---------------------------------------------------------------------------
  function float64(text) {
    var bytes = atob(text), buffer = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) buffer[i] = bytes.charCodeAt(i);
    return new Float64Array(buffer.buffer);
  }
  var X = float64(DATA.normalised), VALUES = float64(DATA.values);
  var IND = DATA.indicators, NODES = DATA.nodes, EDGES = DATA.edges, YEARS = DATA.years;
  var N_IND = IND.length, N_NODES = NODES.length, N_EDGES = EDGES.weight.length;
  var N_ROWS = DATA.rows.unit.length, UNITS = DATA.units;
  var INDEX = NODES.length - 1; // nodes are bottom-up: the index is the last
  var SCALE = DATA.framework.scale;
  var NOMINAL = Float64Array.from(EDGES.weight);
  var ROWS_OF_YEAR = YEARS.map(function () { return []; });
  for (var r = 0; r < N_ROWS; r++) ROWS_OF_YEAR[DATA.rows.year[r]].push(r);
  var ROW_OF = {}; // "unit|year" -> row
  for (r = 0; r < N_ROWS; r++) ROW_OF[DATA.rows.unit[r] + "|" + DATA.rows.year[r]] = r;
  var PRESENT_COUNT = new Int32Array(N_ROWS); // indicators present per row (the inclusion rule)
  for (r = 0; r < N_ROWS; r++) {
    for (var j = 0; j < N_IND; j++) if (X[r * N_IND + j] === X[r * N_IND + j]) PRESENT_COUNT[r]++;
  }
  var NODE_POS = {};
  NODES.forEach(function (node, n) { NODE_POS[node.code] = n; });

  // the quasi-arithmetic means f^-1(sum w_i f(x_i) / sum w_i) of ictindex.aggregate
  var MEANS = {
    arithmetic: [function (x) { return x; }, function (y) { return y; }],
    geometric: [Math.log, Math.exp],
    harmonic: [function (x) { return 1 / x; }, function (y) { return 1 / y; }],
    power: [function (x, p) { return Math.pow(x, p); }, function (y, p) { return Math.pow(y, 1 / p); }]
  };

  function PositiveError(message) { this.name = "PositiveError"; this.message = message; }
  PositiveError.prototype = Object.create(Error.prototype);

  function checkWeights(weights) {
    if (!weights || weights.length !== N_EDGES) {
      throw new Error("weights must be an array of " + N_EDGES + " numbers, one per edge (window.ictindex.edges)");
    }
    var W = new Float64Array(N_EDGES);
    for (var e = 0; e < N_EDGES; e++) {
      var w = Number(weights[e]);
      if (!isFinite(w) || w < 0 || weights[e] === null || weights[e] === "") {
        throw new Error("weight " + e + " must be a finite number >= 0");
      }
      W[e] = w;
    }
    return W;
  }

  /* Scores of every node for the given rows: per node a Float64Array (NaN: not scored), on the
     framework's scale. Child presence, weights rescaled over the children present, the coverage rule
     (children with a positive weight counted, not weighted), zero floors and the inclusion rule as
     aggregate_tree computes them. */
  function evaluateRows(W, rows) {
    var m = rows.length, values = new Array(N_NODES), ok = new Array(N_NODES);
    for (var n = 0; n < N_NODES; n++) {
      var node = NODES[n], start = EDGES.start[n], stop = EDGES.stop[n];
      var p = node.power === null ? 1 : node.power;
      var forward = MEANS[node.method][0], inverse = MEANS[node.method][1];
      var positive = node.method === "geometric" || node.method === "harmonic" || (node.method === "power" && p < 0);
      var expected = 0;
      for (var e = start; e < stop; e++) if (W[e] > 0) expected++;
      var need = node.threshold * expected - 1e-9;
      var out = new Float64Array(m), good = new Uint8Array(m);
      for (var i = 0; i < m; i++) {
        var row = rows[i], present = 0, total = 0, acc = 0;
        for (e = start; e < stop; e++) {
          var c = EDGES.child[e], x;
          if (c < N_IND) {
            x = X[row * N_IND + c];
            if (x !== x) continue;
          } else {
            if (!ok[c - N_IND][i]) continue;
            x = values[c - N_IND][i];
          }
          if (positive && x <= 0) {
            if (node.floor === null) {
              throw new PositiveError("a " + node.method + " mean needs positive values, but '" + childCode(e) +
                "' of '" + node.code + "' is " + x + " for " + UNITS.codes[DATA.rows.unit[row]] + " in " +
                YEARS[DATA.rows.year[row]] + " with these weights");
            }
            x = node.floor;
          }
          var w = W[e];
          if (w > 0) present++;
          total += w;
          acc += w * forward(x, p);
        }
        var scored = present >= need && present > 0;
        good[i] = scored ? 1 : 0;
        out[i] = scored ? inverse(acc / total, p) : NaN;
      }
      values[n] = out;
      ok[n] = good;
    }
    for (n = 0; n < N_NODES; n++) {
      var v = values[n];
      for (i = 0; i < m; i++) {
        if (DATA.min_indicators !== null && PRESENT_COUNT[rows[i]] < DATA.min_indicators) v[i] = NaN;
        if (SCALE !== 1) v[i] *= SCALE;
      }
    }
    return values;
  }

  function childCode(e) {
    var c = EDGES.child[e];
    return c < N_IND ? IND[c].code : NODES[c - N_IND].code;
  }

  /* Rank 1 for the highest score, ties sharing the lowest rank, no score no rank (build._rank). */
  function rankScores(scores) {
    var order = [], ranks = new Float64Array(scores.length).fill(NaN);
    for (var i = 0; i < scores.length; i++) if (scores[i] === scores[i]) order.push(i);
    order.sort(function (a, b) { return scores[b] - scores[a]; });
    var rank = 0, previous = NaN;
    for (var k = 0; k < order.length; k++) {
      if (scores[order[k]] !== previous) rank = k + 1;
      ranks[order[k]] = rank;
      previous = scores[order[k]];
    }
    return ranks;
  }

  function evaluateYear(W, y) {
    var rows = ROWS_OF_YEAR[y], nodes = evaluateRows(W, rows);
    return { rows: rows, nodes: nodes, scores: nodes[INDEX], ranks: rankScores(nodes[INDEX]) };
  }

  function yearIndex(year) {
    var y = YEARS.indexOf(Number(year));
    if (y < 0) throw new Error("no year " + year + " in this explorer (years: " + YEARS.join(", ") + ")");
    return y;
  }

  function plain(array) {
    return Array.prototype.map.call(array, function (v) { return v === v ? v : null; });
  }

  // -- the page's state ----------------------------------------------------------------------------
  var state = { W: Float64Array.from(NOMINAL), y: YEARS.length - 1, unit: null, grouping: 0, current: null };
  var nominalCache = {};

  function nominal(y) {
    if (!nominalCache[y]) nominalCache[y] = evaluateYear(NOMINAL, y);
    return nominalCache[y];
  }

  var UNC = null; // row -> {median, q05, q95, p_top}
  if (DATA.uncertainty) {
    UNC = {};
    DATA.uncertainty.row.forEach(function (row, k) {
      UNC[row] = { median: DATA.uncertainty.median[k], q05: DATA.uncertainty.q05[k], q95: DATA.uncertainty.q95[k],
        p_top: DATA.uncertainty.p_top[k] };
    });
  }

  // -- small helpers --------------------------------------------------------------------------------
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) node.setAttribute(k, attrs[k]);
    return node;
  }
  function byId(id) { return document.getElementById(id); }
  function fmt(v, extra) {
    if (v === null || v !== v) return "\u2013";
    return v.toFixed(DATA.framework.rounding + (extra === undefined ? 1 : extra));
  }
  function fmtRank(v) { return v === null || v !== v ? "\u2013" : String(Math.round(v * 10) / 10); }
  function nodeName(n) { return NODES[n].name || NODES[n].code; }
  function unitLabel(u) {
    var name = UNITS.names[u], code = UNITS.codes[u];
    return name === code ? code : name + " (" + code + ")";
  }
  var NOUN = DATA.economies ? ["economy", "economies"] : ["unit", "units"];
  // sub-indices shown as columns: the nodes below the index, top-down (at most six)
  var SUB = DATA.top_down.slice(1).map(function (code) { return NODE_POS[code]; }).slice(0, 6);

  // -- weights ---------------------------------------------------------------------------------------
  var weightInputs = []; // per edge: [range, number, share]

  function methodText(node) {
    var text = node.method === "power" ? "power mean (p = " + node.power + ")" : node.method + " mean";
    if (node.floor !== null) text += ", zero floor " + node.floor;
    text += node.threshold > 0 ? "; scored with at least " + Math.round(node.threshold * 100) +
      " % of its weighted children present" : "; scored with any weighted child present";
    return text;
  }

  function buildWeights() {
    var box = byId("weights");
    DATA.top_down.forEach(function (code) {
      var n = NODE_POS[code], set = el("fieldset", null, "node");
      set.appendChild(el("legend", nodeName(n)));
      set.appendChild(el("p", methodText(NODES[n]), "method"));
      for (var e = EDGES.start[n]; e < EDGES.stop[n]; e++) {
        var c = EDGES.child[e];
        var label = c < N_IND ? (IND[c].name || IND[c].code) : nodeName(c - N_IND);
        var line = el("div", null, "weight");
        var id = "w" + e;
        var name = el("label", label);
        name.setAttribute("for", id);
        var range = el("input");
        range.type = "range"; range.min = "0"; range.max = String(Math.max(1, 2 * NOMINAL[e])); range.step = "any";
        range.id = id; range.setAttribute("aria-label", label);
        var number = el("input");
        number.type = "number"; number.min = "0"; number.step = "0.01";
        number.setAttribute("aria-label", label + " (weight)");
        var share = el("span", "", "share");
        (function (edge) {
          range.addEventListener("input", function () { setWeight(edge, Number(range.value)); });
          number.addEventListener("change", function () {
            var v = Number(number.value);
            if (isFinite(v) && v >= 0) setWeight(edge, v); else showWeights();
          });
        })(e);
        line.appendChild(name); line.appendChild(range); line.appendChild(number); line.appendChild(share);
        set.appendChild(line);
        weightInputs[e] = [range, number, share];
      }
      box.appendChild(set);
    });
  }

  function showWeights() {
    for (var n = 0; n < N_NODES; n++) {
      var total = 0, e;
      for (e = EDGES.start[n]; e < EDGES.stop[n]; e++) total += state.W[e];
      for (e = EDGES.start[n]; e < EDGES.stop[n]; e++) { // touch only what changed: nothing else is laid out
        var inputs = weightInputs[e], w = state.W[e];
        if (Number(inputs[0].max) < w) inputs[0].max = String(w);
        if (Number(inputs[0].value) !== w) inputs[0].value = String(w);
        var shown = String(Math.round(w * 1e6) / 1e6);
        if (inputs[1].value !== shown && document.activeElement !== inputs[1]) inputs[1].value = shown;
        var share = total > 0 ? (100 * w / total).toFixed(1) + " %" : "\u2013";
        if (inputs[2].textContent !== share) inputs[2].textContent = share;
      }
    }
  }

  function setWeight(e, value) {
    state.W[e] = value;
    update();
  }

  // -- evaluation and drawing ------------------------------------------------------------------------
  function update() {
    var started = performance.now();
    var message = byId("status");
    try {
      state.current = evaluateYear(state.W, state.y);
      message.textContent = "";
    } catch (err) {
      if (!(err instanceof PositiveError)) throw err;
      message.textContent = err.message + ". The ranking shows the last weights that could be evaluated.";
      if (!state.current || state.current.y !== state.y) state.current = nominal(state.y);
    }
    state.current.y = state.y;
    var times = { evaluate: performance.now() - started }, mark = performance.now();
    [["weights", showWeights], ["table", drawTable], ["chart", drawChart], ["map", drawMap],
     ["profile", drawProfile]].forEach(function (step) {
      step[1]();
      var now = performance.now();
      times[step[0]] = now - mark;
      mark = now;
    });
    document.body.offsetHeight; // layout now, so the time measured includes it
    times.layout = performance.now() - mark;
    window.ictindex.lastTimings = times;
    window.ictindex.lastUpdateMs = performance.now() - started;
  }

  function changeText(now, before) {
    if (now !== now || before !== before) return ["", ""];
    var d = before - now;
    if (d > 0) return ["\u25b2" + d, "up"];
    if (d < 0) return ["\u25bc" + -d, "down"];
    return ["=", "same"];
  }

  function order() {
    var cur = state.current, idx = [];
    for (var i = 0; i < cur.rows.length; i++) idx.push(i);
    idx.sort(function (a, b) {
      var ra = cur.ranks[a], rb = cur.ranks[b];
      if (ra !== ra) ra = Infinity;
      if (rb !== rb) rb = Infinity;
      return ra - rb || (UNITS.codes[DATA.rows.unit[cur.rows[a]]] < UNITS.codes[DATA.rows.unit[cur.rows[b]]] ? -1 : 1);
    });
    return idx;
  }

  /* The ranking table draws only the rows in view (and a margin): a weight move then lays out a few dozen
     rows, not hundreds. Rows have a fixed height (CSS), spacer rows stand for the others. */
  var ROW_HEIGHT = 21, VIEW_ROWS = 24, MARGIN_ROWS = 8;
  var tableScroll = 0, tableOrder = [];

  function drawTable() {
    var cur = state.current;
    tableOrder = order();
    drawRows();
    var scored = 0;
    for (var i = 0; i < cur.scores.length; i++) if (cur.scores[i] === cur.scores[i]) scored++;
    byId("ranking-caption").textContent = YEARS[state.y] + ": " + scored + " " + NOUN[1] + " scored of " +
      cur.rows.length + "; change from the nominal weights (\u25b2 places gained)" +
      (UNC ? "; 5\u201395 % rank interval of the uncertainty analysis (nominal weights)" : "") + "; flags: " +
      "E estimates, C carried forward, ! few indicators or mostly estimates.";
  }

  /* A pool of rows made once: a redraw sets their texts (only those that changed) and the heights of the two
     spacer rows, so no element is made and little is laid out. */
  var pool = null, topSpacer = null, bottomSpacer = null;

  function makePool() {
    var body = byId("ranking-body"), columns = 5 + SUB.length + (UNC ? 1 : 0) + 1;
    topSpacer = el("tr", null, "spacer");
    bottomSpacer = el("tr", null, "spacer");
    body.appendChild(topSpacer);
    pool = [];
    for (var k = 0; k < VIEW_ROWS + 2 * MARGIN_ROWS; k++) {
      var tr = el("tr"), cells = [];
      for (var c = 0; c < columns; c++) {
        var td = el("td", "", c === 2 || c === 3 ? "" : c === columns - 1 ? "flag" : "num");
        tr.appendChild(td);
        cells.push(td);
      }
      body.appendChild(tr);
      pool.push({ tr: tr, cells: cells, classes: cells.map(function (td) { return td.className; }) });
    }
    body.appendChild(bottomSpacer);
  }

  function setCell(item, c, text, cls) {
    var td = item.cells[c];
    if (td.textContent !== text) td.textContent = text;
    if (cls !== undefined && item.classes[c] !== cls) { td.className = cls; item.classes[c] = cls; }
  }

  function drawRows() {
    if (!pool) makePool();
    var cur = state.current, nom = nominal(state.y);
    var first = Math.max(0, Math.min(Math.floor(tableScroll / ROW_HEIGHT) - MARGIN_ROWS, tableOrder.length - pool.length));
    var last = Math.min(tableOrder.length, first + pool.length);
    var above = first * ROW_HEIGHT + "px", below = (tableOrder.length - last) * ROW_HEIGHT + "px";
    if (topSpacer.style.height !== above) topSpacer.style.height = above;
    if (bottomSpacer.style.height !== below) bottomSpacer.style.height = below;
    pool.forEach(function (item, k) {
      var at = first + k;
      if (at >= last) { item.tr.hidden = true; return; }
      item.tr.hidden = false;
      var i = tableOrder[at], row = cur.rows[i], u = DATA.rows.unit[row], c = 0;
      item.tr.dataset.unit = String(u);
      var selected = u === state.unit ? "selected" : "";
      if (item.tr.className !== selected) item.tr.className = selected;
      setCell(item, c++, fmtRank(cur.ranks[i]));
      var change = changeText(cur.ranks[i], nom.ranks[i]);
      setCell(item, c++, change[0], "num " + change[1]);
      setCell(item, c++, UNITS.codes[u]);
      setCell(item, c, UNITS.names[u]);
      if (item.cells[c].title !== UNITS.names[u]) item.cells[c].title = UNITS.names[u];
      c++;
      setCell(item, c++, fmt(cur.scores[i]));
      SUB.forEach(function (n) { setCell(item, c++, fmt(cur.nodes[n][i])); });
      if (UNC) {
        var q = UNC[row];
        setCell(item, c++, q && q.q05 !== null ? fmtRank(q.q05) + "\u2013" + fmtRank(q.q95) : "\u2013");
      }
      setCell(item, c++, DATA.flags.marker[row]);
    });
  }

  function showRow(u) { // scroll the table to a unit's row
    var box = byId("ranking-scroll"), cur = state.current;
    for (var k = 0; k < tableOrder.length; k++) {
      if (DATA.rows.unit[cur.rows[tableOrder[k]]] !== u) continue;
      var y = k * ROW_HEIGHT;
      if (y < box.scrollTop || y > box.scrollTop + box.clientHeight - 3 * ROW_HEIGHT) box.scrollTop = Math.max(0, y - 4 * ROW_HEIGHT);
      tableScroll = box.scrollTop;
      return;
    }
  }

  function buildTableHead() {
    var head = byId("ranking-head"), tr = el("tr");
    // a long node name is shown by its code (the full name as the tooltip)
    var names = [["Rank"], ["Change"], ["Code"], ["Name"], [INDEX]];
    SUB.forEach(function (n) { names.push([n]); });
    if (UNC) names.push(["5\u201395 % ranks"]);
    names.push(["Flag"]);
    names.forEach(function (item) {
      var full = typeof item[0] === "number" ? nodeName(item[0]) : item[0];
      var th = el("th", typeof item[0] === "number" && full.length > 16 ? NODES[item[0]].code : full);
      th.scope = "col";
      th.title = full;
      tr.appendChild(th);
    });
    head.appendChild(tr);
  }

  /* The chart is drawn on a canvas (no element per bar: a weight move lays nothing out); its text is drawn
     with fillText, never parsed. */
  var CHART = { bar: 12, left: 64, width: 520, top: 18, units: [] };
  var CHART_COLOURS = { up: "#5aae61", down: "#e08214", same: "#8c96c6", "": "#8c96c6" };

  function drawChart() {
    var cur = state.current, nom = nominal(state.y), canvas = byId("chart-canvas");
    var scored = tableOrder.filter(function (i) { return cur.scores[i] === cur.scores[i]; });
    var max = 0;
    scored.forEach(function (i) { max = Math.max(max, cur.scores[i], nom.scores[i] === nom.scores[i] ? nom.scores[i] : 0); });
    max = max > 0 ? max : 1;
    var bar = CHART.bar, left = CHART.left, width = CHART.width, top = CHART.top;
    var w = left + width + 50, h = top + bar * scored.length + 6, ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
      canvas.width = Math.round(w * ratio); canvas.height = Math.round(h * ratio);
      canvas.style.width = w + "px"; canvas.style.height = h + "px";
    }
    var ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.font = "9px system-ui, sans-serif";
    ctx.fillStyle = "#5f6368";
    ctx.textAlign = "left";
    ctx.fillText("bar: score with these weights (green: places gained, orange: lost); mark: nominal weights", left, 12);
    CHART.units = [];
    scored.forEach(function (i, k) {
      var u = DATA.rows.unit[cur.rows[i]], y = top + k * bar;
      CHART.units.push([u, i]);
      ctx.fillStyle = "#5f6368";
      ctx.textAlign = "right";
      ctx.fillText(UNITS.codes[u], left - 4, y + bar - 3);
      ctx.fillStyle = CHART_COLOURS[changeText(cur.ranks[i], nom.ranks[i])[1]];
      ctx.fillRect(left, y + 1, width * cur.scores[i] / max, bar - 2);
      if (u === state.unit) {
        ctx.strokeStyle = "#d7191c"; ctx.lineWidth = 1.5;
        ctx.strokeRect(left, y + 1, width * cur.scores[i] / max, bar - 2);
      }
      if (nom.scores[i] === nom.scores[i]) {
        var x = left + width * nom.scores[i] / max;
        ctx.fillStyle = "#1d1d1d";
        ctx.fillRect(x - 0.75, y, 1.5, bar);
      }
    });
  }

  function chartUnit(event) {
    var canvas = byId("chart-canvas"), box = canvas.getBoundingClientRect();
    var k = Math.floor((event.clientY - box.top - CHART.top) / CHART.bar);
    return k >= 0 && k < CHART.units.length ? CHART.units[k] : null;
  }

  // viridis (colour-blind safe, ordered in lightness), from low to high
  var RAMP = ["#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39", "#fde725"];
  function colour(t) {
    t = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
    var k = Math.min(RAMP.length - 2, Math.floor(t)), f = t - k;
    var a = RAMP[k], b = RAMP[k + 1], out = "#";
    for (var s = 1; s < 7; s += 2) {
      var v = Math.round(parseInt(a.substr(s, 2), 16) * (1 - f) + parseInt(b.substr(s, 2), 16) * f);
      out += (v < 16 ? "0" : "") + v.toString(16);
    }
    return out;
  }

  var mapPaths = [], mapScore = {}, mapRank = {};

  function mapTitle(item) { // the tooltip of a region, written when the pointer reaches it
    var s = mapScore[item[1]];
    item[2].textContent = unitLabel(item[1]) + ": " + (s === undefined ? "not in " + YEARS[state.y] :
      fmt(s) + (s === s ? " (rank " + fmtRank(mapRank[item[1]]) + ")" : " (not scored)"));
  }
  function buildMap() {
    var box = byId("map");
    if (!DATA.map) {
      box.appendChild(el("p", "No boundaries were given for these " + NOUN[1] + ", so there is no map.", "note"));
      return;
    }
    var view = DATA.map.view;
    var map = svg("svg", { viewBox: view.join(" "), role: "img", "class": "map" });
    map.setAttribute("aria-label", "Map of the index scores");
    var defs = svg("defs", {}), pattern = svg("pattern", { id: "hatch", width: 6, height: 6,
      patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
    pattern.appendChild(svg("rect", { width: 6, height: 6, fill: "#eeeeee" }));
    pattern.appendChild(svg("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#9a9a9a", "stroke-width": 1.5 }));
    defs.appendChild(pattern);
    map.appendChild(defs);
    DATA.map.shapes.forEach(function (shape) {
      if (!shape.d) return;
      var path = svg("path", { d: shape.d, "class": shape.unit >= 0 ? "unit" : "other", "fill-rule": "evenodd" });
      if (shape.unit >= 0) {
        path.dataset.unit = String(shape.unit);
        var tip = svg("title", {});
        path.appendChild(tip);
        mapPaths.push([path, shape.unit, tip, null, null]); // path, unit, title, fill and class drawn
      }
      map.appendChild(path);
    });
    map.addEventListener("mouseover", function (event) {
      var u = unitFromEvent(event);
      mapPaths.forEach(function (item) { if (item[0] === event.target && item[1] === u) mapTitle(item); });
    });
    box.appendChild(map);
    var note = DATA.map.note + (DATA.map.without.length ? " Not on the map (no boundary): " +
      DATA.map.without.slice(0, 40).join(", ") + (DATA.map.without.length > 40 ? ", \u2026" : "") + "." : "");
    box.appendChild(el("p", note, "note"));
    var legend = el("div", null, "legend");
    legend.appendChild(el("span", "", "legend-low"));
    var ramp = el("span", null, "ramp");
    legend.appendChild(ramp);
    legend.appendChild(el("span", "", "legend-high"));
    legend.appendChild(el("span", "no score", "legend-none"));
    box.appendChild(legend);
  }

  function drawMap() {
    if (!DATA.map) return;
    var cur = state.current, score = {}, rank = {}, low = Infinity, high = -Infinity;
    for (var i = 0; i < cur.rows.length; i++) {
      var u = DATA.rows.unit[cur.rows[i]], s = cur.scores[i];
      score[u] = s; rank[u] = cur.ranks[i];
      if (s === s) { low = Math.min(low, s); high = Math.max(high, s); }
    }
    var span = high > low ? high - low : 1;
    mapScore = score; mapRank = rank;
    mapPaths.forEach(function (item) { // touch only what changed: no style work for the rest
      var s = score[item[1]];
      var fill = s === undefined || s !== s ? "url(#hatch)" : colour((s - low) / span);
      var cls = "unit" + (item[1] === state.unit ? " selected" : "");
      if (fill !== item[3]) { item[0].setAttribute("fill", fill); item[3] = fill; }
      if (cls !== item[4]) { item[0].setAttribute("class", cls); item[4] = cls; }
    });
    var box = byId("map");
    box.querySelector(".legend-low").textContent = low === Infinity ? "" : fmt(low);
    box.querySelector(".legend-high").textContent = high === -Infinity ? "" : fmt(high);
  }

  // -- the profile of a unit ------------------------------------------------------------------------
  function groupMembers(u) {
    var groupings = DATA.groupings;
    if (!groupings.length) return null;
    var g = groupings[state.grouping], label = g.of_unit[u];
    if (label < 0) return { name: g.name, label: "no group", test: function () { return false; } };
    return { name: g.name, label: g.labels[label], test: function (v) { return g.of_unit[v] === label; } };
  }

  function mean(values) {
    var total = 0, count = 0;
    values.forEach(function (v) { if (v === v) { total += v; count++; } });
    return [count ? total / count : NaN, count];
  }

  /* The profile has a part that moves with the weights (scores, ranks, averages) and a part that does not
     (strengths and weaknesses, the indicators): the second is drawn again only for another unit, year or
     grouping. */
  var profileParts = null, fixedKey = null;

  function drawProfile() {
    var cur = state.current, nom = nominal(state.y);
    if (!profileParts) {
      profileParts = [el("div"), el("div")];
      byId("profile").appendChild(profileParts[0]);
      byId("profile").appendChild(profileParts[1]);
    }
    var box = profileParts[0];
    box.textContent = "";
    if (state.unit === null) {
      box.appendChild(el("p", "Choose a " + NOUN[0] + " in the table, the chart or the map.", "note"));
      profileParts[1].textContent = ""; fixedKey = null;
      return;
    }
    var u = state.unit, row = ROW_OF[u + "|" + state.y];
    box.appendChild(el("h2", unitLabel(u)));
    if (row === undefined) {
      box.appendChild(el("p", "No data for this " + NOUN[0] + " in " + YEARS[state.y] + ".", "note"));
      profileParts[1].textContent = ""; fixedKey = null;
      return;
    }
    var i = cur.rows.indexOf(row), scored = 0;
    for (var k = 0; k < cur.scores.length; k++) if (cur.scores[k] === cur.scores[k]) scored++;
    var facts = el("dl", null, "facts");
    function fact(term, value) { facts.appendChild(el("dt", term)); facts.appendChild(el("dd", value)); }
    fact("Year", String(YEARS[state.y]));
    fact("Score", fmt(cur.scores[i]) + " (nominal weights: " + fmt(nom.scores[i]) + ")");
    fact("Rank", cur.ranks[i] === cur.ranks[i] ? fmtRank(cur.ranks[i]) + " of " + scored +
      " (nominal weights: " + fmtRank(nom.ranks[i]) + ")" : "not ranked");
    if (UNC) {
      var q = UNC[row];
      fact("Rank interval", q && q.q05 !== null ? "5\u201395 %: " + fmtRank(q.q05) + "\u2013" + fmtRank(q.q95) +
        ", median " + fmtRank(q.median) + (q.p_top !== null ? "; in the top " + DATA.uncertainty.top + " in " +
        Math.round(100 * q.p_top) + " % of " : " of ") + DATA.uncertainty.n + " replications varying " +
        DATA.uncertainty.factors.join(", ") + " (around the nominal weights)" :
        "not in the uncertainty analysis of this year");
    }
    fact("Data flag", DATA.flags.marker[row] ? DATA.flags.marker[row] + (DATA.flags.why[row] ? ": " +
      DATA.flags.why[row] : "") : "none");
    box.appendChild(facts);

    var group = groupMembers(u), members = [];
    if (DATA.groupings.length > 1) {
      var choose = el("select"), caption = el("label", "Compare with: ");
      DATA.groupings.forEach(function (g, k) {
        var option = el("option", g.name); option.value = String(k); choose.appendChild(option);
      });
      choose.value = String(state.grouping);
      choose.addEventListener("change", function () { state.grouping = Number(choose.value); drawProfile(); });
      caption.appendChild(choose);
      box.appendChild(caption);
    }
    var all = []; // the units ranked this year (as the report's averages)
    for (k = 0; k < cur.rows.length; k++) {
      if (cur.scores[k] !== cur.scores[k]) continue;
      all.push(k);
      if (group && group.test(DATA.rows.unit[cur.rows[k]])) members.push(k);
    }
    var groupName = group ? group.label : null;

    // node scores beside the group's and all units' averages (over those scored)
    var table = el("table", null, "profile-table"), head = el("tr");
    ["", "This " + NOUN[0], groupName ? groupName + " average" : null, "All ranked"].forEach(function (h) {
      if (h !== null) { var th = el("th", h); th.scope = "col"; head.appendChild(th); }
    });
    table.appendChild(el("thead")).appendChild(head);
    var body = el("tbody");
    [INDEX].concat(SUB).forEach(function (n) {
      var tr = el("tr"), values = cur.nodes[n];
      var th = el("th", nodeName(n)); th.scope = "row"; tr.appendChild(th);
      tr.appendChild(el("td", fmt(values[i]), "num"));
      if (groupName) {
        var gm = mean(members.map(function (k) { return values[k]; }));
        tr.appendChild(el("td", fmt(gm[0]) + " (" + gm[1] + ")", "num"));
      }
      var am = mean(all.map(function (k) { return values[k]; }));
      tr.appendChild(el("td", fmt(am[0]) + " (" + am[1] + ")", "num"));
      body.appendChild(tr);
    });
    table.appendChild(body);
    box.appendChild(el("h3", "Scores beside averages (" + YEARS[state.y] + ", current weights; averages over the " +
      NOUN[1] + " ranked, number with a score)"));
    box.appendChild(table);
    var key = u + "|" + state.y + "|" + state.grouping;
    if (key !== fixedKey) {
      fixedKey = key;
      profileParts[1].textContent = "";
      drawIndicators(profileParts[1], row, group);
    }
  }

  function drawIndicators(box, row, group) {
    // strengths and weaknesses: normalised indicators furthest above / below the mean of the group's units
    // with a value that year (the values do not move with the weights)
    var groupName = group ? group.label : null, rowsOf = [], k;
    ROWS_OF_YEAR[state.y].forEach(function (r2) {
      if (!group || group.test(DATA.rows.unit[r2])) rowsOf.push(r2);
    });
    var diffs = [];
    for (var j = 0; j < N_IND; j++) {
      var x = X[row * N_IND + j];
      var m = mean(rowsOf.map(function (r2) { return X[r2 * N_IND + j]; }));
      diffs.push({ j: j, x: x, mean: m[0], d: x === x && m[0] === m[0] ? x - m[0] : NaN });
    }
    var ranked = diffs.filter(function (d) { return d.d === d.d; }).sort(function (a, b) { return b.d - a.d; });
    var against = groupName ? groupName + " mean" : "mean of all " + NOUN[1];
    box.appendChild(el("h3", "Strengths and weaknesses (normalised values against the " + against + ")"));
    var lists = el("div", null, "sw");
    [["Strengths", ranked.filter(function (d) { return d.d > 0; }).slice(0, 3)],
     ["Weaknesses", ranked.filter(function (d) { return d.d < 0; }).reverse().slice(0, 3)]].forEach(function (part) {
      var sec = el("div"), list = el("ul");
      sec.appendChild(el("h4", part[0]));
      part[1].forEach(function (d) {
        list.appendChild(el("li", (IND[d.j].name || IND[d.j].code) + ": " + d.x.toFixed(3) + " vs " +
          d.mean.toFixed(3) + " (" + (d.d > 0 ? "+" : "") + d.d.toFixed(3) + ")"));
      });
      if (!part[1].length) list.appendChild(el("li", "none"));
      sec.appendChild(list);
      lists.appendChild(sec);
    });
    box.appendChild(lists);

    // every indicator: value, normalised, the group's mean and the flag of the value
    var flagsOf = {};
    var fv = DATA.flags.values;
    for (k = 0; k < fv.row.length; k++) if (fv.row[k] === row) flagsOf[fv.indicator[k]] = k;
    var ind = el("table", null, "profile-table"), ih = el("tr");
    ["Indicator", "Value", "Normalised", groupName ? groupName + " mean" : "Mean of all", "Flag"].forEach(function (h) {
      var th = el("th", h); th.scope = "col"; ih.appendChild(th);
    });
    ind.appendChild(el("thead")).appendChild(ih);
    var ib = el("tbody");
    diffs.forEach(function (d) {
      var tr = el("tr"), info = IND[d.j], value = VALUES[row * N_IND + d.j];
      var th = el("th", info.name || info.code); th.scope = "row"; tr.appendChild(th);
      var shortUnit = info.unit && info.unit.length <= 4 ? " " + info.unit : "";
      tr.appendChild(el("td", value === value ? String(Math.round(value * 1000) / 1000) + shortUnit : "\u2013", "num"));
      tr.appendChild(el("td", d.x === d.x ? d.x.toFixed(3) : "\u2013", "num"));
      tr.appendChild(el("td", d.mean === d.mean ? d.mean.toFixed(3) : "\u2013", "num"));
      var f = flagsOf[d.j];
      tr.appendChild(el("td", f === undefined ? "" : fv.flag[f] + (fv.from_year[f] !== null ? " (from " + fv.from_year[f] +
        ")" : "") + (fv.note[f] ? ": " + fv.note[f] : ""), "flagtext"));
      ib.appendChild(tr);
    });
    ind.appendChild(ib);
    box.appendChild(el("h3", "Indicators"));
    box.appendChild(ind);
  }

  // -- selection, year, share, CSV -------------------------------------------------------------------
  function select(u) {
    state.unit = u;
    drawTable(); showRow(u); drawRows(); drawChart(); drawMap(); drawProfile();
  }

  function unitFromEvent(event) {
    var node = event.target;
    while (node && node !== document && !(node.dataset && node.dataset.unit !== undefined)) node = node.parentNode;
    return node && node.dataset ? Number(node.dataset.unit) : null;
  }

  function link() {
    var parts = ["w=" + Array.prototype.map.call(state.W, String).join(","), "year=" + YEARS[state.y]];
    if (state.unit !== null) parts.push("unit=" + encodeURIComponent(UNITS.codes[state.unit]));
    return parts.join("&");
  }

  function readLink(hash) {
    var notes = [];
    hash.replace(/^#/, "").split("&").forEach(function (part) {
      var at = part.indexOf("="), key = part.slice(0, at), value = part.slice(at + 1);
      if (at < 0) return;
      if (key === "w") {
        try { state.W = checkWeights(value.split(",").map(Number)); } catch (err) {
          notes.push("the link's weights were not used (" + err.message + ")");
        }
      } else if (key === "year") {
        var y = YEARS.indexOf(Number(value));
        if (y >= 0) state.y = y; else notes.push("the link's year is not in this explorer");
      } else if (key === "unit") {
        var code;
        try { code = decodeURIComponent(value); } catch (err) { code = null; }
        var u = UNITS.codes.indexOf(code);
        if (u >= 0) state.unit = u; else notes.push("the link's " + NOUN[0] + " is not in this explorer");
      }
    });
    return notes;
  }

  function csvCell(value) {
    if (typeof value === "number") return value === value ? String(value) : "";
    if (value === null || value === undefined) return "";
    var text = String(value);
    if (/^[\s\u00a0]*[=+\-@\t\r]/.test(text)) text = "'" + text; // never read as a formula
    return '"' + text.replace(/"/g, '""') + '"';
  }

  function csv(kind) {
    var lines = [];
    if (kind === "weights") {
      lines.push(["parent", "parent_name", "child", "child_name", "weight", "nominal_weight", "share_of_parent"]);
      for (var n = 0; n < N_NODES; n++) {
        var total = 0, e;
        for (e = EDGES.start[n]; e < EDGES.stop[n]; e++) total += state.W[e];
        for (e = EDGES.start[n]; e < EDGES.stop[n]; e++) {
          var c = EDGES.child[e];
          lines.push([NODES[n].code, nodeName(n), childCode(e), c < N_IND ? IND[c].name : nodeName(c - N_IND),
            state.W[e], NOMINAL[e], total > 0 ? state.W[e] / total : NaN]);
        }
      }
    } else {
      var cur = state.current, nom = nominal(state.y), header = ["year", "code", "name", "rank", "nominal_rank",
        "places_gained"];
      [INDEX].concat(SUB).forEach(function (k) { header.push(NODES[k].code); });
      header.push("flag");
      lines.push(header);
      order().forEach(function (i) {
        var row = cur.rows[i], u = DATA.rows.unit[row];
        var line = [YEARS[state.y], UNITS.codes[u], UNITS.names[u], cur.ranks[i], nom.ranks[i],
          nom.ranks[i] - cur.ranks[i]];
        [INDEX].concat(SUB).forEach(function (k) { line.push(cur.nodes[k][i]); });
        line.push(DATA.flags.marker[row]);
        lines.push(line);
      });
    }
    return lines.map(function (line) { return line.map(csvCell).join(","); }).join("\r\n") + "\r\n";
  }

  function download(kind) {
    var blob = new Blob([csv(kind)], { type: "text/csv;charset=utf-8" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = DATA.framework.code + "_" + YEARS[state.y] + "_" + kind + ".csv";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }

  function start() {
    var notes = readLink(window.location.hash || "");
    document.title = (DATA.framework.name || DATA.framework.code) + " \u2013 explorer";
    byId("title").textContent = (DATA.framework.name || DATA.framework.code) + " \u2013 explorer";
    byId("subtitle").textContent = (DATA.framework.version ? DATA.framework.version + ". " : "") +
      UNITS.codes.length + " " + NOUN[1] + ", " + YEARS.join(", ") + ". Move a weight: the whole tree is " +
      "re-evaluated here, with the rules of the build (weights rescaled over the children present, coverage rule" +
      (DATA.min_indicators !== null ? ", at least " + DATA.min_indicators + " indicators" : "") + ").";
    byId("source").textContent = (DATA.framework.citation || "") + " Computed with ictindex " +
      (DATA.provenance.library_version || "") + "; input " + String(DATA.provenance.input_sha256 || "").slice(0, 12) + ".";
    var years = byId("year");
    YEARS.forEach(function (year, y) {
      var option = el("option", String(year)); option.value = String(y); years.appendChild(option);
    });
    years.value = String(state.y);
    years.addEventListener("change", function () { state.y = Number(years.value); update(); });
    byId("reset").addEventListener("click", function () { state.W = Float64Array.from(NOMINAL); update(); });
    byId("share").addEventListener("click", function () {
      window.location.hash = link();
      var field = byId("share-link");
      field.value = window.location.href;
      field.hidden = false;
      field.select();
      if (navigator.clipboard) navigator.clipboard.writeText(field.value).catch(function () { return null; });
    });
    byId("csv-ranks").addEventListener("click", function () { download("ranks"); });
    byId("csv-weights").addEventListener("click", function () { download("weights"); });
    ["ranking-body", "map"].forEach(function (id) {
      byId(id).addEventListener("click", function (event) {
        var u = unitFromEvent(event);
        if (u !== null && !isNaN(u)) select(u);
      });
    });
    var canvas = byId("chart-canvas");
    canvas.addEventListener("click", function (event) {
      var hit = chartUnit(event);
      if (hit) select(hit[0]);
    });
    canvas.addEventListener("mousemove", function (event) {
      var hit = chartUnit(event), cur = state.current;
      canvas.title = hit ? unitLabel(hit[0]) + ": " + fmt(cur.scores[hit[1]]) + " (rank " + fmtRank(cur.ranks[hit[1]]) + ")" : "";
    });
    var scroller = byId("ranking-scroll"), pending = false;
    scroller.addEventListener("scroll", function () {
      tableScroll = scroller.scrollTop;
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () { pending = false; drawRows(); });
    });
    window.addEventListener("hashchange", function () {
      var again = readLink(window.location.hash || "");
      update();
      if (again.length) byId("status").textContent = "Note: " + again.join("; ") + ".";
    });
    buildWeights();
    buildTableHead();
    buildMap();
    if (state.unit === null) {
      var nom = nominal(state.y);
      for (var i = 0; i < nom.rows.length; i++) if (nom.ranks[i] === 1) { state.unit = DATA.rows.unit[nom.rows[i]]; break; }
    }
    update();
    if (notes.length) byId("status").textContent = "Note: " + notes.join("; ") + ".";
  }

  // -- the entry point for tests and scripts ---------------------------------------------------------
  window.ictindex = {
    edges: EDGES.parent.map(function (n, e) { return [NODES[n].code, childCode(e)]; }),
    nominal: Array.prototype.slice.call(NOMINAL),
    years: YEARS.slice(),
    /* Scores and ranks of one year for one weight set (in model.edges order): {units, scores, ranks, nodes}. */
    evaluate: function (weights, year) {
      var y = yearIndex(year), result = evaluateYear(checkWeights(weights), y), nodes = {};
      NODES.forEach(function (node, n) { nodes[node.code] = plain(result.nodes[n]); });
      return {
        units: result.rows.map(function (row) { return UNITS.codes[DATA.rows.unit[row]]; }),
        scores: plain(result.scores),
        ranks: plain(result.ranks),
        nodes: nodes
      };
    },
    setWeights: function (weights) { state.W = checkWeights(weights); update(); return window.ictindex.lastUpdateMs; },
    setWeight: function (e, value) { setWeight(e, checkWeights(state.W.map(function (w, k) { return k === e ? value : w; }))[e]); return window.ictindex.lastUpdateMs; },
    setYear: function (year) { state.y = yearIndex(year); byId("year").value = String(state.y); update(); },
    select: function (code) { var u = UNITS.codes.indexOf(code); if (u < 0) throw new Error("unknown unit"); select(u); },
    link: link,
    csv: csv,
    lastUpdateMs: null
  };
  start();
})();
