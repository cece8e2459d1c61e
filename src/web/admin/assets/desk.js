// The desk's little script (a file: the desk's CSP allows no inline script). Asks before destructive actions.
document.addEventListener('submit', function (e) {
  var f = e.target;
  var q = f && f.getAttribute && f.getAttribute('data-confirm');
  if (q && !window.confirm(q)) e.preventDefault();
});
