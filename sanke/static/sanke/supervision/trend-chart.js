// The weekly trend of a dashboard: lessons held, cancelled and missed per week (bars) and the delivery and
// reach rates (lines). Data comes from a json_script block; words from data- attributes (Django translates).
import * as echarts from "../../vendor/echarts/echarts.esm.min.js";

function draw(element) {
  const source = document.getElementById(element.dataset.source);
  if (!source) return;
  const data = JSON.parse(source.textContent);
  const words = element.dataset;
  const chart = echarts.init(element, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    // richText tooltips: no HTML with style attributes, which the Content-Security-Policy refuses
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { top: 0 },
    grid: { left: 40, right: 40, top: 36, bottom: 24 },
    xAxis: { type: "category", data: data.weeks },
    yAxis: [
      { type: "value", name: words.lessonsLabel, minInterval: 1 },
      { type: "value", name: "%", min: 0, max: 100 },
    ],
    series: [
      { name: words.heldLabel, type: "bar", stack: "lessons", data: data.held, color: "#2fb344" },
      { name: words.cancelledLabel, type: "bar", stack: "lessons", data: data.cancelled, color: "#f59f00" },
      { name: words.missedLabel, type: "bar", stack: "lessons", data: data.missed, color: "#d63939" },
      { name: words.deliveryLabel, type: "line", yAxisIndex: 1, data: data.delivery, color: "#206bc4" },
      { name: words.reachLabel, type: "line", yAxisIndex: 1, data: data.reach, color: "#ae3ec9" },
    ],
  });
  element.dataset.ready = "1";
  window.addEventListener("resize", () => chart.resize());
}

document.querySelectorAll("[data-trend-chart]").forEach(draw);
