// Registers <trial-dashboard> and the elements it uses; the page's markup does the rest.
import 'trialkit/define';

const log = document.querySelector('#log');
document.querySelector('trial-dashboard').addEventListener('trial-finished', (event) => {
  log.textContent = `trial #${event.trial.number} ${event.trial.status} (was ${event.previousStatus})`;
});
