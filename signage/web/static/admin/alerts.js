// The urgent message form: "all screens" and named screens exclude each other, and a
// confirmation names every screen that will show the message, and until when.
'use strict';

(() => {
  const form = document.getElementById('alert-form');
  const dialog = document.getElementById('confirm-alert');
  const boxes = [...form.querySelectorAll('input[name=targets]')];
  const everyScreen = boxes.find((box) => box.value === 'all');
  let confirmed = false;

  for (const box of boxes) {
    box.addEventListener('change', () => {
      if (!box.checked) return;
      // Ticking a group or screen unticks "all screens", and the other way round.
      for (const other of boxes) {
        if (other !== box && (box === everyScreen || other === everyScreen)) other.checked = false;
      }
    });
  }

  function chosenScreens() {
    const names = new Set();
    for (const box of boxes.filter((b) => b.checked)) {
      for (const name of JSON.parse(box.dataset.reaches)) names.add(name);
    }
    return [...names];
  }

  form.addEventListener('submit', (event) => {
    if (confirmed || !form.reportValidity()) return;
    event.preventDefault();
    const screens = chosenScreens();
    document.getElementById('confirm-text').textContent = form.elements.text.value.trim();
    document.getElementById('confirm-screens').textContent = screens.length ? screens.join('、') : '—';
    document.getElementById('confirm-until').textContent = form.elements.until.value.replace('T', ' ');
    document.getElementById('confirm-send').disabled = !screens.length;
    dialog.showModal();
  });
  document.getElementById('confirm-send').addEventListener('click', () => {
    confirmed = true;
    dialog.close();
    form.requestSubmit();
  });
  document.getElementById('confirm-back').addEventListener('click', () => dialog.close());
})();
