/// <reference lib="dom" />
/** The few DOM helpers the dashboard's views share. */

/**
 * The page's element with id `id`.
 * @throws Error when the page has none (the page and the script disagree).
 */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** A new element of `tag` holding `text`. */
export function textElement<K extends keyof HTMLElementTagNameMap>(tag: K, text: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.textContent = text;
  return element;
}
