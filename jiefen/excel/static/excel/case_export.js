// The case list's export links carry the list's current filters. htmx pushes each change of the filters into the
// address bar, so the query string is read from there when a link is followed (no inline handlers: the
// Content-Security-Policy forbids them); the checkbox asks for full ID numbers and phones.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-case-export]");
  if (!link) {
    return;
  }
  const url = new URL(link.href, window.location.href);
  const query = new URLSearchParams(window.location.search);
  query.delete("page");
  query.set("format", url.searchParams.get("format") || "xlsx");
  const reveal = document.getElementById("case-export-reveal");
  if (reveal && reveal.checked) {
    query.set("reveal", "1");
  }
  link.href = `${url.pathname}?${query.toString()}`;
});
