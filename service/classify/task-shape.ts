// The shape of a task, read from its structure rather than its topic words: a pleasantry around a
// real task, an imperative aimed at the computing environment (a shell task in plain words), a riddle,
// a Fermi estimate, a deduction over given premises, the closing question of a long paste, and the
// same cues in Chinese, whose text the word tokenizer cannot split. Each cue is a small closed set of
// function words or of the nouns of one domain, never a topic vocabulary. Compiled once; run on the
// bounded task text.

const CJK_RE = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]/;
/** The text has Chinese/Japanese characters (the word lists below do not reach it). */
export const hasCjk = (text: string): boolean => CJK_RE.test(text);
const CJK_ALL_RE = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]/g;
/** Number of Chinese/Japanese characters. */
export const cjkChars = (text: string): number => text.match(CJK_ALL_RE)?.length ?? 0;

// --- Pleasantries ------------------------------------------------------------------------------------
// A greeting or thanks counts only when the turn is nothing but one: around a task it is set aside.
const LEADING_PLEASANTRY_RE =
  /^(?:(?:hi|hello|hey|hiya|howdy|greetings|good (?:morning|afternoon|evening|day)|thanks|thank you|thx|ok(?:ay)?|so|yo|dear \w+|hola|bonjour|salut|hallo|ciao|olá|你好|您好|嗨|谢谢|哈喽)(?: there| all| everyone| again| guys| folks| so much)?[\s,!.:;~，！。、-]+)+/iu;
const TRAILING_PLEASANTRY_RE =
  /[\s,.!;:，。！]+(?:(?:many |much )?thanks(?: a lot| so much| in advance)?|thank you(?: so much| very much| in advance)?|thx|cheers|谢谢(?:你|您)?|多谢)[\s.!~。！]*$/iu;

/** The task without a pleasantry around it; the text itself when nothing else is left. */
export function withoutPleasantries(task: string): { text: string; removed: boolean } {
  let text = task.replace(LEADING_PLEASANTRY_RE, '');
  text = text.replace(TRAILING_PLEASANTRY_RE, '');
  text = text.trim();
  if (!text || text === task.trim()) return { text: task, removed: false };
  // Nothing but another pleasantry or a name is left: the turn is one.
  if (!/[\p{L}\p{N}]{2,}/u.test(text) || /^(?:how are you|how's it going|what's up|nice to meet you)\W*$/i.test(text)) return { text: task, removed: false };
  return { text, removed: true };
}

/** The turn is nothing but a pleasantry (a greeting, a thanks, a goodbye). */
export function isOnlyPleasantry(task: string): boolean {
  return /^(?:(?:hi|hello|hey|thanks|thank you|thx|cheers|bye|goodbye|see you|good (?:morning|night|evening|afternoon)|ok(?:ay)?|great|perfect|cool|nice|got it|awesome|(?:that|it) (?:works|worked|helped|helps)|makes sense|sounds good|understood|你好|谢谢|再见|好的)(?: there| so much| a lot| again| you| now| perfectly)?[\s,!.~。！，]*)+$/iu.test(task.trim());
}

// --- Shell and system tasks in plain words (C1) --------------------------------------------------------
const POLITE = new Set(['please', 'can', 'could', 'would', 'will', 'you', 'kindly', 'now', 'then', 'first', 'and', 'also', 'just', 'i', 'need', 'want', 'to', 'me', 'help', 'us', 'let', "let's", 'how', 'do', 'does', 'what', 'is', 'the', 'command', 'way', 'best']);
const SYSTEM_VERBS = new Set(
  `list show display print find search locate count create make delete remove copy move rename compress extract unzip zip archive
  download upload install uninstall update upgrade kill terminate start stop restart check convert mount unmount monitor sort replace
  clone merge push pull commit change set run execute backup sync tail watch format partition ping schedule grep chmod chown
  free clean clear empty recursively`.split(/\s+/).filter(Boolean),
);
// Nouns of the computing environment (files, processes, packages, version control, disks, networks).
const SYSTEM_OBJECTS = new Set(
  `file files directory directories folder folders subdirectories subfolders dir process processes pid package packages branch branches
  repo repository repositories commit commits disk disks partition partitions port ports container containers log logs service services
  daemon filesystem filesystems permission permissions kernel cpu ram swap symlink symlinks cron crontab ssh socket sockets volume volumes
  archive archives tarball terminal shell inode checksum checksums sudo dotfiles hostname ip dns firewall usb drive drives mountpoint
  extension extensions git docker npm pip apt brew systemd env pipeline vm network networks device devices database databases server servers`.split(/\s+/).filter(Boolean),
);

