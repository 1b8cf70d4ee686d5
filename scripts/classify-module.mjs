// Module for ../shared/classify/eval.mjs: exports classify(request) backed by the gateway's
// KeywordClassifier and the shipped categories (categories/*.json).
//   node ../shared/classify/eval.mjs ../shared/classify/dev.jsonl scripts/classify-module.mjs
// CLASSIFY_TOOLS_POLICY=intent or present selects another tools policy (default: auto).
// CLASSIFY_AGENT_WRAP=1 wraps each item without tools in the OpenClaw agent-turn fixture first
// (CLASSIFY_AGENT_FIXTURE overrides the fixture path); the wrapping happens in memory only.
import { readFileSync } from 'node:fs';
import { KeywordClassifier } from '../service/classify/keyword-classifier.ts';
import { CATEGORIES as categories } from '../service/classify/testdata/categories.ts';
import { wrapInAgentTurn } from './agent-wrap.ts';
import { OPENCLAW_FIXTURES } from '../service/classify/testdata/shared-dir.ts';

const classifier = new KeywordClassifier({ toolsPolicy: process.env.CLASSIFY_TOOLS_POLICY || 'auto' });
const fixturePath = process.env.CLASSIFY_AGENT_FIXTURE || `${OPENCLAW_FIXTURES}/agent-turn.request.json`;
const fixture = process.env.CLASSIFY_AGENT_WRAP ? JSON.parse(readFileSync(fixturePath, 'utf8')) : null;

const prepare = (request) => (fixture && !request.tools?.length && !request.functions?.length ? wrapInAgentTurn(fixture, request) : request);

export function classify(request) {
  return classifier.classify(prepare(request), categories).category;
}

/** The full Classification (scores and reasons), for debugging. */
export function explain(request) {
  return classifier.classify(prepare(request), categories);
}

export { categories, classifier };
export default classify;
