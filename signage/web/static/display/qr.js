// A tip's QR code, drawn from the path the server computed (module units): an <svg> built
// element by element, so nothing from the manifest is ever parsed as markup, and the
// screen needs no QR library and no network to show it.

const SVG = 'http://www.w3.org/2000/svg';
const QUIET_ZONE = 4; // modules of white around the code, as the standard asks

function svgElement(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

/** A figure with the code and a short line saying what to do, or null when there is none. */
export function qrFigure(qr) {
  const size = Number(qr && qr.size);
  if (!Number.isInteger(size) || size < 21 || typeof qr.path !== 'string') return null;
  const side = size + 2 * QUIET_ZONE;
  const svg = svgElement('svg', {
    viewBox: `${-QUIET_ZONE} ${-QUIET_ZONE} ${side} ${side}`,
    'shape-rendering': 'crispEdges',
    role: 'img',
    class: 'qr-code',
  });
  svg.append(
    svgElement('rect', {
      x: -QUIET_ZONE,
      y: -QUIET_ZONE,
      width: side,
      height: side,
      fill: '#fff',
    }),
  );
  svg.append(svgElement('path', { d: qr.path, fill: '#000' }));
  const figure = document.createElement('figure');
  figure.className = 'tip-qr';
  figure.dataset.url = String(qr.url || '');
  const label = document.createElement('figcaption');
  label.textContent = '手机扫码访问';
  figure.append(svg, label);
  return figure;
}
