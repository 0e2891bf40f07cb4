// The batch page's progress bar: polls the page's progress JSON (same origin, the session cookie) while the
// letters are being signed, at most for ten minutes; the page itself works without this script.
(() => {
  const box = document.getElementById('kemajuan');
  if (!box || box.dataset.state !== 'running') return;
  const url = box.dataset.progressUrl;
  const deadline = Date.now() + 10 * 60 * 1000;
  const text = (id, value) => { const el = document.getElementById(id); if (el) el.textContent = value; };
  const words = {running: 'Sedang menandatangani…', done: 'Selesai.', open: '',
                 interrupted: 'Penandatanganan terhenti sebelum selesai; muat ulang halaman untuk melanjutkan.'};
  async function poll() {
    let p;
    try {
      const r = await fetch(url, {credentials: 'same-origin', headers: {'Accept': 'application/json'}});
      if (!r.ok) throw new Error(String(r.status));
      p = await r.json();
    } catch (e) {
      if (Date.now() < deadline) setTimeout(poll, 3000);
      return;
    }
    document.getElementById('bar').value = p.signed;
    text('signed', p.signed); text('pending', p.pending); text('rejected', p.rejected);
    text('keadaan', words[p.state] || '');
    if (p.state === 'running' && Date.now() < deadline) { setTimeout(poll, 1000); return; }
    if (p.state !== 'running') window.location.reload();  // the outcome per letter and the form, from the server
  }
  setTimeout(poll, 1000);
})();
