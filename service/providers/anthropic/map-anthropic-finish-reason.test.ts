import { describe, expect, it } from 'vitest';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.ts';

describe('mapAnthropicFinishReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['something_new', 'stop'],
  ])('%s → %s', (reason, expected) => {
    expect(mapAnthropicFinishReason(reason)).toBe(expected);
  });

  it('is null while no reason is known', () => {
    expect(mapAnthropicFinishReason(null)).toBeNull();
    expect(mapAnthropicFinishReason(undefined)).toBeNull();
  });
});
