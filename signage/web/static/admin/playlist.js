// The playlist editor: a form (items added, edited, moved or dragged into order) and a YAML
// tab, both checked by the server as staff type, saved through the API with If-Match. The
// save bar stays in view; problems and "will not play" warnings show beside their item.
'use strict';

const data = JSON.parse(document.getElementById('editor-data').textContent);
const T = JSON.parse(document.getElementById('editor-texts').textContent);
const $ = (id) => document.getElementById(id);

const state = {
  etag: data.etag,
  model: data.model || { name: '', items: [] },
  yaml: data.yaml,
  mode: 'form',
  dirty: false,
  base: data.yaml, // the text the form model was read from: saves keep its comments
  theirs: null,
};
let dragFrom = null;
let checkTimer = null;
let lastCheck = { issues: [], unplayed: [] };
const SINGLE_OR_RANGE = /^\s*(\d{4}-\d{2}-\d{2})?\s*(?:\.\.\s*(\d{4}-\d{2}-\d{2}))?\s*$/;

function mediaLabel(kind, id) {
  const found = data.media[kind].find((m) => m.id === id);
  return found ? found.title : `${id} ${T.missing}`;
}

function fillPicker(select, kind) {
  select.replaceChildren();
  for (const media of data.media[kind]) select.append(el('option', { value: media.id, title: media.id }, media.title));
  if (!data.media[kind].length) select.append(el('option', { value: '' }, T.none));
}

function field(label, input) {
  const wrap = el('label', { class: 'block' }, label);
  wrap.append(input);
  return wrap;
}

function bind(input, item, key, numeric = false) {
  input.value = item[key] ?? '';
  input.addEventListener('input', () => {
    item[key] = numeric ? (input.value === '' ? null : Number(input.value)) : input.value;
    changed();
  });
  return input;
}

/** The tip's QR address, with the code beside it as the screens will draw it. */
function qrField(item) {
  const input = bind(el('input', { type: 'url', class: 'tip-qr', maxlength: 300, placeholder: 'https://' }), item, 'qr');
  const image = el('img', { class: 'qr-preview', alt: T.qr_alt, width: 96, height: 96, hidden: '' });
  const caption = el('span', { class: 'muted qr-note' }, '');
  const draw = () => {
    const url = (item.qr || '').trim();
    image.hidden = true;
    caption.textContent = url ? T.qr_waiting : T.qr_none;
    if (url) image.src = `${data.qr_url}?url=${encodeURIComponent(url)}`;
  };
  image.addEventListener('load', () => { image.hidden = false; caption.textContent = T.qr_scan; });
  image.addEventListener('error', () => { caption.textContent = T.qr_bad; });
  let timer = null;
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(draw, 400); });
  draw();
  const wrap = el('div', { class: 'row qr-field' });
  wrap.append(field(T.qr, input), image, caption);
  return wrap;
}

function itemNode(item, index) {
  const li = el('li', { class: `item ${item.kind}`, draggable: 'true', 'data-index': index });
  const handle = el('span', { class: 'handle', title: T.drag, 'aria-hidden': 'true' }, '⠿');
  const kind = el('span', { class: 'kind' }, T[item.kind === 'clip' ? 'video' : item.kind]);
  const body = el('div', { class: 'fields' });
  if (item.kind === 'tip') {
    body.append(field(T.title, bind(el('input', { class: 'tip-title' }), item, 'title')));
    body.append(field(T.body, bind(el('textarea', { class: 'tip-body', rows: 3 }), item, 'body')));
    body.append(qrField(item));
  } else if (item.kind === 'hearings') {
    body.append(el('p', { class: 'hearings-note' }, T.hearings_note));
  } else {
    const select = el('select', { class: 'media' });
    fillPicker(select, item.kind);
    if (!data.media[item.kind].some((m) => m.id === item.media)) {
      select.prepend(el('option', { value: item.media }, mediaLabel(item.kind, item.media)));
    }
    body.append(field(item.kind === 'clip' ? T.video : T.image, bind(select, item, 'media')));
  }
  const extra = el('div', { class: 'row' });
  if (item.kind !== 'clip') {
    extra.append(field(T.seconds, bind(el('input', { type: 'number', min: 1, max: 3600, class: 'seconds' }), item, 'seconds', true)));
  }
  extra.append(datesField(item));
  if (item.days) extra.append(field(T.days, bind(el('input', { class: 'days' }), item, 'days')));
  if (item.time) extra.append(field(T.time, bind(el('input', { class: 'time' }), item, 'time')));
  body.append(extra);
  const tools = el('div', { class: 'tools' });
  const last = state.model.items.length - 1;
  for (const [label, to, mark, name] of [[T.top, 0, '⤒', 'top'], [T.up, index - 1, '↑', 'up'], [T.down, index + 1, '↓', 'down'], [T.bottom, last, '⤓', 'bottom']]) {
    const button = el('button', { type: 'button', title: label, 'aria-label': label, class: `move-${name}` }, mark);
    button.disabled = to < 0 || to > last || to === index;
    button.addEventListener('click', () => move(index, to));
    tools.append(button);
  }
  const remove = el('button', { type: 'button', class: 'danger remove' }, T.remove);
  remove.addEventListener('click', () => { state.model.items.splice(index, 1); renderItems(); changed(); });
  tools.append(remove);
  const number = el('span', { class: 'number' }, T.item_number.replace('%(n)s', index + 1));
  const notes = el('ul', { class: 'item-notes', 'aria-live': 'polite' });
  li.append(handle, number, kind, body, tools, notes);
  li.addEventListener('dragstart', (event) => {
    if (event.target !== li) return;
    dragFrom = index;
    event.dataTransfer.effectAllowed = 'move';
    event.dataTransfer.setData('text/plain', String(index));
  });
  li.addEventListener('dragover', (event) => { event.preventDefault(); li.classList.add('over'); });
  li.addEventListener('dragleave', () => li.classList.remove('over'));
  li.addEventListener('drop', (event) => {
    event.preventDefault();
    li.classList.remove('over');
    if (dragFrom !== null) move(dragFrom, index);
    dragFrom = null;
  });
  return li;
}

