'use strict';
// The verifier page: no build step, no dependencies. The token lives in sessionStorage only.
(function () {
  const $ = (id) => document.getElementById(id);
  const KEY = 'telltale.token';

  function token() { return sessionStorage.getItem(KEY) || ''; }

  function show(signedIn) {
    $('signin-section').hidden = signedIn;
    $('detect-section').hidden = !signedIn;
    $('provenance-section').hidden = !signedIn;
    $('scan-section').hidden = !signedIn;
  }

  async function api(path, options, contentType) {
    const resp = await fetch(path, Object.assign({}, options, {
      headers: Object.assign({ 'Authorization': 'Bearer ' + token() },
        options && options.body ? { 'Content-Type': contentType || 'application/json' } : {}),
    }));
    let body = null;
    try { body = await resp.json(); } catch (e) { body = null; }
    if (!resp.ok) {
      const detail = body && body.detail ? body.detail : ('HTTP ' + resp.status);
      const err = new Error(detail);
      err.status = resp.status;
      throw err;
    }
    return body;
  }

  // p-values far below 1e-300 are reported through log10 p, which stays exact.
  function formatP(p, log10) {
    if (p === 0 || log10 < -300) { return '10^' + log10.toFixed(1); }
    if (p >= 0.001) { return p.toPrecision(3); }
    const exp = Math.floor(log10);
    const mant = Math.pow(10, log10 - exp);
    return mant.toFixed(2) + ' × 10^' + exp;
  }

  function oneIn(log10) {
    if (log10 > -1) { return 'roughly ' + Math.round(100 * Math.pow(10, log10)) + ' in 100'; }
    const n = -log10;
    if (n < 7) { return 'about 1 in ' + Math.round(Math.pow(10, n)).toLocaleString('en'); }
    return 'about 1 in 10^' + Math.floor(n);
  }

  // The text of the last check, so that "Sign as evidence" signs exactly what was shown.
  let lastCheck = null;

  function render(d) {
    $('result').hidden = false;
    $('evidence').hidden = !d.evidence;
    $('sign').hidden = !!d.evidence;
    if (d.evidence) {
      $('evidence-id').textContent = d.evidence.id;
      $('evidence-index').textContent = String(d.evidence.log_index);
      $('open-report').dataset.id = d.evidence.id;
    }
    const v = $('verdict');
    v.className = d.verdict;
    v.textContent = d.verdict === 'watermarked'
      ? 'Watermarked (key ' + d.key_id + ')'
      : 'No watermark found';
    const p = d.keys_tested > 1 ? d.family_wise_p_value : d.p_value;
    const l = d.keys_tested > 1 ? d.log10_family_wise_p_value : d.log10_p_value;
    $('pvalue').textContent =
      'p-value ' + formatP(p, l) + ': if this text carried no watermark, a score at least this high ' +
      'would come up by chance ' + oneIn(l) + ' times. The verdict threshold is ' + d.alpha +
      (d.keys_tested > 1 ? ' (corrected for the ' + d.keys_tested + ' keys tested).' : '.');
    $('counts').textContent = d.green_tokens !== undefined
      ? d.green_tokens + ' of ' + d.scored_tokens + ' scored tokens are green; ' +
        d.expected_green_tokens.toFixed(1) + ' would be expected by chance (' + d.tokens + ' tokens in all).'
      : 'score ' + d.score.toFixed(1) + ' over ' + d.scored_tokens + ' scored tokens; ' +
        d.expected_score.toFixed(1) + ' expected by chance.';
    const map = $('heatmap');
    map.replaceChildren();
    const kgw = d.explain && d.explain.scheme === 'kgw';
    for (const t of (d.explain ? d.explain.tokens : [])) {
      const span = document.createElement('span');
      let cls = 'none';
      if (t.score !== null) { cls = (kgw ? t.score >= 1 : t.score > 1) ? 'green' : 'red'; }
      span.className = 'tok ' + cls;
      span.textContent = t.text;
      if (t.score !== null) { span.title = 'score ' + t.score.toFixed(3); }
      map.appendChild(span);
    }
  }

  const STATUS_TEXT = {
    VALID: 'Valid: signed by this service, and the text is the one it signed',
    DIGEST_MISMATCH: 'Digest mismatch: the signature is good but the text was changed after signing',
    BAD_SIGNATURE: 'Bad signature: the token names a key of this service but was not signed by it',
    UNKNOWN_KEY: 'Unknown key: the token was signed by a key this service does not publish',
    EXPIRED: 'Expired: the token is older than allowed',
    UNSUPPORTED_ALGORITHM: 'Unsupported algorithm',
    MALFORMED: 'Malformed: no intact provenance token',
  };

  function renderVerification(v) {
    $('prov-result').hidden = false;
    const s = $('prov-status');
    s.className = v.status;
    s.textContent = v.status + ': ' + (STATUS_TEXT[v.status] || v.status);
    $('prov-detail').textContent = v.detail;
    const dl = $('prov-claims');
    dl.replaceChildren();
    if (!v.claims) { return; }
    const rows = [['Issuer', v.claims.issuer], ['Model', v.claims.model],
      ['Issued', v.claims.issued_at], ['Request', v.claims.request_id],
      ['Signing key', v.kid], ['Watermark key', v.claims.watermark_key_id + ' (' + v.claims.watermark_scheme + ')'],
      ['Covers', v.covered_chars + ' characters (checked ' + v.text_chars + ')']];
    if (v.claims.account) { rows.push(['Account (pseudonym)', v.claims.account]); }
    for (const [k, val] of rows) {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = String(val);
      dl.append(dt, dd);
    }
  }

  $('provenance-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('prov-error').textContent = '';
    const text = $('prov-text').value;
    if (!text) { $('prov-error').textContent = 'Paste a signed text first.'; return; }
    $('verify').disabled = true;
    try {
      renderVerification(await api('/v1/provenance/verify', {
        method: 'POST',
        body: JSON.stringify({ text: text }),
      }));
    } catch (err) {
      $('prov-result').hidden = true;
      if (err.status === 401) {
        sessionStorage.removeItem(KEY);
        show(false);
        $('signin-status').textContent = 'The token was refused: ' + err.message;
      } else {
        $('prov-error').textContent = err.message;
      }
    } finally {
      $('verify').disabled = false;
    }
  });

  $('signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const t = $('token').value.trim();
    if (!/^tt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/.test(t)) {
      $('signin-status').textContent = 'That is not an API token (tt_…).';
      return;
    }
    sessionStorage.setItem(KEY, t);
    $('token').value = '';
    $('signin-status').textContent = '';
    show(true);
  });

  $('signout').addEventListener('click', () => {
    sessionStorage.removeItem(KEY);
    $('result').hidden = true;
    $('prov-result').hidden = true;
    $('scan-result').hidden = true;
    show(false);
  });

  function refused(err, where) {
    if (err.status === 401) {
      sessionStorage.removeItem(KEY);
      show(false);
      $('signin-status').textContent = 'The token was refused: ' + err.message;
    } else {
      $(where).textContent = err.message;
    }
  }

  async function check(request, evidence) {
    $('error').textContent = '';
    $('check').disabled = true;
    $('sign').disabled = true;
    try {
      render(await api('/v1/detect' + (evidence ? '?evidence=true' : ''), {
        method: 'POST',
        body: JSON.stringify(request),
      }));
      lastCheck = request;
    } catch (err) {
      $('result').hidden = true;
      refused(err, 'error');
    } finally {
      $('check').disabled = false;
      $('sign').disabled = false;
    }
  }

  $('detect-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('text').value;
    if (!text.trim()) { $('error').textContent = 'Paste a text first.'; return; }
    check({ text: text, explain: true, window: $('window').checked }, false);
  });

  $('sign').addEventListener('click', () => {
    if (lastCheck) { check(lastCheck, true); }
  });

  // The report is fetched with the token in a header (never in a URL) and opened from a blob: URL,
  // which only this tab can read; it is self-contained, so it loads nothing else.
  async function openReport(id, where) {
    $(where).textContent = '';
    try {
      const resp = await fetch('/v1/evidence/' + encodeURIComponent(id) + '/report', {
        headers: { 'Authorization': 'Bearer ' + token() },
      });
      if (!resp.ok) {
        let detail = 'HTTP ' + resp.status;
        try { detail = (await resp.json()).detail || detail; } catch (e) { /* not JSON */ }
        const err = new Error(detail);
        err.status = resp.status;
        throw err;
      }
      const html = await resp.blob();
      const url = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
      if (!window.open(url, '_blank')) {
        $(where).textContent = 'The browser blocked the new tab; allow pop-ups for this page.';
      }
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    } catch (err) {
      refused(err, where);
    }
  }

  $('open-report').addEventListener('click', () => openReport($('open-report').dataset.id, 'error'));
  $('scan-report').addEventListener('click', () => openReport($('scan-report').dataset.id, 'scan-error'));

  function renderScan(j) {
    $('scan-result').hidden = false;
    const docs = j.progress ? j.progress.documents : 0;
    $('scan-state').textContent = j.state === 'done'
      ? 'Done: ' + docs + ' documents scanned.'
      : j.state.charAt(0).toUpperCase() + j.state.slice(1) + ': ' + docs + ' documents so far.';
    $('scan-state').className = j.state;
    if (j.result) {
      const r = j.result;
      const suspects = r.suspect_documents ? r.suspect_documents.count : 0;
      $('scan-summary').textContent = 'Pooled p-value ' + formatP(r.pooled_p_value, r.log10_pooled_p_value) +
        ' (' + oneIn(r.log10_pooled_p_value) + ' by chance); ' + suspects + ' suspect documents.';
    } else {
      $('scan-summary').textContent = j.error ? 'Error: ' + j.error : '';
    }
    $('scan-evidence-line').hidden = !j.evidence;
    if (j.evidence) {
      $('scan-evidence-id').textContent = j.evidence.id;
      $('scan-report').dataset.id = j.evidence.id;
    }
  }

  async function watchScan(id) {
    for (;;) {
      const j = await api('/v1/scans/' + encodeURIComponent(id));
      renderScan(j);
      if (j.state !== 'queued' && j.state !== 'running') { return; }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  $('scan-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('scan-error').textContent = '';
    const file = $('scan-file').files[0];
    if (!file) { $('scan-error').textContent = 'Choose a corpus file first.'; return; }
    const jsonl = /\.(jsonl|ndjson)$/i.test(file.name);
    const q = new URLSearchParams({ field: $('scan-field').value || 'text' });
    if ($('scan-evidence').checked) { q.set('evidence', 'true'); }
    $('scan-start').disabled = true;
    try {
      const job = await api('/v1/scans?' + q.toString(), { method: 'POST', body: file },
        jsonl ? 'application/x-ndjson' : 'text/plain');
      renderScan({ state: 'queued', progress: { documents: 0 } });
      await watchScan(job.id);
    } catch (err) {
      refused(err, 'scan-error');
    } finally {
      $('scan-start').disabled = false;
    }
  });

  show(token() !== '');
})();
