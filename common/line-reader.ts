import { StringDecoder } from 'node:string_decoder';
import { openInput } from './input.js';

/**
 * Calls `onLine(text, lineNumber)` for every line of a plain or compressed file (1-based
 * numbers, CR stripped). Resolves with the number of lines read. Splits decoded chunks
 * itself: node:readline costs several times more per line on the multi-MB RIR files.
 */
export async function readLines(path: string, onLine: (text: string, line: number) => void): Promise<number> {
  const input = await openInput(path);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let n = 0;
  const emit = (text: string) => onLine(text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text, ++n);
  for await (const chunk of input) {
    const text = rest + decoder.write(chunk as Buffer);
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      emit(text.slice(from, nl));
      from = nl + 1;
    }
    rest = text.slice(from);
  }
  rest += decoder.end();
  if (rest !== '') emit(rest);
  return n;
}
