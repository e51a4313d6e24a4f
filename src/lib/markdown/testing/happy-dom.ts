/**
 * Makes DOMPurify work under happy-dom, for unit tests only.
 *
 * happy-dom defines `nodeName` on subclass prototypes and leaves `Node.prototype.nodeName`
 * returning ''. DOMPurify (since 3.4.8) reads `nodeName` through the getter cached from
 * `Node.prototype`, so every element looks unknown: it removes `<body>`, stops walking and
 * returns its input unsanitized (cure53/DOMPurify#1457; its maintainers do not support
 * happy-dom). This getter defers to the most derived one, which is what browsers do.
 *
 * Even so, happy-dom parses some hostile raw HTML differently from browsers, so DOMPurify's own
 * verdict on raw HTML is only trustworthy in a real browser. What `renderMarkdown` produces from
 * the XSS corpus was checked to be byte-identical here and in Chromium.
 *
 * Call it before the first `renderMarkdown`, which creates the sanitizer lazily. Returns a
 * function that puts the original getter back.
 */
export function installHappyDomNodeNameFix(): () => void {
  const original = Object.getOwnPropertyDescriptor(Node.prototype, 'nodeName');
  if (!original) throw new Error('Node.prototype.nodeName is missing');
  Object.defineProperty(Node.prototype, 'nodeName', {
    configurable: true,
    get(this: Node): unknown {
      let proto = Object.getPrototypeOf(this) as object | null;
      while (proto && proto !== Node.prototype) {
        if (Object.hasOwn(proto, 'nodeName')) return Reflect.get(proto, 'nodeName', this);
        proto = Object.getPrototypeOf(proto) as object | null;
      }
      return original.get?.call(this);
    },
  });
  return () => {
    Object.defineProperty(Node.prototype, 'nodeName', original);
  };
}
