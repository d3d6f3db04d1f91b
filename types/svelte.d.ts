// trialkit's tags in Svelte 5 markup (svelte-check): `import type {} from 'trialkit/types/svelte'`
// once (e.g. in src/app.d.ts). Svelte 5 sets a custom element's known properties as properties and
// listens to `on<event-name>` attributes; each listener gets the event's own class.
import type { HTMLAttributes } from 'svelte/elements';
import type { TrialkitElements } from './elements.js';

/** `ontrial-finished`, ...: one listener per event, typed by the event's class. */
export type SvelteEventProps<Events> = {
  [Name in keyof Events & string as `on${Name}`]?: (event: Events[Name]) => void;
};

/** A trialkit tag's attributes: the HTML ones, its settable properties and its events. */
export type TrialkitSvelteElements = {
  [Tag in keyof TrialkitElements]: HTMLAttributes<TrialkitElements[Tag]['element']> &
    TrialkitElements[Tag]['properties'] &
    SvelteEventProps<TrialkitElements[Tag]['events']>;
};

declare module 'svelte/elements' {
  interface SvelteHTMLElements extends TrialkitSvelteElements {}
}
