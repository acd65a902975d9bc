// Shared by the staff pages: confirmations and fetch with the session's CSRF token.
'use strict';

/** fetch() for the staff pages: JSON, same-origin cookies, and the CSRF token header. */
function staffFetch(url, options = {}) {
  const token = document.querySelector('meta[name=csrf-token]').content;
  const headers = { Accept: 'application/json', 'X-CSRF-Token': token, ...(options.headers || {}) };
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    options = { ...options, body: JSON.stringify(options.json) };
  }
  return fetch(url, { credentials: 'same-origin', ...options, headers });
}

/** A new element with attributes and text; text is always set as text, never as HTML. */
function el(tag, attributes = {}, text = null) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value);
  }
  if (text !== null) node.textContent = text;
  return node;
}

document.addEventListener('submit', (event) => {
  const question = event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

// A <select data-submit> sends its form when changed (inline handlers are refused by the CSP).
document.addEventListener('change', (event) => {
  if (event.target.matches('select[data-submit]')) event.target.form.submit();
});
