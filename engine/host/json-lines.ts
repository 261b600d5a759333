/**
 * Splits a byte stream into lines (the stdio transport: one JSON message per
 * line) without ever holding more than `limit` bytes of one line: a longer
 * line is skipped to its end and reported with its size, so a client cannot
 * run the engine out of memory with a line that never ends.
 */
export class LineSplitter {
  private parts: Uint8Array[] = [];
  private size = 0;
  private skipping = false;
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly limit: number,
    private readonly on: { line(text: string): void; tooLarge(bytes: number): void },
  ) {}

  push(chunk: Uint8Array): void {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      this.take(chunk.subarray(start, nl));
      this.finish();
      start = nl + 1;
    }
    this.take(chunk.subarray(start));
  }

  /** The stream ended: a last line without a newline still counts. */
  end(): void {
    if (this.size > 0 || this.skipping) this.finish();
  }

  private take(bytes: Uint8Array): void {
    this.size += bytes.length;
    if (this.skipping) return;
    if (this.size > this.limit) {
      this.skipping = true;
      this.parts = [];
    } else if (bytes.length > 0) this.parts.push(new Uint8Array(bytes)); // a copy: Buffer.slice would be a view
  }

  private finish(): void {
    if (this.skipping) this.on.tooLarge(this.size);
    else {
      const line = this.decoder.decode(concat(this.parts, this.size)); // a newline byte never sits inside a UTF-8 sequence
      this.on.line(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
    this.parts = [];
    this.size = 0;
    this.skipping = false;
  }
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
