/**
 * What JupyterLab's packages expect of a browser and jsdom lacks, as JupyterLab's own test
 * setup provides it: @lumino/dragdrop extends DragEvent when it loads.
 */
if (typeof globalThis.DragEvent === 'undefined') {
  class DragEvent extends MouseEvent {
    readonly dataTransfer: DataTransfer | null = null;
  }
  globalThis.DragEvent = DragEvent as typeof globalThis.DragEvent;
}

// @microsoft/fast-foundation (JupyterLab's toolkit) asks for media queries when it loads.
if (typeof window.matchMedia !== 'function') {
  window.matchMedia = (query: string): MediaQueryList =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false
    }) as MediaQueryList;
}