// Dates as two calendar pickers (the YAML keeps `first..last`); anything else a person
// typed in the YAML tab (several ranges) stays a text field so nothing is lost.
function datesField(item) {
  const match = SINGLE_OR_RANGE.exec(item.dates || '');
  if (!match) return field(T.dates, bind(el('input', { class: 'dates' }), item, 'dates'));
  const first = el('input', { type: 'date', class: 'date-first', value: match[1] || '' });
  const lastDay = el('input', { type: 'date', class: 'date-last', value: match[2] || match[1] || '' });
  const update = () => {
    if (first.value && lastDay.value && lastDay.value < first.value) lastDay.value = first.value;
    const from = first.value || lastDay.value;
    const to = lastDay.value || first.value;
    item.dates = !from ? '' : from === to ? from : `${from}..${to}`;
    changed();
  };
  first.addEventListener('change', update);
  lastDay.addEventListener('change', update);
  const wrap = el('fieldset', { class: 'dates-pick' });
  wrap.append(el('legend', {}, T.dates_title), field(T.from, first), field(T.to, lastDay));
  return wrap;
}

function move(from, to) {
  const items = state.model.items;
  if (to < 0 || to >= items.length || from === to) return;
  items.splice(to, 0, items.splice(from, 1)[0]);
  renderItems();
  changed();
  $('items').children[to]?.scrollIntoView({ block: 'nearest' });
}

function renderItems() {
  const list = $('items');
  list.replaceChildren(...state.model.items.map(itemNode));
  if (!state.model.items.length) list.append(el('li', { class: 'muted empty' }, T.empty));
  renderItemNotes();
}

// Problems and warnings beside the item they are about: "第 2 条：…".
function renderItemNotes() {
  if (state.mode !== 'form' || !state.model) return;
  const nodes = $('items').querySelectorAll('li.item');
  nodes.forEach((node) => { node.querySelector('.item-notes').replaceChildren(); node.classList.remove('has-error', 'has-warning'); });
  const notes = [
    ...lastCheck.issues.filter((issue) => issue.item !== null && issue.item !== undefined)
      .map((issue) => ({ item: issue.item, severity: issue.severity, text: issue.text || issue.message })),
    ...lastCheck.unplayed.map((warning) => ({ item: warning.item, severity: 'warning', text: warning.text })),
  ];
  for (const note of notes) {
    const node = nodes[note.item];
    if (!node) continue;
    const prefix = T.item_number.replace('%(n)s', note.item + 1);
    node.querySelector('.item-notes').append(el('li', { class: note.severity }, `${prefix}${T.colon}${note.text}`));
    node.classList.add(note.severity === 'error' ? 'has-error' : 'has-warning');
  }
}

function renderForm() {
  const usable = Boolean(state.model);
  $('form-unavailable').hidden = usable;
  for (const id of ['name', 'items']) $(id).hidden = !usable;
  if (!usable) return;
  $('name').value = state.model.name;
  renderItems();
}

