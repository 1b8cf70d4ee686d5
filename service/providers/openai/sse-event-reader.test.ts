import { describe, expect, it } from 'vitest';
import { SseEventReader, SseLineTooLong } from './sse-event-reader.ts';

const feed = (reader: SseEventReader, ...parts: string[]) => parts.flatMap((p) => reader.push(Buffer.from(p)));

describe('SseEventReader', () => {
  it('reads events split anywhere, with LF, CRLF and CR line ends', () => {
    const reader = new SseEventReader(1024);
    const got = feed(reader, 'data: {"a":', '1}\n\ndata: {"b":2}\r', '\n\r\n: keep-alive\n\ndata: x\r\rdata: [DONE]\n\n');
    expect(got).toEqual(['{"a":1}', '{"b":2}', 'x', '[DONE]']);
    expect(reader.end()).toEqual([]);
  });

  it('joins multi-line data and ignores event, id and comment lines', () => {
    const reader = new SseEventReader(1024);
    expect(feed(reader, 'event: message\nid: 7\ndata: one\ndata:two\n\n')).toEqual(['one\ntwo']);
  });

  it('decodes a multi-byte character split across reads', () => {
    const reader = new SseEventReader(1024);
    const bytes = Buffer.from('data: "héllo"\n\n');
    const cut = bytes.indexOf(0xc3) + 1;
    expect([...reader.push(bytes.subarray(0, cut)), ...reader.push(bytes.subarray(cut))]).toEqual(['"héllo"']);
  });

  it('hands on a last event that lacks its blank line', () => {
    const reader = new SseEventReader(1024);
    expect(feed(reader, 'data: last')).toEqual([]);
    expect(reader.end()).toEqual(['last']);
  });

  it('refuses a line longer than its cap, even before the newline arrives', () => {
    const reader = new SseEventReader(100);
    expect(() => feed(reader, 'data: ' + 'x'.repeat(60), 'x'.repeat(60))).toThrow(SseLineTooLong);
  });
});