/** The task is an imperative (or "how do I …") aimed at the computing environment. */
export function systemTask(tokens: readonly string[]): boolean {
  let i = 0;
  while (i < tokens.length && i < 8 && POLITE.has(tokens[i])) i++;
  if (!SYSTEM_VERBS.has(tokens[i] ?? '')) return false;
  const end = Math.min(tokens.length, i + 16);
  for (let k = i + 1; k < end; k++) if (SYSTEM_OBJECTS.has(tokens[k])) return true;
  return false;
}

const ZH_SYSTEM_RE =
  /^(?:请|帮我|帮忙|如何|怎么|怎样|我想|我要|能否|可以)?\s*(?:列出|显示|查看|打印|查找|搜索|统计|创建|新建|删除|复制|移动|重命名|压缩|解压|下载|上传|安装|卸载|更新|升级|杀死|终止|启动|停止|重启|检查|转换|挂载|卸载|监视|监控|排序|替换|克隆|合并|提交|修改|设置|运行|执行|备份|同步|格式化|清理|清空)[^。？！\n]{0,40}?(?:文件|目录|文件夹|进程|软件包|包|分支|仓库|提交|磁盘|分区|端口|容器|镜像|日志|服务|文件系统|权限|环境变量|内核|内存|用户|终端|命令行|归档|压缩包|扩展名|哈希|配置)/u;
/** Programming anchors in Chinese (a function 函数 is maths too, so it is not one). */
const ZH_CODE_RE = /代码|程序|编程|脚本|算法|报错|编译|调试|数据库|正则表达式|源码|源代码|接口|命令行|终端命令|字符串|数组|链表|哈希表|二叉树|递归|变量|数据结构|时间复杂度|空间复杂度|shell|bash|SQL|Python|Java(?:Script)?|C\+\+/iu;
/** Asking for a function, class or program to be written ("写一个函数"): in maths a function is given or found (已知函数, 求函数), never written. */
const ZH_WRITE_CODE_RE = /(?:写|编写|实现|设计)(?:一个|一段|个)?(?:[\p{Script=Han}]{0,6}的)?(?:函数|方法|类|程序|代码|脚本|接口)/u;

export function zhSystemTask(task: string): boolean {
  return ZH_SYSTEM_RE.test(task.trim());
}
export function zhProgramming(task: string): boolean {
  return hasCjk(task) && (ZH_CODE_RE.test(task) || ZH_WRITE_CODE_RE.test(task));
}
const ZH_CODE_ALL_RE = new RegExp(ZH_CODE_RE.source, 'giu');
/** How many distinct Chinese programming anchors the text holds (two say more than one). */
export function zhProgrammingAnchors(task: string): number {
  if (!hasCjk(task)) return 0;
  return new Set((task.match(ZH_CODE_ALL_RE) ?? []).map((m) => m.toLowerCase())).size + (ZH_WRITE_CODE_RE.test(task) ? 1 : 0);
}

// --- A programming language named with a piece of code to write, in other languages (C1) -------------------
// "una función en Python", "ein Skript in Bash", "une fonction JavaScript": the noun for a piece of
// code in the European languages, next to a language's name.
const CODE_OBJECT_WORDS = String.raw`funci[oó]n|funciones|fonction|fonctions|funktion|funktionen|funzione|funzioni|fun[cç][aã]o|fun[cç][oõ]es|script|skript|programa|programme|programm|programma|c[oó]digo|codice|klasse|clase|classe|m[eé]todo|m[eé]thode|methode|algoritmo|algorithme|algorithmus|consulta|requête|abfrage`;
const LANGUAGE_NAMES = String.raw`python|java|javascript|typescript|c\+\+|c#|rust|golang|go|kotlin|swift|ruby|php|perl|scala|haskell|bash|powershell|sql|r|matlab|lua|dart`;
const CODE_OBJECT_WITH_LANGUAGE_RE = new RegExp(
  String.raw`\b(?:${CODE_OBJECT_WORDS})\b[^.?!\n]{0,40}?(?<![\w+#])(?:${LANGUAGE_NAMES})(?![\w+#])|(?<![\w+#])(?:${LANGUAGE_NAMES})(?![\w+#])[^.?!\n]{0,20}?\b(?:${CODE_OBJECT_WORDS})\b`,
  'iu',
);
export function codeObjectWithLanguage(task: string): boolean {
  return CODE_OBJECT_WITH_LANGUAGE_RE.test(task);
}