function renderIssues(result) {
  lastCheck = { issues: result.issues || [], unplayed: result.unplayed || [] };
  const list = $('issues');
  list.replaceChildren();
  const inForm = state.mode === 'form';
  for (const issue of result.issues) {
    // In the form, a problem is named by its item; in the YAML tab, by its line.
    const where = inForm && issue.item !== null && issue.item !== undefined
      ? `${T.item_number.replace('%(n)s', issue.item + 1)}${T.colon}`
      : issue.line ? `${T.line.replace('%(line)s', issue.line)}${T.colon}` : '';
    const li = el('li', { class: issue.severity }, `${where}${issue.text || issue.message}`);
    if (issue.line) li.dataset.line = issue.line;
    list.append(li);
  }
  for (const warning of lastCheck.unplayed) {
    list.append(el('li', { class: 'warning' }, `${T.item_number.replace('%(n)s', warning.item + 1)}${T.colon}${warning.text}`));
  }
  if (result.off_air) list.append(el('li', { class: 'warning off-air' }, result.off_air));
  if (result.others) list.append(el('li', { class: 'warning' }, T.others));
  if (!list.children.length) list.append(el('li', { class: 'muted' }, T.ok));
  renderItemNotes();
  markYamlLine();
}

async function check(body) {
  const response = await staffFetch(data.check_url, { method: 'POST', json: body });
  const result = await response.json();
  if (!response.ok) throw new Error(result.error?.text || result.error?.message || response.status);
  renderIssues(result);
  return result;
}

// The YAML tab: a line number beside each line, and the first error's line marked where
// the text really is (the gutter and the mark follow the textarea's scrolling).
function yamlLineHeight() {
  return parseFloat(getComputedStyle($('yaml')).lineHeight) || 20;
}

function renderYamlGutter() {
  const count = $('yaml').value.split('\n').length;
  const gutter = $('yaml-lines');
  if (gutter.children.length !== count) {
    gutter.replaceChildren(...Array.from({ length: count }, (_, n) => el('div', {}, String(n + 1))));
  }
  gutter.scrollTop = $('yaml').scrollTop;
  markYamlLine();
}

function markYamlLine() {
  const first = lastCheck.issues.find((issue) => issue.severity === 'error' && issue.line);
  const mark = $('yaml-mark');
  const note = $('yaml-first-error');
  $('yaml-lines').querySelectorAll('.error').forEach((node) => node.classList.remove('error'));
  mark.hidden = !first;
  note.hidden = !first;
  if (!first) return;
  const area = $('yaml');
  const padding = parseFloat(getComputedStyle(area).paddingTop) || 0;
  mark.style.top = `${padding + (first.line - 1) * yamlLineHeight() - area.scrollTop}px`;
  mark.style.height = `${yamlLineHeight()}px`;
  mark.dataset.line = first.line;
  $('yaml-lines').children[first.line - 1]?.classList.add('error');
  note.textContent = `${T.line.replace('%(line)s', first.line)}${T.colon}${first.text || first.message}`;
}

function formBody() { return { playlist: state.model, base: state.base }; }

// The save bar's state: unsaved, saving, saved, error or conflict (a state is a class, so
// another one, such as waiting for review, is one more entry in the texts and the CSS).
function status(text, kind = 'info') {
  $('status').textContent = text;
  $('save-bar').dataset.state = kind;
}

function changed() {
  state.dirty = true;
  status(T.unsaved, 'unsaved');
  clearTimeout(checkTimer);
  checkTimer = setTimeout(() => {
    const body = state.mode === 'form' ? formBody() : { yaml: $('yaml').value };
    check(body).then((result) => { if (state.mode === 'form') state.yaml = result.yaml; }).catch((error) => status(`${T.failed} ${error.message}`, 'error'));
  }, 350);
}

async function showTab(mode) {
  if (mode === state.mode) return;
  if (mode === 'yaml') {
    if (state.model && state.dirty) state.yaml = (await check(formBody())).yaml;
    $('yaml').value = state.yaml;
  } else {
    const result = await check({ yaml: $('yaml').value });
    state.yaml = result.yaml;
    state.model = result.playlist;
    state.base = result.yaml;
  }
  state.mode = mode;
  $('tab-form').setAttribute('aria-selected', String(mode === 'form'));
  $('tab-yaml').setAttribute('aria-selected', String(mode === 'yaml'));
  $('pane-form').hidden = mode !== 'form';
  $('pane-yaml').hidden = mode !== 'yaml';
  if (mode === 'form') renderForm();
  else renderYamlGutter();
  renderIssues(lastCheck);
}

async function currentText() {
  if (state.mode === 'yaml') return $('yaml').value;
  return (await check(formBody())).yaml;
}

