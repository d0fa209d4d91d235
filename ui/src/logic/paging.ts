// Paging through the attempt log with the service's cursors: forward with `next_cursor`,
// back by remembering the cursors that led to each page.

export class Pager {
  private stack: (string | undefined)[] = [undefined];
  private next: string | null = null;

  /** The cursor of the page being shown. */
  get cursor(): string | undefined {
    return this.stack[this.stack.length - 1];
  }

  /** 1 for the first page. */
  get page(): number {
    return this.stack.length;
  }

  get hasPrevious(): boolean {
    return this.stack.length > 1;
  }

  get hasNext(): boolean {
    return this.next !== null;
  }

  /** Records the `next_cursor` of the page just loaded. */
  loaded(nextCursor: string | null): void {
    this.next = nextCursor;
  }

  forward(): void {
    if (this.next !== null) {
      this.stack.push(this.next);
      this.next = null;
    }
  }

  back(): void {
    if (this.stack.length > 1) {
      this.stack.pop();
      this.next = null;
    }
  }

  /** Filters changed: start again at the first page. */
  reset(): void {
    this.stack = [undefined];
    this.next = null;
  }
}
