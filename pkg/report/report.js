(function () {
  "use strict";
  // Lets a test tell that scripts ran at all, and so that an injected
  // script which did not run was stopped rather than never tried.
  document.documentElement.setAttribute("data-script", "ran");

  // A click on a column's head sorts the rows by it; a second click
  // reverses them. Columns of class "n" sort as numbers, the rest as text
  // (times are RFC 3339, so as text they sort in time order).
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var body = table.tBodies[0];
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var numeric = th.classList.contains("n");
      th.querySelector("button").addEventListener("click", function () {
        var up = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", up ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].textContent, y = b.cells[col].textContent;
          var d = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y, "en", { numeric: true });
          return up ? d : -d;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });

  // Each table's filter hides the rows that do not hold what the reader
  // types, ignoring case.
  document.querySelectorAll("input.filter").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-table"));
    var count = input.parentNode.querySelector(".count");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var show = function () {
      var q = input.value.trim().toLowerCase(), shown = 0;
      rows.forEach(function (r) {
        r.hidden = q !== "" && r.textContent.toLowerCase().indexOf(q) < 0;
        if (!r.hidden) shown++;
      });
      count.textContent = shown + " of " + rows.length + " rows";
    };
    input.addEventListener("input", show);
    input.parentNode.hidden = false;
    show();
  });
})();
