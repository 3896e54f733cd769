/**
 * Stands in for rc-util's getScrollBarSize (build.ts resolves `rc-util/es/getScrollBarSize` here).
 * rc-util measures a scroll bar by adding a <style> element with a random id, which the console's CSP
 * (`style-src 'self'`) refuses on every table; the console styles no scroll bar, so the browser's own
 * is measured with an element's inline style set through the DOM, which the CSP allows.
 */
function measure(): { width: number; height: number } {
  const box = document.createElement('div');
  box.style.position = 'absolute';
  box.style.left = '0';
  box.style.top = '0';
  box.style.width = '100px';
  box.style.height = '100px';
  box.style.overflow = 'scroll';
  document.body.appendChild(box);
  const size = { width: box.offsetWidth - box.clientWidth, height: box.offsetHeight - box.clientHeight };
  document.body.removeChild(box);
  return size;
}

let cached: { width: number; height: number } | undefined;

export default function getScrollBarSize(fresh?: boolean): number {
  if (typeof document === 'undefined') return 0;
  if (fresh || cached === undefined) cached = measure();
  return cached.width;
}

export function getTargetScrollBarSize(target: unknown): { width: number; height: number } {
  if (typeof document === 'undefined' || !(target instanceof Element)) return { width: 0, height: 0 };
  cached ??= measure();
  return cached;
}
