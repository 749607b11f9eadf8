// Intake desk: add party rows from the <template> (Django formset), keyboard-first.
(function () {
  var add = document.getElementById("add-party");
  if (!add) return;
  var rows = document.getElementById("party-rows");
  var total = document.getElementById("id_party-TOTAL_FORMS");
  var template = document.getElementById("party-template");
  add.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
    var row = rows.lastElementChild;
    row.querySelector(".party-n").textContent = String(index + 1);
    var first = row.querySelector("input");
    if (first) first.focus();
    if (window.htmx) window.htmx.process(row);
  });
  var firstName = document.getElementById("id_party-0-name");
  if (firstName && !firstName.value) firstName.focus();
})();

// The duty leader receives walk-ins (来访); a letter or call has no receiving leader unless one is chosen.
(function () {
  var leader = document.getElementById("id_receiving_leader");
  if (!leader) return;
  var dutyLeader = leader.value;
  document.querySelectorAll("input[name=channel]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      if (!radio.checked) return;
      leader.value = radio.value === "visit" ? dutyLeader : "";
    });
  });
})();
