// The hearings page: the list goes to the API with the page's CSRF header (a plain form
// could not carry it with a file); the report is kept for the page of the first date the
// list covers, which then shows what loaded and every rejected row.
'use strict';

const hearings = JSON.parse(document.getElementById('hearings-data').textContent);
const REPORT_KEY = 'signage.hearingsReport';

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}

function listRows(list, rows) {
  list.replaceChildren(...rows.map((bad) => el('li', {}, `${fill(hearings.texts.row, { row: bad.row })}: ${hearings.reasons[bad.reason] || bad.reason}`)));
}

function showRejected(rows, heading) {
  const problem = document.getElementById('hearings-problem');
  document.getElementById('hearings-problem-text').textContent = heading;
  listRows(document.getElementById('hearings-rejected'), rows);
  problem.hidden = false;
}

function showReport(report) {
  const note = document.getElementById('hearings-report');
  note.textContent = fill(hearings.texts.loaded, { count: report.imported, dates: report.dates.join(', ') });
  note.hidden = false;
  if (report.rejected.length) showRejected(report.rejected, hearings.texts.rejected);
  if ((report.warnings || []).length) {
    listRows(document.getElementById('hearings-warnings'), report.warnings);
    document.getElementById('hearings-doubts').hidden = false;
  }
}

const kept = sessionStorage.getItem(REPORT_KEY);
if (kept) {
  sessionStorage.removeItem(REPORT_KEY);
  showReport(JSON.parse(kept));
}

document.getElementById('hearings-upload').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const response = await staffFetch(hearings.upload_url, { method: 'POST', body: form });
  const body = await response.json().catch(() => ({}));
  if (response.ok) {
    sessionStorage.setItem(REPORT_KEY, JSON.stringify(body));
    location.href = `${hearings.page_url}?date=${encodeURIComponent(body.dates[0])}`;
    return;
  }
  const error = body.error || {};
  const details = Array.isArray(error.details) ? error.details.filter((d) => d && d.row) : [];
  const words = error.text || error.message;
  showRejected(details, `${hearings.texts.refused} ${words || response.status}`);
});
