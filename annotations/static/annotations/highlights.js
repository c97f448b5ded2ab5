// Draw claims as <mark> elements around the text they cover. Overlapping and nested claims split the
// text into segments; each segment is one <mark> listing every claim that covers it. Wrapping text
// nodes never changes the body's textContent, so offsets stay valid.

export function clearHighlights(root) {
  for (const mark of root.querySelectorAll("mark.hl")) mark.replaceWith(...mark.childNodes);
  root.normalize();
}

export function drawHighlights(root, map, claims) {
  clearHighlights(root);
  const events = new Map();
  const byId = new Map();
  for (const claim of claims) {
    const start = map.toUnits(claim.start);
    const end = map.toUnits(claim.end);
    if (end <= start) continue;
    byId.set(claim.id, { ...claim, length: end - start });
    addEvent(events, start, claim.id, 1);
    addEvent(events, end, claim.id, -1);
  }
  const points = [...events.keys()].sort((a, b) => a - b);
  const active = new Set();
  const nodes = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) nodes.push(walker.currentNode);

  let position = 0;
  let next = 0;
  const firstMark = new Map();
  for (const node of nodes) {
    const nodeEnd = position + node.data.length;
    let current = node;
    let currentStart = position;
    while (current) {
      while (next < points.length && points[next] <= currentStart) {
        for (const [id, change] of events.get(points[next])) {
          if (change > 0) active.add(id);
          else active.delete(id);
        }
        next += 1;
      }
      const segmentEnd = Math.min(next < points.length ? points[next] : Infinity, nodeEnd);
      const piece = current;
      current = segmentEnd < nodeEnd ? current.splitText(segmentEnd - currentStart) : null;
      if (active.size && piece.data.length) wrap(piece, [...active], byId, firstMark);
      currentStart = segmentEnd;
    }
    position = nodeEnd;
  }
  return firstMark;
}

function addEvent(events, point, id, change) {
  if (!events.has(point)) events.set(point, []);
  events.get(point).push([id, change]);
}

function wrap(piece, ids, byId, firstMark) {
  // The innermost (shortest) claim decides the colour and underline; nested claims show as darker.
  const claims = ids.map((id) => byId.get(id)).sort((a, b) => a.length - b.length);
  const mark = document.createElement("mark");
  mark.className = `hl hl-${claims[0].verdict}${claims.length > 1 ? " hl-overlap" : ""}`;
  mark.dataset.claims = claims.map((claim) => claim.id).join(" ");
  piece.replaceWith(mark);
  mark.append(piece);
  for (const claim of claims) {
    if (!firstMark.has(claim.id)) {
      firstMark.set(claim.id, mark);
    }
  }
}
