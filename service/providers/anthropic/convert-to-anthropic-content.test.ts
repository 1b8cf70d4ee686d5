import { describe, expect, it } from 'vitest';
import { convertToAnthropicContent, imageSource, parseDataUrl } from './convert-to-anthropic-content.ts';

describe('convertToAnthropicContent', () => {
  it('turns a string into one text block and drops an empty one', () => {
    expect(convertToAnthropicContent('hi')).toEqual([{ type: 'text', text: 'hi' }]);
    expect(convertToAnthropicContent('')).toEqual([]);
    expect(convertToAnthropicContent(null)).toEqual([]);
  });

  it('keeps text and image parts in order', () => {
    const blocks = convertToAnthropicContent([
      { type: 'text', text: 'What is in these?' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
      { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
      { type: 'text', text: '' },
    ]);
    expect(blocks).toEqual([
      { type: 'text', text: 'What is in these?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it('sends an inline PDF file part as a document block and skips parts with no equivalent', () => {
    const blocks = convertToAnthropicContent([
      { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
      { type: 'file', file: { file_id: 'file-123' } },
      { type: 'input_audio', input_audio: { data: 'AAA', format: 'wav' } },
    ]);
    expect(blocks).toEqual([{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'a.pdf' }]);
  });

  it('carries an ephemeral cache_control marker through', () => {
    const blocks = convertToAnthropicContent([{ type: 'text', text: 'long context', cache_control: { type: 'ephemeral' } }]);
    expect(blocks).toEqual([{ type: 'text', text: 'long context', cache_control: { type: 'ephemeral' } }]);
  });
});

describe('data URLs', () => {
  it('parses base64 data URLs, with extra parameters', () => {
    expect(parseDataUrl('data:image/jpeg;name=x.jpg;base64,/9j/4AAQ')).toEqual({ mediaType: 'image/jpeg', base64: '/9j/4AAQ' });
  });

  it('re-encodes percent-encoded payloads as base64', () => {
    expect(parseDataUrl('data:text/plain,hello%20world')).toEqual({ mediaType: 'text/plain', base64: Buffer.from('hello world').toString('base64') });
  });

  it('is null for anything that is not a data URL', () => {
    expect(parseDataUrl('https://example.com/a.png')).toBeNull();
    expect(imageSource('https://example.com/a.png')).toEqual({ type: 'url', url: 'https://example.com/a.png' });
  });
});
