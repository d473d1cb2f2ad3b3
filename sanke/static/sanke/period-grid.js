/* A school's period grid: "add a period" appends a row to the formset, numbered after the last one. */
const button = document.getElementById("add-period");
const total = document.getElementById("id_periods-TOTAL_FORMS");
const maximum = parseInt(document.getElementById("id_periods-MAX_NUM_FORMS").value, 10);
const rows = document.getElementById("period-rows");

function refresh() {
  button.disabled = parseInt(total.value, 10) >= maximum;
}

button.addEventListener("click", () => {
  const index = parseInt(total.value, 10);
  if (index >= maximum) return;
  // a copy of the empty form's nodes, numbered: no markup is built from strings
  const row = document.getElementById("period-empty").content.cloneNode(true);
  row.querySelectorAll("*").forEach((el) => {
    for (const attr of Array.from(el.attributes)) {
      if (attr.value.includes("__prefix__")) el.setAttribute(attr.name, attr.value.replaceAll("__prefix__", index));
    }
  });
  rows.append(row);
  total.value = index + 1;
  const numbers = Array.from(rows.querySelectorAll("input[name$='-number']"))
    .map((input) => parseInt(input.value, 10))
    .filter((n) => !isNaN(n));
  rows.querySelector(`#id_periods-${index}-number`).value = numbers.length ? Math.max(...numbers) + 1 : 1;
  rows.querySelector(`#id_periods-${index}-start`).focus();
  refresh();
});
refresh();
