/**
 * One type for paginated endpoints, as openai-node's pages: awaited, it is one page; iterated with
 * `for await`, it is every item of every page from there on.
 */

/** The shape every page has: a token for the next page, absent on the last one. */
export interface Page {
  nextPageToken?: string;
}

/**
 * A page that is still on its way. `await` it for the page (`{ runs, nextPageToken }` and the
 * like), or `for await` over it for every item, following `nextPageToken` until the last page.
 * Nothing is sent until it is awaited or iterated; the first page is fetched once and shared.
 */
export class PagePromise<P extends Page, T> implements PromiseLike<P>, AsyncIterable<T> {
  private first: Promise<P> | undefined;

  /**
   * @param fetchPage fetches the page that `pageToken` names (the first one when undefined)
   * @param itemsOf the items of a page
   * @param pageToken where to start; undefined for the first page
   */
  constructor(
    private readonly fetchPage: (pageToken?: string) => Promise<P>,
    private readonly itemsOf: (page: P) => readonly T[],
    private readonly pageToken?: string,
  ) {}

  // biome-ignore lint/suspicious/noThenProperty: a page promise is awaitable by design
  then<A = P, B = never>(
    onFulfilled?: ((page: P) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.firstPage().then(onFulfilled, onRejected);
  }

  /** As `Promise.prototype.catch`, on the first page. */
  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<P | B> {
    return this.firstPage().catch(onRejected);
  }

  /** As `Promise.prototype.finally`, on the first page. */
  finally(onFinally?: (() => void) | null): Promise<P> {
    return this.firstPage().finally(onFinally);
  }

  /** Every item of this page and the pages after it, fetched one page at a time as they are consumed. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let page = await this.firstPage();
    for (;;) {
      yield* this.itemsOf(page);
      if (!page.nextPageToken) return;
      page = await this.fetchPage(page.nextPageToken);
    }
  }

  private firstPage(): Promise<P> {
    this.first ??= this.fetchPage(this.pageToken);
    return this.first;
  }
}
