// Register the elements before Svelte renders them, so Svelte sets their properties (not attributes).
import 'trialkit/define';
import { mount } from 'svelte';
import App from './App.svelte';

mount(App, { target: document.getElementById('app')! });
