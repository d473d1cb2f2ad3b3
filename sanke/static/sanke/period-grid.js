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
  const html = document.getElementById("period-empty").innerHTML.replace(/__prefix__/g, index);
  rows.insertAdjacentHTML("beforeend", html);
  total.value = index + 1;
  const numbers = Array.from(rows.querySelectorAll("input[name$='-number']"))
    .map((input) => parseInt(input.value, 10))
    .filter((n) => !isNaN(n));
  rows.querySelector(`#id_periods-${index}-number`).value = numbers.length ? Math.max(...numbers) + 1 : 1;
  rows.querySelector(`#id_periods-${index}-start`).focus();
  refresh();
});
refresh();
