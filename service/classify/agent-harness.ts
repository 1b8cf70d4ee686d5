// Who is calling, for the tools policy `auto`: an agent harness (OpenClaw, Claude Code, Codex,
// Cline…) sends its whole tool kit and a long system prompt with every request, whatever the task,
// so its task decides the category and the tools only constrain the chain; an application that sends
// its handful of functions is asking for a call (rule T), whatever words it uses.
//
// A request is from a harness when any of these holds:
//   1. harness boilerplate was stripped from its user turns (timestamps, runtime lines, context blocks);
//   2. its tools include a harness kit: at least KIT_MIN workspace/shell primitives (read, write, edit,
//      exec, bash, grep, apply_patch, execute_command…), the tools a coding or personal agent carries;
//   3. it offers many tools (MANY_TOOLS or more) with a long system prompt (LONG_SYSTEM_CHARS or more).
import type { ChatRequest } from '../canonical/chat-types.ts';
import type { TaskText } from './task-text.ts';
import { offeredTools } from './tool-intent.ts';

export const KIT_MIN = 3;
export const MANY_TOOLS = 10;
export const LONG_SYSTEM_CHARS = 4000;

// Tool names of agent harnesses' workspace and shell primitives, lower case, separators removed.
const HARNESS_PRIMITIVES = new Set(
  `read write edit multiedit exec bash shell ls glob grep apply_patch applypatch str_replace_editor str_replace_based_edit_tool
  read_file write_file write_to_file edit_file replace_in_file list_files list_dir list_directory search_files file_search
  execute_command run_command run_terminal_cmd run_shell_command codebase_search todowrite todo_write notebookedit webfetch
  web_fetch update_plan view_image attempt_completion ask_followup_question process`
    .split(/\s+/)
    .filter(Boolean)
    .map((n) => n.replaceAll('_', '')),
);

export interface Caller {
  harness: boolean;
  /** Why, in words for /v1/classify's reasons. */
  why: string;
}

export function whoIsCalling(request: ChatRequest, task: TaskText): Caller {
  const tools = offeredTools(request);
  if (task.agentWrapped) return { harness: true, why: 'harness boilerplate in the user turn' };
  let kit = 0;
  for (const t of tools) if (HARNESS_PRIMITIVES.has(t.name.toLowerCase().replace(/[_\-. ]/g, ''))) kit++;
  if (kit >= KIT_MIN) return { harness: true, why: `a harness tool kit (${kit} workspace/shell tools)` };
  if (tools.length >= MANY_TOOLS && task.systemChars >= LONG_SYSTEM_CHARS) {
    return { harness: true, why: `${tools.length} tools and a ${Math.round(task.systemChars / 1000)} KB system prompt` };
  }
  return { harness: false, why: `${tools.length} tool${tools.length === 1 ? '' : 's'}, no harness signs` };
}
