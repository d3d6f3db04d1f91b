// trialkit's tags in markup: their properties and events, typed by the package.
import type {} from 'trialkit/types/svelte';
