// Offsets in the article body. The API counts Unicode code points of the body's textContent (Python
// string indexes); the DOM counts UTF-16 code units. A TextMap converts between the two and between
// offsets and DOM ranges.

export class TextMap {
  constructor(root) {
    this.root = root;
    this.nodes = [];
    let units = 0;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      this.nodes.push({ node, start: units });
      units += node.data.length;
    }
    this.text = root.textContent;
    // unitOf[cp] = UTF-16 offset of code point cp; cpOf[unit] = code point offset at or before unit.
    this.unitOf = [];
    this.cpOf = new Int32Array(this.text.length + 1);
    let cp = 0;
    for (let unit = 0; unit < this.text.length; ) {
      this.unitOf.push(unit);
      const width = this.text.codePointAt(unit) > 0xffff ? 2 : 1;
      this.cpOf[unit] = cp;
      if (width === 2) this.cpOf[unit + 1] = cp + 1; // inside a surrogate pair: round up
      unit += width;
      cp += 1;
    }
    this.unitOf.push(this.text.length);
    this.cpOf[this.text.length] = cp;
    this.length = cp;
  }

  toUnits(cp) {
    return this.unitOf[Math.max(0, Math.min(cp, this.length))];
  }

  toCodePoints(unit) {
    return this.cpOf[Math.max(0, Math.min(unit, this.text.length))];
  }

  /** The code point offsets of a DOM range inside the root, or null when it is not inside. */
  offsetsOf(range) {
    if (!this.root.contains(range.startContainer) || !this.root.contains(range.endContainer)) return null;
    const start = this.unitsBefore(range.startContainer, range.startOffset);
    const end = this.unitsBefore(range.endContainer, range.endOffset);
    return { start: this.toCodePoints(start), end: this.toCodePoints(end) };
  }

  /** The code point offset of a point inside one of the root's text nodes, or null for any other node. */
  offsetAt(node, offset) {
    this.startOf ??= new Map(this.nodes.map((entry) => [entry.node, entry.start]));
    const start = this.startOf.get(node);
    return start === undefined ? null : this.toCodePoints(start + offset);
  }

  unitsBefore(container, offset) {
    const prefix = document.createRange();
    prefix.setStart(this.root, 0);
    prefix.setEnd(container, offset);
    return prefix.toString().length;
  }

  /** A DOM range for the code points [start, end). */
  rangeFor(start, end) {
    const range = document.createRange();
    const [startNode, startOffset] = this.locate(this.toUnits(start), false);
    const [endNode, endOffset] = this.locate(this.toUnits(end), true);
    range.setStart(startNode, startOffset);
    range.setEnd(endNode, endOffset);
    return range;
  }

  locate(unit, atEnd) {
    let low = 0;
    let high = this.nodes.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      const starts = this.nodes[middle].start;
      if (starts < unit || (!atEnd && starts === unit)) low = middle;
      else high = middle - 1;
    }
    const entry = this.nodes[low];
    if (!entry) return [this.root, 0];
    return [entry.node, Math.min(unit - entry.start, entry.node.data.length)];
  }
}
