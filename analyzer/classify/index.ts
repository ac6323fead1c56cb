/** The classifier: (prefix, origin) → Finding with kinds, severity and a checkable why. */
import { Classifier, type ClassifierOptions } from './classifier.js';

export { Classifier, type ClassifierOptions, type ClassifyInput } from './classifier.js';
export { buildPrefixContext, type PrefixContext } from './context.js';
export { ABROAD_THRESHOLD, prefixKinds, withOriginKinds } from './kinds.js';
export { RIR_POLICIES, rirName, type RirPolicy, type OutOfRegionRule } from './policy.js';
export { severityOf, severityScore, FULL_VISIBILITY_PEERS } from './severity.js';
export { percent, whySentence, prefixWhy } from './why.js';

export function createClassifier(opts: ClassifierOptions): Classifier {
  return new Classifier(opts);
}
