// trialkit's tags in Solid's JSX: `import type {} from 'trialkit/types/solid'` once (e.g. in a .d.ts
// of the app). Solid sets a custom element's props as properties (objects pass as they are) and
// listens with `on:<event-name>`; each listener gets the event's own class.
import type { JSX } from 'solid-js';
import type { TrialkitElements } from './elements.js';

/** `on:trial-finished`, ...: one listener per event, typed by the event's class. */
export type SolidEventProps<Events> = {
  [Name in keyof Events & string as `on:${Name}`]?: (event: Events[Name]) => void;
};

/** A trialkit tag's JSX props: the HTML attributes, its settable properties and its events. */
export type TrialkitSolidElements = {
  [Tag in keyof TrialkitElements]: JSX.HTMLAttributes<TrialkitElements[Tag]['element']> &
    TrialkitElements[Tag]['properties'] &
    SolidEventProps<TrialkitElements[Tag]['events']>;
};

declare module 'solid-js' {
  namespace JSX {
    interface IntrinsicElements extends TrialkitSolidElements {}
  }
}
