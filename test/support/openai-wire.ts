// What an OpenAI-format response (JSON or SSE) says, read straight from its bytes: the
// expected side of conformance checks, independent of the gateway's own code.

export interface WireAnswer {
  text: string;
  refusal: string;
  toolCalls: Array<{ name: string; args: unknown }>;
  finish: string | null;
  usage: { prompt_tokens: number; completion_tokens: number; [k: string]: unknown } | null;
  /** For streams: an error event, and whether content came before it. */
  error: { message: string } | null;
  contentBeforeError: boolean;
}

export function readOpenAIJson(body: any): WireAnswer {
  const choice = body.choices?.[0];
  return {
    text: choice?.message?.content ?? '',
    refusal: choice?.message?.refusal ?? '',
    toolCalls: (choice?.message?.tool_calls ?? []).map((c: any) => ({ name: c.function.name, args: JSON.parse(c.function.arguments) })),
    finish: choice?.finish_reason ?? null,
    usage: body.usage ?? null,
    error: null,
    contentBeforeError: false,
  };
}

export function readOpenAISse(raw: string): WireAnswer {
  const answer: WireAnswer = { text: '', refusal: '', toolCalls: [], finish: null, usage: null, error: null, contentBeforeError: false };
  const args: Array<{ name: string; args: string }> = [];
  let reasoning = '';
  for (const event of raw.split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).trimStart())
      .join('\n');
    if (!data || data === '[DONE]') continue;
    const chunk = JSON.parse(data);
    if (chunk.error) {
      answer.error ??= chunk.error;
      // Reasoning is shown to the client too, so it counts as content already sent.
      answer.contentBeforeError = answer.text.length > 0 || answer.refusal.length > 0 || reasoning.length > 0 || args.length > 0;
      break;
    }
    for (const choice of chunk.choices ?? []) {
      answer.text += choice.delta?.content ?? '';
      answer.refusal += choice.delta?.refusal ?? '';
      reasoning += choice.delta?.reasoning ?? choice.delta?.reasoning_content ?? '';
      for (const call of choice.delta?.tool_calls ?? []) {
        const slot = (args[call.index] ??= { name: '', args: '' });
        slot.name ||= call.function?.name ?? '';
        slot.args += call.function?.arguments ?? '';
      }
      if (choice.finish_reason) answer.finish = choice.finish_reason;
    }
    if (chunk.usage) answer.usage = chunk.usage;
  }
  answer.toolCalls = args.map((a) => ({ name: a.name, args: JSON.parse(a.args || '{}') }));
  return answer;
}
