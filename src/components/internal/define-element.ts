/**
 * The one way trialkit elements register: explicitly, idempotently, never at import (hosts with
 * scoped registries ask for this). Each element's `static define(tag)` calls it.
 */

/**
 * Registers `element` under `tag` unless that tag is taken. A class can be defined once, so a
 * class already registered under another tag is registered again as an empty subclass.
 */
export function defineElement(tag: string, element: CustomElementConstructor): void {
  if (customElements.get(tag)) return;
  customElements.define(tag, customElements.getName(element) ? class extends element {} : element);
}