async function save(etag = state.etag) {
  status(T.saving, 'saving');
  $('save').disabled = true;
  try {
    const text = await currentText();
    const response = await staffFetch(data.save_url, {
      method: 'PUT',
      headers: { 'If-Match': `"${etag}"` },
      json: { yaml: text },
    });
    const result = await response.json();
    if (response.ok) {
      Object.assign(state, { etag: result.etag, yaml: text, base: text, dirty: false, theirs: null });
      // The saved text lists the items in the form's order: that is now where each came from.
      if (state.mode === 'form' && state.model) state.model.items.forEach((item, index) => { item.origin = index; });
      $('conflict').hidden = true;
      // 202: held for a reviewer; the file (and its ETag) stay as they were.
      const held = response.status === 202;
      status(held ? T.pending : T.saved, held ? 'pending' : 'saved');
      if (held) Object.assign($('review-state'), { textContent: T.pending_note, hidden: false });
      $('saved-at').textContent = new Date().toTimeString().slice(0, 5);
    } else if (response.status === 412) {
      await showConflict(text);
    } else if (response.status === 422) {
      // The API speaks English; the page's own check tells the same problems in its language.
      await check({ yaml: text }).catch(() => renderIssues({ issues: result.error.details || [] }));
      status(T.not_saved, 'error');
      document.querySelector('.item.has-error, #issues li.error')?.scrollIntoView({ block: 'center' });
    } else {
      status(`${T.failed} ${result.error?.text || result.error?.message || response.status}`, 'error');
    }
  } finally {
    $('save').disabled = false;
  }
}

async function showConflict(mine) {
  const response = await staffFetch(data.save_url, { headers: { Accept: 'application/json' } });
  state.theirs = await response.json();
  $('mine').textContent = mine;
  $('theirs').textContent = state.theirs.yaml;
  $('conflict').hidden = false;
  status(T.conflict, 'conflict');
  $('conflict').scrollIntoView({ block: 'start' });
}

async function takeTheirs() {
  const theirs = state.theirs;
  const result = await check({ yaml: theirs.yaml });
  Object.assign(state, { etag: theirs.etag, yaml: theirs.yaml, model: result.playlist, dirty: false, base: theirs.yaml });
  $('yaml').value = theirs.yaml;
  $('conflict').hidden = true;
  renderForm();
  status('');
}

function addItem(item) {
  state.model.items.push({ seconds: null, dates: '', days: '', time: '', ...item });
  renderItems();
  changed();
  $('items').lastElementChild.scrollIntoView({ block: 'center' });
}

$('tab-form').addEventListener('click', () => showTab('form'));
$('tab-yaml').addEventListener('click', () => showTab('yaml'));
$('yaml').addEventListener('input', () => { renderYamlGutter(); changed(); });
$('yaml').addEventListener('scroll', renderYamlGutter);
$('name').addEventListener('input', () => { state.model.name = $('name').value; changed(); });
$('save').addEventListener('click', () => save());
$('keep-mine').addEventListener('click', () => save(state.theirs.etag));
$('take-theirs').addEventListener('click', takeTheirs);
$('add-clip').addEventListener('click', () => $('pick-clip').value && addItem({ kind: 'clip', media: $('pick-clip').value }));
$('add-image').addEventListener('click', () => $('pick-image').value && addItem({ kind: 'image', media: $('pick-image').value, seconds: data.default_seconds.image }));
$('add-hearings').addEventListener('click', () => addItem({ kind: 'hearings', seconds: data.default_seconds.hearings }));
$('add-tip').addEventListener('click', () => {
  addItem({ kind: 'tip', title: '', body: '', seconds: data.default_seconds.tip });
  const titles = document.querySelectorAll('.tip-title');
  titles[titles.length - 1].focus();
});
// The add buttons come disabled from the server: a click before their handlers were attached
// (a slow box, a quick hand) would be lost without a word.
for (const button of document.querySelectorAll('.add-bar button')) button.disabled = false;
$('issues').addEventListener('click', (event) => {
  const line = Number(event.target.dataset?.line);
  if (!line || state.mode !== 'yaml') return;
  const area = $('yaml');
  const start = area.value.split('\n').slice(0, line - 1).join('\n').length + (line > 1 ? 1 : 0);
  area.focus();
  area.setSelectionRange(start, start);
});
window.addEventListener('beforeunload', (event) => { if (state.dirty) event.preventDefault(); });

fillPicker($('pick-clip'), 'clip');
fillPicker($('pick-image'), 'image');
$('yaml').value = state.yaml;
renderForm();
// The first check at once, so warnings about dated items show before anyone types.
check(state.model ? formBody() : { yaml: state.yaml }).catch(() => {});
