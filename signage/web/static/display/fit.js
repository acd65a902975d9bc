// Typesetting for reading from across a lobby: text as large as its box allows, and a long
// body shrunk until it fits instead of being cut off at the bottom of the screen.

function overflows(box) {
  return box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1;
}

/**
 * Set the largest font size (px, between min and max) at which box does not overflow, and
 * return it. Children size themselves in em, so one number scales the whole block.
 */
export function fitText(box, min, max) {
  let low = Math.floor(min);
  let high = Math.ceil(max);
  box.style.fontSize = `${high}px`;
  if (!overflows(box)) return high;
  // Bisection: about eight layouts for any range of sizes a screen can have.
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    box.style.fontSize = `${middle}px`;
    if (overflows(box)) high = middle;
    else low = middle;
  }
  box.style.fontSize = `${low}px`;
  return low;
}

/**
 * Font size bounds for a block in a zone, as shares of its reading measure: big enough for
 * three metres, never silly. A portrait zone is narrow but tall, so it may use a little more
 * of its width than a landscape one, whose height is the limit.
 */
export function sizeRange(zone, largest) {
  const short = Math.min(zone.clientWidth * 1.25, zone.clientHeight * 1.6);
  return { min: Math.max(14, short * 0.018), max: Math.max(20, short * largest) };
}
