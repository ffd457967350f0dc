// Progressive enhancement only: every page works without this file.
// The report form shows the score of the CVSS vector as it is typed.
(function () {
  const input = document.getElementById('cvss_vector');
  const out = document.getElementById('cvss-score');
  if (!input || !out) return;
  let timer;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    const vector = input.value.trim();
    if (!vector) { out.textContent = ''; return; }
    timer = setTimeout(function () {
      fetch('/api/v1/cvss?vector=' + encodeURIComponent(vector))
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (r) {
          out.textContent = r.ok ? (r.body.score + ' ' + r.body.severity) : r.body.error.message;
          out.className = r.ok ? 'live ok' : 'live error';
        })
        .catch(function () { out.textContent = ''; });
    }, 250);
  });
})();
