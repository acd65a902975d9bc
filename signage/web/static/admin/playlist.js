// The playlist editor: a form (items added, edited, dragged into order) and a YAML tab,
// both checked by the server as staff type, saved through the API with If-Match.
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

function mediaLabel(kind, id) {
  const found = data.media[kind].find((m) => m.id === id);
  return found ? `${found.title} (${found.id})` : `${id} ${T.missing}`;
}

function fillPicker(select, kind) {
  select.replaceChildren();
  for (const media of data.media[kind]) select.append(el('option', { value: media.id }, `${media.title} (${media.id})`));
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

function itemNode(item, index) {
  const li = el('li', { class: `item ${item.kind}`, draggable: 'true', 'data-index': index });
  const handle = el('span', { class: 'handle', title: T.drag, 'aria-hidden': 'true' }, '⠿');
  const kind = el('span', { class: 'kind' }, T[item.kind === 'clip' ? 'video' : item.kind]);
  const body = el('div', { class: 'fields' });
  if (item.kind === 'tip') {
    body.append(field(T.title, bind(el('input', { class: 'tip-title' }), item, 'title')));
    body.append(field(T.body, bind(el('textarea', { class: 'tip-body', rows: 3 }), item, 'body')));
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
  extra.append(field(T.dates, bind(el('input', { class: 'dates', placeholder: '2026-12-01..2026-12-07' }), item, 'dates')));
  if (item.days) extra.append(field(T.days, bind(el('input', { class: 'days' }), item, 'days')));
  if (item.time) extra.append(field(T.time, bind(el('input', { class: 'time' }), item, 'time')));
  body.append(extra);
  const tools = el('div', { class: 'tools' });
  for (const [label, step] of [[T.up, -1], [T.down, 1]]) {
    const button = el('button', { type: 'button', title: label, 'aria-label': label }, step < 0 ? '↑' : '↓');
    button.addEventListener('click', () => move(index, index + step));
    tools.append(button);
  }
  const remove = el('button', { type: 'button', class: 'danger remove' }, T.remove);
  remove.addEventListener('click', () => { state.model.items.splice(index, 1); renderItems(); changed(); });
  tools.append(remove);
  li.append(handle, kind, body, tools);
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

function move(from, to) {
  const items = state.model.items;
  if (to < 0 || to >= items.length || from === to) return;
  items.splice(to, 0, items.splice(from, 1)[0]);
  renderItems();
  changed();
}

function renderItems() {
  const list = $('items');
  list.replaceChildren(...state.model.items.map(itemNode));
  if (!state.model.items.length) list.append(el('li', { class: 'muted empty' }, T.empty));
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
  const list = $('issues');
  list.replaceChildren();
  for (const issue of result.issues) {
    const where = issue.line ? `${T.line.replace("%(line)s", issue.line)}: ` : "";
    const li = el('li', { class: issue.severity }, `${where}${issue.text || issue.message}`);
    if (issue.line) li.dataset.line = issue.line;
    list.append(li);
  }
  if (result.others) list.append(el('li', { class: 'warning' }, T.others));
  if (!list.children.length) list.append(el('li', { class: 'muted' }, T.ok));
}

async function check(body) {
  const response = await staffFetch(data.check_url, { method: 'POST', json: body });
  const result = await response.json();
  if (!response.ok) throw new Error(result.error?.text || result.error?.message || response.status);
  renderIssues(result);
  return result;
}

function formBody() { return { playlist: state.model, base: state.base }; }

function status(text) { $('status').textContent = text; }

function changed() {
  state.dirty = true;
  status(T.unsaved);
  clearTimeout(checkTimer);
  checkTimer = setTimeout(() => {
    const body = state.mode === 'form' ? formBody() : { yaml: $('yaml').value };
    check(body).then((result) => { if (state.mode === 'form') state.yaml = result.yaml; }).catch((error) => status(`${T.failed} ${error.message}`));
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
}

async function currentText() {
  if (state.mode === 'yaml') return $('yaml').value;
  return (await check(formBody())).yaml;
}

async function save(etag = state.etag) {
  status(T.saving);
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
      status(T.saved);
    } else if (response.status === 412) {
      await showConflict(text);
    } else if (response.status === 422) {
      // The API speaks English; the page's own check tells the same problems in its language.
      await check({ yaml: text }).catch(() => renderIssues({ issues: result.error.details || [] }));
      status(T.not_saved);
    } else {
      status(`${T.failed} ${result.error?.text || result.error?.message || response.status}`);
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
  status(T.conflict);
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
}

$('tab-form').addEventListener('click', () => showTab('form'));
$('tab-yaml').addEventListener('click', () => showTab('yaml'));
$('yaml').addEventListener('input', changed);
$('name').addEventListener('input', () => { state.model.name = $('name').value; changed(); });
$('save').addEventListener('click', () => save());
$('keep-mine').addEventListener('click', () => save(state.theirs.etag));
$('take-theirs').addEventListener('click', takeTheirs);
$('add-clip').addEventListener('click', () => $('pick-clip').value && addItem({ kind: 'clip', media: $('pick-clip').value }));
$('add-image').addEventListener('click', () => $('pick-image').value && addItem({ kind: 'image', media: $('pick-image').value, seconds: 10 }));
$('add-tip').addEventListener('click', () => {
  addItem({ kind: 'tip', title: '', body: '', seconds: 15 });
  const titles = document.querySelectorAll('.tip-title');
  titles[titles.length - 1].focus();
});
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