// --- A named language construct (C2) ----------------------------------------------------------------------
// "the yield keyword", "the spread operator", "a Python decorator": nouns that name a part of a
// programming language, not a topic word. ("statement" and "method" are left out: bank statements,
// the scientific method.)
const CONSTRUCT_RE = /\b(?:the|a|an|this|that)\s+[`'"]?[\w$@#.*?:!-]{1,24}[`'"]?\s+(?:keyword|operator|decorator|directive|annotation|macro|pragma|lambda|closure|generator|coroutine|destructor|constructor|getter|setter|enum|struct|typedef|namespace)s?\b/i;
export function languageConstruct(task: string): boolean {
  return CONSTRUCT_RE.test(task);
}

// --- Reasoning without digits (R4, R5) ------------------------------------------------------------------
const RIDDLE_RE =
  /\bwhat am i\b|\bwho am i\?|\bwhat (?:has|have|gets|goes|can|comes|is (?:it that|always|never))\b[^?\n]{3,80}\b(?:but|yet|without|and never|no)\b[^?\n]{1,60}\?|\briddle\b|\bbrain ?teaser\b|\blogic puzzle\b|\bpuzzle\b[^.?!\n]{0,40}\b(?:solve|answer)|谜语|脑筋急转弯|猜一猜|打一[\p{Script=Han}]/iu;
const ESTIMATE_RE =
  /\b(?:estimate|roughly|approximately|ballpark|back[- ]of[- ]the[- ]envelope|order of magnitude|fermi)\b[^.?!\n]{0,80}\bhow (?:many|much|long|far)\b|\bhow (?:many|much)\b[^.?!\n]{3,80}\b(?:are there|in the (?:world|us|united states|country|city)|does it take|would it take|would fit|could fit|fit in(?:to)?|in a (?:lifetime|year|day))\b|估算|估计一下|大约有多少|大概有多少/iu;
const DEDUCTION_RE =
  /\bwho (?:did it|done it|is (?:lying|the (?:thief|culprit|murderer|killer|liar|spy))|is telling the truth|must be (?:lying|guilty|the \w+))\b|\bwhich (?:of them|one of them|suspect|person)\b[^?\n]{0,40}\b(?:lying|guilty|truth|culprit)\b|\b(?:if|given that) (?:all|no|some|every)\b[^.?!\n]{1,60}\b(?:are|is)\b[^.?!\n]{1,60}\b(?:then|does it follow|can we conclude|must)\b|谁(?:是|在)?(?:小偷|凶手|罪犯|说谎|说了?真话|说了?假话)|谁说的是真话|只有一(?:个|人|句)(?:人)?(?:说|是)(?:了)?(?:真话|假话|对的)/iu;
// Chinese ordering premises: "甲比乙高" (A is taller than B).
const ZH_COMPARISON_RE = /[\p{Script=Han}A-Za-z]比[\p{Script=Han}A-Za-z]{1,4}(?:高|矮|大|小|重|轻|多|少|快|慢|长|短|老|年轻|早|晚|胖|瘦|远|近)/gu;

export function riddle(task: string): boolean {
  return RIDDLE_RE.test(task);
}
export function fermiEstimate(task: string): boolean {
  return ESTIMATE_RE.test(task);
}
export function deduction(task: string): boolean {
  return DEDUCTION_RE.test(task);
}
export function zhComparisons(task: string): number {
  ZH_COMPARISON_RE.lastIndex = 0;
  let n = 0;
  while (n < 4 && ZH_COMPARISON_RE.test(task)) n++;
  ZH_COMPARISON_RE.lastIndex = 0;
  return n;
}

// Chinese quantitative questions: 多少 (how many/much), 几个 (how many), 求/计算 (find/compute)…
const ZH_QUANT_RE = /多少|多久|多长时间|多远|多大|多重|几点|几(?:个|只|天|年|岁|次|人|本|辆|元|米|分钟|小时|倍|种)|求(?:出|得|解)?|计算|算出|等于|一共|总共|平均|概率|百分之|比例|至少|最多|最少|共有|余数|面积|周长|体积|速度|解方程/u;
export function zhQuantitative(task: string): boolean {
  return hasCjk(task) && ZH_QUANT_RE.test(task);
}

// --- Implementation asked (C4: code wins over reasoning) ---------------------------------------------------
const IMPLEMENT_RE =
  /\b(?:write|implement|code up)\b[^.?!\n]{0,40}\b(?:code|function|program|algorithm|method|class|script|solution in)\b|\byour task is to (?:write|implement|create a function)\b|\bimplement (?:a|an|the)\b|编写(?:一个)?(?:程序|函数|代码)|写(?:一个|一段)?(?:程序|代码|函数)|用(?:Python|Java|C\+\+|JavaScript|Go|Rust)/iu;
/** The task asks for an implementation (a problem posed for code, not for an answer). */
export function implementationAsked(task: string): boolean {
  return IMPLEMENT_RE.test(task);
}

// --- Long inputs ----------------------------------------------------------------------------------------
/** Characters above which a task is a paste whose closing question decides. */
export const LONG_TASK_CHARS = 1200;

/** The last paragraph (or last 300 characters) of a long paste: the instruction after the material. */
export function closingInstruction(task: string): string | null {
  if (task.length < LONG_TASK_CHARS) return null;
  const tail = task.slice(-400);
  const cut = tail.lastIndexOf('\n\n');
  const last = (cut >= 0 && tail.length - cut > 12 ? tail.slice(cut) : tail.slice(-300)).trim();
  return last.length >= 6 ? last : null;
}
