// Vocabulary of the offered tools for the tools policy: what each tool does, as light-stemmed words
// of its name (weight 1; generic words 0.3) and of its description's first sentence (weight 0.5;
// generic words dropped). Built once per distinct tool set and kept in a small LRU.
import { tokenize } from './keyword-rules.ts';

export interface ToolInfo {
  name: string;
  description: string;
}

/** Light stemmer shared by task words and tool vocabulary: plural/-ed/-ing off, final e off. */
export function stem(word: string): string {
  let w = word;
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && (w.endsWith('ied') || w.endsWith('ies'))) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 4 && w.endsWith('es') && (w.endsWith('sses') || w.endsWith('xes') || w.endsWith('zes') || w.endsWith('ches') || w.endsWith('shes'))) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us')) w = w.slice(0, -1);
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

// Words that say nothing about what a tool does: function words, the stock phrases of tool
// descriptions, and the computing vocabulary every programming task shares with a coding agent's
// tools (file, path, command, output, string, run, read, write…). In a tool's name they still count,
// at low weight; in a description they do not count.
export const GENERIC = new Set(
  `a an the and or of to in on at by for from with without into onto over under as is are was were be been
  being it its this that these those there here which who whom what when where why how all any each every
  some many much more most less few one two three first second new old given specific certain based
  particular various other another same such only also just not no yes can could will would should may
  might must shall do does did done doing have has had get gets got make made take use used using uses
  call calls return returns find search look retrieve fetch provide provides show give tell let help want
  need know like please me my i you your we our us he she they them his her their info information detail
  details data value values result results list item items type types name names id ids key keys text
  string strings input output inputs outputs file files path paths directory folder content contents command
  commands query queries request response option options parameter parameters argument arguments default
  true false null current now user users thing things way ways work task tasks run runs running process
  write read edit create update delete add remove change check function functions tool tools method
  methods code single multiple otherwise including include includes containing contain contains supported
  support then than long short large small full partial exact directly alone end start stop via per within
  after before during between among through across about above below again already still yet own non empty unique
  final original several next last order follow group join mark limit require turn stay line pass open
  close keep hold bring send move place point part side kind sort form level state status mode step
  describe enable disable allow apply handle manage perform execute available possible able similar
  different general common main simple real whole other others`
    .split(/\s+/)
    .filter(Boolean)
    .map(stem),
);

export interface ToolVocab {
  /** stem → per-tool weights (index → weight); max over name/description for one tool. */
  index: Map<string, Map<number, number>>;
  /**
   * First PREFIX_LEN letters of longer stems → per-tool weights × 0.8: matches a verb with its noun
   * (convert/conversion, reserve/reservation, predict/prediction) when the exact stem misses.
   */
  prefixIndex: Map<string, Map<number, number>>;
  /** Whole tool names (lower case) → tool index; used for explicit mentions. */
  names: Map<string, number>;
  toolNames: string[];
  descriptionLengths: number[];
  /** Number of distinct name parts per tool. */
  nameParts: number[];
  /** stem → tools whose name has it. */
  nameIndex: Map<string, number[]>;
}

function splitName(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** What a tool does is said in its description's first sentence; the rest is usage detail. */
function firstSentence(description: string, max: number): string {
  const head = description.slice(0, max);
  const end = head.search(/[.;!?](?:\s|$)|\n/);
  return end > 0 ? head.slice(0, end) : head;
}

export const PREFIX_LEN = 6;

function raise(map: Map<string, Map<number, number>>, key: string, tool: number, weight: number): void {
  let perTool = map.get(key);
  if (!perTool) map.set(key, (perTool = new Map()));
  if ((perTool.get(tool) ?? 0) < weight) perTool.set(tool, weight);
}

function buildVocab(tools: readonly ToolInfo[], maxDescriptionChars: number): ToolVocab {
  const vocab: ToolVocab = { index: new Map(), prefixIndex: new Map(), names: new Map(), toolNames: tools.map((t) => t.name), descriptionLengths: tools.map((t) => t.description.length), nameParts: [], nameIndex: new Map() };
  tools.forEach((tool, i) => {
    if (tool.name) vocab.names.set(tool.name.toLowerCase(), i);
    const put = (s: string, weight: number, inName: boolean) => {
      if (s.length < 2 || (!inName && (s.length < 3 || GENERIC.has(s))) || /^\d+$/.test(s)) return;
      raise(vocab.index, s, i, weight);
      if (s.length >= PREFIX_LEN && !(inName && GENERIC.has(s))) raise(vocab.prefixIndex, s.slice(0, PREFIX_LEN), i, weight * 0.8);
      if (inName) {
        const list = vocab.nameIndex.get(s);
        if (!list) vocab.nameIndex.set(s, [i]);
        else if (!list.includes(i)) list.push(i);
      }
    };
    for (const word of tokenize(firstSentence(tool.description, maxDescriptionChars))) {
      for (const part of word.split(/[._'-]/)) put(stem(part), 0.5, false);
    }
    const parts = [...new Set(splitName(tool.name).map(stem))];
    vocab.nameParts.push(parts.length);
    for (const part of parts) put(part, GENERIC.has(part) ? 0.3 : 1, true);
  });
  return vocab;
}

const vocabCache = new Map<string, ToolVocab>();
const VOCAB_CACHE_SIZE = 64;

/** Same tool set: same names in order and same description lengths. */
function sameTools(vocab: ToolVocab, tools: readonly ToolInfo[]): boolean {
  if (vocab.toolNames.length !== tools.length) return false;
  for (let i = 0; i < tools.length; i++) {
    if (vocab.toolNames[i] !== tools[i].name || vocab.descriptionLengths[i] !== tools[i].description.length) return false;
  }
  return true;
}

/** The vocabulary of a tool set, from a small LRU keyed by a short digest and verified on a hit. */
export function vocabFor(tools: readonly ToolInfo[], maxDescriptionChars: number): ToolVocab {
  let chars = 0;
  for (const t of tools) chars += t.name.length * 31 + t.description.length;
  const key = `${maxDescriptionChars}|${tools.length}|${chars}|${tools[0]?.name ?? ''}|${tools[tools.length - 1]?.name ?? ''}`;
  const hit = vocabCache.get(key);
  if (hit && sameTools(hit, tools)) {
    vocabCache.delete(key);
    vocabCache.set(key, hit);
    return hit;
  }
  const vocab = buildVocab(tools, maxDescriptionChars);
  vocabCache.delete(key);
  vocabCache.set(key, vocab);
  if (vocabCache.size > VOCAB_CACHE_SIZE) vocabCache.delete(vocabCache.keys().next().value as string);
  return vocab;
}
