/** Every event a trialkit component raises: one class per file, each with its `static type`. */
export { AnnotationRequestEvent } from './annotation-request-event.js';
export { StudySelectEvent } from './study-select-event.js';
export { type AlertRule, TrialAlertEvent } from './trial-alert-event.js';
export { TrialEditEvent } from './trial-edit-event.js';
export { TrialFilterChangeEvent } from './trial-filter-change-event.js';
export { TrialFinishedEvent } from './trial-finished-event.js';
export { TrialHoverEvent } from './trial-hover-event.js';
export { TrialLinkRequestEvent } from './trial-link-request-event.js';
export { TrialPinEvent } from './trial-pin-event.js';
export { TrialSelectEvent } from './trial-select-event.js';
export { ViewChangeEvent } from './view-change-event.js';
export { ZoomChangeEvent } from './zoom-change-event.js';
