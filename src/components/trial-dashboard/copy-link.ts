/**
 * The header's "Copy link" button: copies a URL of the current view to the clipboard and says so
 * for a moment, in the button and in a polite live region for screen readers. Other links the
 * dashboard copies (a trial row's) go through `copy` too, so they say so the same way.
 */
import { html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';

/** How long "Copied" (or the failure) stays shown, in milliseconds. */
const MESSAGE_MS = 2000;

export class CopyLinkController implements ReactiveController {
  private message = '';
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The URL to copy, read at the moment of the click. */
    private readonly url: () => string,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
    this.message = '';
  }

  render(): TemplateResult {
    return html`<button class="copy-link" part="copy-link" @click=${() => this.copy(this.url())}>
        ${this.message === 'Copied' ? 'Copied' : 'Copy link'}
      </button>
      <span class="sr-only" role="status">${this.message}</span>`;
  }

  /** Copies `url` to the clipboard, then says whether that worked. */
  async copy(url: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(url);
      this.show('Copied');
    } catch {
      // No permission or no focus: say so rather than pretend.
      this.show('Could not copy the link');
    }
  }

  private show(message: string): void {
    this.message = message;
    this.host.requestUpdate();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.message = '';
      this.host.requestUpdate();
    }, MESSAGE_MS);
  }
}
