// The media library: uploads with a progress bar each (XMLHttpRequest upload progress),
// then the preparation's progress polled from the API, the new row in the table at once
// (rendered by the server, as on a reload) and kept current; preview and delete.
'use strict';

const media = JSON.parse(document.getElementById('media-data').textContent);
const T = media.texts;
const POLL_MS = 1000;

/** The words of an API refusal: in the page's language (the server words it for a page). */
function refusal(body) {
  const error = body.error && typeof body.error === 'object' ? body.error : {};
  return error.text || error.message || '';
}

/** Why a clip failed to prepare, as its row in the table says it (in the page's language). */
function failure(id, body) {
  const shown = document.querySelector(`#library tr[data-id="${CSS.escape(id)}"] .flash.error`);
  return shown ? shown.textContent.trim() : body.error || '';
}

function uploadRow(file) {
  const row = el('li', { class: 'upload' });
  const name = el('span', { class: 'name' }, file.name);
  const bar = el('progress', { max: 1, value: 0 });
  const state = el('span', { class: 'state' }, T.uploading);
  row.append(el('div', { class: 'thumb-empty' }), name, bar, state);
  document.getElementById('uploads').append(row);
  return { row, bar, state };
}

/** The rows' buttons this script handles come disabled from the server (a click before the
 * table's handler was attached would be lost without a word); enabled once it is. */
function enableScripted(root) {
  for (const button of root.querySelectorAll('button.scripted')) button.disabled = false;
}

async function showRow(id) {
  const response = await fetch(media.row_url.replace('MEDIA_ID', encodeURIComponent(id)), { credentials: 'same-origin' });
  if (!response.ok) return;
  const holder = document.createElement('tbody');
  holder.innerHTML = await response.text(); // the server's template, escaped there
  const fresh = holder.querySelector('tr');
  enableScripted(fresh);
  const table = document.querySelector('#library tbody');
  const old = table.querySelector(`tr[data-id="${CSS.escape(id)}"]`);
  if (old) {
    const title = old.querySelector('input.title');
    // Someone typing a new title keeps it: only the rest of the row is refreshed.
    if (title && (title === document.activeElement || title.value !== title.defaultValue)) {
      fresh.querySelector('.title-cell').replaceWith(old.querySelector('.title-cell'));
    }
    old.replaceWith(fresh);
  } else {
    table.querySelector('tr:not(.media-row)')?.remove(); // "nothing here yet"
    table.prepend(fresh);
  }
}

function follow(id, view) {
  const poll = async () => {
    const response = await staffFetch(`${media.api}/${encodeURIComponent(id)}`);
    const body = await response.json();
    await showRow(id);
    view.state.textContent = T[body.status] || body.status;
    view.row.dataset.status = body.status;
    if (body.status === 'processing' || body.status === 'queued') {
      view.bar.value = body.progress || 0;
      setTimeout(poll, POLL_MS);
    } else if (body.status === 'ready') {
      view.bar.value = 1;
      if (body.thumbnail_url) view.row.firstChild.replaceWith(el('img', { class: 'thumb', src: body.thumbnail_url, alt: '' }));
    } else {
      view.row.classList.add('failed');
      view.state.textContent = `${T.failed}: ${failure(id, body)}`;
    }
  };
  poll();
}

const CAPTIONS = /\.(srt|vtt)$/i;
const stem = (name) => name.replace(/\.[^.]+$/, '').toLowerCase();

/** Send a clip's captions (.srt/.vtt); the words of the refusal, or '' when stored. */
async function sendCaptions(id, file) {
  const form = new FormData();
  form.append('file', file);
  const response = await staffFetch(`${media.api}/${encodeURIComponent(id)}/captions`, { method: 'POST', body: form });
  if (response.ok) return '';
  const body = await response.json().catch(() => ({}));
  return refusal(body) || String(response.status);
}

/** Clips and pictures are uploaded; a .srt/.vtt goes with the clip of the same name. */
function uploadAll(files) {
  const captions = files.filter((file) => CAPTIONS.test(file.name));
  for (const file of files.filter((f) => !CAPTIONS.test(f.name))) {
    upload(file, captions.find((c) => stem(c.name) === stem(file.name)));
  }
  for (const alone of captions.filter((c) => !files.some((f) => f !== c && !CAPTIONS.test(f.name) && stem(f.name) === stem(c.name)))) {
    const view = uploadRow(alone);
    view.row.classList.add('failed');
    view.state.textContent = T.captions_alone;
  }
}

