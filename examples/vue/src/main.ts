// Register the elements before Vue renders them, so Vue sets their properties (not attributes).
import 'trialkit/define';
import { createApp } from 'vue';
import App from './App.vue';

createApp(App).mount('#app');
