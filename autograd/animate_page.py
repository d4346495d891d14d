"""The page animate_backward writes: markup, style and script, with three slots.

``{{TITLE}}``, ``{{SVG}}`` (the graph from Graphviz) and ``{{FRAMES}}`` (JSON: a start
state and one frame per op, each naming the op's SVG node, its inputs, their new
gradient texts and the caption). The script only changes texts, classes and
visibility in the SVG: everything the page shows was computed in Python.
"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{TITLE}}</title>
<style>
  body { font-family: Helvetica, Arial, sans-serif; margin: 16px; color: #222; }
  h1 { font-size: 17px; margin: 0 0 8px 0; }
  #controls { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
  #controls button { font-size: 14px; min-width: 38px; padding: 3px 8px; }
  #slider { width: 320px; }
  #counter { font-variant-numeric: tabular-nums; min-width: 110px; }
  #caption { font-family: Menlo, Consolas, monospace; font-size: 14px; background: #f6f6f6;
             border-left: 4px solid #d9822b; padding: 8px 10px; margin: 10px 0;
             white-space: pre-wrap; min-height: 2.6em; }
  #key { font-size: 12px; color: #555; margin-bottom: 8px; }
  #key span { display: inline-block; padding: 1px 6px; margin-right: 10px; border-radius: 3px; }
  #graph svg { max-width: 100%; height: auto; }
  .waiting { opacity: 0.35; }
  .current-op ellipse { fill: #ffd166; stroke: #d9822b; stroke-width: 3px; }
  .just-filled polygon { stroke: #d9822b; stroke-width: 3px; }
</style>
</head>
<body>
<h1>{{TITLE}}</h1>
<div id="controls">
  <button id="first" title="back to the start (Home)">|&#x25C0;</button>
  <button id="prev" title="one op back (&#x2190;)">&#x25C0;</button>
  <button id="play" title="play / pause (space)">&#x25B6; play</button>
  <button id="next" title="one op forward (&#x2192;)">&#x25B6;</button>
  <button id="last" title="to the end (End)">&#x25B6;|</button>
  <input id="slider" type="range" min="0" value="0">
  <span id="counter"></span>
  <label>speed <select id="speed"><option value="1600">slow</option>
    <option value="800" selected>normal</option><option value="300">fast</option></select></label>
</div>
<div id="caption"></div>
<div id="key"><span style="background:#ffd166">op being differentiated</span>
  <span style="border:2px solid #d9822b">gradient just arrived</span>
  <span style="opacity:0.35;border:1px solid #999">no gradient yet</span></div>
<div id="graph">{{SVG}}</div>
<script type="application/json" id="backward-frames">{{FRAMES}}</script>
<script>
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("backward-frames").textContent);
  var frames = data.frames;
  var groups = {};
  document.querySelectorAll("#graph g.node").forEach(function (g) {
    var title = g.querySelector("title");
    if (title) { groups[title.textContent] = g; }
  });
  // The texts of a data node's gradient: its "grad ..." text and, for a tensor, the
  // lines after it (the grad row is the last of the node's table).
  function gradTexts(g) {
    var texts = Array.prototype.slice.call(g.querySelectorAll("text"));
    for (var i = 0; i < texts.length; i++) {
      if (texts[i].textContent.indexOf("grad") === 0) { return texts.slice(i); }
    }
    return [];
  }
  var finalText = {};
  Object.keys(groups).forEach(function (id) {
    finalText[id] = gradTexts(groups[id]).map(function (t) { return t.textContent; });
  });
  function showGrad(id, entry) {
    var g = groups[id];
    if (!g) { return; }
    var texts = gradTexts(g);
    g.classList.remove("waiting");
    if (entry.tensor) {  // the layout holds the final values; show them
      texts.forEach(function (t, k) { t.textContent = finalText[id][k]; t.style.visibility = ""; });
    } else if (texts.length) {
      texts[0].textContent = entry.text;
    }
  }
  function hideGrad(id) {
    var g = groups[id];
    if (!g || id.charAt(0) !== "n") { return; }
    g.classList.add("waiting");
    gradTexts(g).forEach(function (t, k) {
      if (k === 0) { t.textContent = "grad ?"; } else { t.style.visibility = "hidden"; }
    });
  }
  var slider = document.getElementById("slider");
  slider.max = frames.length;
  var position = 0, timer = null;
  function render(k) {
    position = Math.max(0, Math.min(frames.length, k));
    Object.keys(groups).forEach(function (id) {
      groups[id].classList.remove("current-op", "just-filled");
      if (id.charAt(0) === "n") { hideGrad(id); }
    });
    var state = {};
    Object.keys(data.start.grads).forEach(function (id) { state[id] = data.start.grads[id]; });
    for (var i = 0; i < position; i++) {
      Object.keys(frames[i].grads).forEach(function (id) { state[id] = frames[i].grads[id]; });
    }
    Object.keys(state).forEach(function (id) { showGrad(id, state[id]); });
    var caption = data.start.caption;
    if (position > 0) {
      var frame = frames[position - 1];
      caption = "step " + position + ": " + frame.caption;
      if (groups[frame.op]) { groups[frame.op].classList.add("current-op"); }
      frame.inputs.forEach(function (id) {
        if (groups[id]) { groups[id].classList.add("just-filled"); }
      });
    }
    document.getElementById("caption").textContent = caption;
    document.getElementById("counter").textContent = "op " + position + " of " + frames.length;
    slider.value = position;
  }
  function stop() {
    if (timer) { clearInterval(timer); timer = null; }
    document.getElementById("play").innerHTML = "&#x25B6; play";
  }
  function play() {
    if (timer) { stop(); return; }
    if (position >= frames.length) { render(0); }
    document.getElementById("play").innerHTML = "&#x275A;&#x275A; pause";
    timer = setInterval(function () {
      if (position >= frames.length) { stop(); } else { render(position + 1); }
    }, Number(document.getElementById("speed").value));
  }
  document.getElementById("first").onclick = function () { stop(); render(0); };
  document.getElementById("prev").onclick = function () { stop(); render(position - 1); };
  document.getElementById("next").onclick = function () { stop(); render(position + 1); };
  document.getElementById("last").onclick = function () { stop(); render(frames.length); };
  document.getElementById("play").onclick = play;
  slider.oninput = function () { stop(); render(Number(slider.value)); };
  document.addEventListener("keydown", function (e) {
    if (e.key === "ArrowRight") { stop(); render(position + 1); }
    else if (e.key === "ArrowLeft") { stop(); render(position - 1); }
    else if (e.key === "Home") { stop(); render(0); }
    else if (e.key === "End") { stop(); render(frames.length); }
    else if (e.key === " ") { e.preventDefault(); play(); }
  });
  var start = Number((location.hash.match(/frame=(\\d+)/) || [0, 0])[1]);
  render(start);
})();
</script>
</body>
</html>
"""
