// trialkit's tags in templates: their properties and events, typed by the package.
import type {} from 'trialkit/types/vue';