function upload(file, captions) {
  const view = uploadRow(file);
  const form = new FormData();
  form.append('file', file);
  form.append('title', file.name.replace(/\.[^.]+$/, ''));
  const request = new XMLHttpRequest();
  request.open('POST', media.upload_url);
  request.setRequestHeader('X-CSRF-Token', document.querySelector('meta[name=csrf-token]').content);
  request.setRequestHeader('Accept', 'application/json');
  request.upload.addEventListener('progress', (event) => {
    if (event.lengthComputable) view.bar.value = event.loaded / event.total;
  });
  request.addEventListener('load', () => {
    let body = {};
    try { body = JSON.parse(request.responseText); } catch { /* not JSON: keep the status */ }
    if (request.status === 202) {
      view.bar.value = 0;
      view.state.textContent = T.queued;
      follow(body.id, view);
      if (captions) {
        sendCaptions(body.id, captions).then((refused) => {
          view.row.append(el('span', { class: refused ? 'flash error' : 'muted' }, refused ? `${T.captions_failed}: ${refused}` : T.captions_saved));
        });
      }
    } else {
      view.row.classList.add('failed');
      view.state.textContent = `${T.failed}: ${refusal(body) || request.status}`;
    }
  });
  request.addEventListener('error', () => { view.row.classList.add('failed'); view.state.textContent = T.error; });
  request.send(form);
}

const drop = document.getElementById('drop');
for (const name of ['dragenter', 'dragover']) {
  drop.addEventListener(name, (event) => { event.preventDefault(); drop.classList.add('over'); });
}
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('over');
  uploadAll([...event.dataTransfer.files]);
});
document.getElementById('picker').addEventListener('change', (event) => {
  uploadAll([...event.target.files]);
  event.target.value = '';
});

document.getElementById('library').addEventListener('change', async (event) => {
  const input = event.target.closest('input.captions-file');
  if (!input || !input.files.length) return;
  const cell = input.closest('td');
  const refused = await sendCaptions(input.dataset.id, input.files[0]);
  input.value = '';
  if (!refused) {
    location.reload();
    return;
  }
  const note = cell.querySelector('.refused') || cell.appendChild(el('div', { class: 'flash error refused' }));
  note.textContent = `${T.captions_failed}: ${refused}`;
});

document.getElementById('library').addEventListener('click', async (event) => {
  const button = event.target.closest('button');
  if (!button) return;
  if (button.classList.contains('preview')) {
    const { kind, url, title, captions } = button.dataset;
    document.getElementById('viewer-title').textContent = title;
    const player = kind === 'video'
      ? el('video', { src: url, controls: '', autoplay: '', muted: '', playsinline: '' })
      : el('img', { src: url, alt: title });
    // The captions as screens show them over the muted clip.
    if (kind === 'video' && captions) {
      player.append(el('track', { kind: 'captions', srclang: 'zh', label: T.captions_label, src: captions, default: '' }));
    }
    document.getElementById('viewer-body').replaceChildren(player);
    document.getElementById('viewer').showModal();
  } else if (button.classList.contains('remove-captions')) {
    if (!window.confirm(T.remove_captions)) return;
    const response = await staffFetch(`${media.api}/${encodeURIComponent(button.dataset.id)}/captions`, { method: 'DELETE' });
    if (response.ok) location.reload();
  } else if (button.classList.contains('delete')) {
    const id = button.dataset.id;
    const title = button.closest('tr').querySelector('input.title')?.value || id;
    if (!window.confirm(T.delete.replace('%(id)s', title))) return;
    const response = await staffFetch(`${media.api}/${encodeURIComponent(id)}`, { method: 'DELETE' });
    const body = await response.json();
    const row = button.closest('tr');
    if (response.ok) {
      row.remove();
    } else {
      const note = row.querySelector('.refused') || row.querySelector('.status').appendChild(el('div', { class: 'flash error refused' }));
      const users = body.error.details?.playlists;
      const names = users?.map((playlist) => media.playlist_names?.[playlist] || playlist);
      note.textContent = names ? `${T.in_use}: ${names.join('、')}` : refusal(body);
    }
  }
});
document.getElementById('viewer').addEventListener('close', () => document.getElementById('viewer-body').replaceChildren());
enableScripted(document.getElementById('library')); // its click handler is attached above
